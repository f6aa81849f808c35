"""Enqueueing background tasks after commit, grouped when many transactions run in a row.

A task is enqueued only once the transaction that asked for it has committed (a rolled-back
savepoint drops its tasks, as Django drops its commit hooks). Inside ``grouped_enqueues()``
the enqueues of every transaction in the block are held and written together in one
transaction when the block ends: a batch of emails then costs one commit for its
acknowledgement tasks, not one commit per ticket.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)
_held: ContextVar[list[Callable[[], object]] | None] = ContextVar("held_enqueues", default=None)


def enqueue_on_commit(enqueue: Callable[[], object]) -> None:
    """Call ``enqueue`` (a task's ``enqueue`` with its arguments bound) after commit."""
    held = _held.get()
    if held is None:
        transaction.on_commit(enqueue)
    else:
        transaction.on_commit(lambda: held.append(enqueue))


@contextmanager
def grouped_enqueues() -> Iterator[None]:
    """Hold the enqueues of the transactions in the block; a block entered inside a
    transaction holds nothing (its enqueues wait for that transaction's commit as usual)."""
    if _held.get() is not None or transaction.get_connection().in_atomic_block:
        yield
        return
    held: list[Callable[[], object]] = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
        if held:
            try:
                with transaction.atomic():
                    for enqueue in held:
                        enqueue()
            except Exception:  # noqa: BLE001 - what they follow up on has committed
                logger.exception("Could not enqueue %d tasks after a batch", len(held))
