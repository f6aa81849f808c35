"""Regression tests from the review of the complaint workflow: a follow-up per resolution
when the ticket was reopened after the question went out, and the SLA clocks of a ticket the
customer's "no" reopened."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from cryptodesk.complaints.models import Complaint
from cryptodesk.sla.models import BusinessCalendar, SlaPolicy, SlaTarget
from cryptodesk.tickets.models import Message, Ticket
from tests.complaints.conftest import facts
from tests.complaints.test_flow import follow_up_link


def run_worker() -> None:
    call_command("worker", "--batch", "--interval", "0")


def questions(ticket: Ticket) -> list[Message]:
    return list(
        Message.objects.filter(ticket=ticket, analysis__automatic="complaint_follow_up").order_by(
            "id"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_a_ticket_reopened_after_the_question_gets_a_new_one_when_solved_again(
    api_for: Any, agent: Any, complaint_ticket: Any, ingest: Any, clock: Any
) -> None:
    ticket = complaint_ticket("en")
    api = api_for(agent)
    assert api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts()).status_code == 201
    api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"})
    clock.advance(timedelta(days=3, minutes=1))
    run_worker()
    first = questions(ticket)
    assert len(first) == 1
    old_no = follow_up_link(first[0].text, "no").split("?")[0]

    # The customer writes back instead of answering; the agent solves the ticket again.
    ingest("Still not fixed.", email="en-customer@example.com", ticket_number=ticket.pk)
    assert Ticket.objects.get(pk=ticket.pk).status == "open"
    clock.advance(timedelta(hours=1))
    resolved_again = clock.now
    assert api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"}).status_code == 200
    complaint = Complaint.objects.get(ticket=ticket)
    assert (complaint.stage, complaint.resolved_at) == ("resolved", resolved_again)
    assert DBTaskResult.objects.filter(task_path__endswith="send_follow_up").count() == 2

    # The question about the previous resolution no longer takes an answer.
    stale = Client().post(old_no, {"answer": "no"})
    assert stale.status_code == 404
    assert "This question is out of date" in stale.content.decode()
    assert Complaint.objects.get(ticket=ticket).stage == "resolved"
    assert Ticket.objects.get(pk=ticket.pk).status == "solved"

    clock.advance(timedelta(days=3, minutes=1))
    run_worker()
    run_worker()
    assert len(questions(ticket)) == 2  # exactly one per resolution
    assert Complaint.objects.get(ticket=ticket).stage == "follow_up_sent"
    yes = follow_up_link(questions(ticket)[-1].text, "yes").split("?")[0]
    assert Client().post(yes, {"answer": "yes"}).status_code == 200
    assert Complaint.objects.get(ticket=ticket).stage == "satisfied"


@pytest.mark.django_db(transaction=True)
def test_no_answer_resumes_the_sla_clocks_of_the_reopened_ticket(
    api_for: Any, agent: Any, complaint_ticket: Any, clock: Any
) -> None:
    ticket = complaint_ticket("en")
    api = api_for(agent)
    assert api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts()).status_code == 201
    api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"})
    assert Ticket.objects.get(pk=ticket.pk).sla_paused_at is not None
    clock.advance(timedelta(days=3, minutes=1))
    run_worker()
    no = follow_up_link(questions(ticket)[0].text, "no").split("?")[0]
    assert Client().post(no, {"answer": "no"}).status_code == 200
    reopened = Ticket.objects.get(pk=ticket.pk)
    assert reopened.status == "open"
    assert reopened.sla_paused_at is None


@pytest.mark.django_db
def test_fund_security_escalation_applies_the_urgent_sla_policy(
    api_for: Any, agent: Any, complaint_ticket: Any
) -> None:
    calendar = BusinessCalendar.objects.create(name="24/7", time_zone="UTC", always_open=True)
    for priority, minutes in (("normal", 240), ("urgent", 15)):
        SlaPolicy.objects.create(
            name=f"standard {priority}",
            priority=priority,
            tier="standard",
            calendar=calendar,
            first_response_minutes=minutes,
            next_response_minutes=minutes,
            resolution_minutes=minutes * 4,
        )
    ticket = complaint_ticket("en")
    before = Ticket.objects.get(pk=ticket.pk)
    assert (before.priority, before.sla_policy.name) == ("normal", "standard normal")
    recorded = api_for(agent).post(
        f"/api/v1/tickets/{ticket.pk}/complaint", facts(fund_security=True)
    )
    assert recorded.status_code == 201, recorded.content
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.priority, after.sla_policy.name) == ("urgent", "standard urgent")
    assert after.first_response_due == ticket.created_at + timedelta(minutes=15)
    target = SlaTarget.objects.get(ticket=ticket, kind="first_response")
    assert target.due_at == ticket.created_at + timedelta(minutes=15)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("answer", ["yes", "no"])
def test_an_answer_after_the_ticket_was_reopened_is_refused(
    api_for: Any, agent: Any, complaint_ticket: Any, ingest: Any, clock: Any, answer: str
) -> None:
    ticket = complaint_ticket("en")
    api = api_for(agent)
    assert api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts()).status_code == 201
    api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"})
    clock.advance(timedelta(days=3, minutes=1))
    run_worker()
    link = follow_up_link(questions(ticket)[0].text, answer).split("?")[0]
    ingest("It is still not fixed.", email="en-customer@example.com", ticket_number=ticket.pk)
    events_before = ticket.events.count()

    response = Client().post(link, {"answer": answer})
    assert response.status_code == 409
    assert "This question is out of date" in response.content.decode()
    complaint = Complaint.objects.get(ticket=ticket)
    assert (complaint.stage, complaint.answered_at, complaint.reopen_count) == (
        "follow_up_sent",
        None,
        0,
    )
    assert Ticket.objects.get(pk=ticket.pk).status == "open"
    assert ticket.events.count() == events_before
