"""Every write of the email channel.

``do_receive_email`` is the one inbound path (SMTP listener, IMAP poller, ``email ingest``):
parse (never raises), thread, then ``tickets.actions.do_ingest_message`` and the email record
with its raw source in one transaction. A delivery report never opens a ticket: it marks the
address bouncing and lands on the ticket it concerns. ``do_queue_outbound`` records an email
for a customer-facing message and enqueues its sending after commit.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from cryptodesk.core import clock
from cryptodesk.core.aftercommit import grouped_enqueues
from cryptodesk.core.errors import ValidationFailed
from cryptodesk.core.ids import parse_id
from cryptodesk.core.memo import reference_scope
from cryptodesk.customers.actions import MAX_IDENTITY_LENGTH, identity_batch
from cryptodesk.customers.models import Identity
from cryptodesk.mail import tasks
from cryptodesk.mail.models import (
    AddressStatus,
    DeliveryStatus,
    Direction,
    EmailAddress,
    EmailMessage,
    Mailbox,
    MailKind,
)
from cryptodesk.mail.parser import MailPart, ParsedEmail, parse_email
from cryptodesk.mail.quotes import quote_start
from cryptodesk.tickets.actions import (
    Prepared,
    clean_filename,
    do_ingest_message,
    do_record_channel_event,
    guard_inbound,
    prepare_all,
    sanitize_html,
    text_from_html,
    validate_attachments,
)
from cryptodesk.tickets.models import Attachment, AuthorKind, EventKind, Message, Ticket
from cryptodesk.tickets.pipeline import Guarded, InboundAttachment, InboundMessage, Sender
from cryptodesk.tickets.realtime import grouped_broadcasts

logger = logging.getLogger(__name__)

# Our own subject tag, "[#123]"; the outbound subject is built with SUBJECT_TAG.
TICKET_TAG = re.compile(r"\[#(\d{1,18})\]")
SUBJECT_TAG = "[#{number}]"
UNKNOWN_SENDER = "unknown-sender@sender.invalid"
EMPTY_TEXT = "(This email has no text.)"


@dataclass
class Received:
    """What happened to one raw message: ``accepted`` (a new ticket message), ``duplicate``
    (seen before: nothing written), ``bounce`` (a delivery report, recorded) or ``failed``."""

    status: str
    ticket_number: int | None = None
    ticket_created: bool = False
    email_id: int | None = None
    problems: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def committed(self) -> bool:
        """The message is in the database: its raw copy may go and the sender may hear 250.
        ``failed`` and ``rate_limited`` are not; the sender or the poller tries again."""
        return self.status in ("accepted", "duplicate", "bounce")


def dedupe_key(parsed: ParsedEmail, raw: bytes) -> str:
    """Message-ID when there is a usable one, else the hash of the exact bytes."""
    if parsed.message_id and len(parsed.message_id) <= 190:
        return f"mid:{parsed.message_id}"
    return f"sha256:{hashlib.sha256(raw).hexdigest()}"


MAILBOX_CACHE_SECONDS = 10.0
_mailbox_cache: tuple[float, dict[str, Mailbox]] = (0.0, {})


def active_mailboxes() -> dict[str, Mailbox]:
    """Active mailboxes by lower-case address, re-read at most every few seconds (one query
    per message was a tenth of the inbound cost)."""
    global _mailbox_cache
    loaded_at, mailboxes = _mailbox_cache
    if time.monotonic() - loaded_at > MAILBOX_CACHE_SECONDS or not mailboxes:
        mailboxes = {m.address.lower(): m for m in Mailbox.objects.filter(active=True)}
        _mailbox_cache = (time.monotonic(), mailboxes)
    return mailboxes


def forget_mailboxes() -> None:
    """Drop the cached mailboxes (after editing them in this process, and in tests)."""
    global _mailbox_cache
    _mailbox_cache = (0.0, {})


def already_received(key: str) -> Received | None:
    """``duplicate`` with the stored email, if a message with this key is stored already."""
    found = EmailMessage.objects.filter(dedupe_key=key).values_list("ticket_id", "pk").first()
    if found is None:
        return None
    return Received(status="duplicate", ticket_number=found[0], email_id=found[1])


def mailbox_for(address: str | None, recipients: list[str]) -> Mailbox | None:
    """The mailbox named, else the first configured one among the recipients, else the
    first active mailbox."""
    mailboxes = active_mailboxes()
    if address:
        return mailboxes.get(address.lower())
    for recipient in recipients:
        if recipient.lower() in mailboxes:
            return mailboxes[recipient.lower()]
    return next(iter(mailboxes.values()), None)


def thread_ticket(parsed: ParsedEmail) -> int | None:
    """Our ticket number in the subject, else the ticket of a message this one answers."""
    tag = TICKET_TAG.search(parsed.subject)
    if tag:
        return parse_id(tag.group(1))
    ids = parsed.thread_ids
    if not ids:
        return None
    rows = dict(
        EmailMessage.objects.filter(msgid__in=ids, ticket__isnull=False).values_list(
            "msgid", "ticket_id"
        )
    )
    for message_id in ids:
        if message_id in rows:
            return rows[message_id]
    return None


def split_parts(parts: list[MailPart]) -> tuple[list[InboundAttachment], list[dict[str, object]]]:
    """Parts the ticket may store, and the others (kept only in the raw source) with why."""
    accepted: list[InboundAttachment] = []
    withheld: list[dict[str, object]] = []
    for part in parts:
        attachment = InboundAttachment(
            filename=part.filename, content_type=part.content_type, content=part.content
        )
        reason = ""
        if len(accepted) >= settings.CRYPTODESK_MAX_ATTACHMENTS:
            reason = "too_many"
        else:
            try:
                validate_attachments((attachment,))
            except ValidationFailed as error:
                reason = error.message
        if reason:
            withheld.append(
                {
                    "filename": clean_filename(part.filename),
                    "content_type": part.content_type,
                    "size": len(part.content),
                    "reason": reason,
                }
            )
        else:
            accepted.append(attachment)
    return accepted, withheld


def body_text(parsed: ParsedEmail) -> str:
    text = parsed.text
    if not text.strip() and parsed.html:
        text = text_from_html(sanitize_html(parsed.html))
    text = text.replace("\x00", "")
    if not text.strip():
        parsed.problem("empty_body")
        text = EMPTY_TEXT
    if len(text) > settings.CRYPTODESK_MAX_MESSAGE_CHARS:
        parsed.problem("truncated")
        text = text[: settings.CRYPTODESK_MAX_MESSAGE_CHARS - 200].rstrip() + "\n[…]"
    return text


def build_inbound(
    parsed: ParsedEmail, key: str, attachments: list[InboundAttachment], *, thread: bool = True
) -> InboundMessage:
    """The message for the pipeline; ``thread=False`` leaves finding its ticket for later (a
    batch threads each message when it stores it, after the ones before it in the batch)."""
    address = parsed.from_address
    local, _at, domain = address.rpartition("@")
    if (
        not local
        or "." not in domain
        or any(ch.isspace() for ch in address)
        or len(address) > MAX_IDENTITY_LENGTH
    ):
        parsed.problem("no_sender")
        address = UNKNOWN_SENDER
    html = parsed.html
    if len(html) > 4 * settings.CRYPTODESK_MAX_MESSAGE_CHARS:
        html = ""
    return InboundMessage(
        channel="email",
        sender=Sender(kind=Identity.Kind.EMAIL, value=address, name=parsed.from_name[:200]),
        text=body_text(parsed),
        html=html,
        subject=parsed.subject,
        idempotency_key=key,
        external_ids={"message_id": parsed.message_id} if parsed.message_id else {},
        attachments=tuple(attachments),
        ticket_number=thread_ticket(parsed) if thread else None,
        automated=parsed.kind != MailKind.NORMAL,
    )


def do_receive_email(
    raw: bytes,
    *,
    mailbox: Mailbox | None = None,
    envelope_from: str | None = None,
    recipients: list[str] | None = None,
) -> Received:
    """Take one raw message through the whole path, exactly once. Returns ``failed`` (and
    logs) instead of raising; the caller keeps the raw message for a retry."""
    try:
        return receive(raw, mailbox, envelope_from, list(recipients or []))
    except Exception as error:  # noqa: BLE001 - the caller answers 451 and keeps the raw bytes
        logger.exception("Could not ingest an email of %d bytes", len(raw))
        return Received(status="failed", error=f"{type(error).__name__}: {error}"[:500])


@dataclass(frozen=True)
class RawEmail:
    """One raw message and its envelope, for ``do_receive_emails``."""

    raw: bytes
    mailbox: Mailbox | None = None
    envelope_from: str | None = None
    recipients: tuple[str, ...] = ()


@dataclass
class _Pending:
    index: int
    item: RawEmail
    parsed: ParsedEmail
    key: str
    mailbox: Mailbox | None
    inbound: InboundMessage
    withheld: list[dict[str, object]]
    guarded: Guarded


def do_receive_emails(items: Sequence[RawEmail]) -> list[Received]:
    """``do_receive_email`` for many messages at once, with the same outcome for each: the
    models understand them as one batch and they commit in one transaction (a savepoint each),
    which is what lets one process store well over a hundred emails a second. A message that
    fails is rolled back alone and then taken through the single path; if the batch cannot
    commit, every message goes through the single path."""
    results: list[Received | None] = [None] * len(items)
    try:
        pending = _prepare_batch(items, results)
        if pending:
            prepared = prepare_all([p.guarded for p in pending])
            senders = [(p.inbound.sender.kind, p.inbound.sender.value) for p in pending]
            with grouped_broadcasts(), grouped_enqueues(), reference_scope():
                with transaction.atomic(), identity_batch(senders):
                    for entry, ready in zip(pending, prepared, strict=True):
                        results[entry.index] = _persist_in_batch(entry, ready)
    except Exception:  # noqa: BLE001 - nothing of the batch committed: one by one below
        logger.exception("A batch of %d emails fell back to one at a time", len(items))
        results = [None] * len(items)
    return [
        result if result is not None else _receive_one(item)
        for item, result in zip(items, results, strict=True)
    ]


def _receive_one(item: RawEmail) -> Received:
    return do_receive_email(
        item.raw,
        mailbox=item.mailbox,
        envelope_from=item.envelope_from,
        recipients=list(item.recipients),
    )


def _prepare_batch(items: Sequence[RawEmail], results: list[Received | None]) -> list[_Pending]:
    """Parse, deduplicate and guard; fill ``results`` for what needs no storing. Messages left
    as ``None`` (bounces, refused attachments, anything unusual) take the single path."""
    parsed_items = []
    for index, item in enumerate(items):
        parsed = parse_email(item.raw, envelope_from=item.envelope_from)  # never raises
        parsed_items.append((index, item, parsed, dedupe_key(parsed, item.raw)))
    known = {
        key: (ticket_id, pk)
        for key, ticket_id, pk in EmailMessage.objects.filter(
            dedupe_key__in=[key for *_rest, key in parsed_items]
        ).values_list("dedupe_key", "ticket_id", "pk")
    }
    pending = []
    for index, item, parsed, key in parsed_items:
        if key in known:
            ticket_id, pk = known[key]
            results[index] = Received(status="duplicate", ticket_number=ticket_id, email_id=pk)
            continue
        if parsed.kind == MailKind.BOUNCE:
            continue
        mailbox = item.mailbox or mailbox_for(None, list(item.recipients) or parsed.to_addresses)
        attachments, withheld = split_parts(parsed.parts)
        inbound = build_inbound(parsed, key, attachments, thread=False)
        try:
            guarded = guard_inbound(inbound)
        except ValidationFailed:
            continue
        pending.append(_Pending(index, item, parsed, key, mailbox, inbound, withheld, guarded))
    return pending


def _persist_in_batch(entry: _Pending, ready: Prepared) -> Received | None:
    try:
        inbound = entry.inbound
        number = thread_ticket(entry.parsed)  # sees the tickets of the batch's earlier messages
        if number is not None:
            inbound = inbound.with_changes(ticket_number=number)
            message = ready.guarded.message.with_changes(ticket_number=number)
            ready = Prepared(replace(ready.guarded, message=message), ready.understanding)
        # persist() runs in its own savepoint: a failure takes back this message only.
        return persist(
            entry.parsed,
            entry.item.raw,
            entry.key,
            inbound,
            entry.mailbox,
            entry.withheld,
            prepared=ready,
        )
    except Exception:  # noqa: BLE001 - rolled back to its savepoint; the single path retries
        logger.warning("Email %s left the batch for the single path", entry.key, exc_info=True)
        return None


def receive(
    raw: bytes, mailbox: Mailbox | None, envelope_from: str | None, recipients: list[str]
) -> Received:
    parsed = parse_email(raw, envelope_from=envelope_from)
    key = dedupe_key(parsed, raw)
    if (duplicate := already_received(key)) is not None:
        return duplicate
    if mailbox is None:
        mailbox = mailbox_for(None, recipients or parsed.to_addresses)
    if parsed.kind == MailKind.BOUNCE:
        return record_bounce(parsed, raw, key, mailbox)
    attachments, withheld = split_parts(parsed.parts)
    inbound = build_inbound(parsed, key, attachments)
    try:
        return persist(parsed, raw, key, inbound, mailbox, withheld)
    except ValidationFailed as error:
        # The pipeline refused something in it: keep the message with what surely passes,
        # everything else stays in the raw source.
        logger.warning("Email %s ingested without its attachments: %s", key, error.message)
        parsed.problem("mime_defect")
        withheld += [
            {
                "filename": clean_filename(a.filename),
                "content_type": a.content_type,
                "size": len(a.content),
                "reason": error.message,
            }
            for a in attachments
        ]
        return persist(parsed, raw, key, inbound.with_changes(attachments=()), mailbox, withheld)


def persist(
    parsed: ParsedEmail,
    raw: bytes,
    key: str,
    inbound: InboundMessage,
    mailbox: Mailbox | None,
    withheld: list[dict[str, object]],
    prepared: Prepared | None = None,
) -> Received:
    try:
        with transaction.atomic():
            # A prepared message comes from a batch that has just looked up its key.
            result = do_ingest_message(inbound, prepared, seen_check=prepared is None)
            if not result.created:
                return Received(status="duplicate", ticket_number=result.ticket.pk)
            message = result.message
            if result.ticket_created and mailbox is not None and mailbox.team_id is not None:
                # The mailbox's team takes tickets the triage stage left without one.
                Ticket.objects.filter(pk=result.ticket.pk, team__isnull=True).update(
                    team_id=mailbox.team_id
                )
            subject = parsed.subject
            if message.analysis.get("findings"):
                # The guard removed a recovery phrase or key: nothing unguarded may keep it.
                raw = redacted_raw(raw)
                parsed.problem("raw_redacted")
                subject = result.ticket.subject if result.ticket_created else ""
                withheld = [{**part, "filename": "?"} for part in withheld]
                withheld += drop_forwarded_emails(message)
            html = resolve_inline_images(message, parsed)
            if html != message.html:
                Message.objects.filter(pk=message.pk).update(html=html)
            record = EmailMessage.objects.create(
                message=message,
                ticket=result.ticket,
                mailbox=mailbox,
                direction=Direction.INBOUND,
                kind=parsed.kind,
                dedupe_key=key,
                msgid=parsed.message_id[:255],
                in_reply_to=parsed.in_reply_to[:255],
                references=parsed.references,
                subject=subject[:300],
                from_address=parsed.from_address[:320],
                to_addresses=parsed.to_addresses,
                raw=raw,
                raw_sha256=hashlib.sha256(raw).hexdigest(),
                raw_size=len(raw),
                parse_problems=parsed.problems,
                quote_start=quote_start(message.text),
                withheld_parts=withheld,
                created_at=message.created_at,
            )
    except IntegrityError:
        # The same message arrived twice at once (two mailboxes, an SMTP retry): the first wins.
        if (duplicate := already_received(key)) is None:
            raise
        return duplicate
    return Received(
        status="accepted",
        ticket_number=result.ticket.pk,
        ticket_created=result.ticket_created,
        email_id=record.pk,
        problems=list(parsed.problems),
    )


def drop_forwarded_emails(message: Message) -> list[dict[str, object]]:
    """A forwarded email kept as an ``.eml`` attachment of a message that carried a secret:
    the guard cannot read inside it (the secret is there, perhaps base64-encoded), so it is not
    kept. Returns the withheld-parts entries that say so."""
    dropped = list(Attachment.objects.filter(message=message, content_type="message/rfc822"))
    if not dropped:
        return []
    Attachment.objects.filter(pk__in=[a.pk for a in dropped]).delete()
    files = [a.file for a in dropped]
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])
    return [
        {"filename": "?", "content_type": a.content_type, "size": a.size, "reason": "secret"}
        for a in dropped
    ]


KEPT_WHEN_REDACTED = (
    b"from",
    b"to",
    b"cc",
    b"date",
    b"message-id",
    b"in-reply-to",
    b"references",
    b"auto-submitted",
)


def redacted_raw(raw: bytes) -> bytes:
    """What is kept of a message that carried a secret: its addressing headers only (a subject
    or any body part, in whatever encoding, could hold the secret)."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    kept: list[bytes] = []
    keeping = False
    for line in re.split(rb"\r?\n", head):
        if line[:1] in (b" ", b"\t"):
            if keeping:
                kept.append(line)
            continue
        keeping = line.split(b":", 1)[0].strip().lower() in KEPT_WHEN_REDACTED
        if keeping:
            kept.append(line)
    note = b"[cryptodesk: the rest of this email was removed because the secret guard found a "
    note += b"recovery phrase or private key in it]"
    return b"\r\n".join(kept) + b"\r\n\r\n" + note + b"\r\n"


