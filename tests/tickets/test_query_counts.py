"""Hot pages and endpoints run a fixed number of queries, however many tickets or messages they
show: each is measured with few and with many rows, and the two counts must be equal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cryptodesk.accounts.models import Agent, Role, Team
from cryptodesk.customers.models import Identity
from cryptodesk.tickets.actions import (
    TicketChanges,
    check_update_ticket,
    do_add_agent_message,
)
from cryptodesk.tickets.models import Ticket
from cryptodesk.tickets.pipeline import InboundAttachment
from tests.conftest import ApiClient

# Budgets measured on SQLite and PostgreSQL; raise one only with a reason.
API_LIST_QUERIES = 6  # token, caller's teams, count, tickets, tags, identities
API_DETAIL_QUERIES = 7
API_CUSTOMER_QUERIES = 6
QUEUE_PAGE_QUERIES = 16
TICKET_PAGE_QUERIES = 18  # + the complaint panel's lookup


def count_queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as context:
        response = call()
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.fixture
def add_tickets(
    ingest: Callable[..., Any],
    team: Team,
    other_team: Team,
    make_agent: Callable[..., Agent],
) -> Callable[[int], None]:
    """Tickets that use every relation a listing shows: customers with several identities,
    tags, assignees, teams (including none)."""
    helpers = [make_agent(Role.AGENT, [team]), make_agent(Role.AGENT, [team])]
    made = {"n": 0}

    def add(count: int) -> None:
        for _ in range(count):
            i = made["n"]
            made["n"] += 1
            result = ingest(
                f"Message {i}",
                email=f"customer{i}@example.com",
                name=f"Customer {i}",
                subject=f"Ticket {i}",
                requested_priority=["urgent", "high", "normal", "low"][i % 4],
                tags=("vip", f"batch-{i}"),
            )
            Identity.objects.create(
                customer_id=result.ticket.customer_id, kind="telegram", value=f"tg{i}"
            )
            Ticket.objects.filter(pk=result.ticket.pk).update(
                team=team if i % 3 else None, assignee=helpers[i % 2] if i % 4 else None
            )

    return add


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR])
def test_ticket_list_api_does_not_grow_with_tickets(
    make_agent: Callable[..., Agent],
    team: Team,
    api_for: Callable[..., ApiClient],
    add_tickets: Callable[[int], None],
    django_assert_max_num_queries: Any,
    role: str,
) -> None:
    api = api_for(make_agent(role, [team]))
    add_tickets(5)
    api.get("/api/v1/tickets")  # the first use of a token records last_used_at
    few = count_queries(lambda: api.get("/api/v1/tickets"))
    add_tickets(50)
    with django_assert_max_num_queries(API_LIST_QUERIES):
        response = api.get("/api/v1/tickets")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50
    assert response.json()["count"] == 55
    many = count_queries(lambda: api.get("/api/v1/tickets", tag="vip"))
    assert many == few


def test_ticket_detail_api_does_not_grow_with_messages(
    agent: Agent,
    api_for: Callable[..., ApiClient],
    ingest: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    api = api_for(agent)
    ticket = ingest().ticket
    api.get("/api/v1/tickets")
    add_messages(agent, ticket, ingest, 3)
    few = count_queries(lambda: api.get(f"/api/v1/tickets/{ticket.pk}"))
    add_messages(agent, ticket, ingest, 30)
    with django_assert_max_num_queries(API_DETAIL_QUERIES):
        response = api.get(f"/api/v1/tickets/{ticket.pk}")
    assert len(response.json()["messages"]) == 1 + 33 * 3
    assert count_queries(lambda: api.get(f"/api/v1/tickets/{ticket.pk}")) == few


def test_customer_api_does_not_grow_with_tickets(
    supervisor: Agent,
    api_for: Callable[..., ApiClient],
    ingest: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    api = api_for(supervisor)
    customer_id = ingest(email="many@example.com").ticket.customer_id
    api.get("/api/v1/tickets")
    few = count_queries(lambda: api.get(f"/api/v1/customers/{customer_id}"))
    for i in range(30):
        ingest(f"Again {i}", email="many@example.com")
    with django_assert_max_num_queries(API_CUSTOMER_QUERIES):
        response = api.get(f"/api/v1/customers/{customer_id}")
    assert len(response.json()["tickets"]) == 31
    assert count_queries(lambda: api.get(f"/api/v1/customers/{customer_id}")) == few


@pytest.mark.parametrize("htmx", [False, True])
def test_console_queue_does_not_grow_with_tickets(
    agent: Agent,
    console_for: Callable[[Agent], Client],
    add_tickets: Callable[[int], None],
    django_assert_max_num_queries: Any,
    htmx: bool,
) -> None:
    client = console_for(agent)
    headers = {"HX-Request": "true"} if htmx else {}
    add_tickets(5)
    few = count_queries(lambda: client.get("/tickets/", headers=headers))
    add_tickets(50)
    with django_assert_max_num_queries(QUEUE_PAGE_QUERIES):
        response = client.get("/tickets/", headers=headers)
    assert len(response.context["page"].object_list) == 50
    assert count_queries(lambda: client.get("/tickets/", headers=headers)) == few


def add_messages(agent: Agent, ticket: Ticket, ingest: Callable[..., Any], rounds: int) -> None:
    """Per round: a customer message with an attachment, a reply and an internal note, and a
    property change (events that are not messages)."""
    for i in range(rounds):
        ingest(
            f"Customer says {i}",
            email=ticket.customer.primary_email,
            ticket_number=ticket.pk,
            attachments=(InboundAttachment(f"shot{i}.png", "image/png", b"\x89PNG" + bytes(i)),),
        )
        do_add_agent_message(agent, ticket, f"Reply {i}")
        do_add_agent_message(agent, ticket, f"Note {i}", internal=True)
        check_update_ticket(
            agent, ticket, TicketChanges(priority=["high", "normal"][i % 2], tags=[f"r{i}"])
        )


@pytest.mark.parametrize("page", ["", "live/"])
def test_ticket_page_does_not_grow_with_messages(
    agent: Agent,
    console_for: Callable[[Agent], Client],
    ingest: Callable[..., Any],
    django_assert_max_num_queries: Any,
    page: str,
) -> None:
    client = console_for(agent)
    ticket = ingest().ticket
    add_messages(agent, ticket, ingest, 1)
    few = count_queries(lambda: client.get(f"/tickets/{ticket.pk}/{page}"))
    add_messages(agent, ticket, ingest, 30)
    response = client.get(f"/tickets/{ticket.pk}/{page}")
    assert response.content.decode().count("data-message=") == 1 + 31 * 3
    assert count_queries(lambda: client.get(f"/tickets/{ticket.pk}/{page}")) == few
    with django_assert_max_num_queries(TICKET_PAGE_QUERIES):
        client.get(f"/tickets/{ticket.pk}/{page}")
