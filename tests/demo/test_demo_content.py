"""The demo content we wrote parses, covers every topic in every language, and loads."""

from __future__ import annotations

import re

import pytest

from cryptodesk.demo.content import LANGUAGE_FILES, TOPICS, load_language
from cryptodesk.demo.loader import load_demo
from cryptodesk.tickets.models import Message, Status, Ticket

HEX_KEY = re.compile(r"\b(0x)?[0-9a-fA-F]{64}\b")


@pytest.mark.parametrize("language", list(LANGUAGE_FILES))
def test_content_covers_every_topic(language: str) -> None:
    content = load_language(language)
    assert len(content.scenarios) >= 48
    topics = [s.topic for s in content.scenarios]
    assert {t for t in TOPICS if topics.count(t) >= 4} == TOPICS
    assert len(content.given_names) >= 40
    for scenario in content.scenarios:
        for _author, text in scenario.messages:
            assert not HEX_KEY.search(text), f"{scenario.key} contains a key-like string"


def test_loader_creates_tickets_in_every_status_and_language(db: None) -> None:
    summary = load_demo(customers=30, tickets=60, seed=3)
    # 60 generated, 2 security cases, 2 SLA showcases (breached, at risk), 3 demo emails.
    assert summary.tickets == Ticket.objects.count() == 67
    assert Ticket.objects.filter(is_security_case=True).count() == 2
    assert summary.messages == Message.objects.count()
    assert set(Ticket.objects.values_list("language", flat=True)) == set(LANGUAGE_FILES)
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {Status.NEW, Status.OPEN, Status.PENDING, Status.SOLVED, Status.CLOSED} <= statuses
    solved = Ticket.objects.filter(status__in=[Status.SOLVED, Status.CLOSED])
    assert all(t.solved_at is not None for t in solved)