def resolve_inline_images(message: Message, parsed: ParsedEmail) -> str:
    """Point ``cid:`` images of the stored HTML at the stored attachments."""
    html = message.html
    if "cid:" not in html:
        return html
    # The stored attachments are the parts not withheld, in the same order. Several inline
    # images often share a name ("image.png"), so each attachment is matched to one part only.
    stored = list(
        Attachment.objects.filter(message=message)
        .order_by("pk")
        .values_list("pk", "filename", "size")
    )
    for part in parsed.parts:
        wanted = (clean_filename(part.filename), len(part.content))
        match = next((row for row in stored if row[1:] == wanted), None)
        if match is None:
            continue  # withheld
        stored.remove(match)
        if part.content_id:
            url = reverse("tickets:attachment", args=[match[0]])
            # Only the whole id: "cid:ii" must not rewrite the start of "cid:ii_b".
            whole_id = rf"cid:{re.escape(part.content_id)}(?=[\"'\s>]|$)"
            html = re.sub(whole_id, url.replace("\\", "\\\\"), html)
    return html


# --- delivery reports ------------------------------------------------------------------------


def record_bounce(parsed: ParsedEmail, raw: bytes, key: str, mailbox: Mailbox | None) -> Received:
    report = parsed.report
    assert report is not None
    candidates = [report.original_message_id, *reversed(report.original_references)]
    candidates = [c for c in candidates if c]
    now = clock.now()
    try:
        with transaction.atomic():
            # Only one of our own emails can bounce: its Message-ID carries a random token a
            # stranger cannot guess, while a customer's Message-ID (seen by everyone in Cc) can
            # be quoted in a forged report.
            original = (
                EmailMessage.objects.select_for_update()
                .filter(msgid__in=candidates, direction=Direction.OUTBOUND, ticket__isnull=False)
                .order_by("-created_at")
                .first()
                if candidates
                else None
            )
            record = EmailMessage.objects.create(
                ticket_id=original.ticket_id if original else None,
                mailbox=mailbox,
                direction=Direction.INBOUND,
                kind=MailKind.BOUNCE,
                dedupe_key=key,
                msgid=parsed.message_id[:255],
                in_reply_to=report.original_message_id[:255],
                references=candidates[:50],
                subject=parsed.subject[:300],
                from_address=parsed.from_address[:320],
                to_addresses=parsed.to_addresses,
                raw=raw,
                raw_sha256=hashlib.sha256(raw).hexdigest(),
                raw_size=len(raw),
                parse_problems=parsed.problems,
                created_at=now,
            )
            # A report marks only addresses our email was sent to: anyone can mail us a report
            # naming any address, and that must not silence a customer's email.
            sent_to = {a.lower() for a in original.to_addresses} if original is not None else set()
            failed = report.failed if original is not None else []
            for recipient in failed:
                if recipient.address.strip().lower() not in sent_to:
                    continue  # forwarded onwards by the customer's server: not their address
                mark_bouncing(recipient.address, recipient.status, recipient.diagnostic, now)
            if original is not None:
                if failed:
                    original.delivery_status = DeliveryStatus.FAILED
                    original.last_error = (failed[0].diagnostic or failed[0].status)[:2000]
                    original.save(update_fields=["delivery_status", "last_error"])
                listed = failed or report.recipients
                first = listed[0] if listed else None
                do_record_channel_event(
                    original.ticket_id,  # type: ignore[arg-type]
                    EventKind.EMAIL,
                    {
                        "event": "bounce" if failed else "delivery_report",
                        "address": first.address if first else "",
                        "status": first.status if first else "",
                        "diagnostic": (first.diagnostic if first else "")[:300],
                        "email": record.pk,
                    },
                )
    except IntegrityError:
        if (duplicate := already_received(key)) is None:
            raise
        return duplicate
    return Received(
        status="bounce",
        ticket_number=original.ticket_id if original else None,
        email_id=record.pk,
        problems=list(parsed.problems),
    )


