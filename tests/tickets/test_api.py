"""The tickets REST API through HTTP: create (idempotent), list with filters, order and pages,
one ticket with its messages, changes with their rules and timeline events, replies and notes,
the error shape, authentication and token scopes, and the OpenAPI schema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import timezone

from cryptodesk.accounts.actions import do_revoke_api_token
from cryptodesk.accounts.models import Agent, ApiToken, Role, Team
from cryptodesk.api import api as ninja_api
from cryptodesk.customers.models import Customer, Identity
from cryptodesk.tickets.actions import IngestResult
from cryptodesk.tickets.models import (
    CustomField,
    EventKind,
    Message,
    Status,
    Ticket,
    TicketEvent,
)
from cryptodesk.tickets.pipeline import InboundAttachment
from tests.conftest import ApiClient, ticket_state

Ingest = Callable[..., IngestResult]
ApiFor = Callable[..., ApiClient]

TICKETS = "/api/v1/tickets"
UNAUTHENTICATED = {
    "code": "unauthenticated",
    "message": "Send a valid API token in the header 'Authorization: Bearer <token>'.",
}
READ_ONLY = {"code": "permission_denied", "message": "This API token is read-only."}


def iso(value: datetime | None) -> str | None:
    """A datetime as the API writes it (ISO 8601, milliseconds, 'Z')."""
    return None if value is None else DjangoJSONEncoder().default(value)


def row_counts() -> dict[str, int]:
    return {
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "events": TicketEvent.objects.count(),
        "customers": Customer.objects.count(),
        "identities": Identity.objects.count(),
    }


def events_of(number: int) -> list[tuple[str, dict[str, Any]]]:
    return [(e.kind, e.data) for e in TicketEvent.objects.filter(ticket_id=number).order_by("id")]


def new_ticket(ingest: Ingest, **kwargs: Any) -> Ticket:
    return ingest(kwargs.pop("text", "My USDT deposit has not arrived."), **kwargs).ticket


def validation_error(field: str, message: str) -> dict[str, Any]:
    """The body of a 422 raised by the request schema (it lists every error)."""
    return {
        "code": "validation_error",
        "message": f"{field or 'request'}: {message}",
        "field": field,
        "errors": [{"field": field, "message": message}],
    }


@pytest.fixture
def api(agent: Agent, api_for: ApiFor) -> ApiClient:
    return api_for(agent)


@pytest.fixture
def boss(supervisor: Agent, api_for: ApiFor) -> ApiClient:
    return api_for(supervisor)


# --- create ----------------------------------------------------------------------------------


def test_create_ticket_returns_201_with_customer_message_and_events(api: ApiClient) -> None:
    response = api.post(
        TICKETS,
        {
            "customer_email": "Wei.Zhang@Example.COM",
            "customer_name": "Wei Zhang",
            "subject": "Withdrawal stuck",
            "body": "My BTC withdrawal has been pending for 6 hours.",
            "priority": "high",
            "tags": ["withdrawal", "btc"],
            "language": "en",
        },
    )
    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get()
    customer = Customer.objects.get()
    message = Message.objects.get()
    assert body == {
        "number": ticket.pk,
        "subject": "Withdrawal stuck",
        "status": "new",
        "priority": "high",
        "channel": "api",
        "language": "en",
        "customer": {"id": customer.pk, "name": "Wei Zhang", "email": "wei.zhang@example.com"},
        "assignee": None,
        "team": None,
        "tags": ["btc", "withdrawal"],
        "custom_fields": {},
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "first_response_at": None,
        "solved_at": None,
        "sla": {
            "policy": None,
            "first_response_due": None,
            "next_response_due": None,
            "resolution_due": None,
            "breached": False,
            "paused": False,
            "state": "none",
        },
        "messages": [
            {
                "id": message.pk,
                "author_kind": "customer",
                "author": {"id": customer.pk, "name": "Wei Zhang"},
                "channel": "api",
                "body": "My BTC withdrawal has been pending for 6 hours.",
                "html": "",
                "internal": False,
                "attachments": [],
                "created_at": iso(message.created_at),
            }
        ],
    }
    assert ticket.priority_rank == 3
    assert list(Identity.objects.values_list("customer_id", "kind", "value", "verified")) == [
        (customer.pk, "email", "wei.zhang@example.com", False)
    ]
    assert customer.language == "en"
    assert message.external_ids == {"created_by_agent": str(api.agent.pk)}
    assert message.idempotency_key is None
    assert events_of(ticket.pk) == [
        (EventKind.CREATED, {"channel": "api", "priority": "high"}),
        (EventKind.MESSAGE, {}),
    ]


def test_create_ticket_defaults_and_detected_language(api: ApiClient) -> None:
    response = api.post(
        TICKETS,
        {"customer_email": "li@example.com", "subject": "充值未到账", "body": "我的充值还没有到账"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["priority"], body["tags"], body["language"]) == ("normal", [], "zh-hans")
    assert body["customer"]["name"] == ""
    assert Ticket.objects.get().priority_rank == 2


def test_create_ticket_with_language_hint_and_normalised_tags(api: ApiClient) -> None:
    response = api.post(
        TICKETS,
        {
            "customer_email": "chen@example.com",
            "subject": "Account",
            "body": "Hello",
            "language": "zh-hant",
            "tags": ["  VIP ", "Funds At Risk", "vip"],
            "priority": "urgent",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["language"] == "zh-hant"
    assert body["tags"] == ["funds-at-risk", "vip"]
    assert body["priority"] == "urgent"
    ticket = Ticket.objects.get()
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["funds-at-risk", "vip"]
    assert (ticket.language, ticket.priority_rank) == ("zh-hant", 4)


def test_repeated_idempotency_key_returns_the_first_ticket_and_adds_nothing(
    api: ApiClient,
) -> None:
    payload = {
        "customer_email": "wei@example.com",
        "subject": "Deposit missing",
        "body": "Where is my deposit?",
        "idempotency_key": "order-7781",
    }
    first = api.post(TICKETS, payload)
    assert first.status_code == 201
    counts = row_counts()
    assert counts == {"tickets": 1, "messages": 1, "events": 2, "customers": 1, "identities": 1}
    again = api.post(TICKETS, payload | {"body": "A retry with another body"})
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.json()["number"] == Ticket.objects.get().pk
    assert row_counts() == counts
    assert Message.objects.get().idempotency_key == f"api:{api.agent.pk}:order-7781"


def test_idempotency_key_is_scoped_to_the_caller(
    api: ApiClient, api_for: ApiFor, make_agent: Callable[..., Agent]
) -> None:
    payload = {"customer_email": "wei@example.com", "subject": "S", "body": "B"}
    mine = api.post(TICKETS, payload | {"idempotency_key": "k-1"})
    other = api_for(make_agent()).post(TICKETS, payload | {"idempotency_key": "k-1"})
    assert (mine.status_code, other.status_code) == (201, 201)
    assert mine.json()["number"] != other.json()["number"]
    assert Ticket.objects.count() == 2
    assert Customer.objects.count() == 1


def test_create_reuses_the_customer_of_a_known_email(api: ApiClient, ingest: Ingest) -> None:
    known = new_ticket(ingest, email="wei@example.com", name="Wei")
    response = api.post(
        TICKETS,
        {
            "customer_email": "WEI@example.com",
            "customer_name": "Other",
            "subject": "S",
            "body": "B",
        },
    )
    assert response.status_code == 201
    assert response.json()["customer"] == {
        "id": known.customer_id,
        "name": "Wei",
        "email": "wei@example.com",
    }
    assert (Customer.objects.count(), Identity.objects.count(), Ticket.objects.count()) == (1, 1, 2)


VALID_CREATE = {"customer_email": "wei@example.com", "subject": "Deposit", "body": "Missing"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"subject": None},
            validation_error("subject", "Field required"),
        ),
        (
            {"body": ""},
            validation_error("body", "String should have at least 1 character"),
        ),
        (
            {"body": " \n "},
            {"code": "validation_error", "message": "The message is empty.", "field": "body"},
        ),
        (
            {"body": "x" * 100_001},
            {
                "code": "validation_error",
                "message": "The message is longer than 100000 characters.",
                "field": "body",
            },
        ),
        (
            {"customer_email": "not-an-email"},
            {
                "code": "validation_error",
                "message": "'not-an-email' is not an email address.",
                "field": "customer_email",
            },
        ),
        (
            {"customer_email": "   "},
            {
                "code": "validation_error",
                "message": "The sender address is empty or too long.",
                "field": "customer_email",
            },
        ),
        (
            {"priority": "critical"},
            validation_error("priority", "Input should be 'urgent', 'high', 'normal' or 'low'"),
        ),
        (
            {"tags": ["no spaces!"]},
            {
                "code": "validation_error",
                "message": "'no spaces!' is not a valid tag: use letters, digits, '-', '_', '.' "
                "or ':'.",
                "field": "tags",
            },
        ),
        (
            {"tags": [f"t{i}" for i in range(21)]},
            validation_error("tags", "List should have at most 20 items after validation, not 21"),
        ),
        (
            {"language": "fr"},
            validation_error("language", "Input should be '', 'en', 'zh-hans' or 'zh-hant'"),
        ),
        (
            {"idempotency_key": ""},
            validation_error("idempotency_key", "String should have at least 1 character"),
        ),
        (
            {"team": "funds"},
            validation_error("team", "Extra inputs are not permitted"),
        ),
    ],
)
def test_create_rejects_bad_input_and_stores_nothing(
    api: ApiClient, change: dict[str, Any], expected: dict[str, Any]
) -> None:
    payload = {k: v for k, v in (VALID_CREATE | change).items() if v is not None}
    response = api.post(TICKETS, payload)
    assert response.status_code == 422
    assert response.json() == expected
    assert row_counts() == dict.fromkeys(row_counts(), 0)


# --- list ------------------------------------------------------------------------------------


def test_list_orders_by_priority_then_age_and_pages_by_50(boss: ApiClient, ingest: Ingest) -> None:
    base = timezone.now() - timedelta(days=2)
    priorities = ["low", "urgent", "normal", "high"]
    for i in range(55):
        # Arrival times are a permutation of the creation order: the order must come from
        # created_at, not from the ticket number.
        ingest(
            f"message {i}",
            subject=f"Ticket {i}",
            email=f"c{i}@example.com",
            requested_priority=priorities[i % 4],
            received_at=base + timedelta(minutes=(i * 37) % 55),
        )
    expected = [
        t.pk for t in sorted(Ticket.objects.all(), key=lambda t: (-t.priority_rank, t.created_at))
    ]
    first = boss.get(TICKETS)
    assert first.status_code == 200
    page1 = first.json()
    assert (page1["count"], page1["page"], page1["pages"]) == (55, 1, 2)
    assert len(page1["results"]) == 50
    second = boss.get(TICKETS, page=2).json()
    assert (second["count"], second["page"], second["pages"]) == (55, 2, 2)
    assert len(second["results"]) == 5
    numbers = [t["number"] for t in page1["results"] + second["results"]]
    assert numbers == expected
    ranks = [t["priority"] for t in page1["results"][:14]]
    assert ranks == ["urgent"] * 14
    assert second["results"][-1]["priority"] == "low"
    beyond = boss.get(TICKETS, page=3)
    assert beyond.status_code == 200
    assert beyond.json() == {"count": 55, "page": 3, "pages": 2, "results": []}


def test_list_of_nothing_has_one_empty_page(boss: ApiClient) -> None:
    response = boss.get(TICKETS)
    assert response.status_code == 200
    assert response.json() == {"count": 0, "page": 1, "pages": 1, "results": []}


def test_list_item_has_the_ticket_fields_without_messages(
    boss: ApiClient, ingest: Ingest, agent: Agent, team: Team
) -> None:
    ticket = new_ticket(ingest, email="wei@example.com", name="Wei", tags=("kyc",))
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent, team=team)
    ticket.refresh_from_db()
    [item] = boss.get(TICKETS).json()["results"]
    assert item == {
        "number": ticket.pk,
        "subject": "Deposit missing",
        "status": "new",
        "priority": "normal",
        "channel": "web",
        "language": "en",
        "customer": {"id": ticket.customer_id, "name": "Wei", "email": "wei@example.com"},
        "assignee": {"id": agent.pk, "name": "Alice Agent"},
        "team": {"id": team.pk, "slug": "funds", "name": "Wallet & Funds"},
        "tags": ["kyc"],
        "custom_fields": {},
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "first_response_at": None,
        "solved_at": None,
        "sla": {
            "policy": None,
            "first_response_due": None,
            "next_response_due": None,
            "resolution_due": None,
            "breached": False,
            "paused": False,
            "state": "none",
        },
    }


@pytest.fixture
def filter_world(
    ingest: Ingest,
    agent: Agent,
    supervisor: Agent,
    team: Team,
    other_team: Team,
) -> dict[str, int]:
    """Three tickets that differ in every filterable property."""
    base = timezone.now() - timedelta(hours=3)
    a = new_ticket(
        ingest, email="a@example.com", requested_priority="urgent", tags=("vip",), received_at=base
    )
    b = new_ticket(
        ingest,
        email="b@example.com",
        channel="email",
        tags=("kyc",),
        received_at=base + timedelta(hours=1),
    )
    c = new_ticket(
        ingest,
        email="c@example.com",
        channel="telegram",
        requested_priority="low",
        tags=("vip", "kyc"),
        received_at=base + timedelta(hours=2),
    )
    Ticket.objects.filter(pk=a.pk).update(team=team, assignee=agent)
    Ticket.objects.filter(pk=b.pk).update(team=other_team, status=Status.OPEN)
    Ticket.objects.filter(pk=c.pk).update(assignee=supervisor, status=Status.PENDING)
    return {"a": a.pk, "b": b.pk, "c": c.pk, "agent": agent.pk}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["a", "b", "c"]),
        ({"status": "new"}, ["a"]),
        ({"status": "open"}, ["b"]),
        ({"status": "pending"}, ["c"]),
        ({"status": "solved"}, []),
        ({"priority": "urgent"}, ["a"]),
        ({"priority": "normal"}, ["b"]),
        ({"priority": "low"}, ["c"]),
        ({"assignee": "me"}, ["c"]),
        ({"assignee": "none"}, ["b"]),
        ({"assignee": "AGENT"}, ["a"]),
        ({"assignee": "99999999"}, []),
        ({"team": "funds"}, ["a"]),
        ({"team": "security"}, ["b"]),
        ({"team": "nope"}, []),
        ({"tag": "vip"}, ["a", "c"]),
        ({"tag": "kyc"}, ["b", "c"]),
        ({"tag": "other"}, []),
        ({"channel": "email"}, ["b"]),
        ({"channel": "telegram"}, ["c"]),
        ({"channel": "web"}, ["a"]),
        ({"tag": "vip", "priority": "low"}, ["c"]),
        ({"tag": "kyc", "assignee": "none", "status": "open"}, ["b"]),
    ],
)
def test_list_filters(
    boss: ApiClient, filter_world: dict[str, int], params: dict[str, str], expected: list[str]
) -> None:
    if params.get("assignee") == "AGENT":
        params = params | {"assignee": str(filter_world["agent"])}
    response = boss.get(TICKETS, **params)
    assert response.status_code == 200
    body = response.json()
    assert [t["number"] for t in body["results"]] == [filter_world[name] for name in expected]
    assert body["count"] == len(expected)


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "²", "١٢", " 1"])
def test_list_assignee_filter_rejects_what_is_not_an_id(
    boss: ApiClient, filter_world: dict[str, int], value: str
) -> None:
    response = boss.get(TICKETS, assignee=value)
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "assignee must be an agent id, 'me' or 'none'.",
        "field": "assignee",
    }


@pytest.mark.parametrize("value", ["9223372036854775807", "99999999999999999999999"])
def test_list_assignee_filter_with_an_id_out_of_range_finds_nothing(
    boss: ApiClient, filter_world: dict[str, int], value: str
) -> None:
    response = boss.get(TICKETS, assignee=value)
    assert response.status_code == 200
    assert response.json() == {"count": 0, "page": 1, "pages": 1, "results": []}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"status": "bogus"},
            "status",
            "Input should be 'new', 'open', 'pending', 'on_hold', 'solved' or 'closed'",
        ),
        ({"priority": "p1"}, "priority", "Input should be 'urgent', 'high', 'normal' or 'low'"),
        ({"page": "0"}, "page", "Input should be greater than or equal to 1"),
        (
            {"page": "two"},
            "page",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
    ],
)
def test_list_rejects_bad_query_parameters(
    boss: ApiClient, params: dict[str, str], field: str, message: str
) -> None:
    response = boss.get(TICKETS, **params)
    assert response.status_code == 422
    assert response.json() == validation_error(field, message)


# --- one ticket ------------------------------------------------------------------------------


def test_get_ticket_includes_every_message_and_internal_notes(
    api: ApiClient, ingest: Ingest, agent: Agent
) -> None:
    png = b"\x89PNG\r\n\x1a\nscreenshot"
    first = ingest(
        "Deposit missing, screenshot attached",
        email="wei@example.com",
        name="Wei",
        attachments=(InboundAttachment("shot.png", "image/png", png),),
    )
    number = first.ticket.pk
    note = api.post(f"{TICKETS}/{number}/messages", {"body": "Checking chain", "internal": True})
    reply = api.post(f"{TICKETS}/{number}/messages", {"body": "We are on it."})
    again = ingest("Thanks!", email="wei@example.com", ticket_number=number)
    assert (note.status_code, reply.status_code) == (201, 201)
    response = api.get(f"{TICKETS}/{number}")
    assert response.status_code == 200
    body = response.json()
    attachment = first.message.attachments.get()
    customer_author = {"id": first.ticket.customer_id, "name": "Wei"}
    agent_author = {"id": agent.pk, "name": "Alice Agent"}
    assert [
        (m["id"], m["author_kind"], m["author"], m["body"], m["internal"]) for m in body["messages"]
    ] == [
        (
            first.message.pk,
            "customer",
            customer_author,
            "Deposit missing, screenshot attached",
            False,
        ),
        (note.json()["id"], "agent", agent_author, "Checking chain", True),
        (reply.json()["id"], "agent", agent_author, "We are on it.", False),
        (again.message.pk, "customer", customer_author, "Thanks!", False),
    ]
    assert body["messages"][0]["attachments"] == [
        {"id": attachment.pk, "filename": "shot.png", "content_type": "image/png", "size": 18}
    ]
    assert body["status"] == "open"
    assert body["number"] == number


@pytest.mark.parametrize("number", ["999999", "0", "-1", "9223372036854775808", "10" * 20])
def test_get_unknown_ticket_is_404(api: ApiClient, ingest: Ingest, number: str) -> None:
    new_ticket(ingest)
    response = api.get(f"{TICKETS}/{number}")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": f"Ticket {int(number)} does not exist or is not visible to you.",
    }


@pytest.mark.parametrize("number", ["abc", "1.5", "1e3"])
def test_ticket_number_that_is_not_an_integer_is_422(api: ApiClient, number: str) -> None:
    response = api.get(f"{TICKETS}/{number}")
    assert response.status_code == 422
    assert response.json() == validation_error(
        "number", "Input should be a valid integer, unable to parse string as an integer"
    )


# --- changes ---------------------------------------------------------------------------------


def test_patch_changes_status_priority_and_subject_and_records_events(
    api: ApiClient, ingest: Ingest, agent: Agent
) -> None:
    ticket = new_ticket(ingest)
    before = timezone.now()
    response = api.patch(
        f"{TICKETS}/{ticket.pk}",
        {"status": "pending", "priority": "urgent", "subject": "  Deposit   missing (USDT) "},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["priority"], body["subject"]) == (
        "pending",
        "urgent",
        "Deposit missing (USDT)",
    )
    assert [m["body"] for m in body["messages"]] == ["My USDT deposit has not arrived."]
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.priority, stored.priority_rank) == ("pending", "urgent", 4)
    assert stored.updated_at >= before
    assert body["updated_at"] == iso(stored.updated_at)
    changes = TicketEvent.objects.filter(ticket=ticket).exclude(
        kind__in=[EventKind.CREATED, EventKind.MESSAGE]
    )
    assert [(e.kind, e.data, e.actor_kind, e.actor_agent_id) for e in changes] == [
        (EventKind.STATUS, {"from": "new", "to": "pending"}, "agent", agent.pk),
        (EventKind.PRIORITY, {"from": "normal", "to": "urgent"}, "agent", agent.pk),
        (
            EventKind.SUBJECT,
            {"from": "Deposit missing", "to": "Deposit missing (USDT)"},
            "agent",
            agent.pk,
        ),
    ]
    assert {e.created_at for e in changes} == {stored.updated_at}


def test_patch_with_nothing_to_change_records_nothing(api: ApiClient, ingest: Ingest) -> None:
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    for payload in ({}, {"status": "new", "priority": "normal", "subject": "Deposit missing"}):
        response = api.patch(f"{TICKETS}/{ticket.pk}", payload)
        assert response.status_code == 200
        assert response.json()["status"] == "new"
    assert ticket_state(ticket.pk) == state


def test_patch_subject_differing_only_in_whitespace_records_no_event(
    api: ApiClient, ingest: Ingest
) -> None:
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    response = api.patch(f"{TICKETS}/{ticket.pk}", {"subject": "Deposit   missing"})
    assert response.status_code == 200
    assert ticket_state(ticket.pk) == state


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("new", "open", True),
        ("new", "pending", True),
        ("new", "on_hold", True),
        ("new", "solved", True),
        ("new", "closed", False),
        ("open", "pending", True),
        ("open", "new", False),
        ("open", "closed", False),
        ("pending", "open", True),
        ("pending", "on_hold", True),
        ("on_hold", "solved", True),
        ("on_hold", "closed", False),
        ("solved", "open", True),
        ("solved", "closed", True),
        ("solved", "pending", False),
        ("closed", "open", False),
        ("closed", "solved", False),
    ],
)
def test_status_transitions_are_enforced(
    api: ApiClient, ingest: Ingest, start: str, target: str, allowed: bool
) -> None:
    ticket = new_ticket(ingest)
    Ticket.objects.filter(pk=ticket.pk).update(status=start)
    state = ticket_state(ticket.pk)
    response = api.patch(f"{TICKETS}/{ticket.pk}", {"status": target})
    if allowed:
        assert response.status_code == 200
        assert response.json()["status"] == target
        assert Ticket.objects.get(pk=ticket.pk).status == target
        assert events_of(ticket.pk)[-1] == (EventKind.STATUS, {"from": start, "to": target})
    else:
        assert response.status_code == 409
        assert response.json() == {
            "code": "invalid_transition",
            "message": f"A {start} ticket cannot become {target}.",
            "field": "status",
        }
        assert ticket_state(ticket.pk) == state


def test_solving_sets_solved_at_and_reopening_clears_it(api: ApiClient, ingest: Ingest) -> None:
    ticket = new_ticket(ingest)
    solved = api.patch(f"{TICKETS}/{ticket.pk}", {"status": "solved"}).json()
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.solved_at is not None
    assert solved["solved_at"] == iso(stored.solved_at)
    reopened = api.patch(f"{TICKETS}/{ticket.pk}", {"status": "open"}).json()
    assert reopened["solved_at"] is None
    assert Ticket.objects.get(pk=ticket.pk).solved_at is None
    api.patch(f"{TICKETS}/{ticket.pk}", {"status": "solved"})
    api.patch(f"{TICKETS}/{ticket.pk}", {"status": "closed"})
    closed = Ticket.objects.get(pk=ticket.pk)
    assert closed.status == "closed"
    assert closed.closed_at is not None
    assert closed.solved_at is not None


def test_a_failed_change_leaves_the_whole_ticket_unchanged(api: ApiClient, ingest: Ingest) -> None:
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    response = api.patch(
        f"{TICKETS}/{ticket.pk}",
        {"status": "open", "priority": "urgent", "tags": ["fine", "not fine!"]},
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "'not fine!' is not a valid tag: use letters, digits, '-', '_', '.' or ':'.",
        "field": "tags",
    }
    assert ticket_state(ticket.pk) == state


def test_patch_tags_are_normalised_and_recorded(api: ApiClient, ingest: Ingest) -> None:
    ticket = new_ticket(ingest, tags=("deposit",))
    response = api.patch(
        f"{TICKETS}/{ticket.pk}", {"tags": [" USDT ", "Funds At Risk", "usdt", "tx:0xab.c_d"]}
    )
    assert response.status_code == 200
    assert response.json()["tags"] == ["funds-at-risk", "tx:0xab.c_d", "usdt"]
    assert events_of(ticket.pk)[-1] == (
        EventKind.TAGS,
        {"from": ["deposit"], "to": ["funds-at-risk", "tx:0xab.c_d", "usdt"]},
    )
    state = ticket_state(ticket.pk)
    same = api.patch(f"{TICKETS}/{ticket.pk}", {"tags": ["usdt", "tx:0xab.c_d", "FUNDS-AT-RISK"]})
    assert same.status_code == 200
    assert ticket_state(ticket.pk) == state
    cleared = api.patch(f"{TICKETS}/{ticket.pk}", {"tags": []})
    assert cleared.json()["tags"] == []
    assert events_of(ticket.pk)[-1] == (
        EventKind.TAGS,
        {"from": ["funds-at-risk", "tx:0xab.c_d", "usdt"], "to": []},
    )


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ([f"tag{i}" for i in range(21)], "At most 20 tags per ticket."),
        (["-leading"], "'-leading' is not a valid tag: use letters, digits, '-', '_', '.' or ':'."),
        (
            ["x" * 51],
            f"'{'x' * 51}' is not a valid tag: use letters, digits, '-', '_', '.' or ':'.",
        ),
        (["   "], "'   ' is not a valid tag: use letters, digits, '-', '_', '.' or ':'."),
        (["ünïcode"], "'ünïcode' is not a valid tag: use letters, digits, '-', '_', '.' or ':'."),
    ],
)
def test_patch_rejects_bad_tags(
    api: ApiClient, ingest: Ingest, tags: list[str], message: str
) -> None:
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    response = api.patch(f"{TICKETS}/{ticket.pk}", {"tags": tags})
    assert response.status_code == 422
    assert response.json() == {"code": "validation_error", "message": message, "field": "tags"}
    assert ticket_state(ticket.pk) == state


@pytest.fixture
def custom_fields(db: None) -> None:
    CustomField.objects.create(key="exchange_uid", label="Exchange UID", field_type="text")
    CustomField.objects.create(key="amount", label="Amount", field_type="number")
    CustomField.objects.create(
        key="network", label="Network", field_type="choice", choices=["erc20", "trc20"]
    )
    CustomField.objects.create(key="kyc_done", label="KYC done", field_type="checkbox")
    CustomField.objects.create(key="legacy", label="Legacy", field_type="text", active=False)


@pytest.mark.parametrize(
    ("values", "stored"),
    [
        ({"exchange_uid": "U-1029"}, {"exchange_uid": "U-1029"}),
        ({"exchange_uid": ""}, {"exchange_uid": ""}),
        ({"exchange_uid": "x" * 1000}, {"exchange_uid": "x" * 1000}),
        ({"amount": 3}, {"amount": "3"}),
        ({"amount": 12.5}, {"amount": "12.5"}),
        ({"amount": "0.00012"}, {"amount": "0.00012"}),
        ({"amount": "-4"}, {"amount": "-4"}),
        ({"network": "trc20"}, {"network": "trc20"}),
        ({"kyc_done": True}, {"kyc_done": True}),
        ({"kyc_done": False}, {"kyc_done": False}),
        ({"exchange_uid": None}, {"exchange_uid": None}),
        (
            {"exchange_uid": "U-7", "amount": 1, "network": "erc20", "kyc_done": True},
            {"exchange_uid": "U-7", "amount": "1", "network": "erc20", "kyc_done": True},
        ),
    ],
)
def test_patch_custom_fields_accepts_valid_values(
    api: ApiClient,
    ingest: Ingest,
    custom_fields: None,
    values: dict[str, Any],
    stored: dict[str, Any],
) -> None:
    ticket = new_ticket(ingest)
    response = api.patch(f"{TICKETS}/{ticket.pk}", {"custom_fields": values})
    assert response.status_code == 200
    assert response.json()["custom_fields"] == stored
    assert Ticket.objects.get(pk=ticket.pk).custom_fields == stored
    assert events_of(ticket.pk)[-1] == (EventKind.CUSTOM_FIELDS, {"changed": stored})


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"nope": "x"}, "custom_fields.nope", "There is no custom field 'nope'."),
        ({"legacy": "x"}, "custom_fields.legacy", "There is no custom field 'legacy'."),
        (
            {"exchange_uid": "x" * 1001},
            "custom_fields.exchange_uid",
            f"'{'x' * 1001}' is not a valid value for 'Exchange UID' (text).",
        ),
        (
            {"exchange_uid": 42},
            "custom_fields.exchange_uid",
            "'42' is not a valid value for 'Exchange UID' (text).",
        ),
        (
            {"amount": "abc"},
            "custom_fields.amount",
            "'abc' is not a valid value for 'Amount' (number).",
        ),
        (
            {"amount": True},
            "custom_fields.amount",
            "'True' is not a valid value for 'Amount' (number).",
        ),
        (
            {"amount": [1]},
            "custom_fields.amount",
            "'[1]' is not a valid value for 'Amount' (number).",
        ),
        (
            {"network": "bep20"},
            "custom_fields.network",
            "'bep20' is not a valid value for 'Network' (choice).",
        ),
        (
            {"kyc_done": "yes"},
            "custom_fields.kyc_done",
            "'yes' is not a valid value for 'KYC done' (checkbox).",
        ),
        (
            {"kyc_done": 1},
            "custom_fields.kyc_done",
            "'1' is not a valid value for 'KYC done' (checkbox).",
        ),
        (
            {"exchange_uid": "ok", "network": "bep20"},
            "custom_fields.network",
            "'bep20' is not a valid value for 'Network' (choice).",
        ),
    ],
)
def test_patch_custom_fields_rejects_invalid_values(
    api: ApiClient,
    ingest: Ingest,
    custom_fields: None,
    values: dict[str, Any],
    field: str,
    message: str,
) -> None:
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    response = api.patch(f"{TICKETS}/{ticket.pk}", {"custom_fields": values, "priority": "high"})
    assert response.status_code == 422
    assert response.json() == {"code": "validation_error", "message": message, "field": field}
    assert ticket_state(ticket.pk) == state


@pytest.mark.parametrize("value", ["NaN", "Infinity"])
def test_number_custom_field_rejects_values_that_are_not_finite(
    api: ApiClient, ingest: Ingest, custom_fields: None, value: str
) -> None:
    ticket = new_ticket(ingest)
    response = api.patch(f"{TICKETS}/{ticket.pk}", {"custom_fields": {"amount": value}})
    assert response.status_code == 422
    assert Ticket.objects.get(pk=ticket.pk).custom_fields == {}


def test_custom_fields_merge_with_stored_values(
    api: ApiClient, ingest: Ingest, custom_fields: None
) -> None:
    ticket = new_ticket(ingest)
    api.patch(f"{TICKETS}/{ticket.pk}", {"custom_fields": {"exchange_uid": "U-1", "amount": 5}})
    response = api.patch(f"{TICKETS}/{ticket.pk}", {"custom_fields": {"network": "erc20"}})
    assert response.json()["custom_fields"] == {
        "exchange_uid": "U-1",
        "amount": "5",
        "network": "erc20",
    }
    state = ticket_state(ticket.pk)
    same = api.patch(f"{TICKETS}/{ticket.pk}", {"custom_fields": {"amount": "5"}})
    assert same.status_code == 200
    assert ticket_state(ticket.pk) == state
    kinds = [kind for kind, _ in events_of(ticket.pk)]
    assert kinds.count(EventKind.CUSTOM_FIELDS) == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"assignee_id": 1}, "assignee_id"),
        ({"status": "open", "note": "x"}, "note"),
        ({"number": 5}, "number"),
        ({"custom_field": {}}, "custom_field"),
    ],
)
def test_patch_unknown_field_is_422_naming_it(
    api: ApiClient, ingest: Ingest, payload: dict[str, Any], field: str
) -> None:
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    response = api.patch(f"{TICKETS}/{ticket.pk}", payload)
    assert response.status_code == 422
    assert response.json() == validation_error(field, "Extra inputs are not permitted")
    assert ticket_state(ticket.pk) == state


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"status": "reopened"},
            "status",
            "Input should be 'new', 'open', 'pending', 'on_hold', 'solved' or 'closed'",
        ),
        ({"priority": 1}, "priority", "Input should be 'urgent', 'high', 'normal' or 'low'"),
        ({"subject": ""}, "subject", "String should have at least 1 character"),
        (
            {"assignee": "me"},
            "assignee",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        ({"tags": "vip"}, "tags", "Input should be a valid list"),
        ({"custom_fields": ["a"]}, "custom_fields", "Input should be a valid dictionary"),
    ],
)
def test_patch_rejects_values_of_the_wrong_type(
    api: ApiClient, ingest: Ingest, payload: dict[str, Any], field: str, message: str
) -> None:
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    response = api.patch(f"{TICKETS}/{ticket.pk}", payload)
    assert response.status_code == 422
    assert response.json() == validation_error(field, message)
    assert ticket_state(ticket.pk) == state


def test_blank_subject_is_refused(api: ApiClient, ingest: Ingest) -> None:
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    response = api.patch(f"{TICKETS}/{ticket.pk}", {"subject": "   "})
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "The subject must have 1 to 300 characters.",
        "field": "subject",
    }
    assert ticket_state(ticket.pk) == state


def test_agent_takes_and_releases_a_ticket(api: ApiClient, ingest: Ingest, agent: Agent) -> None:
    ticket = new_ticket(ingest)
    taken = api.patch(f"{TICKETS}/{ticket.pk}", {"assignee": agent.pk})
    assert taken.status_code == 200
    assert taken.json()["assignee"] == {"id": agent.pk, "name": "Alice Agent"}
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == agent.pk
    released = api.patch(f"{TICKETS}/{ticket.pk}", {"assignee": None})
    assert released.status_code == 200
    assert released.json()["assignee"] is None
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None
    assert events_of(ticket.pk)[-2:] == [
        (EventKind.ASSIGNEE, {"from": None, "to": "Alice Agent"}),
        (EventKind.ASSIGNEE, {"from": "Alice Agent", "to": None}),
    ]


def test_agent_cannot_assign_others_release_others_or_move_teams(
    api: ApiClient,
    ingest: Ingest,
    make_agent: Callable[..., Agent],
    team: Team,
    other_team: Team,
) -> None:
    colleague = make_agent(Role.AGENT, [team], name="Bob")
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    to_other = api.patch(f"{TICKETS}/{ticket.pk}", {"assignee": colleague.pk})
    assert to_other.status_code == 403
    assert to_other.json() == {
        "code": "permission_denied",
        "message": "Only supervisors can assign tickets to other agents.",
        "field": "assignee",
    }
    move = api.patch(f"{TICKETS}/{ticket.pk}", {"team": "security", "priority": "high"})
    assert move.status_code == 403
    assert move.json() == {
        "code": "permission_denied",
        "message": "Only supervisors can move tickets between teams.",
        "field": "team",
    }
    assert ticket_state(ticket.pk) == state
    Ticket.objects.filter(pk=ticket.pk).update(assignee=colleague)
    state = ticket_state(ticket.pk)
    release_other = api.patch(f"{TICKETS}/{ticket.pk}", {"assignee": None})
    assert release_other.status_code == 403
    assert release_other.json()["field"] == "assignee"
    take_over = api.patch(f"{TICKETS}/{ticket.pk}", {"assignee": api.agent.pk})
    assert take_over.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == api.agent.pk


def test_supervisor_assigns_and_moves_tickets(
    boss: ApiClient, ingest: Ingest, agent: Agent, team: Team, other_team: Team
) -> None:
    ticket = new_ticket(ingest)
    response = boss.patch(f"{TICKETS}/{ticket.pk}", {"assignee": agent.pk, "team": "security"})
    assert response.status_code == 200
    body = response.json()
    assert body["assignee"] == {"id": agent.pk, "name": "Alice Agent"}
    assert body["team"] == {"id": other_team.pk, "slug": "security", "name": "Account Security"}
    assert events_of(ticket.pk)[-2:] == [
        (EventKind.ASSIGNEE, {"from": None, "to": "Alice Agent"}),
        (EventKind.TEAM, {"from": None, "to": "Account Security"}),
    ]
    cleared = boss.patch(f"{TICKETS}/{ticket.pk}", {"assignee": None, "team": None})
    assert (cleared.json()["assignee"], cleared.json()["team"]) == (None, None)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.assignee_id, stored.team_id) == (None, None)
    assert events_of(ticket.pk)[-1] == (EventKind.TEAM, {"from": "Account Security", "to": None})


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"assignee": 999_999}, "assignee", "There is no active agent 999999."),
        ({"assignee": "INACTIVE"}, "assignee", "There is no active agent INACTIVE."),
        ({"team": "nope"}, "team", "There is no team 'nope'."),
    ],
)
def test_supervisor_cannot_assign_to_nobody_or_a_missing_team(
    boss: ApiClient,
    ingest: Ingest,
    make_agent: Callable[..., Agent],
    payload: dict[str, Any],
    field: str,
    message: str,
) -> None:
    if payload.get("assignee") == "INACTIVE":
        gone = make_agent()
        gone.user.is_active = False
        gone.user.save()
        payload = {"assignee": gone.pk}
        message = message.replace("INACTIVE", str(gone.pk))
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    response = boss.patch(f"{TICKETS}/{ticket.pk}", payload | {"priority": "high"})
    assert response.status_code == 422
    assert response.json() == {"code": "validation_error", "message": message, "field": field}
    assert ticket_state(ticket.pk) == state


def test_patch_of_unknown_ticket_is_404(api: ApiClient) -> None:
    response = api.patch(f"{TICKETS}/424242", {"status": "open"})
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Ticket 424242 does not exist or is not visible to you.",
    }


# --- messages --------------------------------------------------------------------------------


def test_reply_is_201_sets_first_response_and_opens_the_ticket(
    api: ApiClient, ingest: Ingest, agent: Agent
) -> None:
    ticket = new_ticket(ingest)
    response = api.post(f"{TICKETS}/{ticket.pk}/messages", {"body": "  We are checking.  "})
    assert response.status_code == 201
    message = Message.objects.get(ticket=ticket, author_kind="agent")
    assert response.json() == {
        "id": message.pk,
        "author_kind": "agent",
        "author": {"id": agent.pk, "name": "Alice Agent"},
        "channel": "web",
        "body": "We are checking.",
        "html": "",
        "internal": False,
        "attachments": [],
        "created_at": iso(message.created_at),
    }
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.status == "open"
    assert stored.first_response_at == message.created_at
    assert stored.updated_at == message.created_at
    assert events_of(ticket.pk)[-2:] == [
        (EventKind.MESSAGE, {"internal": False}),
        (EventKind.STATUS, {"from": "new", "to": "open"}),
    ]


def test_first_response_is_the_first_public_reply_only(api: ApiClient, ingest: Ingest) -> None:
    ticket = new_ticket(ingest)
    note = api.post(
        f"{TICKETS}/{ticket.pk}/messages", {"body": "Looks like a chain delay", "internal": True}
    )
    assert note.status_code == 201
    assert note.json()["internal"] is True
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.first_response_at) == ("new", None)
    assert events_of(ticket.pk)[-1] == (EventKind.MESSAGE, {"internal": True})
    first = api.post(f"{TICKETS}/{ticket.pk}/messages", {"body": "First reply"})
    first_at = Message.objects.get(pk=first.json()["id"]).created_at
    assert Ticket.objects.get(pk=ticket.pk).first_response_at == first_at
    second = api.post(f"{TICKETS}/{ticket.pk}/messages", {"body": "Second reply"})
    assert second.status_code == 201
    again = Ticket.objects.get(pk=ticket.pk)
    assert again.first_response_at == first_at
    assert again.updated_at == Message.objects.get(pk=second.json()["id"]).created_at
    assert api.get(f"{TICKETS}/{ticket.pk}").json()["first_response_at"] == iso(first_at)


def test_repeated_message_key_returns_the_first_message(
    api: ApiClient, api_for: ApiFor, ingest: Ingest, make_agent: Callable[..., Agent], team: Team
) -> None:
    ticket = new_ticket(ingest)
    first = api.post(f"{TICKETS}/{ticket.pk}/messages", {"body": "Hi", "idempotency_key": "m-1"})
    assert first.status_code == 201
    state = ticket_state(ticket.pk)
    again = api.post(
        f"{TICKETS}/{ticket.pk}/messages", {"body": "Hi (retry)", "idempotency_key": "m-1"}
    )
    assert again.status_code == 200
    assert again.json() == first.json()
    assert ticket_state(ticket.pk) == state
    colleague = api_for(make_agent(Role.AGENT, [team]))
    theirs = colleague.post(
        f"{TICKETS}/{ticket.pk}/messages", {"body": "Mine", "idempotency_key": "m-1"}
    )
    assert theirs.status_code == 201
    assert theirs.json()["id"] != first.json()["id"]
    assert Message.objects.filter(ticket=ticket, author_kind="agent").count() == 2


def test_message_key_reused_on_another_ticket_is_refused(api: ApiClient, ingest: Ingest) -> None:
    one = new_ticket(ingest, email="a@example.com")
    two = new_ticket(ingest, email="b@example.com")
    first = api.post(f"{TICKETS}/{one.pk}/messages", {"body": "A", "idempotency_key": "k"})
    assert first.status_code == 201
    state = ticket_state(two.pk)
    response = api.post(f"{TICKETS}/{two.pk}/messages", {"body": "B", "idempotency_key": "k"})
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "This idempotency_key was already used for a message on another ticket; "
        "use a new key for each message.",
        "field": "idempotency_key",
    }
    assert ticket_state(two.pk) == state


@pytest.mark.parametrize(
    ("payload", "status", "solved"),
    [
        ({"body": "Please send the tx hash", "status": "pending"}, "pending", False),
        ({"body": "Done", "status": "solved"}, "solved", True),
        ({"body": "Escalated", "internal": True, "status": "on_hold"}, "on_hold", False),
        ({"body": "Note", "internal": True, "status": "new"}, "new", False),
    ],
)
def test_message_with_a_status_changes_it(
    api: ApiClient, ingest: Ingest, payload: dict[str, Any], status: str, solved: bool
) -> None:
    ticket = new_ticket(ingest)
    response = api.post(f"{TICKETS}/{ticket.pk}/messages", payload)
    assert response.status_code == 201
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.status == status
    assert (stored.solved_at is not None) == solved
    kinds = [kind for kind, _ in events_of(ticket.pk)]
    assert kinds.count(EventKind.STATUS) == (0 if status == "new" else 1)


def test_message_with_an_impossible_status_stores_nothing(api: ApiClient, ingest: Ingest) -> None:
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    response = api.post(f"{TICKETS}/{ticket.pk}/messages", {"body": "Bye", "status": "closed"})
    assert response.status_code == 409
    assert response.json() == {
        "code": "invalid_transition",
        "message": "A new ticket cannot become closed.",
        "field": "status",
    }
    assert ticket_state(ticket.pk) == state


@pytest.mark.parametrize("internal", [False, True])
def test_message_on_a_closed_ticket_is_409(api: ApiClient, ingest: Ingest, internal: bool) -> None:
    ticket = new_ticket(ingest)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    state = ticket_state(ticket.pk)
    response = api.post(f"{TICKETS}/{ticket.pk}/messages", {"body": "Hello?", "internal": internal})
    assert response.status_code == 409
    assert response.json() == {
        "code": "invalid_transition",
        "message": f"Ticket {ticket.pk} is closed; a new message needs a new ticket.",
        "field": "status",
    }
    assert ticket_state(ticket.pk) == state


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({}, validation_error("body", "Field required")),
        ({"body": ""}, validation_error("body", "String should have at least 1 character")),
        (
            {"body": " \x00 "},
            {"code": "validation_error", "message": "The message is empty.", "field": "body"},
        ),
        (
            {"body": "x" * 100_001},
            {
                "code": "validation_error",
                "message": "The message is longer than 100000 characters.",
                "field": "body",
            },
        ),
        (
            {"body": "x", "status": "done"},
            validation_error(
                "status",
                "Input should be 'new', 'open', 'pending', 'on_hold', 'solved' or 'closed'",
            ),
        ),
        (
            {"body": "x", "internal": "maybe"},
            validation_error(
                "internal", "Input should be a valid boolean, unable to interpret input"
            ),
        ),
        (
            {"body": "x", "html": "<b>x</b>"},
            validation_error("html", "Extra inputs are not permitted"),
        ),
        (
            {"body": "x", "idempotency_key": "k" * 201},
            validation_error("idempotency_key", "String should have at most 200 characters"),
        ),
    ],
)
def test_bad_message_is_422_and_stores_nothing(
    api: ApiClient, ingest: Ingest, payload: dict[str, Any], expected: dict[str, Any]
) -> None:
    ticket = new_ticket(ingest)
    state = ticket_state(ticket.pk)
    response = api.post(f"{TICKETS}/{ticket.pk}/messages", payload)
    assert response.status_code == 422
    assert response.json() == expected
    assert ticket_state(ticket.pk) == state


def test_message_to_unknown_ticket_is_404(api: ApiClient) -> None:
    response = api.post(f"{TICKETS}/777/messages", {"body": "Hello"})
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Ticket 777 does not exist or is not visible to you.",
    }
    assert Message.objects.count() == 0


# --- malformed requests ----------------------------------------------------------------------


def raw(api: ApiClient, method: str, path: str, data: bytes | str, content_type: str) -> Any:
    return api.client.generic(method, path, data, content_type=content_type, headers=api._headers())


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", TICKETS), ("PATCH", f"{TICKETS}/NUMBER"), ("POST", f"{TICKETS}/NUMBER/messages")],
)
@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ('{"body": ', "application/json"),
        ("{'body': 'x'}", "application/json"),
        (b"\xff\xfe{", "application/json"),
        ("body=x", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_body_is_400_and_changes_nothing(
    api: ApiClient, ingest: Ingest, method: str, path: str, data: Any, content_type: str
) -> None:
    ticket = new_ticket(ingest)
    counts, state = row_counts(), ticket_state(ticket.pk)
    response = raw(api, method, path.replace("NUMBER", str(ticket.pk)), data, content_type)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"code": "bad_request", "message": "Cannot parse request body"}
    assert (row_counts(), ticket_state(ticket.pk)) == (counts, state)


@pytest.mark.parametrize("data", ["[]", '"text"', "42", "null", ""])
def test_body_that_is_not_an_object_is_422(api: ApiClient, ingest: Ingest, data: str) -> None:
    ticket = new_ticket(ingest)
    counts = row_counts()
    response = raw(api, "POST", f"{TICKETS}/{ticket.pk}/messages", data, "application/json")
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("validation_error", "")
    assert row_counts() == counts


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", TICKETS), ("PATCH", f"{TICKETS}/NUMBER"), ("POST", f"{TICKETS}/NUMBER/messages")],
)
def test_huge_body_is_413_json_and_changes_nothing(
    api: ApiClient, ingest: Ingest, method: str, path: str
) -> None:
    ticket = new_ticket(ingest)
    counts, state = row_counts(), ticket_state(ticket.pk)
    data = json.dumps(VALID_CREATE | {"body": "x" * (2 << 20)})
    response = raw(api, method, path.replace("NUMBER", str(ticket.pk)), data, "application/json")
    assert response.status_code == 413
    assert response.json() == {
        "code": "request_too_large",
        "message": "The request body is larger than 2 MB; send a shorter message.",
    }
    assert (row_counts(), ticket_state(ticket.pk)) == (counts, state)


# --- authentication and scopes ---------------------------------------------------------------


def headers_for(case: str, api: ApiClient) -> dict[str, str]:
    token = api.raw_token
    if case == "revoked":
        do_revoke_api_token(api.agent, ApiToken.objects.get(prefix=token.split("_")[1]).pk)
    if case == "inactive agent":
        api.agent.user.is_active = False
        api.agent.user.save()
    return {
        "missing": {},
        "empty": {"Authorization": ""},
        "no scheme": {"Authorization": token},
        "basic scheme": {"Authorization": f"Basic {token}"},
        "unknown": {"Authorization": "Bearer cdk_00000000_notarealtoken"},
        "garbage": {"Authorization": "Bearer x"},
        "too long": {"Authorization": f"Bearer {token}{'a' * 200}"},
        "truncated": {"Authorization": f"Bearer {token[:-1]}"},
        "revoked": {"Authorization": f"Bearer {token}"},
        "inactive agent": {"Authorization": f"Bearer {token}"},
    }[case]


AUTH_CASES = [
    "missing",
    "empty",
    "no scheme",
    "basic scheme",
    "unknown",
    "garbage",
    "too long",
    "truncated",
    "revoked",
    "inactive agent",
]


@pytest.mark.parametrize("case", AUTH_CASES)
def test_requests_without_a_valid_token_are_401(api: ApiClient, ingest: Ingest, case: str) -> None:
    ticket = new_ticket(ingest)
    headers = headers_for(case, api)
    counts, state = row_counts(), ticket_state(ticket.pk)
    client = Client()
    calls = [
        client.get(TICKETS, headers=headers),
        client.get(f"{TICKETS}/{ticket.pk}", headers=headers),
        client.get(f"/api/v1/customers/{ticket.customer_id}", headers=headers),
        client.post(TICKETS, VALID_CREATE, content_type="application/json", headers=headers),
        client.patch(
            f"{TICKETS}/{ticket.pk}",
            {"status": "open"},
            content_type="application/json",
            headers=headers,
        ),
        client.post(
            f"{TICKETS}/{ticket.pk}/messages",
            {"body": "hi"},
            content_type="application/json",
            headers=headers,
        ),
    ]
    for response in calls:
        assert response.status_code == 401
        assert response.json() == UNAUTHENTICATED
    assert (row_counts(), ticket_state(ticket.pk)) == (counts, state)


def test_a_valid_token_records_when_it_was_used(api: ApiClient) -> None:
    token = ApiToken.objects.get(prefix=api.raw_token.split("_")[1])
    assert token.last_used_at is None
    assert api.get(TICKETS).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_read_scope_token_reads_but_never_writes(
    agent: Agent, api_for: ApiFor, ingest: Ingest
) -> None:
    reader = api_for(agent, ApiToken.Scope.READ)
    ticket = new_ticket(ingest)
    assert reader.get(TICKETS).json()["count"] == 1
    assert reader.get(f"{TICKETS}/{ticket.pk}").status_code == 200
    assert reader.get(f"/api/v1/customers/{ticket.customer_id}").status_code == 200
    counts, state = row_counts(), ticket_state(ticket.pk)
    writes = [
        reader.post(TICKETS, VALID_CREATE | {"idempotency_key": "r-1"}),
        reader.patch(f"{TICKETS}/{ticket.pk}", {"status": "open", "assignee": agent.pk}),
        reader.post(f"{TICKETS}/{ticket.pk}/messages", {"body": "hi"}),
        reader.post(f"{TICKETS}/{ticket.pk}/messages", {"body": "hi", "internal": True}),
        # Scope is checked before anything else: even an invalid body or a missing ticket.
        reader.patch(f"{TICKETS}/999999", {"status": "open"}),
        reader.post(TICKETS, {"nonsense": True}),
    ]
    for response in writes:
        assert response.status_code == 403
        assert response.json() == READ_ONLY
    assert (row_counts(), ticket_state(ticket.pk)) == (counts, state)


# --- schema ----------------------------------------------------------------------------------


def test_openapi_schema_lists_every_path_and_method(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "cryptodesk API"
    methods = {path: sorted(operations) for path, operations in schema["paths"].items()}
    assert methods == {
        "/api/v1/tickets": ["get", "post"],
        "/api/v1/tickets/{number}": ["get", "patch"],
        "/api/v1/tickets/{number}/messages": ["post"],
        "/api/v1/tickets/{number}/assign": ["post"],
        "/api/v1/queue": ["get"],
        "/api/v1/customers/{customer_id}": ["get"],
        "/api/v1/kb/search": ["get"],
        "/api/v1/macros": ["get", "post"],
        "/api/v1/macros/{macro_id}": ["delete", "get", "patch"],
        "/api/v1/macros/{macro_id}/apply": ["post"],
        "/api/v1/tickets/{number}/complaint": ["get", "post"],
        "/api/v1/tickets/{number}/complaint/remedies": ["post"],
        "/api/v1/tickets/{number}/complaint/remedies/{remedy_id}/decision": ["post"],
        "/api/v1/complaints": ["get"],
    }
    routes = {
        "/api/v1/" + re.sub(r"<(\w+)>", r"{\1}", str(pattern.pattern))
        for pattern in ninja_api.urls[0]
        if pattern.name not in ("openapi-json", "openapi-view", "api-root")
    }
    assert routes == set(schema["paths"])
    schemes = schema["components"]["securitySchemes"]
    assert schemes == {"ApiTokenAuth": {"type": "http", "scheme": "bearer"}}
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            if path == "/api/v1/kb/search":  # the public help center searches without a token
                assert "security" not in operation
            else:
                assert operation["security"] == [{"ApiTokenAuth": []}]
    create = schema["paths"]["/api/v1/tickets"]["post"]
    assert sorted(create["responses"]) == ["200", "201"]
    patch_body = schema["components"]["schemas"]["TicketPatchIn"]
    assert patch_body["additionalProperties"] is False
    assert sorted(patch_body["properties"]) == [
        "assignee",
        "custom_fields",
        "priority",
        "status",
        "subject",
        "tags",
        "team",
    ]
