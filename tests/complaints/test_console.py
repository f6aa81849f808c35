"""Complaint pages in the console: the panel on the ticket page with its forms, the timeline
entries, and the queue with its stage tabs."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from cryptodesk.accounts.models import Role
from cryptodesk.complaints.models import Complaint, Remedy
from tests.complaints.conftest import facts
from tests.conftest import ticket_state

pytestmark = pytest.mark.django_db


def record_form(**overrides: Any) -> dict[str, Any]:
    return {
        "what_happened": "Withdrawal stuck for 3 days",
        "occurred_at": timezone.now().strftime("%Y-%m-%dT%H:%M"),
        "product": "Withdrawals",
        "asset": "BTC",
        "amount": "0.5",
        "emotion": "",
        "fund_security": "on",
    } | overrides


def test_record_propose_and_decide_from_the_ticket_page(
    console_for: Any, agent: Any, supervisor: Any, complaint_ticket: Any
) -> None:
    ticket = complaint_ticket()
    client = console_for(agent)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'action="/complaints/t/{ticket.pk}/record/"' in page
    response = client.post(f"/complaints/t/{ticket.pk}/record/", record_form())
    assert response.status_code == 302
    complaint = Complaint.objects.get(ticket=ticket)
    assert (complaint.severity, complaint.fund_security, complaint.amount) == (
        "critical",
        True,
        complaint.amount,
    )
    assert str(complaint.amount.normalize()) == "0.5"  # type: ignore[union-attr]
    client.post(
        f"/complaints/t/{ticket.pk}/remedies/",
        {"kind": "refund", "asset": "btc", "amount": "0.0005", "reason": "Network fee refund"},
    )
    remedy = Remedy.objects.get()
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Waiting for a supervisor who did not propose it." in page
    assert "proposed a refund of 0.0005 BTC" in page
    assert "Fund-security complaint: escalated to supervisors with urgent priority" in page
    # The agent's forged decision changes nothing.
    before = ticket_state(ticket.pk)
    forged = client.post(
        f"/complaints/t/{ticket.pk}/remedies/{remedy.pk}/decide/", {"decision": "approve"}
    )
    assert forged.status_code == 302
    assert ticket_state(ticket.pk) == before
    assert Remedy.objects.get().status == "proposed"
    boss = console_for(supervisor)
    page = boss.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'action="/complaints/t/{ticket.pk}/remedies/{remedy.pk}/decide/"' in page
    # A decision that is neither approve nor reject is refused, not taken as a rejection.
    for unclear in ({}, {"decision": "maybe"}):
        answer = boss.post(
            f"/complaints/t/{ticket.pk}/remedies/{remedy.pk}/decide/", unclear, follow=True
        )
        assert "Choose whether to approve or reject the remedy." in answer.content.decode()
        assert Remedy.objects.get().status == "proposed"
    boss.post(f"/complaints/t/{ticket.pk}/remedies/{remedy.pk}/decide/", {"decision": "approve"})
    assert Remedy.objects.get().status == "approved"
    page = boss.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "approved the refund of 0.0005 BTC" in page
    assert "We will credit a refund of 0.0005 BTC to your account." in page


def test_bad_form_input_is_reported_and_nothing_saved(
    console_for: Any, agent: Any, complaint_ticket: Any
) -> None:
    ticket = complaint_ticket()
    client = console_for(agent)
    response = client.post(
        f"/complaints/t/{ticket.pk}/record/", record_form(amount="ten"), follow=True
    )
    assert "&#x27;ten&#x27; is not a number." in response.content.decode()
    response = client.post(
        f"/complaints/t/{ticket.pk}/record/", record_form(occurred_at="yesterday"), follow=True
    )
    assert "is not a date and time" in response.content.decode()
    assert not Complaint.objects.exists()


def test_queue_tabs(
    console_for: Any, api_for: Any, agent: Any, supervisor: Any, complaint_ticket: Any
) -> None:
    calm = complaint_ticket(email="a@example.com")
    urgent = complaint_ticket(email="b@example.com")
    api = api_for(agent)
    api.post(f"/api/v1/tickets/{calm.pk}/complaint", facts())
    api.post(f"/api/v1/tickets/{urgent.pk}/complaint", facts(fund_security=True))
    client = console_for(supervisor)
    page = client.get("/complaints/")
    assert page.status_code == 200
    assert [c.ticket_id for c in page.context["page"]] == [urgent.pk, calm.pk]
    funds = client.get("/complaints/", {"tab": "fund_security"})
    assert [c.ticket_id for c in funds.context["page"]] == [urgent.pk]
    assert funds.context["tab_counts"]["fund_security"] == 1
    assert client.get("/complaints/", {"tab": "bogus"}).context["tab"] == "open"
    assert 'href="/complaints/"' in page.content.decode()  # the sidebar link


@pytest.mark.parametrize("role", [Role.AGENT, Role.KB_EDITOR, Role.SUPERVISOR, Role.ADMIN])
def test_queue_shows_only_visible_complaints(
    console_for: Any, make_agent: Any, other_team: Any, supervisor: Any, api_for: Any,
    complaint_ticket: Any, role: str,
) -> None:  # fmt: skip
    ticket = complaint_ticket()
    api_for(supervisor).post(f"/api/v1/tickets/{ticket.pk}/complaint", facts())
    ticket.team = other_team
    ticket.save(update_fields=["team"])
    page = console_for(make_agent(role)).get("/complaints/", {"tab": "all"})
    expected = [ticket.pk] if role in (Role.SUPERVISOR, Role.ADMIN) else []
    assert [c.ticket_id for c in page.context["page"]] == expected


def test_queue_needs_login(client: Any) -> None:
    response = client.get("/complaints/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_forms_on_missing_tickets_and_remedies_are_404(
    console_for: Any, agent: Any, supervisor: Any, complaint_ticket: Any
) -> None:
    ticket = complaint_ticket()
    missing = ticket.pk + 1000
    client = console_for(agent)
    assert client.post(f"/complaints/t/{missing}/record/", record_form()).status_code == 404
    not_a_complaint = client.post(f"/complaints/t/{ticket.pk}/remedies/", {"kind": "refund"})
    assert not_a_complaint.status_code == 404
    decide = console_for(supervisor).post(
        f"/complaints/t/{ticket.pk}/remedies/99999/decide/", {"decision": "approve"}
    )
    assert decide.status_code == 404
    assert not Complaint.objects.exists()
