"""A real SMTP conversation on loopback: smtplib talks to our listener (aiosmtpd), and the
answer comes only after the message committed."""

from __future__ import annotations

import json
import smtplib
import time
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError

from cryptodesk.mail import actions as mail_actions
from cryptodesk.mail.models import EmailMessage, Mailbox
from cryptodesk.mail.spool import pending, spool_dir
from cryptodesk.tickets.models import Message, Ticket
from tests.live import free_port
from tests.mail.conftest import SUPPORT, corpus_file, run_worker

SMTP = Callable[[], smtplib.SMTP]


def mail(
    message_id: str, sender: str = "wei.zhang@example.com", body: str = "Deposit missing"
) -> bytes:
    return (
        f"From: Wei <{sender}>\r\nTo: {SUPPORT}\r\nSubject: Deposit\r\n"
        f"Message-ID: <{message_id}@example.com>\r\n\r\n{body}\r\n"
    ).encode()


def send(
    client: SMTP, raw: bytes, sender: str = "wei.zhang@example.com", to: list[str] | None = None
) -> dict[str, Any]:
    with client() as smtp:
        refused: dict[str, Any] = smtp.sendmail(sender, to or [SUPPORT], raw)
        return refused


def test_message_is_committed_before_250(smtp_client: SMTP) -> None:
    with smtp_client() as smtp:
        code, features = smtp.ehlo("client.example.com")
        assert code == 250
        assert smtp.has_extn("size")
        assert int(smtp.esmtp_features["size"]) == 25 << 20
        smtp.mail("wei.zhang@example.com")
        assert smtp.rcpt(SUPPORT)[0] == 250
        code, reply = smtp.data(mail("first"))
        assert (code, reply) == (250, b"2.0.0 Message accepted")
        # Already committed when the 250 arrived.
        email = EmailMessage.objects.select_related("message").get(msgid="<first@example.com>")
        assert email.message is not None
        assert email.message.text == "Deposit missing"
        assert email.mailbox is not None
        assert email.mailbox.address == SUPPORT
        assert bytes(email.raw).replace(b"\r\n", b"\n") == mail("first").replace(b"\r\n", b"\n")
    assert not list(pending())  # nothing left in the spool


def test_whole_corpus_over_smtp_loses_nothing(smtp_client: SMTP) -> None:
    from tests.mail.test_corpus import CORPUS_FILES

    files = [p for p in CORPUS_FILES if p.suffix == ".eml"]
    with smtp_client() as smtp:
        for index, path in enumerate(files):
            bounce = path.name.startswith(("36", "37", "38"))
            sender = "" if bounce else f"sender{index}@example.com"
            smtp.sendmail(sender, [SUPPORT], path.read_bytes())
    assert EmailMessage.objects.count() == len(files)
    assert not list(pending())


def test_unknown_recipient_is_refused_with_550(smtp_client: SMTP) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(smtp_client, mail("nobody"), to=["nobody@desk.example"])
    code, reply = refused.value.recipients["nobody@desk.example"]
    assert code == 550
    assert reply.startswith(b"5.1.1")
    # One good and one unknown recipient: accepted for the good one only.
    assert send(smtp_client, mail("partly"), to=["nobody@desk.example", SUPPORT]) == {
        "nobody@desk.example": (550, b"5.1.1 <nobody@desk.example>: no such mailbox here")
    }
    assert EmailMessage.objects.count() == 1


def test_too_many_recipients_get_452(smtp_client: SMTP, settings: Any, mailbox: Mailbox) -> None:
    Mailbox.objects.create(address="vip@desk.example")
    Mailbox.objects.create(address="help@desk.example")
    settings.CRYPTODESK_EMAIL_MAX_RECIPIENTS = 2
    with smtp_client() as smtp:
        smtp.ehlo()
        smtp.mail("wei.zhang@example.com")
        assert smtp.rcpt(SUPPORT)[0] == 250
        assert smtp.rcpt("vip@desk.example")[0] == 250
        assert smtp.rcpt("help@desk.example") == (452, b"4.5.3 Too many recipients")


def test_too_big_message_gets_552(transactional_db: None, mailbox: Mailbox, settings: Any) -> None:
    from cryptodesk.mail.smtpd import start_smtpd

    settings.CRYPTODESK_EMAIL_MAX_BYTES = 1000
    port = free_port()
    controller = start_smtpd("127.0.0.1", port)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.ehlo()
            assert int(smtp.esmtp_features["size"]) == 1000
            with pytest.raises(smtplib.SMTPSenderRefused) as refused:
                smtp.sendmail("a@example.com", [SUPPORT], mail("big", body="x" * 5000))
            assert refused.value.smtp_code == 552
            # A client that does not announce the size is stopped at DATA.
            smtp.rset()
            smtp.mail("a@example.com")
            smtp.rcpt(SUPPORT)
            code, _reply = smtp.data(mail("big2", body=("y" * 70 + "\r\n") * 80))
            assert code == 552
    finally:
        controller.stop()
    assert not EmailMessage.objects.exists()


def test_garbage_data_gets_554(smtp_client: SMTP) -> None:
    with smtp_client() as smtp:
        smtp.ehlo()
        smtp.mail("a@example.com")
        smtp.rcpt(SUPPORT)
        code, reply = smtp.data(b"\x00\x01 this is not an email at all")
        assert code == 554
        assert reply.startswith(b"5.6.0")
        assert smtp.docmd("NONSENSE") == (500, b'Error: command "NONSENSE" not recognized')
        assert smtp.docmd("MAIL", "FROM:<<<bad") == (553, b"5.1.3 Error: malformed address")
    assert not EmailMessage.objects.exists()


