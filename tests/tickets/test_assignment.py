"""Automatic assignment: eligibility (online, language and topic skills, team, capacity), least
loaded first with round-robin ties, presence changes, the API, and concurrency on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count

from cryptodesk.accounts.models import Agent, Presence, Role, Skill, Team
from cryptodesk.sla.actions import do_auto_assign, do_set_presence
from cryptodesk.tickets.models import EventKind, Ticket, TicketEvent
from tests.conftest import ApiClient, ticket_state

AgentFactory = Callable[..., Agent]


def skilled(agent: Agent, *skills: str, capacity: int = 10, online: bool = True) -> Agent:
    for skill in skills:
        kind, code = skill.split(":")
        agent.skills.add(Skill.objects.get_or_create(kind=kind, code=code, name=code)[0])
    Agent.objects.filter(pk=agent.pk).update(
        capacity=capacity, presence=Presence.ONLINE if online else Presence.OFFLINE
    )
    agent.refresh_from_db()
    return agent


def new_ticket(ingest: Callable[..., Any], i: int, **extra: Any) -> Ticket:
    ticket: Ticket = ingest(f"Deposit {i} missing", email=f"c{i}@example.com", **extra).ticket
    return ticket


def assignee_of(number: int) -> int | None:
    return Ticket.objects.values_list("assignee_id", flat=True).get(pk=number)


def test_only_online_agents_with_the_language_and_topic_skills_are_eligible(
    make_agent: AgentFactory, ingest: Callable[..., Any]
) -> None:
    skilled(make_agent(name="Offline"), "language:en", "topic:deposits", online=False)
    skilled(make_agent(name="Chinese only"), "language:zh-hans", "topic:deposits")
    skilled(make_agent(name="No topic"), "language:en")
    right = skilled(make_agent(name="Right one"), "language:en", "topic:deposits")
    ticket = new_ticket(ingest, 1)
    Ticket.objects.filter(pk=ticket.pk).update(topic="deposits")
    assert do_auto_assign(ticket.pk) == right
    assert assignee_of(ticket.pk) == right.pk
    event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNEE).get()
    assert (event.actor_kind, event.data) == (
        "system",
        {"from": None, "to": "Right one", "reason": "automatic"},
    )


def test_ticket_of_a_team_goes_to_a_member_of_that_team(
    make_agent: AgentFactory, ingest: Callable[..., Any], team: Team, other_team: Team
) -> None:
    skilled(make_agent(teams=[other_team]), "language:en")
    member = skilled(make_agent(teams=[team]), "language:en")
    ticket = new_ticket(ingest, 1)
    Ticket.objects.filter(pk=ticket.pk).update(team=team)
    assert do_auto_assign(ticket.pk) == member


def test_least_loaded_first_then_round_robin(
    make_agent: AgentFactory, ingest: Callable[..., Any]
) -> None:
    ann = skilled(make_agent(name="Ann"), "language:en")
    skilled(make_agent(name="Bob"), "language:en")
    skilled(make_agent(name="Cai"), "language:en")
    busy = new_ticket(ingest, 0)
    Ticket.objects.filter(pk=busy.pk).update(assignee=ann)
    picks = [do_auto_assign(new_ticket(ingest, i).pk) for i in range(1, 6)]
    # Bob and Cai had nothing: they go first; then all have one and the one assigned longest
    # ago (Ann, never automatically) goes next, then the rotation continues.
    assert [agent.display_name for agent in picks if agent] == ["Bob", "Cai", "Ann", "Bob", "Cai"]
    loads = dict(
        Ticket.objects.values("assignee__display_name")
        .annotate(n=Count("id"))
        .values_list("assignee__display_name", "n")
    )
    assert loads == {"Ann": 2, "Bob": 2, "Cai": 2}


def test_nobody_over_capacity(make_agent: AgentFactory, ingest: Callable[..., Any]) -> None:
    skilled(make_agent(), "language:en", capacity=2)
    results = [do_auto_assign(new_ticket(ingest, i).pk) for i in range(3)]
    assert [agent is not None for agent in results] == [True, True, False]


def test_assigned_or_pending_tickets_are_left_alone(
    make_agent: AgentFactory, ingest: Callable[..., Any]
) -> None:
    online = skilled(make_agent(), "language:en")
    pending = new_ticket(ingest, 1)
    Ticket.objects.filter(pk=pending.pk).update(status="pending")
    assert do_auto_assign(pending.pk) is None
    taken = new_ticket(ingest, 2)
    other = make_agent()
    Ticket.objects.filter(pk=taken.pk).update(assignee=other)
    assert do_auto_assign(taken.pk) is None
    assert assignee_of(taken.pk) == other.pk
    assert online.pk != other.pk


def test_going_offline_returns_unstarted_tickets_to_the_queue(
    make_agent: AgentFactory,
    ingest: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    console_for: Callable[[Agent], Any],
) -> None:
    leaving = skilled(make_agent(name="Leaving"), "language:en")
    unstarted = new_ticket(ingest, 1)
    answered = new_ticket(ingest, 2)
    Ticket.objects.filter(pk__in=[unstarted.pk, answered.pk]).update(assignee=leaving)
    api = api_for(leaving)
    assert api.post(f"/api/v1/tickets/{answered.pk}/messages", {"body": "On it"}).status_code == 201
    response = console_for(leaving).post("/sla/presence/", {"presence": "offline"})
    assert response.status_code == 302
    leaving.refresh_from_db()
    assert leaving.presence == Presence.OFFLINE
    assert assignee_of(unstarted.pk) is None
    assert assignee_of(answered.pk) == leaving.pk
    event = TicketEvent.objects.filter(ticket=unstarted, kind=EventKind.ASSIGNEE).last()
    assert event is not None
    assert event.data == {"from": "Leaving", "to": None, "reason": "agent_offline"}


def test_presence_rejects_unknown_values(
    make_agent: AgentFactory, console_for: Callable[[Agent], Any]
) -> None:
    someone = make_agent()
    response = console_for(someone).post("/sla/presence/", {"presence": "asleep"}, follow=True)
    assert response.status_code == 200
    assert "Presence must be one of online, away, offline." in response.content.decode()
    someone.refresh_from_db()
    assert someone.presence == Presence.OFFLINE


def test_new_ticket_is_assigned_after_commit(
    make_agent: AgentFactory,
    ingest: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.sla.conftest import run_queued_tasks

    online = skilled(make_agent(), "language:en")
    with django_capture_on_commit_callbacks(execute=True):
        number = new_ticket(ingest, 1).pk
    run_queued_tasks()
    assert assignee_of(number) == online.pk


def test_coming_online_pulls_waiting_tickets_most_urgent_first(
    make_agent: AgentFactory,
    ingest: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.sla.conftest import run_queued_tasks

    late = skilled(make_agent(), "language:en", capacity=1, online=False)
    normal = new_ticket(ingest, 1)
    urgent = new_ticket(ingest, 2, requested_priority="urgent")
    with django_capture_on_commit_callbacks(execute=True):
        do_set_presence(late, Presence.ONLINE)
    run_queued_tasks()
    assert (assignee_of(urgent.pk), assignee_of(normal.pk)) == (late.pk, None)


def test_coming_online_serves_a_ticket_with_a_due_time_before_one_without(
    make_agent: AgentFactory,
    ingest: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Queue order is priority, then SLA due (tickets without one last), then age, on every
    database: SQLite sorts NULL first unless told otherwise."""
    from cryptodesk.customers.models import Customer
    from cryptodesk.sla.models import BusinessCalendar, SlaPolicy
    from tests.sla.conftest import run_queued_tasks

    calendar = BusinessCalendar.objects.create(name="24/7", time_zone="UTC", always_open=True)
    SlaPolicy.objects.create(
        name="vip normal",
        priority="normal",
        tier="vip",
        calendar=calendar,
        first_response_minutes=60,
        next_response_minutes=60,
        resolution_minutes=600,
    )
    late = skilled(make_agent(), "language:en", capacity=1, online=False)
    without_sla = new_ticket(ingest, 1)  # standard tier: no policy, older
    Customer.objects.create(name="Fund", tier="vip").identities.create(
        kind="email", value="c2@example.com"
    )
    with_sla = new_ticket(ingest, 2)
    assert Ticket.objects.get(pk=with_sla.pk).sla_due is not None
    with django_capture_on_commit_callbacks(execute=True):
        do_set_presence(late, Presence.ONLINE)
    run_queued_tasks()
    assert (assignee_of(with_sla.pk), assignee_of(without_sla.pk)) == (late.pk, None)


