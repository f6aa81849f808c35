"""The one clock every action reads. Tests freeze and advance it instead of patching
``timezone.now`` in many places; production always reads the real time."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else timezone.now()


def freeze(at: datetime) -> None:
    """Stop the clock at ``at`` (aware). Only tests call this."""
    if timezone.is_naive(at):
        raise ValueError("freeze() needs a timezone-aware datetime")
    global _frozen
    _frozen = at


def advance(delta: timedelta) -> datetime:
    """Move a frozen clock forward and return the new time."""
    if _frozen is None:
        raise RuntimeError("advance() needs a frozen clock; call freeze() first")
    freeze(_frozen + delta)
    return now()


def unfreeze() -> None:
    global _frozen
    _frozen = None
