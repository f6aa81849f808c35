"""Work that follows a commit, held and done together when many transactions run in a row.

``on_commit_or_hold(bucket, items)`` hands ``items`` to ``bucket``'s flush once the current
transaction commits (a rolled-back savepoint drops them, as Django drops its commit hooks).
Inside ``bucket.holding()`` the items of every transaction in the block are collected and
flushed once when the block ends: a batch of emails then costs one commit for its
acknowledgement tasks and one trip to the channel layer for its events, not one per ticket.
A block entered inside a transaction holds nothing: its items wait for that transaction's
commit as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

from django.db import transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")


class Bucket(Generic[T]):
    def __init__(self, name: str, flush: Callable[[Sequence[T]], None]) -> None:
        self.name = name
        self.flush = flush
        self._held: ContextVar[list[T] | None] = ContextVar(name, default=None)

    def on_commit(self, items: Sequence[T]) -> None:
        items = list(items)
        held = self._held.get()
        if held is None:
            transaction.on_commit(lambda: self.flush(items))
        else:
            transaction.on_commit(lambda: held.extend(items))

    @contextmanager
    def holding(self) -> Iterator[None]:
        if self._held.get() is not None or transaction.get_connection().in_atomic_block:
            yield
            return
        held: list[T] = []
        token = self._held.set(held)
        try:
            yield
        finally:
            self._held.reset(token)
            if held:
                self.flush(held)


def _enqueue_all(enqueues: Sequence[Callable[[], object]]) -> None:
    try:
        with transaction.atomic():
            for enqueue in enqueues:
                enqueue()
    except Exception:  # noqa: BLE001 - what they follow up on has committed; say so loudly
        logger.exception("Could not enqueue %d tasks after commit", len(enqueues))


ENQUEUES: Bucket[Callable[[], object]] = Bucket("held_enqueues", _enqueue_all)


def enqueue_on_commit(enqueue: Callable[[], object]) -> None:
    """Call ``enqueue`` (a task's ``enqueue`` with its arguments bound) after commit."""
    ENQUEUES.on_commit([enqueue])


def grouped_enqueues() -> AbstractContextManager[None]:
    """Hold the enqueues of the block's transactions and write them in one transaction."""
    return ENQUEUES.holding()
