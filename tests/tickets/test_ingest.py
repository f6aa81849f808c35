"""The message path: do_ingest_message threads, triages, persists once, and publishes after
commit."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from cryptodesk.core.errors import ValidationFailed
from cryptodesk.customers.models import Identity
from cryptodesk.tickets.actions import do_ingest_message
from cryptodesk.tickets.models import EventKind, Message, Status, Ticket, TicketEvent
from cryptodesk.tickets.pipeline import Guarded, InboundAttachment, InboundMessage
from tests.conftest import inbound


def test_new_message_opens_ticket_with_customer_event_and_language(ingest: Any) -> None:
    result = ingest(
        "我的USDT充值两个小时还没有到账，请帮忙查询",
        subject="充值未到账",
        email="Wei@Example.com",
        name="王伟",
    )
    assert result.created
    assert result.ticket_created
    ticket = Ticket.objects.get(pk=result.ticket.pk)
    assert ticket.status == Status.NEW
    assert ticket.priority == "normal"
    assert ticket.language == "zh-hans"
    assert ticket.subject == "充值未到账"
    assert ticket.customer.name == "王伟"
    assert list(Identity.objects.values_list("kind", "value")) == [("email", "wei@example.com")]
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.MESSAGE]


def test_traditional_chinese_is_told_apart(ingest: Any) -> None:
    result = ingest("我的帳戶被鎖住了，請問這個要怎麼處理？", subject="帳戶")
    assert result.ticket.language == "zh-hant"


def test_repeated_idempotency_key_returns_first_result(ingest: Any) -> None:
    first = ingest(idempotency_key="abc-1")
    again = ingest(idempotency_key="abc-1")
    assert not again.created
    assert again.message.pk == first.message.pk
    assert Message.objects.count() == 1
    assert Ticket.objects.count() == 1


def test_same_key_on_another_channel_is_another_message(ingest: Any) -> None:
    ingest(idempotency_key="k", channel="web")
    ingest(idempotency_key="k", channel="email")
    assert Message.objects.count() == 2


def test_reply_with_ticket_number_threads_and_reopens(ingest: Any) -> None:
    first = ingest()
    Ticket.objects.filter(pk=first.ticket.pk).update(status=Status.PENDING)
    reply = ingest("Here is the hash 0xabc", ticket_number=first.ticket.pk)
    assert reply.ticket.pk == first.ticket.pk
    assert not reply.ticket_created
    ticket = Ticket.objects.get(pk=first.ticket.pk)
    assert ticket.status == Status.OPEN
    assert ticket.messages.count() == 2


def test_ticket_number_of_another_customer_opens_a_new_ticket(ingest: Any) -> None:
    first = ingest(email="a@example.com")
    other = ingest("hi", email="b@example.com", ticket_number=first.ticket.pk)
    assert other.ticket_created
    assert other.ticket.pk != first.ticket.pk


def test_closed_ticket_gets_a_new_ticket(ingest: Any) -> None:
    first = ingest()
    Ticket.objects.filter(pk=first.ticket.pk).update(status=Status.CLOSED)
    again = ingest("still broken", ticket_number=first.ticket.pk)
    assert again.ticket_created


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "   "}, "body"),
        ({"text": "x" * 100_001}, "body"),
        ({"channel": "pigeon"}, "channel"),
        ({"email": "not-an-email"}, "email"),
        ({"requested_priority": "asap"}, "priority"),
        ({"tags": ("bad tag!",)}, "tags"),
        (
            {"attachments": (InboundAttachment("run.exe", "application/x-msdownload", b"MZ"),)},
            "attachments",
        ),
        ({"attachments": (InboundAttachment("empty.png", "image/png", b""),)}, "attachments"),
    ],
)
def test_bad_input_is_rejected_and_nothing_is_stored(
    db: None, kwargs: dict[str, Any], field: str
) -> None:
    text = kwargs.pop("text", "hello")
    with pytest.raises(ValidationFailed) as error:
        do_ingest_message(inbound(text, **kwargs))
    assert error.value.field == field
    assert Ticket.objects.count() == 0
    assert Message.objects.count() == 0


def test_oversized_attachment_is_rejected(db: None, settings: Any) -> None:
    settings.CRYPTODESK_MAX_ATTACHMENT_BYTES = 1000
    big = InboundAttachment("shot.png", "image/png", b"\x89PNG" + b"0" * 1000)
    with pytest.raises(ValidationFailed, match="larger than"):
        do_ingest_message(inbound(attachments=(big,)))
    assert Message.objects.count() == 0


def test_attachment_is_stored_with_safe_name(ingest: Any) -> None:
    data = b"\x89PNG\r\n\x1a\nfake"
    result = ingest(attachments=(InboundAttachment("../../etc/pass wd.PNG", "image/png", data),))
    attachment = result.message.attachments.get()
    assert attachment.filename == "pass wd.PNG"
    assert attachment.content_type == "image/png"
    assert attachment.size == len(data)
    assert ".." not in attachment.file.name
    with attachment.file.open("rb") as handle:
        assert handle.read() == data


def test_html_only_message_is_sanitized_and_gets_text(ingest: Any) -> None:
    html = (
        "<p>Hello<script>alert(1)</script></p>"
        '<p onclick="x()">Second <a href="javascript:x">l</a></p>'
    )
    result = ingest("", html=html)
    message = Message.objects.get(pk=result.message.pk)
    assert "<script" not in message.html
    assert "onclick" not in message.html
    assert "javascript:" not in message.html
    assert message.text == "Hello\nSecond l"


def test_guard_stage_is_pluggable_and_runs_before_storage(ingest: Any, settings: Any) -> None:
    settings.CRYPTODESK_PIPELINE = {
        **settings.CRYPTODESK_PIPELINE,
        "guard": "tests.tickets.test_ingest.redact_word_secret",
    }
    result = ingest("my secret is swordfish")
    message = Message.objects.get(pk=result.message.pk)
    assert message.text == "my secret is [redacted]"
    ticket = Ticket.objects.get(pk=result.ticket.pk)
    assert ticket.priority == "urgent"  # a guard finding makes it a security case
    assert ticket.is_security_case
    assert list(ticket.tags.values_list("name", flat=True)) == []
    security = TicketEvent.objects.get(ticket=ticket, kind=EventKind.SECURITY)
    assert security.data == {"findings": ["password"]}
    warning = ticket.messages.get(author_kind="system")
    assert not warning.is_internal
    assert warning.text.startswith("Security warning from support")
    assert "Treat the wallet as exposed" in warning.text


def test_security_warning_is_in_the_customer_language(ingest: Any, settings: Any) -> None:
    settings.CRYPTODESK_PIPELINE = {
        **settings.CRYPTODESK_PIPELINE,
        "guard": "tests.tickets.test_ingest.redact_word_secret",
    }
    result = ingest("我的钱包密码是 swordfish，请帮我看看", subject="钱包")
    warning = result.ticket.messages.get(author_kind="system")
    assert warning.text.startswith("来自客服的安全警告")
    followup = ingest("還有 swordfish 這個", email="tw@example.com", subject="錢包問題")
    assert followup.ticket.messages.get(author_kind="system").text.startswith("來自客服的安全警告")


def test_secret_in_a_reply_turns_an_existing_ticket_into_a_security_case(
    ingest: Any, settings: Any
) -> None:
    first = ingest("Deposit missing", requested_priority="low")
    settings.CRYPTODESK_PIPELINE = {
        **settings.CRYPTODESK_PIPELINE,
        "guard": "tests.tickets.test_ingest.redact_word_secret",
    }
    ingest("here: swordfish", ticket_number=first.ticket.pk)
    ticket = Ticket.objects.get(pk=first.ticket.pk)
    assert ticket.is_security_case
    assert ticket.priority == "urgent"
    change = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PRIORITY)
    assert change.data == {"from": "low", "to": "urgent", "reason": "security_case"}


def test_a_new_security_case_is_urgent_whatever_the_triage_stage_says(
    ingest: Any, settings: Any
) -> None:
    settings.CRYPTODESK_PIPELINE = {
        **settings.CRYPTODESK_PIPELINE,
        "guard": "tests.tickets.test_ingest.redact_word_secret",
        "triage": "tests.tickets.test_ingest.triage_everything_low",
    }
    result = ingest("my wallet password is swordfish")
    ticket = Ticket.objects.get(pk=result.ticket.pk)
    assert ticket.is_security_case
    assert ticket.priority == "urgent"
    assert ticket.priority_rank == Ticket.objects.get(pk=ticket.pk).priority_rank
    created = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CREATED)
    assert created.data["priority"] == "urgent"
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PRIORITY).exists()


def triage_everything_low(*_args: Any) -> Any:
    from cryptodesk.tickets.pipeline import Triage

    return Triage(priority="low")


def redact_word_secret(message: InboundMessage) -> Guarded:
    from cryptodesk.tickets.pipeline import Finding

    start = message.text.find("swordfish")
    return Guarded(
        message=message.with_changes(text=message.text.replace("swordfish", "[redacted]")),
        findings=(Finding("password", start, start + 9),),
    )


def test_events_are_published_only_after_commit(
    ingest: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingest()
    # One broadcast and the SLA follow-up task (acknowledgement, assignment); no assignee, so
    # no notification task.
    assert len(callbacks) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_key_store_one_message() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL")
    results: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def deliver() -> None:
        try:
            barrier.wait()
            results.append(do_ingest_message(inbound(idempotency_key="race-1")))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Message.objects.filter(idempotency_key="web:race-1").count() == 1
    assert len({r.message.pk for r in results}) == 1
    assert sum(r.created for r in results) == 1
