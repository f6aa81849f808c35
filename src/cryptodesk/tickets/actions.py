"""Every write to tickets and messages.

``do_ingest_message`` is the one entry point of the message path (DESIGN.md): guard, understand,
thread, triage, persist in one transaction, and only after commit publish events and enqueue
tasks. It is idempotent on the message's idempotency key.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

import nh3
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from cryptodesk.accounts.models import Agent, Role, Team
from cryptodesk.core import clock
from cryptodesk.core.aftercommit import enqueue_on_commit
from cryptodesk.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from cryptodesk.core.memo import remembered
from cryptodesk.customers.actions import do_get_or_create_customer
from cryptodesk.customers.models import Customer
from cryptodesk.guard.warnings import customer_warning
from cryptodesk.sla import tasks as sla_tasks
from cryptodesk.sla import tracking as sla_tracking
from cryptodesk.tickets import tasks
from cryptodesk.tickets.models import (
    STATUS_TRANSITIONS,
    Attachment,
    AuthorKind,
    Channel,
    CustomField,
    EventKind,
    Message,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketEvent,
)
from cryptodesk.tickets.pipeline import (
    Guarded,
    InboundAttachment,
    InboundMessage,
    Sender,
    Understanding,
    guard_stage,
    triage_stage,
    understand_all,
    understand_stage,
)
from cryptodesk.tickets.realtime import publish_on_commit

MAX_SUBJECT_CHARS = 300
MAX_TAGS = 20
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,49}$")
# Types a customer may attach: screenshots, statements, logs. Nothing a browser would execute.
ALLOWED_ATTACHMENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".zip": "application/zip",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".eml": "message/rfc822",
}
HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr",
    "i", "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip


@dataclass(frozen=True)
class IngestResult:
    ticket: Ticket
    message: Message
    created: bool
    ticket_created: bool


UNSET: Any = object()


@dataclass
class TicketChanges:
    """What an agent asked to change; ``None`` means "leave as it is". ``assignee_id`` and
    ``team_slug`` use the sentinel ``UNSET`` because ``None`` there means "clear"."""

    status: str | None = None
    priority: str | None = None
    subject: str | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None
    assignee_id: Any = UNSET
    team_slug: Any = UNSET


def now() -> datetime:
    return clock.now()


# --- validation -----------------------------------------------------------------------------


def sanitize_html(raw: str) -> str:
    if not raw:
        return ""
    return nh3.clean(
        raw,
        tags=HTML_TAGS,
        attributes={"a": {"href", "title"}, "img": {"src", "alt"}, "td": {"colspan"}},
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def text_from_html(raw: str) -> str:
    with_breaks = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>", "\n", raw)
    stripped = nh3.clean(with_breaks, tags=set())
    lines = [line.strip() for line in html_lib.unescape(stripped).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_filename(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable())
    return base.strip(" .")[:200] or "attachment"


def validate_attachments(attachments: tuple[InboundAttachment, ...]) -> None:
    if len(attachments) > settings.CRYPTODESK_MAX_ATTACHMENTS:
        raise ValidationFailed(
            _("At most %(count)d attachments per message.")
            % {"count": settings.CRYPTODESK_MAX_ATTACHMENTS},
            field="attachments",
        )
    for attachment in attachments:
        name = clean_filename(attachment.filename)
        suffix = PurePath(name).suffix.lower()
        if suffix not in ALLOWED_ATTACHMENT_TYPES:
            allowed = ", ".join(sorted(ALLOWED_ATTACHMENT_TYPES))
            raise ValidationFailed(
                _("'%(name)s' has a file type we do not accept. Allowed: %(allowed)s.")
                % {"name": name, "allowed": allowed},
                field="attachments",
            )
        if len(attachment.content) > settings.CRYPTODESK_MAX_ATTACHMENT_BYTES:
            limit_mb = settings.CRYPTODESK_MAX_ATTACHMENT_BYTES // (1 << 20)
            raise ValidationFailed(
                _("'%(name)s' is larger than %(limit)d MB.") % {"name": name, "limit": limit_mb},
                field="attachments",
            )
        if not attachment.content:
            raise ValidationFailed(_("'%(name)s' is empty.") % {"name": name}, field="attachments")


def validate_text(text: str, field_name: str = "body") -> str:
    text = text.replace("\x00", "").strip()
    if not text:
        raise ValidationFailed(_("The message is empty."), field=field_name)
    if len(text) > settings.CRYPTODESK_MAX_MESSAGE_CHARS:
        raise ValidationFailed(
            _("The message is longer than %(count)d characters.")
            % {"count": settings.CRYPTODESK_MAX_MESSAGE_CHARS},
            field=field_name,
        )
    return text


def validate_inbound(inbound: InboundMessage) -> InboundMessage:
    if inbound.channel not in Channel.values:
        raise ValidationFailed(
            _("Unknown channel '%(channel)s'.") % {"channel": inbound.channel}, field="channel"
        )
    html = sanitize_html(inbound.html)
    text = inbound.text if inbound.text.strip() else text_from_html(html)
    text = validate_text(text)
    subject = " ".join(inbound.subject.split())[:MAX_SUBJECT_CHARS]
    if inbound.requested_priority and inbound.requested_priority not in Priority.values:
        raise ValidationFailed(
            _("Priority must be one of %(values)s.") % {"values": ", ".join(Priority.values)},
            field="priority",
        )
    if inbound.idempotency_key is not None and not 0 < len(inbound.idempotency_key) <= 200:
        raise ValidationFailed(
            _("The idempotency key must have 1 to 200 characters."), field="idempotency_key"
        )
    validate_attachments(inbound.attachments)
    return inbound.with_changes(
        text=text, html=html, subject=subject, tags=tuple(normalize_tags(list(inbound.tags)))
    )


def normalize_tags(tags: list[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        name = "-".join(tag.strip().lower().split())
        if not TAG_PATTERN.match(name):
            raise ValidationFailed(
                _("'%(tag)s' is not a valid tag: use letters, digits, '-', '_', '.' or ':'.")
                % {"tag": tag},
                field="tags",
            )
        if name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed(
            _("At most %(count)d tags per ticket.") % {"count": MAX_TAGS}, field="tags"
        )
    return cleaned


def validate_custom_fields(values: dict[str, Any]) -> dict[str, Any]:
    definitions = {f.key: f for f in CustomField.objects.filter(active=True)}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        definition = definitions.get(key)
        if definition is None:
            raise ValidationFailed(
                _("There is no custom field '%(key)s'.") % {"key": key},
                field=f"custom_fields.{key}",
            )
        if value is None:
            cleaned[key] = None
            continue
        kind = definition.field_type
        ok = (
            (kind == CustomField.FieldType.TEXT and isinstance(value, str) and len(value) <= 1000)
            or (
                kind == CustomField.FieldType.NUMBER
                and isinstance(value, int | float | str)
                and _is_number(value)
            )
            or (kind == CustomField.FieldType.CHOICE and value in definition.choices)
            or (kind == CustomField.FieldType.CHECKBOX and isinstance(value, bool))
        )
        if not ok:
            raise ValidationFailed(
                _("'%(value)s' is not a valid value for '%(label)s' (%(kind)s).")
                % {"value": value, "label": definition.label, "kind": kind},
                field=f"custom_fields.{key}",
            )
        cleaned[key] = str(value) if kind == CustomField.FieldType.NUMBER else value
    return cleaned


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return Decimal(str(value).strip()).is_finite()
    except InvalidOperation:
        return False


# --- helpers inside a transaction ------------------------------------------------------------


def record_event(
    ticket: Ticket,
    kind: str,
    *,
    actor_kind: str,
    actor: Agent | None = None,
    message: Message | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> TicketEvent:
    event = new_event(
        ticket, kind, actor_kind=actor_kind, actor=actor, message=message, data=data, at=at
    )
    event.save()
    return event


def new_event(
    ticket: Ticket,
    kind: str,
    *,
    actor_kind: str,
    actor: Agent | None = None,
    message: Message | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> TicketEvent:
    """An event not yet stored (for ``TicketEvent.objects.bulk_create``)."""
    return TicketEvent(
        ticket=ticket,
        kind=kind,
        actor_kind=actor_kind,
        actor_agent=actor,
        message=message,
        data=data or {},
        created_at=at or now(),
    )


def store_attachments(message: Message, attachments: tuple[InboundAttachment, ...]) -> None:
    for attachment in attachments:
        name = clean_filename(attachment.filename)
        suffix = PurePath(name).suffix.lower()
        stored = Attachment(
            message=message,
            filename=name,
            content_type=ALLOWED_ATTACHMENT_TYPES[suffix],
            size=len(attachment.content),
            sha256=hashlib.sha256(attachment.content).hexdigest(),
        )
        # The stored name is random: a customer's file name never becomes a path.
        stored.file.save(
            f"{stored.sha256[:16]}{suffix}", ContentFile(attachment.content), save=False
        )
        stored.save()


def set_tags(ticket: Ticket, names: list[str]) -> None:
    tags = []
    for name in names:
        tag, _ = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    ticket.tags.set(tags)


def find_thread(inbound: InboundMessage, customer: Customer) -> Ticket | None:
    """The open ticket this message continues, locked for update, or None for a new ticket."""
    if inbound.ticket_number is None:
        return None
    ticket = (
        Ticket.objects.select_for_update()
        .filter(pk=inbound.ticket_number, customer=customer)
        .exclude(status=Status.CLOSED)
        .first()
    )
    return ticket


def deliver_on_commit(message: Message) -> None:
    """Send a message meant for the customer out through its channel once the transaction
    commits. Channels register their sender in ``settings.CRYPTODESK_OUTBOUND``; the others
    (web form, API) deliver by showing the ticket to the customer."""
    if message.is_internal or message.author_kind == AuthorKind.CUSTOMER:
        return
    path = settings.CRYPTODESK_OUTBOUND.get(message.channel)
    if path is None:
        return
    deliver = import_string(path)
    message_id = message.pk
    transaction.on_commit(lambda: deliver(message_id))


def notify_after_commit(agent_id: int, event_id: int) -> None:
    enqueue_on_commit(lambda: tasks.notify_agent.enqueue(agent_id, event_id))


# --- the message path ------------------------------------------------------------------------


def existing_result(key: str) -> IngestResult | None:
    message = Message.objects.select_related("ticket").filter(idempotency_key=key).first()
    if message is None:
        return None
    return IngestResult(ticket=message.ticket, message=message, created=False, ticket_created=False)


@dataclass(frozen=True)
class Prepared:
    """A message validated, guarded and understood: what is left is storing it."""

    guarded: Guarded
    understanding: Understanding


def guard_inbound(inbound: InboundMessage) -> Guarded:
    """Validate, then remove secrets: raises ``ValidationFailed`` for a message we refuse."""
    return guard_stage()(validate_inbound(inbound))


def prepare_all(guarded: Sequence[Guarded]) -> list[Prepared]:
    """Understand guarded messages together: the models cost far less per message in a batch."""
    understandings = understand_all([g.message for g in guarded])
    return [Prepared(g, u) for g, u in zip(guarded, understandings, strict=True)]


def do_ingest_message(
    inbound: InboundMessage, prepared: Prepared | None = None, *, seen_check: bool = True
) -> IngestResult:
    """Take one customer message from any channel through the whole path, exactly once.
    ``prepared`` is this message already guarded and understood (by ``prepare_all``).
    ``seen_check=False`` is for a caller that has just looked the key up itself, inside its
    own savepoint: the look-up is skipped, the unique constraint still decides, and a
    duplicate surfaces as ``IntegrityError`` for that caller to handle."""
    key = f"{inbound.channel}:{inbound.idempotency_key}" if inbound.idempotency_key else None
    if seen_check and key is not None and (found := existing_result(key)) is not None:
        return found
    if prepared is None:
        guarded = guard_inbound(inbound)
        prepared = Prepared(guarded, understand_stage()(guarded.message))
    guarded, understanding = prepared.guarded, prepared.understanding
    if not seen_check:
        # The caller's own savepoint takes back a concurrent duplicate and reports it.
        with transaction.atomic(savepoint=False):
            return persist_inbound(guarded.message, guarded, understanding, key)
    try:
        with transaction.atomic():
            return persist_inbound(guarded.message, guarded, understanding, key)
    except IntegrityError:
        # A concurrent delivery of the same message won the race: return its result.
        if key is not None and (found := existing_result(key)) is not None:
            return found
        raise


def team_by_slug(slug: str) -> Team | None:
    return remembered(("team", slug), lambda: Team.objects.filter(slug=slug).first())


def persist_inbound(
    inbound: InboundMessage, guarded: Guarded, understanding: Understanding, key: str | None
) -> IngestResult:
    at = inbound.received_at or now()
    customer = do_get_or_create_customer(
        inbound.sender.kind,
        inbound.sender.value,
        name=inbound.sender.name,
        language=understanding.language,
    )
    ticket = find_thread(inbound, customer)
    events: list[TicketEvent] = []
    ticket_created = ticket is None
    if ticket is None:
        triage = triage_stage()(inbound, understanding, guarded, customer)
        ticket = Ticket(
            subject=inbound.subject or inbound.text.splitlines()[0][:120],
            channel=inbound.channel,
            customer=customer,
            language=understanding.language,
            intent=understanding.intent,
            is_security_case=guarded.is_security_case,
            topic=triage.topic,
            team=team_by_slug(triage.team_slug) if triage.team_slug else None,
            created_at=at,
            updated_at=at,
            last_customer_message_at=at,
        )
        # A security case is urgent whatever the triage stage said (the ticket is stored
        # once, so a later raise would never reach the database).
        ticket.set_priority(Priority.URGENT if guarded.is_security_case else triage.priority)
        tier_team_id = sla_tracking.team_for_tier(customer.tier)
        if tier_team_id is not None and not guarded.is_security_case:
            ticket.team_id = tier_team_id  # a dedicated desk for this tier (VIP)
        targets = sla_tracking.start_clocks(ticket, customer, at)
        ticket.save()
        sla_tracking.store_targets(ticket, targets)
        if triage.tags:
            set_tags(ticket, list(triage.tags))
        sla_tasks.after_ticket_created_on_commit(
            ticket.pk, acknowledge=inbound.channel != Channel.CHAT and not inbound.automated
        )
        # Stored together with the message's event below (one INSERT for both).
        events.append(
            new_event(
                ticket,
                EventKind.CREATED,
                actor_kind=AuthorKind.CUSTOMER,
                data={"channel": inbound.channel, "priority": ticket.priority},
                at=at,
            )
        )
    message = Message.objects.create(
        ticket=ticket,
        author_kind=AuthorKind.CUSTOMER,
        author_customer=customer,
        channel=inbound.channel,
        text=inbound.text,
        html=inbound.html,
        idempotency_key=key,
        external_ids=inbound.external_ids,
        analysis={
            "understanding": understanding.as_json(),
            "findings": [f.kind for f in guarded.findings],
        },
        created_at=at,
    )
    store_attachments(message, inbound.attachments)
    message_event = new_event(
        ticket, EventKind.MESSAGE, actor_kind=AuthorKind.CUSTOMER, message=message, at=at
    )
    events.append(message_event)
    TicketEvent.objects.bulk_create(events)
    if guarded.is_security_case:
        events += mark_security_case(ticket, guarded, at)
        events.append(add_security_warning(ticket, customer, understanding.language, at))
    if not ticket_created:
        sla_tracking.on_customer_message(ticket, customer, at, automated=inbound.automated)
        if ticket.status in (Status.PENDING, Status.ON_HOLD, Status.SOLVED):
            events.append(
                record_event(
                    ticket,
                    EventKind.STATUS,
                    actor_kind=AuthorKind.SYSTEM,
                    data={"from": ticket.status, "to": Status.OPEN, "reason": "customer_reply"},
                    at=at,
                )
            )
            ticket.status = Status.OPEN
            ticket.solved_at = None
        ticket.last_customer_message_at = at
        ticket.updated_at = at
        ticket.save(
            update_fields=[
                "status",
                "solved_at",
                "last_customer_message_at",
                "updated_at",
                "is_security_case",
                "priority",
                "priority_rank",
                *sla_tracking.SLA_TICKET_FIELDS,
            ]
        )
        if understanding.anger:
            from cryptodesk.complaints.actions import on_angry_customer_message

            on_angry_customer_message(ticket, at)
    publish_on_commit(ticket, events)
    if ticket.assignee_id is not None:
        notify_after_commit(ticket.assignee_id, message_event.pk)
    return IngestResult(ticket=ticket, message=message, created=True, ticket_created=ticket_created)


def mark_security_case(ticket: Ticket, guarded: Guarded, at: datetime) -> list[TicketEvent]:
    """A secret was removed: the ticket becomes an urgent security case (once)."""
    kinds = sorted({finding.kind for finding in guarded.findings})
    events = [
        record_event(
            ticket,
            EventKind.SECURITY,
            actor_kind=AuthorKind.SYSTEM,
            data={"findings": kinds},
            at=at,
        )
    ]
    ticket.is_security_case = True
    if ticket.priority != Priority.URGENT:
        events.append(
            record_event(
                ticket,
                EventKind.PRIORITY,
                actor_kind=AuthorKind.SYSTEM,
                data={"from": ticket.priority, "to": Priority.URGENT, "reason": "security_case"},
                at=at,
            )
        )
        ticket.set_priority(Priority.URGENT)
    return events


def add_security_warning(
    ticket: Ticket, customer: Customer, language: str, at: datetime
) -> TicketEvent:
    """Tell the customer, in their language, to treat the wallet as exposed."""
    warning = Message.objects.create(
        ticket=ticket,
        author_kind=AuthorKind.SYSTEM,
        channel=ticket.channel,
        text=customer_warning(language or customer.language),
        created_at=at,
    )
    deliver_on_commit(warning)
    return record_event(
        ticket, EventKind.MESSAGE, actor_kind=AuthorKind.SYSTEM, message=warning, at=at
    )


# --- agent writes ----------------------------------------------------------------------------


def lock_ticket(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("assignee", "team")
        .get(pk=ticket.pk)
    )


def do_add_agent_message(
    agent: Agent,
    ticket: Ticket,
    text: str,
    *,
    internal: bool = False,
    html: str = "",
    attachments: tuple[InboundAttachment, ...] = (),
    idempotency_key: str | None = None,
    status: str | None = None,
    at: datetime | None = None,
) -> tuple[Message, bool]:
    """Add a reply or an internal note; returns (message, created). ``ticket`` must come from
    an access_* query. A public reply is the first response if none was given yet."""
    key = f"agent:{agent.pk}:{idempotency_key}" if idempotency_key else None
    if key is not None and (found := existing_result(key)) is not None:
        return found.message, False
    text = validate_text(text)
    validate_attachments(attachments)
    # An agent never needs a customer's secret either: whatever was pasted is redacted.
    guarded = guard_stage()(
        InboundMessage(
            channel=ticket.channel,
            sender=Sender(kind="agent", value=str(agent.pk), name=agent.display_name),
            text=text,
            html=html,
            attachments=attachments,
        )
    )
    text, html, attachments = (
        guarded.message.text,
        guarded.message.html,
        guarded.message.attachments,
    )
    at = at or now()
    try:
        with transaction.atomic():
            locked = lock_ticket(ticket)
            if locked.status == Status.CLOSED:
                raise InvalidTransition(
                    _("Ticket %(number)d is closed; a new message needs a new ticket.")
                    % {"number": locked.pk},
                    field="status",
                )
            message = Message.objects.create(
                ticket=locked,
                author_kind=AuthorKind.AGENT,
                author_agent=agent,
                channel=locked.channel,
                text=text,
                html=sanitize_html(html),
                is_internal=internal,
                idempotency_key=key,
                created_at=at,
            )
            store_attachments(message, attachments)
            deliver_on_commit(message)
            events = [
                record_event(
                    locked,
                    EventKind.MESSAGE,
                    actor_kind=AuthorKind.AGENT,
                    actor=agent,
                    message=message,
                    data={"internal": internal},
                    at=at,
                )
            ]
            fields = ["updated_at"]
            if not internal and locked.first_response_at is None:
                locked.first_response_at = at
                fields.append("first_response_at")
            if not internal:
                sla_tracking.on_agent_reply(locked, at)
                fields += sla_tracking.SLA_TICKET_FIELDS
            target = status or (
                Status.OPEN if not internal and locked.status == Status.NEW else None
            )
            if target and target != locked.status:
                events.append(change_status(locked, target, agent, at))
                fields += ["status", "solved_at", "closed_at", *sla_tracking.SLA_TICKET_FIELDS]
            locked.updated_at = at
            locked.save(update_fields=fields)
            publish_on_commit(locked, events)
    except IntegrityError:
        if key is not None and (found := existing_result(key)) is not None:
            return found.message, False
        raise
    return message, True


def change_status(ticket: Ticket, target: str, actor: Agent | None, at: datetime) -> TicketEvent:
    if target not in Status.values:
        raise ValidationFailed(
            _("Status must be one of %(values)s.") % {"values": ", ".join(Status.values)},
            field="status",
        )
    if target not in STATUS_TRANSITIONS[Status(ticket.status)]:
        raise InvalidTransition(
            _("A %(current)s ticket cannot become %(target)s.")
            % {"current": ticket.status, "target": target},
            field="status",
        )
    event = record_event(
        ticket,
        EventKind.STATUS,
        actor_kind=AuthorKind.AGENT if actor else AuthorKind.SYSTEM,
        actor=actor,
        data={"from": ticket.status, "to": target},
        at=at,
    )
    previous = ticket.status
    ticket.status = target
    if target == Status.SOLVED:
        ticket.solved_at = at
        # A complaint on the ticket becomes resolved and schedules its follow-up (issue 3).
        from cryptodesk.complaints.actions import on_ticket_solved

        on_ticket_solved(ticket, at)
    elif target == Status.CLOSED:
        ticket.closed_at = at
    else:
        ticket.solved_at = None
    sla_tracking.on_status_change(ticket, previous, target, at)
    return event


def check_update_ticket(
    agent: Agent, ticket: Ticket, changes: TicketChanges, *, at: datetime | None = None
) -> list[TicketEvent]:
    """Validate and apply an agent's changes to one ticket, recording one event per change.

    Agents may take a ticket or release their own; assigning to others and moving tickets
    between teams needs a supervisor. ``at`` backdates the change (imports, demo data).
    """
    at = at or now()
    with transaction.atomic():
        locked = lock_ticket(ticket)
        events: list[TicketEvent] = []
        fields: set[str] = {"updated_at"}
        if changes.status is not None and changes.status != locked.status:
            events.append(change_status(locked, changes.status, agent, at))
            fields |= {"status", "solved_at", "closed_at", *sla_tracking.SLA_TICKET_FIELDS}
        if changes.priority is not None and changes.priority != locked.priority:
            if changes.priority not in Priority.values:
                raise ValidationFailed(
                    _("Priority must be one of %(values)s.")
                    % {"values": ", ".join(Priority.values)},
                    field="priority",
                )
            events.append(
                record_event(
                    locked,
                    EventKind.PRIORITY,
                    actor_kind=AuthorKind.AGENT,
                    actor=agent,
                    data={"from": locked.priority, "to": changes.priority},
                    at=at,
                )
            )
            locked.set_priority(changes.priority)
            sla_tracking.refresh_policy(locked, locked.customer, at)
            fields |= {"priority", "priority_rank", *sla_tracking.SLA_TICKET_FIELDS}
        subject = " ".join(changes.subject.split()) if changes.subject is not None else None
        if subject is not None and subject != locked.subject:
            if not subject or len(subject) > MAX_SUBJECT_CHARS:
                raise ValidationFailed(
                    _("The subject must have 1 to 300 characters."), field="subject"
                )
            events.append(
                record_event(
                    locked,
                    EventKind.SUBJECT,
                    actor_kind=AuthorKind.AGENT,
                    actor=agent,
                    data={"from": locked.subject, "to": subject},
                    at=at,
                )
            )
            locked.subject = subject
            fields.add("subject")
        if changes.assignee_id is not UNSET:
            events += apply_assignee(agent, locked, changes.assignee_id, at)
            fields.add("assignee")
        if changes.team_slug is not UNSET:
            events += apply_team(agent, locked, changes.team_slug, at)
            fields.add("team")
        if changes.tags is not None:
            new_tags = normalize_tags(changes.tags)
            old_tags = sorted(locked.tags.values_list("name", flat=True))
            if sorted(new_tags) != old_tags:
                set_tags(locked, new_tags)
                events.append(
                    record_event(
                        locked,
                        EventKind.TAGS,
                        actor_kind=AuthorKind.AGENT,
                        actor=agent,
                        data={"from": old_tags, "to": sorted(new_tags)},
                        at=at,
                    )
                )
        if changes.custom_fields is not None:
            cleaned = validate_custom_fields(changes.custom_fields)
            merged = {**locked.custom_fields, **cleaned}
            if merged != locked.custom_fields:
                events.append(
                    record_event(
                        locked,
                        EventKind.CUSTOM_FIELDS,
                        actor_kind=AuthorKind.AGENT,
                        actor=agent,
                        data={"changed": cleaned},
                        at=at,
                    )
                )
                locked.custom_fields = merged
                fields.add("custom_fields")
        if events:
            locked.updated_at = at
            locked.save(update_fields=sorted(fields))
            publish_on_commit(locked, events)
            for event in events:
                assignee_id = locked.assignee_id
                if (
                    event.kind == EventKind.ASSIGNEE
                    and assignee_id is not None
                    and assignee_id != agent.pk
                ):
                    notify_after_commit(assignee_id, event.pk)
    ticket.refresh_from_db()
    return events


def apply_assignee(
    agent: Agent, ticket: Ticket, assignee_id: int | None, at: datetime
) -> list[TicketEvent]:
    if assignee_id == ticket.assignee_id:
        return []
    taking_or_releasing_own = assignee_id == agent.pk or (
        assignee_id is None and ticket.assignee_id == agent.pk
    )
    if not taking_or_releasing_own and not agent.has_role(Role.SUPERVISOR):
        raise PermissionDenied(
            _("Only supervisors can assign tickets to other agents."), field="assignee"
        )
    new_assignee = None
    if assignee_id is not None:
        new_assignee = Agent.objects.filter(pk=assignee_id, user__is_active=True).first()
        if new_assignee is None:
            raise ValidationFailed(
                _("There is no active agent %(id)s.") % {"id": assignee_id}, field="assignee"
            )
    event = record_event(
        ticket,
        EventKind.ASSIGNEE,
        actor_kind=AuthorKind.AGENT,
        actor=agent,
        data={
            "from": ticket.assignee.display_name if ticket.assignee else None,
            "to": new_assignee.display_name if new_assignee else None,
        },
        at=at,
    )
    ticket.assignee = new_assignee
    return [event]


def apply_team(
    agent: Agent, ticket: Ticket, team_slug: str | None, at: datetime
) -> list[TicketEvent]:
    current = ticket.team.slug if ticket.team else None
    if team_slug == current:
        return []
    if not agent.has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Only supervisors can move tickets between teams."), field="team")
    team = None
    if team_slug is not None:
        team = Team.objects.filter(slug=team_slug).first()
        if team is None:
            raise ValidationFailed(
                _("There is no team '%(slug)s'.") % {"slug": team_slug}, field="team"
            )
    event = record_event(
        ticket,
        EventKind.TEAM,
        actor_kind=AuthorKind.AGENT,
        actor=agent,
        data={"from": ticket.team.name if ticket.team else None, "to": team.name if team else None},
        at=at,
    )
    ticket.team = team
    return [event]


# --- channel events (added for the email channel) ---------------------------------------------


def do_record_channel_event(ticket_number: int, kind: str, data: dict[str, Any]) -> TicketEvent:
    """Record what a channel reports about a ticket (a bounced or failed email) as a system
    event, published after commit. Joins the caller's transaction when there is one."""
    with transaction.atomic():
        ticket = Ticket.objects.get(pk=ticket_number)
        event = record_event(ticket, kind, actor_kind=AuthorKind.SYSTEM, data=data)
        publish_on_commit(ticket, [event])
    return event
