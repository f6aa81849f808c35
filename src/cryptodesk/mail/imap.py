"""Polling IMAP mailboxes on an existing mail server (imapclient), with IDLE where offered.

A message is fetched with BODY.PEEK[] (so fetching alone marks nothing) and flagged \\Seen or
moved to ``imap_move_to`` only after its ticket message committed. A message that failed (or
whose sender is over the rate limit) stays unseen and is picked up on the next round.
"""

from __future__ import annotations

import logging
import os
import ssl
import time
from dataclasses import dataclass, field

from django.db import close_old_connections
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from cryptodesk.mail.inbox import receive_spooled
from cryptodesk.mail.models import Mailbox

logger = logging.getLogger(__name__)

BATCH = 50
IMAP_TIMEOUT = 60.0


@dataclass
class PollSummary:
    mailbox: str
    accepted: int = 0
    duplicates: int = 0
    bounces: int = 0
    failed: int = 0
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


def imap_password(mailbox: Mailbox) -> str:
    if mailbox.imap_password_env:
        return os.environ.get(mailbox.imap_password_env, "")
    return mailbox.imap_password


def connect(mailbox: Mailbox) -> IMAPClient:
    context = ssl.create_default_context() if mailbox.imap_ssl else None
    client = IMAPClient(
        mailbox.imap_host,
        port=mailbox.imap_port,
        ssl=mailbox.imap_ssl,
        ssl_context=context,
        timeout=IMAP_TIMEOUT,
    )
    client.login(mailbox.imap_username, imap_password(mailbox))
    return client


def poll_once(mailbox: Mailbox, client: IMAPClient | None = None) -> PollSummary:
    """Fetch every unseen message of the mailbox's folder and ingest it."""
    summary = PollSummary(mailbox=mailbox.address)
    own_client = client is None
    try:
        if client is None:
            client = connect(mailbox)
        client.select_folder(mailbox.imap_folder)
        uids = client.search(["UNSEEN"])
        for start in range(0, len(uids), BATCH):
            batch = uids[start : start + BATCH]
            fetched = client.fetch(batch, ["BODY.PEEK[]"])
            done: list[int] = []
            for uid in batch:
                raw = fetched.get(uid, {}).get(b"BODY[]")
                if not isinstance(raw, bytes):
                    continue
                result = receive_spooled(raw, source="imap", mailbox_address=mailbox.address)
                if result.status == "accepted":
                    summary.accepted += 1
                elif result.status == "duplicate":
                    summary.duplicates += 1
                elif result.status == "bounce":
                    summary.bounces += 1
                elif result.status == "rate_limited":
                    summary.deferred += 1
                else:
                    summary.failed += 1
                    summary.errors.append(f"uid {uid}: {result.error}")
                if result.committed:
                    done.append(uid)
            if done:
                settle(client, mailbox, done)
    except (IMAPClientError, OSError) as error:
        logger.warning("IMAP %s: %s", mailbox.address, error)
        summary.errors.append(f"{type(error).__name__}: {error}")
    finally:
        if own_client and client is not None:
            try:
                client.logout()
            except (IMAPClientError, OSError):
                pass
    return summary


def settle(client: IMAPClient, mailbox: Mailbox, uids: list[int]) -> None:
    """Committed messages: moved away, or flagged seen."""
    if mailbox.imap_move_to:
        if client.has_capability("MOVE"):
            client.move(uids, mailbox.imap_move_to)
            return
        client.copy(uids, mailbox.imap_move_to)
        client.delete_messages(uids)
        client.expunge(uids) if client.has_capability("UIDPLUS") else client.expunge()
        return
    client.add_flags(uids, [b"\\Seen"])


def poll_forever(mailbox: Mailbox, interval: float = 60.0, stop_after: float | None = None) -> None:
    """Poll, then wait for news with IDLE (when the server offers it) or sleep; reconnects
    after network errors."""
    deadline = time.monotonic() + stop_after if stop_after else None
    while deadline is None or time.monotonic() < deadline:
        try:
            client = connect(mailbox)
        except (IMAPClientError, OSError) as error:
            logger.warning("IMAP %s: cannot connect: %s", mailbox.address, error)
            time.sleep(interval)
            continue
        try:
            while deadline is None or time.monotonic() < deadline:
                poll_once(mailbox, client)
                close_old_connections()
                if client.has_capability("IDLE"):
                    client.idle()
                    client.idle_check(timeout=interval)
                    client.idle_done()
                else:
                    time.sleep(interval)
        except (IMAPClientError, OSError) as error:
            logger.warning("IMAP %s: %s; reconnecting", mailbox.address, error)
        finally:
            try:
                client.logout()
            except (IMAPClientError, OSError):
                pass
