"""The common front of every live inbound source (SMTP listener, IMAP poller, spool retry):
rate limit, spool the raw bytes, ingest, and drop the spool file only after the commit."""

from __future__ import annotations

import email.utils
import logging
import re
import time
from typing import Any

from django.db import close_old_connections

from cryptodesk.mail import spool
from cryptodesk.mail.actions import Received, do_receive_email, mailbox_for
from cryptodesk.mail.ratelimit import allow_sender

logger = logging.getLogger(__name__)

FROM_LINE = re.compile(rb"^From:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)


def header_sender(raw: bytes) -> str:
    """The From address, read cheaply from the header block (for the rate limit)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = FROM_LINE.search(head)
    if not match:
        return ""
    value = match.group(1).decode("latin-1")
    return email.utils.parseaddr(value)[1].lower()


def rate_limited(raw: bytes, envelope_from: str | None) -> bool:
    sender = (envelope_from or "").lower() or header_sender(raw)
    return not allow_sender(sender)


def receive_spooled(
    raw: bytes,
    *,
    source: str,
    envelope_from: str | None = None,
    recipients: list[str] | None = None,
    mailbox_address: str = "",
    check_rate: bool = True,
) -> Received:
    """Synchronous (run it in a worker thread from an event loop): spool, ingest, unspool."""
    entry: spool.SpoolEntry | None = None
    try:
        if check_rate and rate_limited(raw, envelope_from):
            return Received(status="rate_limited", error="sender over the rate limit")
        entry = spool.spool(
            raw,
            source=source,
            mailbox=mailbox_address,
            envelope_from=envelope_from,
            recipients=recipients,
        )
        mailbox = mailbox_for(mailbox_address or None, list(recipients or []))
        result = do_receive_email(
            raw, mailbox=mailbox, envelope_from=envelope_from, recipients=recipients
        )
        if result.committed:
            entry.remove()
        else:
            entry.fail(result.error)
        return result
    except Exception as error:  # noqa: BLE001 - the caller answers "try again later"
        logger.exception("Could not receive an email from %s", source)
        if entry is not None:
            entry.fail(f"{type(error).__name__}: {error}")
        return Received(status="failed", error=f"{type(error).__name__}: {error}"[:500])


def receive_in_thread(raw: bytes, **kwargs: Any) -> Received:
    """``receive_spooled`` for a pool thread: a fresh, returned database connection per job."""
    close_old_connections()
    try:
        return receive_spooled(raw, **kwargs)
    finally:
        close_old_connections()


def retry_spool(min_age: float = 0.0) -> dict[str, int]:
    """Feed spooled messages (older than ``min_age`` seconds, so none still in flight) through
    again; duplicates of committed ones are harmless."""
    counts = {"accepted": 0, "duplicate": 0, "bounce": 0, "failed": 0}
    now = time.time()
    for entry in spool.pending():
        try:
            if now - entry.path.stat().st_mtime < min_age:
                continue
            raw = entry.raw()
        except OSError:
            continue
        mailbox = mailbox_for(entry.mailbox or None, entry.recipients)
        result = do_receive_email(
            raw, mailbox=mailbox, envelope_from=entry.envelope_from, recipients=entry.recipients
        )
        counts[result.status if result.status in counts else "failed"] += 1
        if result.committed:
            entry.remove()
        else:
            entry.fail(result.error)
    return counts
