"""GET /api/v1/queue: the calling agent's next tickets, urgency first (priority, SLA due time,
age), only what they may see and may work on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cryptodesk.accounts.models import Agent, Role, Team
from cryptodesk.core import clock
from cryptodesk.sla.models import BusinessCalendar, SlaPolicy
from cryptodesk.tickets.models import Ticket
from tests.conftest import ApiClient

QUEUE = "/api/v1/queue"
START = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Hong_Kong"))


@pytest.fixture
def at_start() -> Any:
    clock.freeze(START)
    yield
    clock.unfreeze()


@pytest.fixture
def policies(db: None) -> None:
    always = BusinessCalendar.objects.create(name="24/7", time_zone="UTC", always_open=True)
    for priority, first in (("urgent", 15), ("high", 60), ("normal", 240)):
        SlaPolicy.objects.create(
            name=priority,
            priority=priority,
            tier="standard",
            calendar=always,
            first_response_minutes=first,
            next_response_minutes=first,
            resolution_minutes=first * 10,
        )
    SlaPolicy.objects.create(
        name="vip normal",
        priority="normal",
        tier="vip",
        calendar=always,
        first_response_minutes=30,
        next_response_minutes=30,
        resolution_minutes=300,
    )


def make(ingest: Callable[..., Any], label: str, minutes_ago: int, **extra: Any) -> int:
    """A ticket created ``minutes_ago`` before START; returns its number."""
    clock.freeze(START - timedelta(minutes=minutes_ago))
    try:
        result = ingest(f"About {label}", subject=label, email=f"{label}@example.com", **extra)
        number: int = result.ticket.pk
    finally:
        clock.freeze(START)
    return number


def subjects(response: Any) -> list[str]:
    assert response.status_code == 200
    return [ticket["subject"] for ticket in response.json()["results"]]


def test_urgency_first_then_sla_due_time_then_age(
    at_start: None,
    policies: None,
    ingest: Callable[..., Any],
    supervisor: Agent,
    api_for: Callable[..., ApiClient],
) -> None:
    from cryptodesk.customers.models import Customer

    Customer.objects.create(tier="vip").identities.create(kind="email", value="vip@example.com")
    make(ingest, "old-normal", 200)  # due in 40 min
    make(ingest, "vip", 5)  # normal, vip policy: due in 25 min
    make(ingest, "new-normal", 1)  # due in 239 min
    make(ingest, "high", 1, requested_priority="high")
    make(ingest, "urgent-late", 1, requested_priority="urgent")
    make(ingest, "urgent-early", 10, requested_priority="urgent")
    make(ingest, "low", 300, requested_priority="low")  # no policy for low: after the rest
    assert subjects(api_for(supervisor).get(QUEUE)) == [
        "urgent-early",
        "urgent-late",
        "high",
        "vip",
        "old-normal",
        "new-normal",
        "low",
    ]


def test_paused_tickets_and_tickets_waiting_on_others_are_left_out_or_last(
    at_start: None,
    policies: None,
    ingest: Callable[..., Any],
    supervisor: Agent,
    api_for: Callable[..., ApiClient],
) -> None:
    api = api_for(supervisor)
    waiting = make(ingest, "waiting", 50)
    make(ingest, "fresh", 1)
    solved = make(ingest, "solved", 60)
    api.patch(f"/api/v1/tickets/{waiting}", {"status": "pending"})
    api.patch(f"/api/v1/tickets/{solved}", {"status": "solved"})
    assert subjects(api.get(QUEUE)) == ["fresh"]


def test_only_unassigned_or_own_tickets_the_agent_may_see(
    at_start: None,
    policies: None,
    ingest: Callable[..., Any],
    make_agent: Callable[..., Agent],
    team: Team,
    other_team: Team,
    api_for: Callable[..., ApiClient],
) -> None:
    me = make_agent(Role.AGENT, [team], name="Me")
    colleague = make_agent(Role.AGENT, [team], name="Colleague")
    mine = make(ingest, "mine", 30)
    theirs = make(ingest, "theirs", 40)
    hidden = make(ingest, "hidden", 50)
    make(ingest, "open-to-all", 20)
    team_ticket = make(ingest, "team-ticket", 10)
    Ticket.objects.filter(pk=mine).update(assignee=me)
    Ticket.objects.filter(pk=theirs).update(assignee=colleague)
    Ticket.objects.filter(pk=hidden).update(team=other_team)
    Ticket.objects.filter(pk=team_ticket).update(team=team)
    assert subjects(api_for(me).get(QUEUE)) == ["mine", "open-to-all", "team-ticket"]
    assert subjects(api_for(me, "read").get(QUEUE, limit=2)) == ["mine", "open-to-all"]


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_limit_is_validated(
    limit: str, supervisor: Agent, api_for: Callable[..., ApiClient]
) -> None:
    response = api_for(supervisor).get(QUEUE, limit=limit)
    assert response.status_code == 422
    assert response.json()["field"] == "limit"


def test_queue_needs_a_token(db: None) -> None:
    from django.test import Client

    response = Client().get(QUEUE)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_queue_items_carry_the_sla_object(
    at_start: None,
    policies: None,
    ingest: Callable[..., Any],
    supervisor: Agent,
    api_for: Callable[..., ApiClient],
) -> None:
    make(ingest, "late", 300)
    [item] = api_for(supervisor).get(QUEUE).json()["results"]
    assert item["sla"] == {
        "policy": SlaPolicy.objects.get(name="normal").pk,
        "first_response_due": "2026-03-02T01:00:00Z",
        "next_response_due": None,
        "resolution_due": "2026-03-03T13:00:00Z",
        "breached": True,
        "paused": False,
        "state": "breached",
    }


def test_queue_query_count_does_not_grow(
    at_start: None,
    policies: None,
    ingest: Callable[..., Any],
    make_agent: Callable[..., Agent],
    team: Team,
    api_for: Callable[..., ApiClient],
) -> None:
    me = make_agent(Role.AGENT, [team])
    api = api_for(me)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert api.get(QUEUE, limit=100).status_code == 200
        return len(context.captured_queries)

    make(ingest, "first", 5, tags=("a",))
    count()  # the token's first use records last_used_at
    few = count()
    for i in range(15):
        make(ingest, f"t{i}", i, tags=("b", f"c{i}"))
    assert count() == few
