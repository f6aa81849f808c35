"""SLA clocks on real tickets: due times from policy x tier, pause while pending, resume on the
customer's reply, next-response clocks, recomputation on a priority change, breaches."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cryptodesk.accounts.models import Agent, Notification, Team
from cryptodesk.customers.models import Customer
from cryptodesk.sla.models import SlaTarget, TierTeam
from tests.conftest import ApiClient
from tests.sla.conftest import Clock, PolicyFactory

HK = ZoneInfo("Asia/Hong_Kong")


def hk(*parts: int) -> str:
    """An instant given in Hong Kong time, as the API writes it (UTC, ISO 8601)."""
    utc = datetime(*parts, tzinfo=HK).astimezone(ZoneInfo("UTC"))  # type: ignore[misc, arg-type]
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def sla_of(api: ApiClient, number: int) -> dict[str, Any]:
    response = api.get(f"/api/v1/tickets/{number}")
    assert response.status_code == 200
    sla: dict[str, Any] = response.json()["sla"]
    return sla


def test_new_ticket_gets_due_times_from_its_policy(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    policy = make_policy("normal", first=120, next_=240, resolution=1440)
    number = ingest().ticket.pk  # Monday 2 March 2026, 10:00 HKT
    assert sla_of(api_for(supervisor), number) == {
        "policy": policy.pk,
        "first_response_due": hk(2026, 3, 2, 12),
        "next_response_due": None,
        # 24 h of 09:00-18:00 weekdays: 8 h Monday, 9 h Tuesday, 7 h Wednesday.
        "resolution_due": hk(2026, 3, 4, 16),
        "breached": False,
        "paused": False,
        "state": "ok",
    }


def test_tier_picks_its_own_policy_and_unknown_tiers_use_standard(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    make_policy("normal", "standard", first=240)
    vip = make_policy("normal", "vip", first=30)
    Customer.objects.create(name="Big fund", tier="vip").identities.create(
        kind="email", value="fund@example.com"
    )
    Customer.objects.create(name="Gold", tier="gold").identities.create(
        kind="email", value="gold@example.com"
    )
    api = api_for(supervisor)
    vip_sla = sla_of(api, ingest(email="fund@example.com").ticket.pk)
    assert (vip_sla["policy"], vip_sla["first_response_due"]) == (vip.pk, hk(2026, 3, 2, 10, 30))
    gold_sla = sla_of(api, ingest(email="gold@example.com").ticket.pk)
    assert gold_sla["first_response_due"] == hk(2026, 3, 2, 14)


def test_ticket_without_a_matching_policy_has_no_clocks(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    make_policy("urgent")
    number = ingest().ticket.pk
    assert sla_of(api_for(supervisor), number) == {
        "policy": None,
        "first_response_due": None,
        "next_response_due": None,
        "resolution_due": None,
        "breached": False,
        "paused": False,
        "state": "none",
    }
    assert not SlaTarget.objects.exists()


def test_pending_pauses_and_the_customer_reply_resumes_with_business_time_only(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    make_policy("normal", first=120, next_=240, resolution=1440)
    api = api_for(supervisor)
    number = ingest().ticket.pk
    frozen_clock.set(datetime(2026, 3, 2, 11, tzinfo=HK))
    reply = api.post(
        f"/api/v1/tickets/{number}/messages",
        {"body": "Please send the transaction hash.", "status": "pending"},
    )
    assert reply.status_code == 201
    paused = sla_of(api, number)
    assert (paused["paused"], paused["state"], paused["first_response_due"]) == (
        True,
        "paused",
        None,
    )
    # The customer answers the next morning at 10:00: 7 h of Monday and 1 h of Tuesday were
    # open time while the ticket waited on them, so the resolution clock moves by 8 h.
    frozen_clock.set(datetime(2026, 3, 3, 10, tzinfo=HK))
    ingest("Here it is: 0xabc", ticket_number=number)
    resumed = sla_of(api, number)
    assert resumed["paused"] is False
    assert resumed["resolution_due"] == hk(2026, 3, 5, 15)
    # An agent has replied before, so the customer's message starts a next-response clock.
    assert resumed["next_response_due"] == hk(2026, 3, 3, 14)
    assert resumed["first_response_due"] is None


def test_agent_reply_answers_the_next_response_clock(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    make_policy("normal", first=60, next_=60)
    api = api_for(supervisor)
    number = ingest().ticket.pk
    api.post(f"/api/v1/tickets/{number}/messages", {"body": "Looking into it."})
    frozen_clock.advance(minutes=10)
    ingest("Any news?", ticket_number=number)
    assert sla_of(api, number)["next_response_due"] == hk(2026, 3, 2, 11, 10)
    frozen_clock.advance(minutes=20)
    api.post(f"/api/v1/tickets/{number}/messages", {"body": "Credited now."})
    after = sla_of(api, number)
    assert (after["next_response_due"], after["breached"]) == (None, False)
    kinds = SlaTarget.objects.filter(ticket_id=number).values_list("kind", "completed_at")
    assert sorted(kind for kind, done in kinds if done is not None) == [
        "first_response",
        "next_response",
    ]


def test_an_internal_note_is_not_a_response(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    make_policy("normal", first=60)
    api = api_for(supervisor)
    number = ingest().ticket.pk
    api.post(f"/api/v1/tickets/{number}/messages", {"body": "Checking", "internal": True})
    assert sla_of(api, number)["first_response_due"] == hk(2026, 3, 2, 11)


def test_late_first_reply_marks_the_ticket_breached(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    make_policy("normal", first=60)
    api = api_for(supervisor)
    number = ingest().ticket.pk
    frozen_clock.advance(minutes=59)
    assert sla_of(api, number)["state"] == "at_risk"
    frozen_clock.advance(minutes=2)
    # Past the due time the API already says breached, before any check has run.
    assert sla_of(api, number)["breached"] is True
    api.post(f"/api/v1/tickets/{number}/messages", {"body": "Sorry for the wait."})
    after = sla_of(api, number)
    assert (after["breached"], after["first_response_due"]) == (True, None)


def test_priority_change_recomputes_from_the_same_start(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
    around_the_clock: Any,
) -> None:
    make_policy("normal", first=240)
    urgent = make_policy("urgent", first=15, resolution=240, calendar=around_the_clock)
    api = api_for(supervisor)
    number = ingest().ticket.pk
    frozen_clock.advance(minutes=5)
    response = api.patch(f"/api/v1/tickets/{number}", {"priority": "urgent"})
    assert response.status_code == 200
    sla = response.json()["sla"]
    assert (sla["policy"], sla["first_response_due"], sla["resolution_due"]) == (
        urgent.pk,
        hk(2026, 3, 2, 10, 15),
        hk(2026, 3, 2, 14),
    )


def test_solved_stops_the_clock_and_reopening_resumes_it(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    make_policy("normal", first=60, next_=120, resolution=600)
    api = api_for(supervisor)
    number = ingest().ticket.pk
    api.post(f"/api/v1/tickets/{number}/messages", {"body": "Done.", "status": "solved"})
    solved = sla_of(api, number)
    # The due time is kept but frozen: it moves by the paused time if the ticket reopens.
    assert (solved["paused"], solved["state"], solved["resolution_due"]) == (
        True,
        "paused",
        hk(2026, 3, 3, 11),
    )
    frozen_clock.advance(hours=2)
    ingest("It happened again", ticket_number=number)
    # 10 h target from Monday 10:00, 2 h paused: 8 h Monday, 2 h + 2 h on Tuesday -> 13:00.
    assert sla_of(api, number)["resolution_due"] == hk(2026, 3, 3, 13)
    api.patch(f"/api/v1/tickets/{number}", {"status": "solved"})
    api.patch(f"/api/v1/tickets/{number}", {"status": "closed"})
    assert not SlaTarget.objects.filter(ticket_id=number, completed_at__isnull=True).exists()


def test_vip_tier_goes_to_its_dedicated_team(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    desk = Team.objects.create(slug="vip-desk", name="VIP desk")
    TierTeam.objects.create(tier="vip", team=desk)
    Customer.objects.create(tier="vip").identities.create(kind="email", value="whale@example.com")
    vip = ingest(email="whale@example.com").ticket
    standard = ingest(email="someone@example.com").ticket
    api = api_for(supervisor)
    assert api.get(f"/api/v1/tickets/{vip.pk}").json()["team"]["slug"] == "vip-desk"
    assert api.get(f"/api/v1/tickets/{standard.pk}").json()["team"] is None


def test_tier_change_recomputes_active_tickets(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
    agent: Agent,
) -> None:
    from cryptodesk.core.errors import PermissionDenied
    from cryptodesk.sla.actions import check_change_customer_tier

    make_policy("normal", "standard", first=240)
    vip = make_policy("normal", "vip", first=30)
    number = ingest().ticket.pk
    customer = Customer.objects.get(tickets=number)
    frozen_clock.advance(minutes=10)
    with pytest.raises(PermissionDenied):
        check_change_customer_tier(agent, customer, "vip")
    assert Customer.objects.get(pk=customer.pk).tier == "standard"
    assert check_change_customer_tier(supervisor, customer, "VIP") == [number]
    sla = sla_of(api_for(supervisor), number)
    assert (sla["policy"], sla["first_response_due"]) == (vip.pk, hk(2026, 3, 2, 10, 30))


def test_an_automated_reply_starts_no_next_response_clock(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    make_policy("normal", first=60, next_=60)
    api = api_for(supervisor)
    number = ingest().ticket.pk
    api.post(f"/api/v1/tickets/{number}/messages", {"body": "Could you send a screenshot?"})
    ingest("I am out of the office until Monday.", ticket_number=number, automated=True)
    assert sla_of(api, number)["next_response_due"] is None
    ingest("Here is the screenshot.", ticket_number=number)
    assert sla_of(api, number)["next_response_due"] == hk(2026, 3, 2, 11)


def test_a_due_time_missed_before_the_ticket_is_paused_stays_a_breach(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    # The resolution due time (11:00) passes while no check runs (the worker was down); the
    # agent then waits on the customer, solves and closes. The miss must not be forgotten.
    make_policy("normal", first=30, resolution=60)
    api = api_for(supervisor)
    number = ingest().ticket.pk
    frozen_clock.advance(minutes=10)
    api.post(f"/api/v1/tickets/{number}/messages", {"body": "Looking into it."})
    frozen_clock.set(datetime(2026, 3, 2, 11, 30, tzinfo=HK))
    response = api.post(
        f"/api/v1/tickets/{number}/messages", {"body": "Which address?", "status": "pending"}
    )
    assert response.status_code == 201
    paused = sla_of(api, number)
    assert (paused["paused"], paused["breached"]) == (True, True)
    # The next pass still announces and escalates it, once.
    for expected in (1, 0):
        out = StringIO()
        call_command("sla", "check", "--json", stdout=out)
        report = json.loads(out.getvalue())
        assert [b["ticket"] for b in report["breaches"]] == [number] * expected
        assert len(report["escalations"]) == expected
    assert Notification.objects.filter(ticket_id=number, kind="sla_escalation").count() == 1
    for status in ("solved", "closed"):
        assert api.patch(f"/api/v1/tickets/{number}", {"status": status}).status_code == 200
    assert sla_of(api, number)["breached"] is True
    resolution = SlaTarget.objects.get(ticket_id=number, kind="resolution")
    assert resolution.breached_at == datetime(2026, 3, 2, 11, 30, tzinfo=HK)


def test_a_late_ticket_solved_and_closed_before_any_check_keeps_its_breach(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    make_policy("normal", first=30, resolution=60)
    api = api_for(supervisor)
    number = ingest().ticket.pk
    frozen_clock.advance(minutes=10)
    api.post(f"/api/v1/tickets/{number}/messages", {"body": "Looking into it."})
    frozen_clock.set(datetime(2026, 3, 2, 11, 30, tzinfo=HK))
    for status in ("pending", "solved", "closed"):
        assert api.patch(f"/api/v1/tickets/{number}", {"status": status}).status_code == 200
    assert sla_of(api, number)["breached"] is True
    resolution = SlaTarget.objects.get(ticket_id=number, kind="resolution")
    assert resolution.breached_at == datetime(2026, 3, 2, 11, tzinfo=HK)


def test_opening_hours_that_start_in_the_skipped_spring_hour_open_when_the_clock_jumps(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    # London skips 01:00-02:00 on Sunday 29 March 2026: a desk opening at 01:30 opens at
    # 02:00 BST (01:00 UTC), the first wall time after 01:30, not an hour later.
    from cryptodesk.sla.models import BusinessCalendar

    sundays = BusinessCalendar.objects.create(
        name="London night desk", time_zone="Europe/London", hours=[[]] * 6 + [[[90, 240]]]
    )
    make_policy("normal", first=30, calendar=sundays)
    frozen_clock.set(datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("UTC")))
    number = ingest().ticket.pk
    assert sla_of(api_for(supervisor), number)["first_response_due"] == "2026-03-29T01:30:00Z"


def test_a_ticket_that_missed_a_target_stays_breached_when_another_clock_is_at_risk(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    make_policy("normal", first=30, resolution=60)
    api = api_for(supervisor)
    number = ingest().ticket.pk
    frozen_clock.advance(minutes=40)  # the first reply is 10 minutes late
    api.post(f"/api/v1/tickets/{number}/messages", {"body": "Sorry, looking now."})
    assert sla_of(api, number)["state"] == "breached"
    frozen_clock.advance(minutes=10)  # 10:50: the resolution clock is past its 75 % share
    after = sla_of(api, number)
    assert (after["breached"], after["state"]) == (True, "breached")
