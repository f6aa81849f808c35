"""Batched ingestion (``do_receive_emails``, ``email ingest --workers``): the same outcome for
every message as one at a time, failures isolated, nothing lost or stored twice."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import QuerySet
from django_tasks_db.models import DBTaskResult

from cryptodesk.accounts.models import Team
from cryptodesk.core.memo import reference_scope, remembered
from cryptodesk.mail import actions as mail_actions
from cryptodesk.mail.actions import RawEmail, do_receive_email, do_receive_emails
from cryptodesk.mail.models import EmailMessage, Mailbox
from cryptodesk.nlu.stage import understand_message, understand_messages
from cryptodesk.sla.models import BusinessCalendar, SlaPolicy, SlaTarget
from cryptodesk.tickets.models import Message, Ticket, TicketEvent
from cryptodesk.tickets.pipeline import InboundMessage, Sender
from tests.mail.conftest import SUPPORT, corpus_file

TASK = "cryptodesk.sla.tasks.after_ticket_created"


def email(n: int, *, subject: str = "Deposit missing", reply_to: int | None = None) -> bytes:
    sender = reply_to if reply_to is not None else n  # a reply comes from the same customer
    headers = [
        f"From: Customer {sender} <customer{sender}@example.com>",
        f"To: {SUPPORT}",
        f"Subject: {subject}",
        f"Message-ID: <batch-{n}@example.com>",
    ]
    if reply_to is not None:
        headers.append(f"In-Reply-To: <batch-{reply_to}@example.com>")
    body = f"My USDT deposit number {n} has not arrived after two hours."
    return ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()


def test_a_batch_stores_each_message_once_and_threads_within_itself(mailbox: Mailbox) -> None:
    raws = [email(1), email(2), email(3, subject="Re: Deposit missing", reply_to=1), email(1)]
    results = do_receive_emails([RawEmail(raw) for raw in raws])
    assert [r.status for r in results] == ["accepted", "accepted", "accepted", "duplicate"]
    assert [r.ticket_created for r in results] == [True, True, False, False]
    # The reply found the ticket its first message opened earlier in the same batch.
    assert results[2].ticket_number == results[0].ticket_number
    assert results[3].ticket_number == results[0].ticket_number
    assert EmailMessage.objects.count() == 3
    assert Message.objects.filter(channel="email").count() == 3
    first = Ticket.objects.get(pk=results[0].ticket_number)
    assert first.team_id == mailbox.team_id
    assert list(first.events.order_by("id").values_list("kind", flat=True)) == [
        "created",
        "message",
        "message",
    ]
    again = do_receive_emails([RawEmail(raw) for raw in raws])
    assert [r.status for r in again] == ["duplicate"] * 4
    assert [r.email_id for r in again[:3]] == [r.email_id for r in results[:3]]


def test_a_batch_takes_bounces_and_plain_mail_together(mailbox: Mailbox) -> None:
    raws = [corpus_file(name) for name in sorted(p.name for p in corpus_dir().glob("*.eml"))]
    batch = do_receive_emails([RawEmail(raw) for raw in raws])
    assert all(r.committed for r in batch)
    statuses = [r.status for r in batch]
    assert statuses.count("bounce") == 3
    assert EmailMessage.objects.count() == len(raws)


def corpus_dir() -> Path:
    from tests.mail.conftest import CORPUS

    return CORPUS


@pytest.mark.django_db(transaction=True)
def test_a_message_that_fails_in_the_batch_is_rolled_back_alone(
    mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_persist = mail_actions.persist
    calls: list[str] = []

    def persist_failing_once(*args: Any, **kwargs: Any) -> Any:
        key = args[2]
        calls.append(key)
        if key == "mid:<batch-2@example.com>" and calls.count(key) == 1:
            raise RuntimeError("disk full")  # after part of the message was written
        return real_persist(*args, **kwargs)

    monkeypatch.setattr(mail_actions, "persist", persist_failing_once)
    results = do_receive_emails([RawEmail(email(n)) for n in (1, 2, 3)])
    assert [r.status for r in results] == ["accepted", "accepted", "accepted"]
    # The second message came back through the single path and is stored exactly once.
    assert calls.count("mid:<batch-2@example.com>") == 2
    assert EmailMessage.objects.count() == 3
    assert Ticket.objects.count() == 3
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 3


def test_a_batch_that_cannot_commit_falls_back_to_one_at_a_time(
    mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("model server gone")

    monkeypatch.setattr(mail_actions, "prepare_all", broken)
    results = do_receive_emails([RawEmail(email(n)) for n in (1, 2)])
    assert [r.status for r in results] == ["accepted", "accepted"]
    assert EmailMessage.objects.count() == 2


def test_a_refused_message_fails_alone_and_the_rest_commit(
    mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_receive = mail_actions.receive

    def receive_failing(raw: bytes, *args: Any) -> Any:
        if b"batch-2@" in raw:
            raise RuntimeError("database unreachable")
        return real_receive(raw, *args)

    monkeypatch.setattr(mail_actions, "receive", receive_failing)
    monkeypatch.setattr(mail_actions, "prepare_all", lambda *_a: (_ for _ in ()).throw(OSError))
    results = do_receive_emails([RawEmail(email(n)) for n in (1, 2, 3)])
    assert [r.status for r in results] == ["accepted", "failed", "accepted"]
    assert results[1].error == "RuntimeError: database unreachable"
    assert not results[1].committed
    assert EmailMessage.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_acknowledgement_tasks_are_enqueued_once_per_new_ticket(mailbox: Mailbox) -> None:
    raws = [email(1), email(2), email(3, subject="Re: Deposit missing", reply_to=1)]
    do_receive_emails([RawEmail(raw) for raw in raws])
    tasks = DBTaskResult.objects.filter(task_path=TASK)
    assert tasks.count() == 2
    numbers = sorted(task.args_kwargs["args"][0] for task in tasks)
    assert numbers == sorted(Ticket.objects.values_list("pk", flat=True))


def test_a_batch_starts_the_sla_clocks_of_every_new_ticket(mailbox: Mailbox) -> None:
    calendar = BusinessCalendar.objects.create(name="Always", always_open=True)
    for priority in ("low", "normal", "high", "urgent"):
        SlaPolicy.objects.create(
            name=f"Standard {priority}",
            priority=priority,
            tier="standard",
            calendar=calendar,
            first_response_minutes=60,
            next_response_minutes=120,
            resolution_minutes=480,
        )
    results = do_receive_emails([RawEmail(email(n)) for n in range(1, 6)])
    tickets = Ticket.objects.filter(pk__in=[r.ticket_number for r in results])
    assert tickets.count() == 5
    for ticket in tickets:
        assert ticket.sla_policy is not None
        assert ticket.first_response_due is not None
        assert ticket.sla_due == ticket.first_response_due
        kinds = set(SlaTarget.objects.filter(ticket=ticket).values_list("kind", flat=True))
        assert kinds == {"first_response", "resolution"}
    single = do_receive_email(email(9))
    alone = Ticket.objects.get(pk=single.ticket_number)
    assert alone.first_response_due is not None
    assert TicketEvent.objects.filter(ticket=alone, kind="created").count() == 1


def test_reference_reads_are_shared_only_inside_a_scope(db: None) -> None:
    loads: list[str] = []

    def load() -> int:
        loads.append("x")
        return Team.objects.count()

    assert remembered("teams", load) == 0
    assert remembered("teams", load) == 0
    assert len(loads) == 2
    with reference_scope():
        remembered("teams", load)
        Team.objects.create(slug="vip", name="VIP")
        assert remembered("teams", load) == 0  # remembered for the rest of the scope
        with reference_scope():
            assert remembered("teams", load) == 0  # a nested scope shares the outer one
    assert len(loads) == 3
    assert remembered("teams", load) == 1


@pytest.mark.usefixtures("full_pipeline")
def test_batch_understanding_matches_one_at_a_time() -> None:
    texts = [
        ("Deposit missing", "I sent 250 USDT over TRC20 three hours ago and it is not here."),
        ("提现", "我的提现已经审核了两天，请尽快处理，我很着急！"),
        ("2FA", "I lost my phone and cannot pass two-factor authentication."),
        ("", "Why was I charged a fee twice for one withdrawal? This is a scam."),
        ("帳戶凍結", "為什麼我的帳戶被凍結了？請馬上回覆。"),
    ]
    messages = [
        InboundMessage(
            channel="email",
            sender=Sender(kind="email", value=f"c{n}@example.com"),
            subject=subject,
            text=text,
        )
        for n, (subject, text) in enumerate(texts)
    ]
    batch = understand_messages(messages)
    single = [understand_message(message) for message in messages]
    assert [b.as_json() for b in batch] == [s.as_json() for s in single]
    assert {b.language for b in batch} >= {"en", "zh-hans", "zh-hant"}


@pytest.mark.django_db(transaction=True)
def test_ingest_with_two_worker_processes_stores_every_message_once(
    tmp_path: Path, team: Team
) -> None:
    Mailbox.objects.create(address=SUPPORT, team=team)
    folder = tmp_path / "eml"
    folder.mkdir()
    for n in range(1, 121):
        (folder / f"{n:04d}.eml").write_bytes(email(n))
    (folder / "0121.eml").write_bytes(email(121, subject="Re: Deposit missing", reply_to=1))
    (folder / "0122.eml").write_bytes(email(7))  # the same message twice
    files = sorted(str(p) for p in folder.iterdir())

    def ingest(*extra: str) -> dict[str, Any]:
        out = StringIO()
        call_command("email", "ingest", *files, "--json", *extra, stdout=out)
        summary: dict[str, Any] = json.loads(out.getvalue())
        return summary

    summary = ingest("--workers", "2")
    assert summary["failed"] == 0
    assert summary["errors"] == []
    assert summary["accepted"] + summary["duplicates"] == 122
    assert summary["duplicates"] == 1
    assert EmailMessage.objects.count() == 121
    assert Message.objects.filter(channel="email").count() == 121
    # The reply (file 121) is stored in the same worker after the message it answers.
    assert Ticket.objects.count() == 120
    reply = EmailMessage.objects.get(msgid="<batch-121@example.com>")
    assert reply.ticket_id == EmailMessage.objects.get(msgid="<batch-1@example.com>").ticket_id
    assert DBTaskResult.objects.filter(task_path=TASK).count() == Ticket.objects.count()
    assert ingest("--workers", "2") == {
        "accepted": 0,
        "duplicates": 122,
        "failed": 0,
        "tickets_created": 0,
        "errors": [],
    }


def test_ingest_refuses_a_negative_worker_count(mailbox: Mailbox, tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(email(1))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--workers must be 0"):
        call_command("email", "ingest", str(path), "--workers", "-1")
    assert not EmailMessage.objects.exists()


def test_a_batch_inside_a_transaction_enqueues_when_that_transaction_commits(
    mailbox: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        do_receive_emails([RawEmail(email(n)) for n in (1, 2)])
        assert DBTaskResult.objects.filter(task_path=TASK).count() == 0  # not before commit
    assert callbacks
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_batch_publishes_every_event_in_one_trip_to_the_channel_layer(
    mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from cryptodesk.tickets import realtime

    layer = get_channel_layer()
    assert layer is not None
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(realtime.QUEUE_GROUP, channel)
    trips: list[int] = []
    real_broadcast = realtime.broadcast

    def counting(payloads: Any) -> None:
        trips.append(len(payloads))
        real_broadcast(payloads)

    monkeypatch.setattr(realtime.EVENTS, "flush", counting)
    results = do_receive_emails([RawEmail(email(n)) for n in (1, 2, 3)])
    assert trips == [6]  # created + message for each of the three new tickets
    received = [async_to_sync(layer.receive)(channel) for _ in range(6)]
    assert sorted({event["ticket"] for event in received}) == sorted(
        r.ticket_number for r in results
    )
    assert [event["kind"] for event in received] == ["created", "message"] * 3


@pytest.mark.usefixtures("full_pipeline")
def test_warm_up_loads_every_model_before_the_first_message() -> None:
    from cryptodesk.guard import chinese_text
    from cryptodesk.nlu import language, stage
    from cryptodesk.tickets.pipeline import warm_up

    for cached in (chinese_text._word_model, language._identifier, stage.intent_model):
        cached.cache_clear()
    warm_up()
    assert chinese_text._word_model.cache_info().currsize == 1
    assert language._identifier.cache_info().currsize == 1
    assert stage.intent_model.cache_info().currsize == 1


def test_a_batch_reads_known_senders_at_once_and_creates_each_new_one_once(
    mailbox: Mailbox,
) -> None:
    from cryptodesk.customers.models import Customer, Identity

    do_receive_email(email(1))  # customer 1 exists before the batch
    raws = [email(2, subject="Re: Deposit missing", reply_to=1), email(3), email(4, reply_to=3)]
    results = do_receive_emails([RawEmail(raw) for raw in raws])
    assert [r.status for r in results] == ["accepted"] * 3
    assert Customer.objects.count() == 2  # customer 1, and customer 3 created once
    assert Identity.objects.filter(value="customer3@example.com").count() == 1
    assert results[2].ticket_number == results[1].ticket_number


def test_a_sender_created_elsewhere_during_the_batch_is_retried_alone(
    mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process creates the same new customer at the same moment: the unique
    constraint refuses our insert, the message's savepoint takes it back and the message is
    stored through the single path with the other process's customer."""
    from cryptodesk.customers import actions as customer_actions
    from cryptodesk.customers.models import Customer, Identity

    other = Customer.objects.create(name="Made elsewhere")
    Identity.objects.create(customer=other, kind="email", value="customer5@example.com")
    real_batch = customer_actions.identity_batch

    def blind_batch(senders: Any) -> Any:
        return real_batch([s for s in senders if s[1] != "customer5@example.com"])

    misses = {"left": 1}
    real_first = QuerySet.first

    def first(self: QuerySet[Any]) -> Any:
        # The look-up that runs before the other process committed sees nothing.
        if self.model is Identity and "customer5@example.com" in str(self.query):
            if misses["left"] > 0:
                misses["left"] -= 1
                return None
        return real_first(self)

    monkeypatch.setattr(mail_actions, "identity_batch", blind_batch)
    monkeypatch.setattr(QuerySet, "first", first)
    results = do_receive_emails([RawEmail(email(n)) for n in (4, 5, 6)])
    assert [r.status for r in results] == ["accepted"] * 3
    assert misses["left"] == 0
    ticket = Ticket.objects.get(pk=results[1].ticket_number)
    assert ticket.customer_id == other.pk
    assert Identity.objects.filter(value="customer5@example.com").count() == 1


def test_files_of_one_conversation_are_kept_together_in_order(tmp_path: Path) -> None:
    from cryptodesk.mail.bulk import conversations

    def write(name: str, raw: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(raw)
        return path

    first = write("a.eml", email(1))
    other = write("b.eml", email(2))
    reply = write("c.eml", email(3, reply_to=1))
    # A reply to the reply that names only the first message in References, then folded.
    deep = email(4, reply_to=3).replace(
        b"In-Reply-To:", b"References: <batch-1@example.com>\r\n <batch-3@example.com>\r\nX-Old:"
    )
    later = write("d.eml", deep)
    unreadable = tmp_path / "gone.eml"
    box = write(
        "e.mbox",
        b"From someone Mon Jan  1 00:00:00 2026\n"
        + email(5).replace(b"\r\n", b"\n")
        + b"\nFrom someone Mon Jan  1 00:00:00 2026\n"
        + email(6, reply_to=2).replace(b"\r\n", b"\n"),
    )
    groups = conversations([first, other, reply, unreadable, later, box])
    assert groups == [[first, reply, later], [other, box], [unreadable]]
