"""Fixtures for complaint tests: a complaint ticket made through the real message path, the
facts an agent records, and a capture of what is delivered to the customer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from cryptodesk.tickets.models import Ticket

DELIVERED: list[int] = []


def capture_delivery(message_id: int) -> None:
    """Stands in for a channel's sender: records which message ids were sent out."""
    DELIVERED.append(message_id)


@pytest.fixture
def delivered(settings: Any) -> Iterator[list[int]]:
    DELIVERED.clear()
    settings.CRYPTODESK_OUTBOUND = {"web": "tests.complaints.conftest.capture_delivery"}
    yield DELIVERED
    DELIVERED.clear()


@pytest.fixture
def complaint_ticket(ingest: Any) -> Callable[..., Ticket]:
    def make(language: str = "en", text: str = "You charged me twice!", **kwargs: Any) -> Ticket:
        kwargs.setdefault("email", f"{language}-customer@example.com")
        kwargs.setdefault("name", "Wei Zhang")
        ticket: Ticket = ingest(text, language_hint=language, **kwargs).ticket
        return ticket

    return make


def facts(**overrides: Any) -> dict[str, Any]:
    occurred = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    return {
        "what_happened": "A withdrawal fee was charged twice.",
        "occurred_at": occurred.isoformat(),
        "product": "Withdrawals",
        "asset": "USDT",
        "amount": "25.50",
        "emotion": "frustrated",
    } | overrides


class Clock:
    """A controllable clock: ``timezone.now`` (ours and django-tasks') reads from it."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch: Any) -> Clock:
    fake = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", fake)
    return fake
