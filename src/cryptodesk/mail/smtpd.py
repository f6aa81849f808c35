"""The inbound SMTP listener (aiosmtpd) for the configured support addresses.

It answers 250 only after the message's ticket message has committed; the database work runs
in a thread pool, off the event loop. Replies:

- RCPT: 550 5.1.1 for an address that is not an active mailbox, 452 4.5.3 past the recipient
  limit;
- DATA: 552 (aiosmtpd, advertised with SIZE) for a message over the size limit, 554 5.6.0 for
  data with no header block, 451 4.7.1 for a sender over the rate limit, 451 4.3.0 when
  anything inside failed (the raw message stays in the spool; the sender retries and the
  retry is idempotent).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings

from cryptodesk.mail.actions import RawEmail, Received
from cryptodesk.mail.inbox import GroupCommit, spool_incoming
from cryptodesk.mail.models import Mailbox

logger = logging.getLogger(__name__)

HEADER_LINE = re.compile(rb"^[!-9;-~]{1,76}:")
MAILBOX_CACHE_SECONDS = 10.0


def looks_like_message(raw: bytes) -> bool:
    """Some header line before the first blank line: what RFC 5322 needs at the least."""
    head = raw.lstrip(b"\r\n")[:4096]
    return bool(head) and HEADER_LINE.match(head) is not None


def active_addresses() -> set[str]:
    return {
        a.lower() for a in Mailbox.objects.filter(active=True).values_list("address", flat=True)
    }


class SupportHandler:
    def __init__(self, threads: int = 4, workers: int = 0) -> None:
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="smtpd")
        self.group_commit = GroupCommit(workers=workers)
        self._addresses: set[str] = set()
        self._loaded_at = 0.0

    async def addresses(self) -> set[str]:
        if time.monotonic() - self._loaded_at > MAILBOX_CACHE_SECONDS:
            loop = asyncio.get_running_loop()
            self._addresses = await loop.run_in_executor(self.executor, _load_addresses)
            self._loaded_at = time.monotonic()
        return self._addresses

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if len(envelope.rcpt_tos) >= settings.CRYPTODESK_EMAIL_MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        if address.strip().lower() not in await self.addresses():
            return f"550 5.1.1 <{address}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if not looks_like_message(raw):
            return "554 5.6.0 Message has no header block (RFC 5322 expected)"
        loop = asyncio.get_running_loop()
        envelope_from = envelope.mail_from or ""
        recipients = [r.lower() for r in envelope.rcpt_tos]
        spooled = await loop.run_in_executor(
            self.executor,
            lambda: spool_incoming(
                raw, source="smtp", envelope_from=envelope_from, recipients=recipients
            ),
        )
        if isinstance(spooled, Received):
            result = spooled
        else:
            # Stored together with whatever other sessions are delivering right now; the
            # answer still waits for this message's commit.
            item = RawEmail(raw, envelope_from=envelope_from, recipients=tuple(recipients))
            result = await asyncio.wrap_future(self.group_commit.submit(spooled, item))
        if result.status == "rate_limited":
            return "451 4.7.1 Too many messages from this sender; try again later"
        if not result.committed:
            return "451 4.3.0 Temporary failure; please try again later"
        return "250 2.0.0 Message accepted"


def _load_addresses() -> set[str]:
    from django.db import close_old_connections

    close_old_connections()
    try:
        return active_addresses()
    finally:
        close_old_connections()


class SupportController(Controller):
    """aiosmtpd's controller, whose ``stop`` also ends the handler's ingest thread and its
    worker processes."""

    def __init__(self, handler: SupportHandler, **kwargs: Any):
        super().__init__(handler, **kwargs)
        self.support_handler = handler

    def stop(self, no_assert: bool = False) -> None:
        super().stop(no_assert=no_assert)
        self.support_handler.group_commit.stop()


def start_smtpd(host: str, port: int, *, workers: int = 0, **kwargs: Any) -> Controller:
    """Start the listener in its own thread; returns the controller (``.stop()`` to end).
    ``workers`` processes store the mail (0: this process does)."""
    # aiosmtpd logs every SMTP command at INFO; keep its warnings and errors only.
    logging.getLogger("mail.log").setLevel(max(logging.WARNING, logger.getEffectiveLevel()))
    controller = SupportController(
        SupportHandler(workers=workers),
        hostname=host,
        port=port,
        server_hostname="cryptodesk",
        data_size_limit=settings.CRYPTODESK_EMAIL_MAX_BYTES,
        enable_SMTPUTF8=True,
        decode_data=False,
        ident="cryptodesk ESMTP",
        **kwargs,
    )
    controller.start()
    logger.info("SMTP listener on %s:%d", host, port)
    return controller


def start_demo_smtpd(console: Any) -> Controller | None:
    """The demo's listener on 127.0.0.1 (settings.CRYPTODESK_SMTPD_PORT, 2525): a busy port
    is reported and the demo goes on without it."""
    port = settings.CRYPTODESK_SMTPD_PORT
    try:
        controller = start_smtpd("127.0.0.1", port)
    except (OSError, RuntimeError) as error:
        console.print(
            f"[yellow]Inbound email is off: cannot listen on 127.0.0.1:{port} ({error})[/]"
        )
        return None
    addresses = ", ".join(sorted(_load_addresses())) or "no mailbox configured"
    console.print(f"Inbound email (SMTP): 127.0.0.1:{port} for {addresses}")
    return controller
