"""Remedies under the four-eyes rule: who may propose and decide, once and only once, and
denied requests change nothing. The concurrent double approval runs on PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from cryptodesk.accounts.models import ApiToken, Role
from cryptodesk.complaints.actions import check_decide_remedy
from cryptodesk.complaints.models import Complaint, Remedy
from cryptodesk.core.errors import CryptodeskError, InvalidTransition
from cryptodesk.tickets.models import Message
from tests.complaints.conftest import facts
from tests.conftest import ticket_state

REMEDY = {"kind": "compensation", "asset": "USDT", "amount": "10", "reason": "Delay in payout."}


def make_complaint(api: Any, ticket: Any) -> None:
    response = api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts())
    assert response.status_code == 201, response.content


def complaint_state(ticket: Any) -> dict[str, Any]:
    complaint = Complaint.objects.get(ticket=ticket)
    remedies = list(Remedy.objects.filter(complaint=complaint).values_list("status", flat=True))
    return {"stage": complaint.stage, "remedies": remedies, "ticket": ticket_state(ticket.pk)}


@pytest.mark.django_db
def test_supervisor_cannot_approve_own_proposal(
    api_for: Any, supervisor: Any, make_agent: Any, complaint_ticket: Any
) -> None:
    ticket = complaint_ticket()
    api = api_for(supervisor)
    make_complaint(api, ticket)
    remedy = api.post(f"/api/v1/tickets/{ticket.pk}/complaint/remedies", REMEDY).json()
    url = f"/api/v1/tickets/{ticket.pk}/complaint/remedies/{remedy['id']}/decision"
    before = complaint_state(ticket)
    own = api.post(url, {"decision": "approve"})
    assert own.status_code == 403
    assert "four-eyes" in own.json()["message"]
    assert complaint_state(ticket) == before
    colleague = api_for(make_agent(Role.ADMIN))
    rejected = colleague.post(url, {"decision": "reject", "note": "Not covered by policy."})
    assert rejected.status_code == 200
    assert rejected.json()["decision_note"] == "Not covered by policy."
    assert Complaint.objects.get(ticket=ticket).stage == "remedy_rejected"
    assert not Message.objects.filter(analysis__automatic="complaint_remedy").exists()
    # After a rejection a new remedy may be proposed.
    again = api.post(f"/api/v1/tickets/{ticket.pk}/complaint/remedies", REMEDY)
    assert again.status_code == 201


@pytest.mark.django_db
def test_reject_needs_a_note_and_only_one_pending_remedy(
    api_for: Any, agent: Any, supervisor: Any, complaint_ticket: Any
) -> None:
    ticket = complaint_ticket()
    api = api_for(agent)
    make_complaint(api, ticket)
    first = api.post(f"/api/v1/tickets/{ticket.pk}/complaint/remedies", REMEDY).json()
    second = api.post(f"/api/v1/tickets/{ticket.pk}/complaint/remedies", REMEDY)
    assert second.status_code == 409
    url = f"/api/v1/tickets/{ticket.pk}/complaint/remedies/{first['id']}/decision"
    no_note = api_for(supervisor).post(url, {"decision": "reject"})
    assert no_note.status_code == 422
    assert no_note.json()["field"] == "note"
    assert Remedy.objects.get(pk=first["id"]).status == "proposed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "status"),
    [
        ("0", 422),
        ("-1", 422),
        ("1.5e3", 201),
        ("x", 422),
        ("12.345", 201),
        ("1.500000000000000000000000", 201),
        # Too large for decimal arithmetic: a clear 422, not a crash.
        ("1e999999999", 422),
        # 29 decimal places: rejected, not silently rounded to 1.
        ("1.00000000000000000000000000001", 422),
    ],
)
def test_remedy_amounts_are_positive_decimals(
    api_for: Any, agent: Any, complaint_ticket: Any, amount: str, status: int
) -> None:
    ticket = complaint_ticket()
    api = api_for(agent)
    make_complaint(api, ticket)
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/complaint/remedies", {**REMEDY, "amount": amount}
    )
    assert response.status_code == status
    if status == 201:
        expected = {"1.5e3": "1500", "12.345": "12.345", "1.500000000000000000000000": "1.5"}
        assert response.json()["amount"] == expected[amount]
    else:
        assert not Remedy.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "scope", "record", "propose", "decide", "read"),
    [
        (Role.AGENT, "write", 201, 201, 403, 200),
        (Role.KB_EDITOR, "write", 201, 201, 403, 200),
        (Role.SUPERVISOR, "write", 201, 201, 200, 200),
        (Role.ADMIN, "write", 201, 201, 200, 200),
        (Role.SUPERVISOR, "read", 403, 403, 403, 200),
        (Role.AGENT, "read", 403, 403, 403, 200),
    ],
)
def test_permission_matrix(
    api_for: Any,
    make_agent: Any,
    complaint_ticket: Any,
    role: str,
    scope: str,
    record: int,
    propose: int,
    decide: int,
    read: int,
) -> None:
    proposer = api_for(make_agent(Role.AGENT))
    actor = make_agent(role)
    api = api_for(actor, ApiToken.Scope(scope))
    # Recording on a ticket of its own.
    fresh = complaint_ticket(email="fresh@example.com")
    before = ticket_state(fresh.pk)
    assert api.post(f"/api/v1/tickets/{fresh.pk}/complaint", facts()).status_code == record
    if record != 201:
        assert ticket_state(fresh.pk) == before
        assert not Complaint.objects.filter(ticket=fresh).exists()
    # Proposing on a complaint someone else recorded.
    ticket = complaint_ticket()
    make_complaint(proposer, ticket)
    assert api.get(f"/api/v1/tickets/{ticket.pk}/complaint").status_code == read
    assert api.get("/api/v1/complaints").status_code == read
    before_propose = complaint_state(ticket)
    response = api.post(f"/api/v1/tickets/{ticket.pk}/complaint/remedies", REMEDY)
    assert response.status_code == propose
    if propose != 201:
        assert complaint_state(ticket) == before_propose
    # Deciding a remedy proposed by someone else.
    Remedy.objects.filter(complaint__ticket=ticket).delete()
    Complaint.objects.filter(ticket=ticket).update(stage="recorded")
    remedy = proposer.post(f"/api/v1/tickets/{ticket.pk}/complaint/remedies", REMEDY).json()
    before_decide = complaint_state(ticket)
    url = f"/api/v1/tickets/{ticket.pk}/complaint/remedies/{remedy['id']}/decision"
    assert api.post(url, {"decision": "approve"}).status_code == decide
    if decide != 200:
        assert complaint_state(ticket) == before_decide


@pytest.mark.django_db
def test_invisible_tickets_are_404_for_agents(
    api_for: Any, agent: Any, other_team: Any, complaint_ticket: Any, supervisor: Any
) -> None:
    ticket = complaint_ticket()
    make_complaint(api_for(supervisor), ticket)
    ticket.team = other_team
    ticket.save(update_fields=["team"])
    api = api_for(agent)
    assert api.get(f"/api/v1/tickets/{ticket.pk}/complaint").status_code == 404
    response = api.post(f"/api/v1/tickets/{ticket.pk}/complaint/remedies", REMEDY)
    assert response.status_code == 404
    assert api.get("/api/v1/complaints", tab="all").json()["count"] == 0
    assert not Remedy.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_one_wins(
    api_for: Any, agent: Any, make_agent: Any, complaint_ticket: Any, delivered: list[int]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises whole-database writes)")
    first, second = make_agent(Role.SUPERVISOR), make_agent(Role.SUPERVISOR)
    ticket = complaint_ticket()
    api = api_for(agent)
    make_complaint(api, ticket)
    remedy_id = api.post(f"/api/v1/tickets/{ticket.pk}/complaint/remedies", REMEDY).json()["id"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(supervisor: Any) -> None:
        try:
            barrier.wait()
            remedy = Remedy.objects.get(pk=remedy_id)
            check_decide_remedy(supervisor, remedy, approve=True)
            outcomes.append("approved")
        except InvalidTransition:
            outcomes.append("already decided")
        except CryptodeskError as error:  # pragma: no cover - would be a bug
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already decided", "approved"]
    assert Remedy.objects.get(pk=remedy_id).status == "approved"
    messages = Message.objects.filter(ticket=ticket, analysis__automatic="complaint_remedy")
    assert messages.count() == 1
    assert delivered == [messages.get().pk]
    events = ticket.events.filter(kind="remedy", data__action="approved")
    assert events.count() == 1