def mark_bouncing(address: str, status: str, diagnostic: str, at: datetime) -> None:
    address = address.strip().lower()[:320]
    if not address:
        return
    EmailAddress.objects.get_or_create(address=address)
    EmailAddress.objects.filter(address=address).update(
        status=AddressStatus.BOUNCING,
        bounce_count=F("bounce_count") + 1,
        last_status_code=status[:20],
        last_diagnostic=diagnostic[:2000],
        last_bounce_at=at,
    )


# --- outbound --------------------------------------------------------------------------------


def sending_mailbox(ticket: Ticket) -> Mailbox | None:
    """The mailbox the ticket came in on, else the first active one."""
    inbound = (
        EmailMessage.objects.filter(
            ticket=ticket, direction=Direction.INBOUND, mailbox__isnull=False
        )
        .select_related("mailbox")
        .order_by("created_at")
        .first()
    )
    if inbound is not None and inbound.mailbox is not None and inbound.mailbox.active:
        return inbound.mailbox
    return Mailbox.objects.filter(active=True).first()


def recipient_for(ticket: Ticket) -> str:
    last = (
        EmailMessage.objects.filter(
            ticket=ticket, direction=Direction.INBOUND, kind=MailKind.NORMAL
        )
        .exclude(from_address="")
        .order_by("-created_at")
        .first()
    )
    if last is not None and last.from_address != UNKNOWN_SENDER:
        return last.from_address
    identity = ticket.customer.identities.filter(kind=Identity.Kind.EMAIL).first()
    return identity.value if identity and identity.value != UNKNOWN_SENDER else ""


