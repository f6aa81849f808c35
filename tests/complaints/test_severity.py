"""Severity on creation, fund-security escalation, emotion detection, and bad facts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from cryptodesk.accounts.models import Notification, Role
from cryptodesk.complaints.actions import do_refresh_detected_emotion
from cryptodesk.complaints.models import Complaint
from cryptodesk.complaints.severity import SeverityFacts, classify
from cryptodesk.customers.models import Customer
from cryptodesk.tickets.models import Message, Ticket
from tests.complaints.conftest import facts
from tests.conftest import ticket_state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (dict(fund_security=True, asset="", amount=None, emotions=set(), tier="standard"),
         ("critical", ["fund_security"])),
        (dict(fund_security=False, asset="USDT", amount="10000", emotions=set(), tier="standard"),
         ("critical", ["amount_critical"])),
        (dict(fund_security=False, asset="btc", amount="0.05", emotions=set(), tier="standard"),
         ("high", ["amount_high"])),
        (dict(fund_security=False, asset="USDT", amount="999.99", emotions=set(), tier="standard"),
         ("medium", ["amount"])),
        (dict(fund_security=False, asset="DOGE", amount="1000000", emotions=set(),
              tier="standard"), ("medium", ["amount"])),
        (dict(fund_security=False, asset="", amount=None, emotions={"angry"}, tier="standard"),
         ("high", ["anger"])),
        (dict(fund_security=False, asset="", amount=None, emotions={"worried"}, tier="standard"),
         ("medium", ["upset"])),
        (dict(fund_security=False, asset="", amount=None, emotions={"calm"}, tier="standard"),
         ("low", [])),
        (dict(fund_security=False, asset="", amount=None, emotions=set(), tier="vip"),
         ("medium", ["vip"])),
        (dict(fund_security=False, asset="USDT", amount="5", emotions=set(), tier="VIP"),
         ("high", ["amount", "vip"])),
        (dict(fund_security=False, asset="", amount=None, emotions={"distressed"}, tier="vip"),
         ("high", ["anger", "vip"])),
    ],
)  # fmt: skip
def test_severity_rule(given: dict[str, Any], expected: tuple[str, list[str]]) -> None:
    amount = Decimal(given.pop("amount")) if given["amount"] else None
    given.pop("amount", None)
    emotions = frozenset(given.pop("emotions"))
    assert classify(SeverityFacts(amount=amount, emotions=emotions, **given)) == expected


@pytest.mark.django_db(transaction=True)
def test_fund_security_goes_to_every_supervisor_with_urgent_priority(
    api_for: Any,
    agent: Any,
    supervisor: Any,
    admin_agent: Any,
    make_agent: Any,
    complaint_ticket: Any,
) -> None:
    make_agent(Role.KB_EDITOR)
    ticket = complaint_ticket()
    response = api_for(agent).post(
        f"/api/v1/tickets/{ticket.pk}/complaint",
        facts(fund_security=True, emotion="", amount=None, what_happened="Account drained"),
    )
    assert response.status_code == 201, response.content
    assert (response.json()["severity"], response.json()["fund_security"]) == ("critical", True)
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    kinds = [e.kind for e in ticket.events.order_by("id")][-3:]
    assert kinds == ["complaint", "priority", "escalation"]
    call_command("worker", "--batch", "--interval", "0")
    notified = set(
        Notification.objects.filter(kind="complaint_fund_security").values_list(
            "agent__display_name", flat=True
        )
    )
    assert notified == {"Sam Supervisor", "Ada Admin"}
    queue = api_for(supervisor).get("/api/v1/complaints", tab="fund_security").json()
    assert [c["ticket"] for c in queue["results"]] == [ticket.pk]


def test_security_case_tickets_are_fund_security_without_being_told(
    api_for: Any, agent: Any, complaint_ticket: Any
) -> None:
    ticket = complaint_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(is_security_case=True)
    body = api_for(agent).post(f"/api/v1/tickets/{ticket.pk}/complaint", facts()).json()
    assert body["fund_security"] is True
    assert body["severity"] == "critical"


def test_emotion_is_detected_when_the_agent_leaves_it_blank(
    api_for: Any, agent: Any, complaint_ticket: Any, ingest: Any
) -> None:
    ticket = complaint_ticket()
    Message.objects.filter(ticket=ticket).update(
        analysis={"understanding": {"sentiment": "negative", "anger": False}}
    )
    body = (
        api_for(agent)
        .post(f"/api/v1/tickets/{ticket.pk}/complaint", facts(emotion="", amount=None))
        .json()
    )
    assert (body["emotion_recorded"], body["emotion_detected"]) == ("", "frustrated")
    assert body["severity"] == "medium"


def test_vip_tier_raises_severity(api_for: Any, agent: Any, complaint_ticket: Any) -> None:
    ticket = complaint_ticket()
    Customer.objects.filter(pk=ticket.customer_id).update(tier="vip")
    body = (
        api_for(agent)
        .post(f"/api/v1/tickets/{ticket.pk}/complaint", facts(emotion="calm", amount=None))
        .json()
    )
    assert (body["severity"], body["severity_reasons"]) == ("medium", ["vip"])


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"what_happened": "   "}, "what_happened"),
        ({"product": "", "asset": ""}, "product"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "1e400"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "0.0000000000000000001"}, "amount"),
        ({"amount": "5", "asset": ""}, "asset"),
        ({"asset": "US DT"}, "asset"),
        ({"emotion": "furious"}, "emotion"),
        ({"occurred_at": "2026-01-01T10:00:00"}, "occurred_at"),
        ({"occurred_at": (timezone.now() + timedelta(days=2)).isoformat()}, "occurred_at"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_facts_are_refused_and_nothing_changes(
    api_for: Any, agent: Any, complaint_ticket: Any, override: dict[str, Any], field: str
) -> None:
    ticket = complaint_ticket()
    before = ticket_state(ticket.pk)
    response = api_for(agent).post(f"/api/v1/tickets/{ticket.pk}/complaint", facts(**override))
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not Complaint.objects.exists()
    assert ticket_state(ticket.pk) == before


def test_closed_tickets_cannot_become_complaints(
    api_for: Any, agent: Any, complaint_ticket: Any
) -> None:
    ticket = complaint_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")
    response = api_for(agent).post(f"/api/v1/tickets/{ticket.pk}/complaint", facts())
    assert response.status_code == 409
    assert not Complaint.objects.exists()


def test_an_angry_message_raises_the_complaint_as_it_arrives(
    api_for: Any, agent: Any, complaint_ticket: Any, ingest: Any, full_pipeline: None
) -> None:
    ticket = complaint_ticket(text="My withdrawal fee was charged twice, please check.")
    body = api_for(agent).post(f"/api/v1/tickets/{ticket.pk}/complaint", facts()).json()
    assert (body["emotion_detected"], body["severity"]) == ("frustrated", "medium")
    ingest(
        "This is a joke. I am furious, you people are thieves and I will sue you!",
        email="en-customer@example.com",
        ticket_number=ticket.pk,
    )
    # No read of the complaint happened in between: the message path itself raised it.
    complaint = Complaint.objects.get(ticket=ticket)
    assert (complaint.emotion_detected, complaint.severity) == ("angry", "high")
    event = ticket.events.filter(kind="complaint").order_by("id").last()
    assert event is not None
    assert event.data == {
        "action": "emotion",
        "emotion": "angry",
        "severity": "high",
        "from": "medium",
    }
    assert do_refresh_detected_emotion(complaint) is False
    # Reading the complaint writes nothing.
    events = ticket.events.count()
    seen = api_for(agent).get(f"/api/v1/tickets/{ticket.pk}/complaint").json()
    assert (seen["emotion_detected"], seen["severity"]) == ("angry", "high")
    assert ticket.events.count() == events
