"""Ingesting many raw messages at once (``cryptodesk email ingest``, the spool retry): batches
of ``do_receive_emails`` and, for large inputs, several processes.

The worker processes are forked after the models are loaded, so they share the weights and
start at once; each opens its own database connection. The parent only adds up the summaries.
"""

from __future__ import annotations

import email.parser
import mailbox as mbox_lib
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections

from cryptodesk.mail.actions import RawEmail, do_receive_emails, mailbox_for
from cryptodesk.tickets.pipeline import warm_up

BATCH_SIZE = 64
# Fewer files than this are not worth a second process.
FILES_PER_WORKER = 100


def messages_in(path: Path) -> Iterator[bytes]:
    """One file: a single RFC 822 message (.eml), or an mbox (.box, .mbox: "From " lines)."""
    with path.open("rb") as handle:
        head = handle.read(5)
    if head == b"From ":
        box = mbox_lib.mbox(str(path), create=False)
        try:
            for key in box.iterkeys():
                yield box.get_bytes(key)
        finally:
            box.close()
        return
    yield path.read_bytes()


@dataclass
class Summary:
    """The JSON summary of ``email ingest``; ``errors`` name the file (and the message's index
    in it for an mbox) of every message that failed."""

    accepted: int = 0
    duplicates: int = 0
    failed: int = 0
    tickets_created: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)

    def add(self, other: Summary) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.failed += other.failed
        self.tickets_created += other.tickets_created
        self.errors += other.errors

    def as_json(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "tickets_created": self.tickets_created,
            "errors": self.errors,
        }


def default_workers(file_count: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, 4, file_count // FILES_PER_WORKER))


def ingest_files(
    paths: Sequence[Path],
    mailbox_address: str = "",
    *,
    workers: int = 1,
    on_file: Callable[[], None] | None = None,
) -> Summary:
    """Ingest every message of ``paths`` exactly once; ``on_file`` is called per file done."""
    warm_up()
    if workers <= 1 or len(paths) < 2:
        return _ingest_share(list(paths), mailbox_address, on_file)
    shares = _shares(list(paths), workers * 4, mailbox_address)
    total = Summary()
    release_database_for_fork()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        for part, file_count in pool.imap_unordered(_ingest_share_job, shares):
            total.add(part)
            for _ in range(file_count):
                if on_file is not None:
                    on_file()
    return total


def release_database_for_fork() -> None:
    """Close every connection, and every PostgreSQL pool with its sockets, so that no forked
    child shares a socket with this process; both sides open their own afterwards."""
    for connection in connections.all(initialized_only=True):
        connection.close()
        close_pool = getattr(connection, "close_pool", None)
        if close_pool is not None:
            close_pool()


def _shares(paths: list[Path], count: int, mailbox_address: str) -> list[tuple[list[Path], str]]:
    """About ``count`` shares of similar size; the files of one conversation (linked by
    Message-ID, In-Reply-To and References) stay in one share, in their given order, so a
    reply is stored after the message it answers and joins its ticket."""
    groups = conversations(paths)
    size = max(1, -(-len(paths) // count))
    shares: list[list[Path]] = [[]]
    for group in groups:
        if shares[-1] and len(shares[-1]) + len(group) > size:
            shares.append([])
        shares[-1].extend(group)
    return [(share, mailbox_address) for share in shares if share]


HEADER_IDS = re.compile(rb"<[^<>\s]{1,250}>")


def conversations(paths: list[Path]) -> list[list[Path]]:
    """The files grouped by conversation (union of the Message-IDs they name in their
    headers), each group in the order of ``paths``, groups in the order of their first file."""
    parent: dict[object, object] = {}

    def find(node: object) -> object:
        root = parent.setdefault(node, node)
        while root != parent[root]:
            root = parent[root]
        while node != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    for index, path in enumerate(paths):
        for message_id in _thread_ids(path):
            parent[find(index)] = find(message_id)
    groups: dict[object, list[Path]] = {}
    for index, path in enumerate(paths):
        groups.setdefault(find(index), []).append(path)
    return list(groups.values())


def _thread_ids(path: Path) -> set[bytes]:
    """Message-ID, In-Reply-To and References of every message in the file (read cheaply
    from the header blocks; a file that cannot be read is its own conversation)."""
    ids: set[bytes] = set()
    try:
        for raw in messages_in(path):
            head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
            for header in email.parser.BytesHeaderParser().parsebytes(head).items():
                name, value = header[0].lower(), str(header[1]).encode("utf-8", "replace")
                if name in ("message-id", "in-reply-to", "references"):
                    ids.update(HEADER_IDS.findall(value))
    except OSError:
        return set()
    return ids


def _ingest_share_job(share: tuple[list[Path], str]) -> tuple[Summary, int]:
    paths, mailbox_address = share
    try:
        return _ingest_share(paths, mailbox_address, None), len(paths)
    finally:
        release_database_for_fork()


def _ingest_share(
    paths: list[Path], mailbox_address: str, on_file: Callable[[], None] | None
) -> Summary:
    summary = Summary()
    mailbox = mailbox_for(mailbox_address, []) if mailbox_address else None
    batch: list[tuple[Path, int, bytes]] = []

    def flush() -> None:
        results = do_receive_emails([RawEmail(raw, mailbox=mailbox) for *_where, raw in batch])
        for (path, index, _raw), result in zip(batch, results, strict=True):
            if result.status == "duplicate":
                summary.duplicates += 1
            elif result.committed:
                summary.accepted += 1
                summary.tickets_created += int(result.ticket_created)
            else:
                summary.failed += 1
                summary.errors.append({"file": str(path), "index": index, "error": result.error})
        batch.clear()

    for path in paths:
        try:
            for index, raw in enumerate(messages_in(path)):
                batch.append((path, index, raw))
                if len(batch) >= BATCH_SIZE:
                    flush()
        except OSError as error:
            summary.failed += 1
            summary.errors.append({"file": str(path), "error": str(error)})
        if on_file is not None:
            on_file()
    if batch:
        flush()
    return summary
