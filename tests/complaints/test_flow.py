"""The whole complaint workflow through the API and the worker: record, severity and
escalation, remedy under the four-eyes rule, customer message, resolution, the follow-up
sent by the worker after its delay (controllable clock), and the customer's answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from cryptodesk.accounts.models import Notification, Role
from cryptodesk.complaints.actions import do_send_follow_up
from cryptodesk.complaints.models import Complaint, Remedy
from cryptodesk.tickets.models import Message, Ticket
from tests.complaints.conftest import facts
from tests.conftest import ticket_state


def run_worker() -> None:
    call_command("worker", "--batch", "--interval", "0")


def follow_up_link(text: str, answer: str) -> str:
    for line in text.splitlines():
        if line.rstrip().endswith(f"?answer={answer}"):
            url = line.split(" ")[-1].strip()
            return url[url.index("/complaints/") :]
    raise AssertionError(f"no {answer} link in {text!r}")


@pytest.mark.django_db(transaction=True)
def test_full_complaint_flow_with_four_eyes_and_follow_up(
    api_for: Any,
    make_agent: Any,
    agent: Any,
    complaint_ticket: Any,
    delivered: list[int],
    clock: Any,
) -> None:
    approver = make_agent(Role.SUPERVISOR, name="Mei Lin")
    other_supervisor = make_agent(Role.SUPERVISOR, name="Sam Supervisor")
    ticket = complaint_ticket("zh-hans", "你们重复扣了我的提现手续费！", name="李雷")
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)
    api = api_for(agent)

    recorded = api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts())
    assert recorded.status_code == 201, recorded.content
    body = recorded.json()
    assert (body["stage"], body["severity"], body["amount"]) == ("recorded", "medium", "25.5")
    assert body["severity_reasons"] == ["amount", "upset"]
    assert body["emotion_recorded"] == "frustrated"
    again = api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts())
    assert again.status_code == 409

    proposed = api.post(
        f"/api/v1/tickets/{ticket.pk}/complaint/remedies",
        {"kind": "refund", "asset": "usdt", "amount": "25.50", "reason": "手续费被重复收取。"},
    )
    assert proposed.status_code == 201, proposed.content
    remedy_id = proposed.json()["id"]
    assert proposed.json()["status"] == "proposed"
    assert Complaint.objects.get(ticket=ticket).stage == "remedy_proposed"
    decision_url = f"/api/v1/tickets/{ticket.pk}/complaint/remedies/{remedy_id}/decision"

    # The proposing agent cannot decide: not a supervisor. Nothing changes.
    before = ticket_state(ticket.pk)
    denied = api.post(decision_url, {"decision": "approve"})
    assert denied.status_code == 403
    assert ticket_state(ticket.pk) == before
    assert Remedy.objects.get(pk=remedy_id).status == "proposed"

    approved = api_for(approver).post(decision_url, {"decision": "approve", "note": "OK"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"]["name"] == "Mei Lin"
    twice = api_for(other_supervisor).post(decision_url, {"decision": "reject", "note": "no"})
    assert twice.status_code == 409
    assert twice.json()["code"] == "invalid_transition"

    explanation = Message.objects.get(ticket=ticket, analysis__automatic="complaint_remedy")
    assert explanation.text == (
        "尊敬的李雷：\n\n"
        f"我们已审核您的投诉（工单 #{ticket.pk}），对发生的情况深表歉意。"
        "我们将向您的账户发放 25.5 USDT 的退款。\n\n"
        "我们的说明：手续费被重复收取。\n\n"
        "到账后您可以在账户记录中查看。如有任何疑问，请回复此消息。"
    )
    assert delivered == [explanation.pk]
    assert Complaint.objects.get(ticket=ticket).stage == "remedy_approved"

    solved_at = clock.now
    solved = api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"})
    assert solved.status_code == 200
    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.stage == "resolved"
    assert complaint.follow_up_due_at == solved_at + timedelta(days=3)
    task = DBTaskResult.objects.get(task_path="cryptodesk.complaints.tasks.send_follow_up")
    assert task.run_after == solved_at + timedelta(days=3)

    # Notifications: supervisors for the approval request, the proposer for the decision.
    clock.advance(timedelta(days=2, hours=23))
    run_worker()
    kinds = sorted(Notification.objects.values_list("agent__display_name", "kind"))
    assert kinds == [
        ("Alice Agent", "remedy_decided"),
        ("Mei Lin", "remedy_approval"),
        ("Sam Supervisor", "remedy_approval"),
    ]
    assert Complaint.objects.get(ticket=ticket).stage == "resolved"  # not due yet
    clock.advance(timedelta(hours=1, minutes=1))
    run_worker()
    complaint.refresh_from_db()
    assert complaint.stage == "follow_up_sent"
    question = Message.objects.filter(
        ticket=ticket, analysis__automatic="complaint_follow_up"
    ).last()
    assert question is not None
    assert question.pk == delivered[-1]
    assert question.text.startswith("尊敬的李雷：\n\n我们最近处理完了您的投诉")
    no_link = follow_up_link(question.text, "no")
    run_worker()  # a retry or a second worker run sends nothing more
    assert (
        Message.objects.filter(ticket=ticket, analysis__automatic__startswith="complaint").count()
        == 2
    )

    customer = Client()
    page = customer.get(no_link)
    assert page.status_code == 200
    assert "不满意" in page.content.decode()
    assert Complaint.objects.get(ticket=ticket).stage == "follow_up_sent"  # a GET changes nothing
    answered = customer.post(no_link.split("?")[0], {"answer": "no"})
    assert answered.status_code == 200
    complaint.refresh_from_db()
    ticket.refresh_from_db()
    assert (complaint.stage, complaint.reopen_count, ticket.status) == ("reopened", 1, "open")
    kinds = [e.kind for e in ticket.events.order_by("id")][-3:]
    assert kinds == ["follow_up", "complaint", "status"]
    run_worker()
    assert Notification.objects.filter(agent=agent, kind="complaint_reopened").count() == 1
    repeat = customer.post(no_link.split("?")[0], {"answer": "yes"})
    assert repeat.status_code == 409
    assert Complaint.objects.get(ticket=ticket).stage == "reopened"
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_satisfied_answer_and_a_later_resolution_schedules_again(
    api_for: Any, agent: Any, supervisor: Any, complaint_ticket: Any, clock: Any
) -> None:
    ticket = complaint_ticket("en")
    api = api_for(agent)
    assert api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts()).status_code == 201
    api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"})
    # Reopened by the agent and solved again before the follow-up was due: one question only.
    api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "open"})
    clock.advance(timedelta(hours=1))
    api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"})
    assert DBTaskResult.objects.filter(task_path__endswith="send_follow_up").count() == 2
    clock.advance(timedelta(days=3, minutes=1))
    run_worker()
    questions = Message.objects.filter(ticket=ticket, analysis__automatic="complaint_follow_up")
    assert questions.count() == 1
    assert "Are you satisfied with how we resolved it?" in questions.get().text
    yes_link = follow_up_link(questions.get().text, "yes")
    response = Client().post(yes_link.split("?")[0], {"answer": "yes"})
    assert response.status_code == 200
    assert "glad the resolution worked" in response.content.decode()
    assert Complaint.objects.get(ticket=ticket).stage == "satisfied"
    assert Ticket.objects.get(pk=ticket.pk).status == "solved"


@pytest.mark.django_db(transaction=True)
def test_follow_up_is_skipped_when_the_customer_reopened_the_ticket(
    api_for: Any, agent: Any, complaint_ticket: Any, ingest: Any, clock: Any
) -> None:
    ticket = complaint_ticket("en")
    api = api_for(agent)
    api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts())
    api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"})
    ingest("Still wrong!", email="en-customer@example.com", ticket_number=ticket.pk)
    clock.advance(timedelta(days=4))
    run_worker()
    assert not Message.objects.filter(
        ticket=ticket, analysis__automatic="complaint_follow_up"
    ).exists()
    assert Complaint.objects.get(ticket=ticket).stage == "resolved"


def test_bad_follow_up_links_are_refused(db: None) -> None:
    response = Client().get("/complaints/f/not-a-token/?answer=no")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_follow_up_delay_and_public_url_are_settings(
    api_for: Any, agent: Any, complaint_ticket: Any, clock: Any, settings: Any
) -> None:
    settings.CRYPTODESK_COMPLAINT_FOLLOW_UP_DAYS = 1
    settings.CRYPTODESK_PUBLIC_URL = "https://support.example.com/"
    ticket = complaint_ticket("zh-hant")
    api = api_for(agent)
    api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts())
    solved_at = clock.now
    api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"})
    assert Complaint.objects.get(ticket=ticket).follow_up_due_at == solved_at + timedelta(days=1)
    clock.advance(timedelta(days=1, seconds=1))
    run_worker()
    question = Message.objects.get(ticket=ticket, analysis__automatic="complaint_follow_up")
    assert "您對處理結果滿意嗎？" in question.text
    assert "\n不滿意：https://support.example.com/complaints/f/" in question.text


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["soon", "0", "-2", "nan", "inf", "400"])
def test_a_mistyped_follow_up_delay_never_stops_a_ticket_being_solved(
    api_for: Any, agent: Any, complaint_ticket: Any, settings: Any, value: str
) -> None:
    settings.CRYPTODESK_COMPLAINT_FOLLOW_UP_DAYS = value
    ticket = complaint_ticket("en")
    api = api_for(agent)
    api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts())
    assert api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"}).status_code == 200
    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.resolved_at is not None
    assert complaint.follow_up_due_at == complaint.resolved_at + timedelta(days=3)


@pytest.mark.django_db
def test_no_on_a_closed_ticket_reopens_the_complaint_only(
    api_for: Any, agent: Any, complaint_ticket: Any
) -> None:
    ticket = complaint_ticket("en")
    api = api_for(agent)
    api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts())
    api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "solved"})
    api.patch(f"/api/v1/tickets/{ticket.pk}", {"status": "closed"})
    complaint = Complaint.objects.get(ticket=ticket)
    assert complaint.resolved_at is not None
    assert do_send_follow_up(complaint.pk, complaint.resolved_at.isoformat()) is True
    assert do_send_follow_up(complaint.pk, complaint.resolved_at.isoformat()) is False
    question = Message.objects.get(ticket=ticket, analysis__automatic="complaint_follow_up")
    link = follow_up_link(question.text, "no").split("?")[0]
    assert Client().post(link, {"answer": "maybe"}).status_code == 422
    assert Client().post(link, {"answer": "no"}).status_code == 200
    complaint.refresh_from_db()
    assert complaint.stage == "reopened"
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"
