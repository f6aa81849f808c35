"""The auto-acknowledgement: ticket number and expected first-reply time, in the customer's
language and the calendar's time zone; once per ticket; never for chats or automated mail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cryptodesk.sla.models import BusinessCalendar
from cryptodesk.tickets.models import AuthorKind, Message
from tests.conftest import ApiClient
from tests.sla.conftest import Clock, PolicyFactory, run_queued_tasks


def system_messages(number: int) -> list[str]:
    return list(
        Message.objects.filter(ticket_id=number, author_kind=AuthorKind.SYSTEM)
        .order_by("id")
        .values_list("text", flat=True)
    )


@pytest.fixture
def ingest_and_run(
    ingest: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> Callable[..., int]:
    def run(*args: Any, **kwargs: Any) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            number: int = ingest(*args, **kwargs).ticket.pk
        run_queued_tasks()
        return number

    return run


def test_new_ticket_is_acknowledged_with_number_and_due_time_in_english(
    frozen_clock: Clock, make_policy: PolicyFactory, ingest_and_run: Callable[..., int]
) -> None:
    make_policy("normal", first=120)
    number = ingest_and_run()
    assert system_messages(number) == [
        "Thank you for contacting us. We have received your request.\n\n"
        f"Your ticket number is #{number}. Please keep it in the subject of any reply.\n\n"
        "You can expect our first reply by Mon 2 Mar 2026, 12:00 (Asia/Hong_Kong time).\n\n"
        "Our staff will never ask for your recovery phrase, private keys or password."
    ]


def test_acknowledgement_uses_the_customer_language_and_calendar_time_zone(
    frozen_clock: Clock, make_policy: PolicyFactory, ingest_and_run: Callable[..., int]
) -> None:
    london = BusinessCalendar.objects.create(
        name="London", time_zone="Europe/London", always_open=True
    )
    make_policy("normal", first=60, calendar=london)
    simplified = ingest_and_run(
        "我的USDT充值两个小时还没到账", email="li@example.com", language_hint="zh-hans"
    )
    traditional = ingest_and_run(
        "我的USDT充值兩個小時還沒到帳，請幫忙查詢", email="chen@example.com"
    )
    (hans,) = system_messages(simplified)
    assert f"您的工单编号是 #{simplified}" in hans
    assert "2026年3月2日 星期一 03:00（Europe/London 时间）" in hans
    (hant,) = system_messages(traditional)
    assert f"您的工單編號是 #{traditional}" in hant
    assert "Europe/London 時間" in hant


def test_no_policy_means_no_promise(
    frozen_clock: Clock, ingest_and_run: Callable[..., int]
) -> None:
    (text,) = system_messages(ingest_and_run())
    assert "We will reply as soon as we can." in text
    assert "first reply by" not in text


def test_chats_and_automated_messages_are_not_acknowledged(
    frozen_clock: Clock, make_policy: PolicyFactory, ingest_and_run: Callable[..., int]
) -> None:
    make_policy("normal")
    chat = ingest_and_run(channel="chat", email="chatter@example.com")
    robot = ingest_and_run(email="mailer-daemon@example.com", automated=True)
    assert system_messages(chat) == []
    assert system_messages(robot) == []


def test_acknowledged_once_even_when_the_task_runs_again_or_the_customer_writes_more(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest_and_run: Callable[..., int],
    api_for: Callable[..., ApiClient],
    supervisor: Any,
) -> None:
    from cryptodesk.sla.tasks import after_ticket_created

    make_policy("normal")
    number = ingest_and_run()
    ingest_and_run("Any update?", ticket_number=number)
    after_ticket_created.call(number, True)
    assert len(system_messages(number)) == 1
    timeline = api_for(supervisor).get(f"/api/v1/tickets/{number}").json()["messages"]
    assert [m["author_kind"] for m in timeline] == ["customer", "system", "customer"]


def test_answered_or_overdue_tickets_get_no_promise_in_the_past(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
    api_for: Callable[..., ApiClient],
    supervisor: Any,
) -> None:
    make_policy("normal", first=30)
    with django_capture_on_commit_callbacks(execute=True):
        answered = ingest(email="a@example.com").ticket.pk
        late = ingest(email="b@example.com").ticket.pk
    api_for(supervisor).post(f"/api/v1/tickets/{answered}/messages", {"body": "Hello!"})
    frozen_clock.advance(hours=2)  # the worker was down for a while
    run_queued_tasks()
    assert system_messages(answered) == []
    (text,) = system_messages(late)
    assert "We will reply as soon as we can." in text