# --- the API --------------------------------------------------------------------------------


def test_supervisor_starts_automatic_assignment(
    make_agent: AgentFactory,
    ingest: Callable[..., Any],
    supervisor: Agent,
    api_for: Callable[..., ApiClient],
) -> None:
    online = skilled(make_agent(name="Online"), "language:en")
    number = new_ticket(ingest, 1).pk
    response = api_for(supervisor).post(f"/api/v1/tickets/{number}/assign", {})
    assert response.status_code == 200
    assert response.json()["assignee"] == {"id": online.pk, "name": "Online"}
    again = api_for(supervisor).post(f"/api/v1/tickets/{number}/assign", {})
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"


def test_automatic_assignment_without_eligible_agent_is_a_clear_conflict(
    ingest: Callable[..., Any], supervisor: Agent, api_for: Callable[..., ApiClient]
) -> None:
    number = new_ticket(ingest, 1).pk
    before = ticket_state(number)
    response = api_for(supervisor).post(f"/api/v1/tickets/{number}/assign", {})
    assert response.status_code == 409
    assert response.json()["code"] == "no_eligible_agent"
    assert ticket_state(number) == before


def test_agent_may_take_but_not_auto_assign(
    make_agent: AgentFactory,
    ingest: Callable[..., Any],
    agent: Agent,
    api_for: Callable[..., ApiClient],
) -> None:
    skilled(make_agent(), "language:en")
    number = new_ticket(ingest, 1).pk
    api = api_for(agent)
    before = ticket_state(number)
    denied = api.post(f"/api/v1/tickets/{number}/assign", {})
    assert denied.status_code == 403
    assert ticket_state(number) == before
    someone_else = make_agent()
    denied = api.post(f"/api/v1/tickets/{number}/assign", {"agent": someone_else.pk})
    assert denied.status_code == 403
    assert ticket_state(number) == before
    taken = api.post(f"/api/v1/tickets/{number}/assign", {"agent": agent.pk})
    assert taken.status_code == 200
    assert taken.json()["assignee"]["id"] == agent.pk


