"""The REST API permission matrix: each role x each endpoint x tickets of team A, team B and
no team. Supervisors and admins see everything; an agent sees the tickets of their teams,
tickets without a team and tickets assigned to them; a read-scope token never writes. Every
denied request also proves that nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cryptodesk.accounts.models import Agent, ApiToken, Role, Team
from cryptodesk.customers.models import Customer
from cryptodesk.tickets.actions import IngestResult
from cryptodesk.tickets.models import EventKind, Message, Ticket, TicketEvent
from tests.conftest import ApiClient, ticket_state

TICKETS = "/api/v1/tickets"
CUSTOMERS = "/api/v1/customers"
READ_ONLY = {"code": "permission_denied", "message": "This API token is read-only."}

ROLES = ["agent_a", "agent_b", "supervisor", "admin", "reader_agent", "reader_supervisor"]
KINDS = ["team_a", "team_b", "no_team"]
SEES = {
    "agent_a": {"team_a", "no_team"},
    "agent_b": {"team_b", "no_team"},
    "supervisor": set(KINDS),
    "admin": set(KINDS),
    "reader_agent": {"team_a", "no_team"},
    "reader_supervisor": set(KINDS),
}
READ_ONLY_ROLES = {"reader_agent", "reader_supervisor"}


@dataclass
class World:
    agents: dict[str, Agent]
    clients: dict[str, ApiClient]
    tickets: dict[str, Ticket]
    teams: dict[str, Team]


@pytest.fixture
def world(
    agent: Agent,
    make_agent: Callable[..., Agent],
    supervisor: Agent,
    admin_agent: Agent,
    team: Team,
    other_team: Team,
    api_for: Callable[..., ApiClient],
    ingest: Callable[..., IngestResult],
) -> World:
    agent_b = make_agent(Role.AGENT, [other_team], name="Bob Agent")
    agents = {"agent_a": agent, "agent_b": agent_b, "supervisor": supervisor, "admin": admin_agent}
    clients = {role: api_for(member) for role, member in agents.items()}
    clients["reader_agent"] = api_for(agent, ApiToken.Scope.READ)
    clients["reader_supervisor"] = api_for(supervisor, ApiToken.Scope.READ)
    base = timezone.now() - timedelta(hours=1)
    tickets = {}
    for offset, (kind, ticket_team) in enumerate(
        [("team_a", team), ("team_b", other_team), ("no_team", None)]
    ):
        result = ingest(
            f"Question about {kind}",
            email=f"{kind.replace('_', '')}@example.com",
            subject=kind,
            received_at=base + timedelta(minutes=offset),
        )
        Ticket.objects.filter(pk=result.ticket.pk).update(team=ticket_team)
        tickets[kind] = Ticket.objects.get(pk=result.ticket.pk)
    return World(
        agents=agents,
        clients=clients,
        tickets=tickets,
        teams={"team_a": team, "team_b": other_team},
    )


def everything() -> dict[str, Any]:
    return {
        "tickets": {t.pk: ticket_state(t.pk) for t in Ticket.objects.all()},
        "messages": Message.objects.count(),
        "events": TicketEvent.objects.count(),
        "customers": Customer.objects.count(),
    }


def not_found(number: int) -> dict[str, str]:
    return {
        "code": "not_found",
        "message": f"Ticket {number} does not exist or is not visible to you.",
    }


# --- reads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_exactly_the_visible_tickets(world: World, role: str) -> None:
    response = world.clients[role].get(TICKETS)
    assert response.status_code == 200
    body = response.json()
    expected = [world.tickets[kind].pk for kind in KINDS if kind in SEES[role]]
    assert [t["number"] for t in body["results"]] == expected
    assert (body["count"], body["pages"]) == (len(expected), 1)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_get_ticket(world: World, role: str, kind: str) -> None:
    ticket = world.tickets[kind]
    before = everything()
    response = world.clients[role].get(f"{TICKETS}/{ticket.pk}")
    if kind in SEES[role]:
        assert response.status_code == 200
        body = response.json()
        assert (body["number"], body["subject"]) == (ticket.pk, kind)
        assert [m["body"] for m in body["messages"]] == [f"Question about {kind}"]
    else:
        assert response.status_code == 404
        assert response.json() == not_found(ticket.pk)
    assert everything() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_get_customer(world: World, role: str, kind: str) -> None:
    ticket = world.tickets[kind]
    response = world.clients[role].get(f"{CUSTOMERS}/{ticket.customer_id}")
    if kind in SEES[role]:
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == ticket.customer_id
        assert [t["number"] for t in body["tickets"]] == [ticket.pk]
        assert body["identities"] == [
            {"kind": "email", "value": f"{kind.replace('_', '')}@example.com", "verified": False}
        ]
    else:
        assert response.status_code == 404
        assert response.json() == {
            "code": "not_found",
            "message": f"Customer {ticket.customer_id} does not exist or is not visible to you.",
        }


# --- writes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_patch_ticket(world: World, role: str, kind: str) -> None:
    ticket = world.tickets[kind]
    before = everything()
    response = world.clients[role].patch(
        f"{TICKETS}/{ticket.pk}", {"priority": "high", "tags": ["checked"]}
    )
    if role in READ_ONLY_ROLES:
        assert response.status_code == 403
        assert response.json() == READ_ONLY
        assert everything() == before
    elif kind in SEES[role]:
        assert response.status_code == 200
        assert (response.json()["priority"], response.json()["tags"]) == ("high", ["checked"])
        state = ticket_state(ticket.pk)
        assert (state["priority"], state["tags"]) == ("high", ["checked"])
        assert state["events"] == before["tickets"][ticket.pk]["events"] + 2
        assert list(
            TicketEvent.objects.filter(ticket=ticket, actor_agent__isnull=False).values_list(
                "kind", "actor_agent_id"
            )
        ) == [
            (EventKind.PRIORITY, world.agents[role].pk),
            (EventKind.TAGS, world.agents[role].pk),
        ]
    else:
        assert response.status_code == 404
        assert response.json() == not_found(ticket.pk)
        assert everything() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("internal", [False, True])
def test_post_message(world: World, role: str, kind: str, internal: bool) -> None:
    ticket = world.tickets[kind]
    before = everything()
    response = world.clients[role].post(
        f"{TICKETS}/{ticket.pk}/messages", {"body": "We are looking into it.", "internal": internal}
    )
    if role in READ_ONLY_ROLES:
        assert response.status_code == 403
        assert response.json() == READ_ONLY
        assert everything() == before
    elif kind in SEES[role]:
        assert response.status_code == 201
        assert response.json()["author"] == {
            "id": world.agents[role].pk,
            "name": world.agents[role].display_name,
        }
        assert response.json()["internal"] is internal
        assert Message.objects.count() == before["messages"] + 1
        assert Message.objects.filter(ticket=ticket, author_agent=world.agents[role]).count() == 1
    else:
        assert response.status_code == 404
        assert response.json() == not_found(ticket.pk)
        assert everything() == before


@pytest.mark.parametrize("role", ROLES)
def test_create_ticket(world: World, role: str) -> None:
    before = everything()
    response = world.clients[role].post(
        TICKETS,
        {"customer_email": "new@example.com", "subject": "New", "body": "Hello", "tags": ["x"]},
    )
    if role in READ_ONLY_ROLES:
        assert response.status_code == 403
        assert response.json() == READ_ONLY
        assert everything() == before
    else:
        assert response.status_code == 201
        created = Ticket.objects.get(pk=response.json()["number"])
        assert (created.subject, created.channel, created.team_id) == ("New", "api", None)
        assert Ticket.objects.count() == len(before["tickets"]) + 1
        assert Customer.objects.count() == before["customers"] + 1


# --- what agents may and may not change ------------------------------------------------------

AGENT_TICKETS = [
    (role, kind) for role in ("agent_a", "agent_b") for kind in KINDS if kind in SEES[role]
]
OTHER = {"agent_a": "agent_b", "agent_b": "agent_a"}
OTHER_TEAM_SLUG = {"agent_a": "security", "agent_b": "funds"}


@pytest.mark.parametrize(("role", "kind"), AGENT_TICKETS)
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            "assign_other",
            "assignee",
            "Only supervisors can assign tickets to other agents.",
        ),
        ("assign_supervisor", "assignee", "Only supervisors can assign tickets to other agents."),
        ("release_other", "assignee", "Only supervisors can assign tickets to other agents."),
        ("move_team", "team", "Only supervisors can move tickets between teams."),
        ("clear_team", "team", "Only supervisors can move tickets between teams."),
    ],
)
def test_agent_is_refused_changes_reserved_to_supervisors(
    world: World, role: str, kind: str, change: str, field: str, message: str
) -> None:
    ticket = world.tickets[kind]
    other = world.agents[OTHER[role]]
    if change == "release_other":
        Ticket.objects.filter(pk=ticket.pk).update(assignee=other)
    if change == "clear_team" and kind == "no_team":
        Ticket.objects.filter(pk=ticket.pk).update(team=world.teams[f"team_{role[-1]}"])
    payload = {
        "assign_other": {"assignee": other.pk},
        "assign_supervisor": {"assignee": world.agents["supervisor"].pk},
        "release_other": {"assignee": None},
        "move_team": {"team": OTHER_TEAM_SLUG[role]},
        "clear_team": {"team": None},
    }[change]
    before = everything()
    response = world.clients[role].patch(
        f"{TICKETS}/{ticket.pk}", payload | {"priority": "urgent", "status": "open"}
    )
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "message": message, "field": field}
    assert everything() == before


@pytest.mark.parametrize("role", ["supervisor", "admin"])
@pytest.mark.parametrize("kind", KINDS)
def test_supervisors_assign_anyone_and_move_tickets(world: World, role: str, kind: str) -> None:
    ticket = world.tickets[kind]
    target = world.agents["agent_b"]
    response = world.clients[role].patch(
        f"{TICKETS}/{ticket.pk}", {"assignee": target.pk, "team": "funds"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["assignee"] == {"id": target.pk, "name": "Bob Agent"}
    assert body["team"]["slug"] == "funds"
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.assignee_id, stored.team_id) == (target.pk, world.teams["team_a"].pk)
    # Agent B now sees a ticket of team A because it is assigned to them.
    assert world.clients["agent_b"].get(f"{TICKETS}/{ticket.pk}").status_code == 200


@pytest.mark.parametrize(("role", "kind"), AGENT_TICKETS)
def test_agent_takes_and_releases_a_visible_ticket(world: World, role: str, kind: str) -> None:
    ticket = world.tickets[kind]
    me = world.agents[role]
    taken = world.clients[role].patch(f"{TICKETS}/{ticket.pk}", {"assignee": me.pk})
    assert taken.status_code == 200
    assert taken.json()["assignee"] == {"id": me.pk, "name": me.display_name}
    released = world.clients[role].patch(f"{TICKETS}/{ticket.pk}", {"assignee": None})
    assert released.status_code == 200
    assert released.json()["assignee"] is None
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None
    assert [e.data for e in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNEE)] == [
        {"from": None, "to": me.display_name},
        {"from": me.display_name, "to": None},
    ]


@pytest.mark.parametrize("role", ["agent_a", "agent_b"])
def test_agent_cannot_take_a_ticket_it_cannot_see(world: World, role: str) -> None:
    hidden = world.tickets["team_b" if role == "agent_a" else "team_a"]
    before = everything()
    response = world.clients[role].patch(
        f"{TICKETS}/{hidden.pk}", {"assignee": world.agents[role].pk}
    )
    assert response.status_code == 404
    assert response.json() == not_found(hidden.pk)
    assert everything() == before


def test_a_ticket_assigned_to_an_agent_is_visible_to_it_until_released(world: World) -> None:
    hidden = world.tickets["team_b"]
    alice = world.clients["agent_a"]
    assert alice.get(f"{TICKETS}/{hidden.pk}").status_code == 404
    world.clients["supervisor"].patch(
        f"{TICKETS}/{hidden.pk}", {"assignee": world.agents["agent_a"].pk}
    )
    listed = [t["number"] for t in alice.get(TICKETS).json()["results"]]
    assert listed == [world.tickets["team_a"].pk, hidden.pk, world.tickets["no_team"].pk]
    assert alice.get(f"{TICKETS}/{hidden.pk}").status_code == 200
    assert alice.get(f"{CUSTOMERS}/{hidden.customer_id}").status_code == 200
    reply = alice.post(f"{TICKETS}/{hidden.pk}/messages", {"body": "On it"})
    assert reply.status_code == 201
    # Alice may not move it into her own team.
    before = everything()
    moved = alice.patch(f"{TICKETS}/{hidden.pk}", {"team": "funds"})
    assert moved.status_code == 403
    assert everything() == before
    # Releasing it answers with the result although the ticket leaves her sight.
    released = alice.patch(f"{TICKETS}/{hidden.pk}", {"assignee": None})
    assert released.status_code == 200
    assert (released.json()["number"], released.json()["assignee"]) == (hidden.pk, None)
    assert Ticket.objects.get(pk=hidden.pk).assignee_id is None
    assert alice.get(f"{TICKETS}/{hidden.pk}").status_code == 404
    assert alice.get(f"{CUSTOMERS}/{hidden.customer_id}").status_code == 404


def test_read_scope_is_checked_before_the_ticket_is_looked_up(world: World) -> None:
    """A read-only token learns nothing about tickets it cannot see from a write attempt."""
    reader = world.clients["reader_agent"]
    before = everything()
    hidden = reader.patch(f"{TICKETS}/{world.tickets['team_b'].pk}", {"status": "open"})
    missing = reader.patch(f"{TICKETS}/987654", {"status": "open"})
    assert (hidden.status_code, missing.status_code) == (403, 403)
    assert hidden.json() == missing.json() == READ_ONLY
    assert everything() == before
