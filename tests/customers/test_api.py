"""GET /api/v1/customers/{id}: the customer's identities and tickets, limited to what the caller
may see; 404 for customers that are invisible, missing or out of range."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from cryptodesk.accounts.models import Agent, Role, Team
from cryptodesk.customers.models import Customer, Identity
from cryptodesk.tickets.actions import IngestResult
from cryptodesk.tickets.models import Ticket
from tests.conftest import ApiClient

Ingest = Callable[..., IngestResult]
CUSTOMERS = "/api/v1/customers"


def iso(value: Any) -> str:
    return str(DjangoJSONEncoder().default(value))


def not_found(customer_id: int | str) -> dict[str, str]:
    return {
        "code": "not_found",
        "message": f"Customer {customer_id} does not exist or is not visible to you.",
    }


def ticket_item(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "created_at": iso(ticket.created_at),
    }


@pytest.fixture
def wei_tickets(ingest: Ingest, team: Team, other_team: Team, agent: Agent) -> dict[str, Ticket]:
    """One customer with a ticket of team A, of team B, of no team, and of team B assigned to
    the team-A agent, written an hour apart (oldest first)."""
    base = timezone.now() - timedelta(days=1)
    plan = [
        ("team_a", team, None, "urgent", "email"),
        ("team_b", other_team, None, "normal", "web"),
        ("no_team", None, None, "low", "telegram"),
        ("assigned", other_team, agent, "high", "chat"),
    ]
    tickets = {}
    for hour, (name, ticket_team, assignee, priority, channel) in enumerate(plan):
        result = ingest(
            f"Message {name}",
            email="wei@example.com",
            name="Wei Zhang",
            subject=f"About {name}",
            channel=channel,
            requested_priority=priority,
            received_at=base + timedelta(hours=hour),
        )
        Ticket.objects.filter(pk=result.ticket.pk).update(team=ticket_team, assignee=assignee)
        tickets[name] = Ticket.objects.get(pk=result.ticket.pk)
    return tickets


def test_supervisor_sees_identities_and_every_ticket_newest_first(
    supervisor: Agent, api_for: Callable[..., ApiClient], wei_tickets: dict[str, Ticket]
) -> None:
    customer = Customer.objects.get()
    Identity.objects.create(customer=customer, kind="telegram", value="55501234", verified=True)
    Identity.objects.create(customer=customer, kind="chat", value="visitor-9")
    Ticket.objects.filter(pk=wei_tickets["no_team"].pk).update(status="solved")
    wei_tickets["no_team"].refresh_from_db()
    response = api_for(supervisor).get(f"{CUSTOMERS}/{customer.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "id": customer.pk,
        "name": "Wei Zhang",
        "language": "en",
        "tier": "standard",
        "created_at": iso(customer.created_at),
        "identities": [
            {"kind": "chat", "value": "visitor-9", "verified": False},
            {"kind": "email", "value": "wei@example.com", "verified": False},
            {"kind": "telegram", "value": "55501234", "verified": True},
        ],
        "tickets": [
            ticket_item(wei_tickets[name]) for name in ("assigned", "no_team", "team_b", "team_a")
        ],
    }
    assert response.json()["tickets"][1]["status"] == "solved"
    assert [t["priority"] for t in response.json()["tickets"]] == [
        "high",
        "low",
        "normal",
        "urgent",
    ]


def test_agent_sees_only_the_tickets_it_may_see(
    agent: Agent, api_for: Callable[..., ApiClient], wei_tickets: dict[str, Ticket]
) -> None:
    customer_id = wei_tickets["team_a"].customer_id
    response = api_for(agent).get(f"{CUSTOMERS}/{customer_id}")
    assert response.status_code == 200
    assert [t["number"] for t in response.json()["tickets"]] == [
        wei_tickets[name].pk for name in ("assigned", "no_team", "team_a")
    ]
    assert response.json()["identities"] == [
        {"kind": "email", "value": "wei@example.com", "verified": False}
    ]


def test_agent_of_the_other_team_sees_its_share(
    make_agent: Callable[..., Agent],
    other_team: Team,
    api_for: Callable[..., ApiClient],
    wei_tickets: dict[str, Ticket],
) -> None:
    bob = make_agent(Role.AGENT, [other_team])
    response = api_for(bob).get(f"{CUSTOMERS}/{wei_tickets['team_a'].customer_id}")
    assert response.status_code == 200
    assert [t["number"] for t in response.json()["tickets"]] == [
        wei_tickets[name].pk for name in ("assigned", "no_team", "team_b")
    ]


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.ADMIN])
def test_customer_whose_tickets_are_all_hidden_is_404_for_agents(
    make_agent: Callable[..., Agent],
    team: Team,
    other_team: Team,
    api_for: Callable[..., ApiClient],
    ingest: Ingest,
    role: str,
) -> None:
    hidden = ingest(email="hidden@example.com").ticket
    Ticket.objects.filter(pk=hidden.pk).update(team=other_team)
    caller = make_agent(role, [team])
    response = api_for(caller).get(f"{CUSTOMERS}/{hidden.customer_id}")
    if role == Role.AGENT:
        assert response.status_code == 404
        assert response.json() == not_found(hidden.customer_id)
    else:
        assert response.status_code == 200
        assert [t["number"] for t in response.json()["tickets"]] == [hidden.pk]


def test_customer_without_tickets_is_seen_by_supervisors_only(
    agent: Agent, supervisor: Agent, api_for: Callable[..., ApiClient]
) -> None:
    customer = Customer.objects.create(name="Lonely", tier="vip", language="zh-hant")
    Identity.objects.create(customer=customer, kind="phone", value="+85212345678")
    seen = api_for(supervisor).get(f"{CUSTOMERS}/{customer.pk}")
    assert seen.status_code == 200
    assert seen.json() == {
        "id": customer.pk,
        "name": "Lonely",
        "language": "zh-hant",
        "tier": "vip",
        "created_at": iso(customer.created_at),
        "identities": [{"kind": "phone", "value": "+85212345678", "verified": False}],
        "tickets": [],
    }
    hidden = api_for(agent).get(f"{CUSTOMERS}/{customer.pk}")
    assert hidden.status_code == 404
    assert hidden.json() == not_found(customer.pk)


@pytest.mark.parametrize(
    "customer_id",
    ["999999", "0", "-1", "-9223372036854775809", "9223372036854775807", "9223372036854775808"]
    + ["1" + "0" * 30],
)
def test_missing_or_out_of_range_customer_is_404(
    supervisor: Agent, api_for: Callable[..., ApiClient], ingest: Ingest, customer_id: str
) -> None:
    ingest()
    response = api_for(supervisor).get(f"{CUSTOMERS}/{customer_id}")
    assert response.status_code == 404
    assert response.json() == not_found(int(customer_id))


@pytest.mark.parametrize("customer_id", ["abc", "1.5", "0x10", "١٢"])
def test_customer_id_that_is_not_an_integer_is_422(
    supervisor: Agent, api_for: Callable[..., ApiClient], customer_id: str
) -> None:
    response = api_for(supervisor).get(f"{CUSTOMERS}/{customer_id}")
    assert response.status_code == 422
    message = "Input should be a valid integer, unable to parse string as an integer"
    assert response.json() == {
        "code": "validation_error",
        "message": f"customer_id: {message}",
        "field": "customer_id",
        "errors": [{"field": "customer_id", "message": message}],
    }


def test_customer_created_through_the_api_has_its_email_identity(
    agent: Agent, api_for: Callable[..., ApiClient]
) -> None:
    api = api_for(agent)
    created = api.post(
        "/api/v1/tickets",
        {
            "customer_email": "New.Person@Example.com",
            "customer_name": "New Person",
            "subject": "Hello",
            "body": "你好",
        },
    ).json()
    response = api.get(f"{CUSTOMERS}/{created['customer']['id']}")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["language"], body["tier"]) == ("New Person", "zh-hans", "standard")
    assert body["identities"] == [
        {"kind": "email", "value": "new.person@example.com", "verified": False}
    ]
    assert [(t["number"], t["channel"]) for t in body["tickets"]] == [(created["number"], "api")]


def test_customer_api_needs_a_token(ingest: Ingest, client: Any) -> None:
    customer_id = ingest().ticket.customer_id
    response = client.get(f"{CUSTOMERS}/{customer_id}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
