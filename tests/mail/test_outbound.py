"""Agent replies leave by SMTP (an aiosmtpd sink on loopback receives them), in the background,
with retries and a delivery status the console shows; bounces land on the ticket."""

from __future__ import annotations

import email
import email.policy
import smtplib
from collections.abc import Callable
from email.message import EmailMessage as MimeEmail
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cryptodesk.accounts.models import Agent
from cryptodesk.mail.models import (
    AddressStatus,
    DeliveryStatus,
    EmailAddress,
    EmailMessage,
    Mailbox,
    MailKind,
)
from cryptodesk.tickets.models import EventKind, Message, TicketEvent
from tests.mail.conftest import SUPPORT, Sink, run_worker

SMTP = Callable[[], smtplib.SMTP]
CUSTOMER = "wei.zhang@example.com"


def customer_mail(smtp_client: SMTP, message_id: str = "cust-1@example.com") -> None:
    raw = (
        f"From: Wei Zhang <{CUSTOMER}>\r\nTo: {SUPPORT}\r\nSubject: USDT deposit missing\r\n"
        f"Message-ID: <{message_id}>\r\n\r\nMy USDT deposit has not arrived.\r\n"
    ).encode()
    with smtp_client() as smtp:
        smtp.sendmail(CUSTOMER, [SUPPORT], raw)


def parsed(raw: bytes) -> MimeEmail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, MimeEmail)
    return message


@pytest.fixture
def ticket_number(smtp_client: SMTP, agent: Agent) -> int:
    customer_mail(smtp_client)
    number = EmailMessage.objects.get().ticket_id
    assert number is not None
    return number


def agent_email() -> EmailMessage:
    """The outbound email of the agent's reply (the SLA's acknowledgement is another one)."""
    return EmailMessage.objects.get(direction="out", message__author_kind="agent")


def received_for(sink: Sink, record: EmailMessage) -> list[tuple[str, list[str], bytes]]:
    return [r for r in sink.received if parsed(r[2])["Message-ID"] == record.msgid]


def reply(
    console: Client, number: int, body: str = "We are checking your deposit.", **extra: Any
) -> Any:
    return console.post(f"/tickets/{number}/reply/", {"body": body, **extra})


def test_agent_reply_is_sent_with_threading_headers(
    ticket_number: int,
    agent: Agent,
    console_for: Callable[[Agent], Client],
    sink: Sink,
) -> None:
    console = console_for(agent)
    screenshot = SimpleUploadedFile(
        "steps.png", b"\x89PNG\r\n\x1a\nimage", content_type="image/png"
    )
    response = reply(console, ticket_number, attachments=screenshot)
    assert response.status_code == 302
    record = agent_email()
    assert record.delivery_status == DeliveryStatus.QUEUED
    assert received_for(sink, record) == []  # nothing is sent inside the request
    run_worker()
    record.refresh_from_db()
    assert (record.delivery_status, record.attempts, record.last_error) == (
        DeliveryStatus.SENT,
        1,
        "",
    )
    [(envelope_from, recipients, raw)] = received_for(sink, record)
    assert (envelope_from, recipients) == (SUPPORT, [CUSTOMER])
    sent = parsed(raw)
    assert sent["From"] == f"Desk Support <{SUPPORT}>"
    assert sent["To"] == CUSTOMER
    assert sent["Subject"] == f"Re: [#{ticket_number}] USDT deposit missing"
    assert sent["Message-ID"] == record.msgid
    assert record.msgid.endswith("@desk.example>")
    assert sent["In-Reply-To"] == "<cust-1@example.com>"
    assert sent["References"] == "<cust-1@example.com>"
    assert sent["Auto-Submitted"] == "no"
    body = sent.get_body(preferencelist=("plain",))
    html = sent.get_body(preferencelist=("html",))
    assert body is not None
    assert body.get_content().strip() == "We are checking your deposit."
    assert html is not None
    assert "We are checking your deposit." in html.get_content()
    [attachment] = list(sent.iter_attachments())
    assert attachment.get_filename() == "steps.png"
    assert attachment.get_content() == b"\x89PNG\r\n\x1a\nimage"
    # What we keep as the sent source is the message the sink received.
    kept = parsed(bytes(record.raw))
    assert (kept["Message-ID"], kept["Subject"], kept["To"]) == (
        sent["Message-ID"],
        sent["Subject"],
        sent["To"],
    )
    # The console shows it as sent.
    page = console.get(f"/tickets/{ticket_number}/")
    assert "Email sent" in page.content.decode()
    # A worker run again sends nothing more.
    run_worker()
    assert len(received_for(sink, record)) == 1


def test_acknowledgement_goes_out_marked_automatic(
    sink: Sink, smtp_client: SMTP, agent: Agent
) -> None:
    customer_mail(smtp_client)
    run_worker()  # the SLA's acknowledgement task, then its sending
    ack = EmailMessage.objects.get(direction="out", message__author_kind="system")
    assert ack.delivery_status == DeliveryStatus.SENT
    [(_sender, recipients, raw)] = received_for(sink, ack)
    assert recipients == [CUSTOMER]
    sent = parsed(raw)
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["In-Reply-To"] == "<cust-1@example.com>"
    assert sent["Subject"] == f"Re: [#{ack.ticket_id}] USDT deposit missing"