def test_supervisor_overrides_with_a_named_agent(
    make_agent: AgentFactory,
    ingest: Callable[..., Any],
    supervisor: Agent,
    api_for: Callable[..., ApiClient],
) -> None:
    chosen = make_agent(name="Chosen")  # offline and unskilled: a supervisor may still choose
    number = new_ticket(ingest, 1).pk
    response = api_for(supervisor).post(f"/api/v1/tickets/{number}/assign", {"agent": chosen.pk})
    assert response.status_code == 200
    assert response.json()["assignee"] == {"id": chosen.pk, "name": "Chosen"}


def test_assign_rejects_unknown_fields_and_hidden_tickets(
    ingest: Callable[..., Any],
    agent: Agent,
    other_team: Team,
    api_for: Callable[..., ApiClient],
) -> None:
    number = new_ticket(ingest, 1).pk
    Ticket.objects.filter(pk=number).update(team=other_team)
    api = api_for(agent)
    assert api.post(f"/api/v1/tickets/{number}/assign", {"agent": agent.pk}).status_code == 404
    bad = api.post(f"/api/v1/tickets/{number}/assign", {"agnet": 1})
    assert bad.status_code == 422
    assert assignee_of(number) is None


def test_assign_refuses_an_agent_id_no_row_can_have(
    ingest: Callable[..., Any], supervisor: Agent, api_for: Callable[..., ApiClient]
) -> None:
    number = new_ticket(ingest, 1).pk
    api = api_for(supervisor)
    for bad_id in (0, -3, 2**63, 10**30):
        response = api.post(f"/api/v1/tickets/{number}/assign", {"agent": bad_id})
        assert response.status_code == 422, bad_id
    assert assignee_of(number) is None


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_assignment_never_double_assigns_or_overfills(
    make_agent: AgentFactory, ingest: Callable[..., Any]
) -> None:
    """Eight threads (as many web processes and workers) assign 40 tickets, each ticket by two
    threads at once, to three agents with room for 12 in all."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL; SQLite serializes writers anyway")
    capacities = {skilled(make_agent(), "language:en", capacity=c).pk: c for c in (3, 4, 5)}
    numbers = [new_ticket(ingest, i).pk for i in range(40)]
    work = numbers + numbers[::-1]
    lock = threading.Lock()
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            while True:
                with lock:
                    if not work:
                        return
                    number = work.pop()
                do_auto_assign(number)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    loads = dict(
        Ticket.objects.filter(assignee__isnull=False)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    assert loads == capacities
    assignments = (
        TicketEvent.objects.filter(kind=EventKind.ASSIGNEE)
        .values("ticket_id")
        .annotate(n=Count("id"))
    )
    assert len(assignments) == 12
    assert {row["n"] for row in assignments} == {1}


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.ADMIN])
def test_every_role_can_set_its_own_presence(
    role: str, make_agent: AgentFactory, console_for: Callable[[Agent], Any]
) -> None:
    someone = make_agent(role)
    response = console_for(someone).post("/sla/presence/", {"presence": "online"})
    assert response.status_code == 302
    someone.refresh_from_db()
    assert someone.presence == Presence.ONLINE
    assert someone.presence_changed_at is not None
