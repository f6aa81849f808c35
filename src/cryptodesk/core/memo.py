"""Reference data remembered for the length of one batch.

Storing a batch of inbound messages in one transaction reads the same rows again and again:
triage rules, teams, tier desks, SLA policies and their calendars. Inside
``reference_scope()`` each such read runs once and is shared by the rest of the batch; outside
it every read goes to the database as before. Nothing the batch itself writes may be
remembered: only configuration that ingestion reads and never changes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_scope: ContextVar[dict[Hashable, Any] | None] = ContextVar("reference_scope", default=None)


@contextmanager
def reference_scope() -> Iterator[None]:
    """Remember reference reads until the block ends (nested scopes share the outer one)."""
    if _scope.get() is not None:
        yield
        return
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def remembered(key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, or inside a reference scope the value it gave the first time for ``key``."""
    values = _scope.get()
    if values is None:
        return load()
    if key not in values:
        values[key] = load()
    value: T = values[key]
    return value