def test_customer_reply_to_our_email_threads_without_a_tag(
    ticket_number: int,
    agent: Agent,
    console_for: Callable[[Agent], Client],
    sink: Sink,
    smtp_client: SMTP,
) -> None:
    reply(console_for(agent), ticket_number)
    run_worker()
    ours = agent_email().msgid
    raw = (
        f"From: {CUSTOMER}\r\nTo: {SUPPORT}\r\nSubject: Re: my deposit\r\n"
        f"Message-ID: <cust-2@example.com>\r\nIn-Reply-To: {ours}\r\n"
        f"References: <cust-1@example.com> {ours}\r\n\r\n"
        "Here is the hash.\r\n\r\nOn Tue, 24 Nov 2026 Support wrote:\r\n"
        "> We are checking your deposit.\r\n"
    ).encode()
    with smtp_client() as smtp:
        smtp.sendmail(CUSTOMER, [SUPPORT], raw)
    answer = EmailMessage.objects.get(msgid="<cust-2@example.com>")
    assert answer.ticket_id == ticket_number
    assert Message.objects.filter(ticket_id=ticket_number, author_kind="customer").count() == 2
    page = console_for(agent).get(f"/tickets/{ticket_number}/").content.decode()
    assert "Show quoted history" in page


def test_internal_note_is_never_emailed(
    ticket_number: int, agent: Agent, console_for: Callable[[Agent], Client], sink: Sink
) -> None:
    reply(console_for(agent), ticket_number, body="Customer seems legit", internal="1")
    run_worker()
    assert not EmailMessage.objects.filter(direction="out", message__author_kind="agent").exists()
    assert all("Customer seems legit" not in raw.decode() for _f, _r, raw in sink.received)


def test_failed_send_is_retried_then_shown_and_can_be_sent_again(
    ticket_number: int, agent: Agent, console_for: Callable[[Agent], Client], sink: Sink
) -> None:
    console = console_for(agent)
    sink.fail_with = "554 5.7.1 Rejected by policy"
    assert reply(console, ticket_number).status_code == 302  # the console is not blocked
    run_worker()
    record = agent_email()
    # Retry delays are 0 in the tests: the first attempt and both retries ran.
    assert (record.delivery_status, record.attempts) == (DeliveryStatus.FAILED, 3)
    assert "Rejected by policy" in record.last_error
    event = TicketEvent.objects.get(
        ticket_id=ticket_number, kind=EventKind.EMAIL, data__email=record.pk
    )
    assert event.data["event"] == "delivery_failed"
    assert event.data["address"] == CUSTOMER
    page = console.get(f"/tickets/{ticket_number}/").content.decode()
    assert "Email not delivered" in page
    assert "could not be sent after several attempts" in page
    assert sink.received == []

    sink.fail_with = ""
    assert console.post(f"/mail/emails/{record.pk}/retry/").status_code == 302
    run_worker()
    record.refresh_from_db()
    assert record.delivery_status == DeliveryStatus.SENT
    assert len(received_for(sink, record)) == 1
    # Sending again is only for failed emails.
    console.post(f"/mail/emails/{record.pk}/retry/")
    run_worker()
    assert len(received_for(sink, record)) == 1


def test_unreachable_smtp_server_fails_after_retries(
    ticket_number: int, agent: Agent, console_for: Callable[[Agent], Client], settings: Any
) -> None:
    from tests.live import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    assert reply(console_for(agent), ticket_number).status_code == 302
    run_worker()
    record = agent_email()
    assert record.delivery_status == DeliveryStatus.FAILED
    assert "ConnectionRefusedError" in record.last_error


def dsn_naming(
    address: str,
    original_id: str,
    dsn_id: str,
    status: str = "5.1.1",
    diagnostic: str = "No such user",
) -> bytes:
    """A delivery report (RFC 3464) from a remote server, naming a failed address."""
    return (
        "From: MAILER-DAEMON@mx.attacker.example\r\nTo: support@desk.example\r\n"
        f"Subject: Undelivered Mail\r\nMessage-ID: <{dsn_id}@mx.attacker.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; "
        'boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.attacker.example\r\n\r\n"
        f"Final-Recipient: rfc822; {address}\r\nAction: failed\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} {diagnostic}\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {original_id}\r\nSubject: x\r\n\r\n--B--\r\n"
    ).encode()


