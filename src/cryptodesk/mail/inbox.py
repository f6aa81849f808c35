"""The common front of every live inbound source (SMTP listener, IMAP poller, spool retry):
rate limit, spool the raw bytes, ingest, and drop the spool file only after the commit."""

from __future__ import annotations

import email.utils
import logging
import multiprocessing
import queue
import re
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from django.db import close_old_connections

from cryptodesk.mail import spool
from cryptodesk.mail import workers as mail_workers
from cryptodesk.mail.actions import (
    RawEmail,
    Received,
    do_receive_email,
    do_receive_emails,
    mailbox_for,
)
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


def spool_incoming(
    raw: bytes,
    *,
    source: str,
    envelope_from: str | None = None,
    recipients: list[str] | None = None,
    mailbox_address: str = "",
) -> spool.SpoolEntry | Received:
    """The rate limit, then the raw bytes safely on disk. Returns the spool entry to ingest,
    or the answer (``rate_limited``, ``failed``) when there is nothing to ingest."""
    try:
        if rate_limited(raw, envelope_from):
            return Received(status="rate_limited", error="sender over the rate limit")
        return spool.spool(
            raw,
            source=source,
            mailbox=mailbox_address,
            envelope_from=envelope_from,
            recipients=recipients,
        )
    except Exception as error:  # noqa: BLE001 - the caller answers "try again later"
        logger.exception("Could not spool an email from %s", source)
        return Received(status="failed", error=f"{type(error).__name__}: {error}"[:500])


def receive_spooled(
    raw: bytes,
    *,
    source: str,
    envelope_from: str | None = None,
    recipients: list[str] | None = None,
    mailbox_address: str = "",
) -> Received:
    """One message on its own (the IMAP poller): spool, ingest, unspool after the commit."""
    spooled = spool_incoming(
        raw,
        source=source,
        envelope_from=envelope_from,
        recipients=recipients,
        mailbox_address=mailbox_address,
    )
    if isinstance(spooled, Received):
        return spooled
    mailbox = mailbox_for(mailbox_address or None, list(recipients or []))
    result = do_receive_email(
        raw, mailbox=mailbox, envelope_from=envelope_from, recipients=recipients
    )
    _settle(spooled, result)
    return result


def _settle(entry: spool.SpoolEntry, result: Received) -> None:
    """Drop the spooled copy of a committed message; note the error on one that failed."""
    try:
        if result.committed:
            entry.remove()
        else:
            entry.fail(result.error)
    except OSError:
        logger.exception("Could not update the spool entry %s", entry.path.name)


@dataclass
class _Job:
    entry: spool.SpoolEntry
    item: RawEmail
    future: Future[Received] = field(default_factory=Future)


class GroupCommit:
    """Stores the messages of concurrent SMTP sessions together: one thread takes everything
    waiting, has it ingested as one batch (``do_receive_emails``), unspools what committed and
    answers each session. Nothing waits for a batch to fill: under light load a batch is one
    message, under heavy load it is whatever arrived while the batches before it were stored.

    With ``workers=0`` the batches are stored in this process. With ``workers=N`` they go to N
    worker processes (started fresh, not forked, each loading the models once), at most one
    batch per worker at a time, so every core stores mail while this process only speaks SMTP
    and spools.
    """

    def __init__(self, max_batch: int = 64, workers: int = 0) -> None:
        self.max_batch = max_batch
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = self._start_pool() if workers > 0 else None
        self._slots = threading.BoundedSemaphore(max(1, workers))
        self._thread = threading.Thread(target=self._run, name="smtpd-ingest", daemon=True)
        self._thread.start()

    def _start_pool(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=mail_workers.ready,
        )
        # Start every worker now (and let it load the models) rather than on the first mail.
        for ready in [pool.submit(mail_workers.ping) for _ in range(self.workers)]:
            ready.result(timeout=300)
        return pool

    def submit(self, entry: spool.SpoolEntry, item: RawEmail) -> Future[Received]:
        job = _Job(entry, item)
        self._jobs.put(job)
        return job.future

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=60)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=False)

    def _run(self) -> None:
        while True:
            self._slots.acquire()  # a free worker: what waits now becomes its batch
            job = self._jobs.get()
            if job is None:
                self._slots.release()
                return
            jobs = [job]
            stopping = False
            while len(jobs) < self.max_batch:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                jobs.append(more)
            self._dispatch(jobs)
            if stopping:
                return

    def _dispatch(self, jobs: list[_Job]) -> None:
        items = [job.item for job in jobs]
        if self._pool is None:
            try:
                self._finish(jobs, store_batch(items))
            finally:
                self._slots.release()
            return
        try:
            try:
                stored = self._pool.submit(mail_workers.store_batch, items)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): start a fresh set and go on.
                logger.error("A mail worker process died; starting new ones")
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._start_pool()
                stored = self._pool.submit(mail_workers.store_batch, items)
        except Exception as error:  # noqa: BLE001 - no workers: 451 for these, the spool keeps them
            self._slots.release()
            self._finish(jobs, _failed(len(jobs), error))
            return

        def done(stored: Future[list[Received]]) -> None:
            self._slots.release()
            try:
                results = stored.result()
            except Exception as error:  # noqa: BLE001 - the worker died: 451, the spool keeps all
                logger.exception("A mail worker failed on a batch of %d emails", len(jobs))
                results = _failed(len(jobs), error)
            self._finish(jobs, results)

        stored.add_done_callback(done)

    def _finish(self, jobs: list[_Job], results: list[Received]) -> None:
        for job, result in zip(jobs, results, strict=True):
            _settle(job.entry, result)
            job.future.set_result(result)


def _failed(count: int, error: BaseException) -> list[Received]:
    failed = Received(status="failed", error=f"{type(error).__name__}: {error}"[:500])
    return [failed] * count


def store_batch(items: list[RawEmail]) -> list[Received]:
    """Store one batch (in this process or in a worker); never raises."""
    close_old_connections()
    try:
        return do_receive_emails(items)
    except Exception as error:  # noqa: BLE001 - every session hears 451; the spool keeps all
        logger.exception("Could not store a batch of %d emails", len(items))
        return _failed(len(items), error)
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
