"""The warning and escalation pass: `cryptodesk sla check`, run by hand or by the worker."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from cryptodesk.accounts.models import Agent, Notification, Role, Team
from cryptodesk.core import clock
from cryptodesk.sla.actions import run_sla_check
from cryptodesk.sla.models import SlaTarget
from cryptodesk.tickets.models import EventKind, TicketEvent
from tests.conftest import ApiClient
from tests.sla.conftest import Clock, PolicyFactory


def check_json() -> dict[str, Any]:
    out = StringIO()
    call_command("sla", "check", "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def sla_events(number: int) -> list[tuple[str, dict[str, Any]]]:
    return [
        (event.kind, event.data)
        for event in TicketEvent.objects.filter(
            ticket_id=number, kind__in=[EventKind.SLA, EventKind.ESCALATION]
        ).order_by("id")
    ]


def test_warning_at_the_configured_share_then_breach_then_nothing_more(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    make_agent: Callable[..., Agent],
    console_for: Callable[[Agent], Any],
) -> None:
    make_policy("normal", first=100, warning_share="0.60", escalate_notify_supervisors=False)
    owner = make_agent(Role.AGENT, name="Owner")
    number = ingest().ticket.pk
    from cryptodesk.tickets.models import Ticket

    Ticket.objects.filter(pk=number).update(assignee=owner)
    frozen_clock.advance(minutes=59)
    assert check_json()["warnings"] == []
    frozen_clock.advance(minutes=1)  # 60 % of 100 minutes
    result = check_json()
    assert [(w["ticket"], w["target"]) for w in result["warnings"]] == [(number, "first_response")]
    assert check_json()["warnings"] == []  # once
    frozen_clock.advance(minutes=40)
    result = check_json()
    assert [(b["ticket"], b["target"]) for b in result["breaches"]] == [(number, "first_response")]
    assert result["escalations"] == [{"ticket": number, "actions": []}]
    assert check_json()["breaches"] == []
    events = sla_events(number)
    assert [(kind, data.get("state")) for kind, data in events] == [
        ("sla", "warning"),
        ("sla", "breached"),
        ("escalation", None),
    ]
    assert Ticket.objects.get(pk=number).sla_breached is True
    assert list(
        Notification.objects.filter(agent=owner).order_by("id").values_list("kind", flat=True)
    ) == ["sla_warning", "sla_breach"]
    page = console_for(owner).get("/accounts/notifications/").content.decode()
    assert "SLA at risk:" in page
    assert "SLA breached:" in page


def test_escalation_raises_priority_moves_team_and_notifies_supervisors_once(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    supervisor: Agent,
    admin_agent: Agent,
    agent: Agent,
    api_for: Callable[..., ApiClient],
) -> None:
    escalations = Team.objects.create(slug="escalations", name="Escalations")
    make_policy(
        "normal",
        first=30,
        escalate_raise_priority=True,
        escalate_to_team=escalations,
        escalate_notify_supervisors=True,
    )
    make_policy("high", first=15)
    number = ingest().ticket.pk
    frozen_clock.advance(minutes=31)
    result = check_json()
    assert result["escalations"] == [
        {"ticket": number, "actions": ["raise_priority", "move_to_team", "notify_supervisors"]}
    ]
    body = api_for(supervisor).get(f"/api/v1/tickets/{number}").json()
    assert (body["priority"], body["team"]["slug"], body["sla"]["breached"]) == (
        "high",
        "escalations",
        True,
    )
    notified = sorted(
        Notification.objects.filter(kind="sla_escalation").values_list("agent_id", flat=True)
    )
    assert notified == sorted([supervisor.pk, admin_agent.pk])
    # The new (high) policy's resolution clock breaches later: no second escalation.
    frozen_clock.advance(days=5)
    later = check_json()
    assert later["escalations"] == []
    assert Notification.objects.filter(kind="sla_escalation").count() == 2


def test_paused_tickets_neither_warn_nor_breach(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    supervisor: Agent,
) -> None:
    make_policy("normal", first=30, resolution=60)
    number = ingest().ticket.pk
    api_for(supervisor).patch(f"/api/v1/tickets/{number}", {"status": "pending"})
    frozen_clock.advance(days=3)
    result = check_json()
    assert (result["warnings"], result["breaches"]) == ([], [])


def test_check_prints_a_readable_report(
    frozen_clock: Clock, make_policy: PolicyFactory, ingest: Callable[..., Any]
) -> None:
    make_policy("normal", first=30)
    out = StringIO()
    call_command("sla", "check", stdout=out)
    assert "No new warnings or breaches." in out.getvalue()
    number = ingest().ticket.pk
    frozen_clock.advance(minutes=45)
    out = StringIO()
    call_command("sla", "check", stdout=out)
    text = out.getvalue()
    assert "0 warning(s), 1 breach(es), 1 escalation(s)" in text
    assert f"#{number}" in text
    assert "breached" in text


def test_periodic_task_runs_the_pass_and_schedules_the_next(
    frozen_clock: Clock, make_policy: PolicyFactory, ingest: Callable[..., Any]
) -> None:
    from django_tasks_db.models import DBTaskResult

    from cryptodesk.sla.tasks import CHECK_TASK_PATH, sla_check_periodic

    make_policy("normal", first=30)
    ingest()
    frozen_clock.advance(minutes=31)
    assert sla_check_periodic.call() == {
        "warnings": 0,
        "breaches": 1,
        "escalations": 1,
        "failed": 0,
    }
    queued = DBTaskResult.objects.filter(task_path=CHECK_TASK_PATH, status="READY")
    assert queued.count() == 1
    assert queued.get().run_after == clock.now() + timedelta(seconds=60)
    out = StringIO()
    call_command("sla", "schedule", stdout=out)
    assert "already queued" in out.getvalue()
    assert queued.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_checks_announce_each_breach_once(
    make_policy: PolicyFactory, ingest: Callable[..., Any], supervisor: Agent
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent row locking is exercised on PostgreSQL")
    make_policy("normal", first=5)
    numbers = [ingest(email=f"c{i}@example.com").ticket.pk for i in range(12)]
    clock.freeze(clock.now() + timedelta(days=10))
    try:
        barrier = threading.Barrier(4)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                barrier.wait()
                run_sla_check()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        clock.unfreeze()
    assert errors == []
    for number in numbers:
        states = [data.get("state") for kind, data in sla_events(number) if kind == "sla"]
        assert states == ["breached", "breached"]  # first response and resolution, once each
        assert [kind for kind, _data in sla_events(number)].count("escalation") == 1
    assert Notification.objects.filter(kind="sla_escalation").count() == len(numbers)


def test_apply_starts_clocks_from_when_tickets_were_opened(
    frozen_clock: Clock, ingest: Callable[..., Any], make_policy: PolicyFactory
) -> None:
    from cryptodesk.tickets.models import Ticket

    number = ingest().ticket.pk  # no policy yet
    frozen_clock.advance(minutes=90)
    make_policy("normal", first=60)
    out = StringIO()
    call_command("sla", "apply", stdout=out)
    assert out.getvalue().strip() == "1 active ticket(s) got an SLA policy and due times."
    ticket = Ticket.objects.get(pk=number)
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=60)
    assert [b["ticket"] for b in check_json()["breaches"]] == [number]


def test_a_failing_pass_still_schedules_the_next_one(
    frozen_clock: Clock, make_policy: PolicyFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django_tasks_db.models import DBTaskResult

    from cryptodesk.sla import actions
    from cryptodesk.sla.tasks import CHECK_TASK_PATH, sla_check_periodic

    def broken(at: Any = None) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(actions, "run_sla_check", broken)
    with pytest.raises(RuntimeError):
        sla_check_periodic.call()
    queued = DBTaskResult.objects.filter(task_path=CHECK_TASK_PATH, status="READY")
    assert queued.count() == 1


@pytest.mark.parametrize(
    ("raw", "seconds"), [("30", 30), ("1", 5), ("soon", 60), ("inf", 60), ("nan", 60)]
)
def test_check_interval_reads_the_environment_and_refuses_nonsense(
    monkeypatch: pytest.MonkeyPatch, raw: str, seconds: int
) -> None:
    from cryptodesk.sla.tasks import check_interval

    monkeypatch.setenv("CRYPTODESK_SLA_CHECK_SECONDS", raw)
    assert check_interval() == timedelta(seconds=seconds)


def test_a_target_that_fails_does_not_stop_the_others(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cryptodesk.sla import actions as sla_actions

    make_policy("normal", first=30)
    broken = ingest().ticket.pk
    frozen_clock.advance(minutes=1)
    fine = ingest(email="second@example.com").ticket.pk
    frozen_clock.advance(minutes=45)
    real = sla_actions.breach_target

    def breach(target_id: int, at: Any, report: Any) -> None:
        if SlaTarget.objects.get(pk=target_id).ticket_id == broken:
            raise RuntimeError("corrupt calendar")
        real(target_id, at, report)

    monkeypatch.setattr(sla_actions, "breach_target", breach)
    result = check_json()
    assert [b["ticket"] for b in result["breaches"]] == [fine]
    assert result["failed"] == [
        {"ticket": broken, "target": "first_response", "error": "RuntimeError: corrupt calendar"}
    ]
    monkeypatch.setattr(sla_actions, "breach_target", real)
    again = check_json()  # fixed: the next pass records it
    assert [b["ticket"] for b in again["breaches"]] == [broken]
    assert again["failed"] == []