def test_internal_failure_answers_451_keeps_raw_and_retry_is_idempotent(
    smtp_client: SMTP, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = mail_actions.do_ingest_message

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(mail_actions, "do_ingest_message", broken)
    with pytest.raises(smtplib.SMTPDataError) as failed:
        send(smtp_client, mail("retry-me"))
    assert failed.value.smtp_code == 451
    assert not Message.objects.exists()
    spooled = list(pending())
    assert len(spooled) == 1
    assert spooled[0].raw() == mail("retry-me")
    assert "database is locked" in spooled[0].error

    monkeypatch.setattr(mail_actions, "do_ingest_message", real)
    out = StringIO()
    call_command("email", "retry", stdout=out)
    assert json.loads(out.getvalue())["accepted"] == 1
    assert not list(pending())
    # The sender's own retry of the same message is answered 250 and changes nothing.
    assert send(smtp_client, mail("retry-me")) == {}
    assert Message.objects.count() == 1
    assert EmailMessage.objects.get().msgid == "<retry-me@example.com>"


def test_same_message_twice_is_stored_once(smtp_client: SMTP) -> None:
    send(smtp_client, mail("twice"))
    send(smtp_client, mail("twice"))
    assert Message.objects.count() == 1
    assert Ticket.objects.count() == 1


def test_sender_over_rate_limit_gets_451(smtp_client: SMTP, settings: Any) -> None:
    settings.CRYPTODESK_EMAIL_RATE_LIMIT = 2
    send(smtp_client, mail("r1"))
    send(smtp_client, mail("r2"))
    with pytest.raises(smtplib.SMTPDataError) as limited:
        send(smtp_client, mail("r3"))
    assert (limited.value.smtp_code, limited.value.smtp_error[:5]) == (451, b"4.7.1")
    send(
        smtp_client,
        mail("other", sender="someone.else@example.com"),
        sender="someone.else@example.com",
    )
    assert Message.objects.count() == 3


def test_auto_reply_over_smtp_is_kept_without_acknowledgement(smtp_client: SMTP) -> None:
    send(smtp_client, corpus_file("39-auto-submitted.eml"))
    send(smtp_client, corpus_file("01-plain-utf8.eml"))
    run_worker()  # the SLA's acknowledgement runs as a task
    auto = EmailMessage.objects.get(kind="auto_reply")
    normal = EmailMessage.objects.get(direction="in", kind="normal")
    assert auto.message is not None
    assert auto.message.ticket.messages.count() == 1
    # Only the human's message was acknowledged (by email, queued for sending).
    assert list(
        EmailMessage.objects.filter(direction="out").values_list("ticket_id", flat=True)
    ) == [normal.ticket_id]


def test_mail_is_accepted_when_the_rate_limit_cache_is_down(
    smtp_client: SMTP, settings: Any
) -> None:
    settings.CRYPTODESK_EMAIL_RATE_LIMIT = 2
    # A Redis nobody listens on: the limit is skipped, the mail is not refused.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    for index in range(3):
        assert send(smtp_client, mail(f"cache-down-{index}")) == {}
    assert EmailMessage.objects.filter(msgid__startswith="<cache-down-").count() == 3
    assert not list(pending())


def test_sender_retries_after_451_leave_one_spool_entry_then_none(
    smtp_client: SMTP, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = mail_actions.do_ingest_message

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(mail_actions, "do_ingest_message", broken)
    for _attempt in range(3):
        with pytest.raises(smtplib.SMTPDataError):
            send(smtp_client, mail("retried"))
    [entry] = list(pending())
    assert entry.attempts == 3
    monkeypatch.setattr(mail_actions, "do_ingest_message", real)
    # The sender's next retry commits: the spool is empty, nothing waits to be retried.
    assert send(smtp_client, mail("retried")) == {}
    assert not list(pending())
    assert not list(entry.path.parent.iterdir())
    assert Message.objects.count() == 1


@pytest.mark.parametrize("meta", ["[1, 2]", '{"attempts": "x", "recipients": 5}', "{not json"])
def test_retry_ingests_a_spooled_message_whose_metadata_is_damaged(
    mailbox: Mailbox, meta: str
) -> None:
    directory = spool_dir()
    (directory / "20260101T000000-0123456789abcdef-aaaaaa.eml").write_bytes(mail("damaged"))
    (directory / "20260101T000000-0123456789abcdef-aaaaaa.json").write_text(meta)
    out = StringIO()
    call_command("email", "retry", stdout=out)
    assert json.loads(out.getvalue())["accepted"] == 1
    assert EmailMessage.objects.get().msgid == "<damaged@example.com>"
    assert not list(pending())


def test_concurrent_sessions_are_stored_together_each_once(
    smtp_client: SMTP, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    batches: list[int] = []
    real = mail_actions.do_receive_emails

    def counting(items: Any) -> Any:
        batches.append(len(items))
        if len(batches) == 1:
            time.sleep(0.5)  # a slow first batch: the other sessions' messages queue behind it
        return real(items)

    monkeypatch.setattr("cryptodesk.mail.inbox.do_receive_emails", counting)
    codes: list[int] = []

    def session(first: int) -> None:
        with smtp_client() as smtp:
            for n in range(first, 60, 6):
                sender = f"s{n}@example.com"
                if n == first:
                    smtp.ehlo("client.example.com")
                smtp.mail(sender)
                smtp.rcpt(SUPPORT)
                codes.append(smtp.data(mail(f"c{n}", sender=sender, body=f"Deposit {n}"))[0])

    threads = [threading.Thread(target=session, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert codes == [250] * 60
    assert sum(batches) == 60
    assert max(batches) > 1  # stored together, each still answered after its own commit
    assert EmailMessage.objects.count() == 60
    assert Ticket.objects.count() == 60
    assert not list(pending())