def outbound_subject(ticket: Ticket, replying: bool) -> str:
    tag = SUBJECT_TAG.format(number=ticket.pk)
    subject = TICKET_TAG.sub("", ticket.subject).strip()
    subject = re.sub(
        r"^((re|fw|fwd|回复|回覆|答复|轉寄|转发)\s*[:：]\s*)+", "", subject, flags=re.I
    )
    return f"{'Re: ' if replying else ''}{tag} {subject}".strip()


def do_queue_outbound(message_id: int) -> EmailMessage | None:
    """Record the email for a message meant for the customer and enqueue its sending after
    commit. Idempotent: a message has at most one outbound email."""
    message = (
        Message.objects.select_related("ticket", "ticket__customer").filter(pk=message_id).first()
    )
    if message is None or message.is_internal or message.author_kind == AuthorKind.CUSTOMER:
        return None
    ticket = message.ticket
    mailbox = sending_mailbox(ticket)
    answered = (
        EmailMessage.objects.filter(
            ticket=ticket, direction=Direction.INBOUND, kind=MailKind.NORMAL
        )
        .exclude(msgid="")
        .order_by("-created_at")
        .first()
    )
    references: list[str] = []
    in_reply_to = ""
    if answered is not None:
        in_reply_to = answered.msgid
        references = [*answered.references, answered.msgid][-20:]
    sender = mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL
    domain = sender.rpartition("@")[2]
    recipient = recipient_for(ticket)
    now = clock.now()
    with transaction.atomic():
        record, created = EmailMessage.objects.get_or_create(
            message=message,
            defaults={
                "ticket": ticket,
                "mailbox": mailbox,
                "direction": Direction.OUTBOUND,
                # Short and without spaces, so no mail client folds or encodes it.
                "msgid": f"<t{ticket.pk}.m{message.pk}.{secrets.token_hex(8)}"
                f"@{domain or 'cryptodesk.invalid'}>",
                "in_reply_to": in_reply_to,
                "references": references,
                "subject": outbound_subject(ticket, replying=answered is not None)[:300],
                "from_address": sender,
                "to_addresses": [recipient] if recipient else [],
                "raw_sha256": "",
                "delivery_status": DeliveryStatus.QUEUED,
                "created_at": now,
            },
        )
        if created:
            email_pk = record.pk
            transaction.on_commit(lambda: tasks.send_email.enqueue(email_pk))
    return record


def do_retry_outbound(record: EmailMessage) -> bool:
    """Send a failed email again (an agent's request). Returns False when it is not failed."""
    with transaction.atomic():
        updated = EmailMessage.objects.filter(
            pk=record.pk, direction=Direction.OUTBOUND, delivery_status=DeliveryStatus.FAILED
        ).update(delivery_status=DeliveryStatus.QUEUED, attempts=0, last_error="")
        if updated:
            email_pk = record.pk
            transaction.on_commit(lambda: tasks.send_email.enqueue(email_pk))
    return bool(updated)