def test_bounce_of_our_reply_lands_on_the_ticket(
    ticket_number: int,
    agent: Agent,
    console_for: Callable[[Agent], Client],
    sink: Sink,
    smtp_client: SMTP,
) -> None:
    reply(console_for(agent), ticket_number)
    run_worker()
    ours = agent_email()
    dsn = dsn_naming(CUSTOMER, ours.msgid, "dsn-1", "5.2.1", "Mailbox disabled")
    tickets_before = EmailMessage.objects.values("ticket").distinct().count()
    with smtp_client() as smtp:
        smtp.sendmail("", [SUPPORT], dsn)
    bounce = EmailMessage.objects.get(kind=MailKind.BOUNCE)
    assert bounce.ticket_id == ticket_number
    assert bounce.message is None
    assert EmailMessage.objects.values("ticket").distinct().count() == tickets_before
    ours.refresh_from_db()
    assert ours.delivery_status == DeliveryStatus.FAILED
    assert "Mailbox disabled" in ours.last_error
    address = EmailAddress.objects.get(address=CUSTOMER)
    assert (address.status, address.last_status_code) == (AddressStatus.BOUNCING, "5.2.1")
    event = TicketEvent.objects.get(ticket_id=ticket_number, kind=EventKind.EMAIL)
    assert event.data == {
        "event": "bounce",
        "address": CUSTOMER,
        "status": "5.2.1",
        "diagnostic": "smtp; 550 5.2.1 Mailbox disabled",
        "email": bounce.pk,
    }
    page = console_for(agent).get(f"/tickets/{ticket_number}/").content.decode()
    assert f"Email to {CUSTOMER} bounced (5.2.1)" in page
    assert "Address is bouncing" in page


def test_raw_source_is_visible_only_to_agents_who_see_the_ticket(
    ticket_number: int,
    agent: Agent,
    make_agent: Callable[..., Agent],
    other_team: Any,
    console_for: Callable[[Agent], Client],
) -> None:
    record = EmailMessage.objects.get(direction="in")
    response = console_for(agent).get(f"/mail/emails/{record.pk}/raw/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == bytes(record.raw)
    download = console_for(agent).get(f"/mail/emails/{record.pk}/raw/?download=1")
    assert download["Content-Disposition"] == f'attachment; filename="email-{record.pk}.eml"'
    outsider = make_agent("agent", [other_team])
    assert console_for(outsider).get(f"/mail/emails/{record.pk}/raw/").status_code == 404
    assert Client().get(f"/mail/emails/{record.pk}/raw/").status_code == 302
    before = list(EmailMessage.objects.values_list("pk", "delivery_status", "attempts"))
    assert console_for(outsider).post(f"/mail/emails/{record.pk}/retry/").status_code == 404
    assert list(EmailMessage.objects.values_list("pk", "delivery_status", "attempts")) == before


def test_mailbox_smtp_url_overrides_the_global_settings(
    ticket_number: int,
    agent: Agent,
    console_for: Callable[[Agent], Client],
    sink: Sink,
    settings: Any,
) -> None:
    from tests.live import free_port

    Mailbox.objects.filter(address=SUPPORT).update(smtp_url=f"smtp://127.0.0.1:{sink.port}")
    settings.EMAIL_PORT = free_port()  # the global server is down; the mailbox's is used
    reply(console_for(agent), ticket_number)
    run_worker()
    assert agent_email().delivery_status == DeliveryStatus.SENT
    assert len(received_for(sink, agent_email())) == 1


def test_forged_delivery_report_marks_nothing(
    ticket_number: int,
    agent: Agent,
    console_for: Callable[[Agent], Client],
    sink: Sink,
    smtp_client: SMTP,
) -> None:
    reply(console_for(agent), ticket_number)
    run_worker()
    ours = agent_email()
    events_before = TicketEvent.objects.filter(ticket_id=ticket_number).count()
    forged = [
        # Naming the customer, quoting the customer's own (public) Message-ID.
        dsn_naming(CUSTOMER, "<cust-1@example.com>", "forged-1"),
        # Naming the customer, matching nothing.
        dsn_naming(CUSTOMER, "<guessed@desk.example>", "forged-2"),
        # A real report of our email cannot mark an address it was not sent to.
        dsn_naming("victim@example.net", ours.msgid, "forged-3"),
    ]
    with smtp_client() as smtp:
        for raw in forged:
            smtp.sendmail("", [SUPPORT], raw)
    assert EmailMessage.objects.filter(kind=MailKind.BOUNCE).count() == 3
    assert not EmailAddress.objects.filter(status=AddressStatus.BOUNCING).exists()
    assert list(
        EmailMessage.objects.filter(kind=MailKind.BOUNCE)
        .order_by("msgid")
        .values_list("msgid", "ticket_id")
    ) == [
        ("<forged-1@mx.attacker.example>", None),
        ("<forged-2@mx.attacker.example>", None),
        ("<forged-3@mx.attacker.example>", ticket_number),
    ]
    # Only the report quoting our own Message-ID reached the ticket; the reply it concerns was
    # reported undeliverable, but the customer's address is not marked.
    assert TicketEvent.objects.filter(ticket_id=ticket_number).count() == events_before + 1
    page = console_for(agent).get(f"/tickets/{ticket_number}/").content.decode()
    assert "Address is bouncing" not in page
