"""IMAP polling against a real Dovecot (started by the ``imap_server`` fixture)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from imapclient import IMAPClient

from cryptodesk.mail import actions as mail_actions
from cryptodesk.mail.models import EmailMessage, Mailbox
from cryptodesk.tickets.models import Message
from tests.mail.conftest import ImapServer, corpus_file


@pytest.fixture
def imap(imap_server: ImapServer) -> Iterator[IMAPClient]:
    client = IMAPClient(imap_server.host, port=imap_server.port, ssl=False, timeout=30)
    client.login(imap_server.user, imap_server.password)
    for folder in ("INBOX", "Processed"):
        if not client.folder_exists(folder):
            client.create_folder(folder)
        client.select_folder(folder)
        uids = client.search(["ALL"])
        if uids:
            client.delete_messages(uids)
            client.expunge()
    client.select_folder("INBOX")
    try:
        yield client
    finally:
        client.logout()


@pytest.fixture
def imap_mailbox(mailbox: Mailbox, imap_server: ImapServer) -> Mailbox:
    mailbox.imap_host = imap_server.host
    mailbox.imap_port = imap_server.port
    mailbox.imap_ssl = False
    mailbox.imap_username = imap_server.user
    mailbox.imap_password = imap_server.password
    mailbox.save()
    return mailbox


def poll() -> list[dict[str, Any]]:
    out = StringIO()
    try:
        call_command("email", "poll", "--once", "--json", stdout=out)
    except SystemExit:
        pass
    result: list[dict[str, Any]] = json.loads(out.getvalue())
    return result


@pytest.mark.django_db
def test_poll_ingests_unseen_mail_and_flags_it_seen_after_commit(
    imap: IMAPClient, imap_mailbox: Mailbox
) -> None:
    imap.append("INBOX", corpus_file("01-plain-utf8.eml"))
    imap.append("INBOX", corpus_file("05-big5-hkscs.eml"))
    imap.append("INBOX", corpus_file("01-plain-utf8.eml"))  # the same message twice
    [summary] = poll()
    assert (summary["accepted"], summary["duplicates"], summary["failed"]) == (2, 1, 0)
    assert EmailMessage.objects.filter(direction="in").count() == 2
    texts = set(Message.objects.values_list("text", flat=True))
    assert "您好，我的提幣一直沒有到帳，請幫忙查詢。香港用戶，姓名：陳嘅。" in texts
    imap.select_folder("INBOX")
    assert imap.search(["UNSEEN"]) == []
    assert len(imap.search(["SEEN"])) == 3
    # Nothing new: a second round does nothing.
    [again] = poll()
    assert (again["accepted"], again["duplicates"]) == (0, 0)


@pytest.mark.django_db
def test_committed_mail_is_moved_and_failed_mail_stays_unseen(
    imap: IMAPClient, imap_mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    imap_mailbox.imap_move_to = "Processed"
    imap_mailbox.save()
    imap.append("INBOX", corpus_file("03-gb18030.eml"))
    real = mail_actions.do_ingest_message

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(mail_actions, "do_ingest_message", broken)
    [failed] = poll()
    assert (failed["accepted"], failed["failed"]) == (0, 1)
    imap.select_folder("INBOX")
    assert len(imap.search(["UNSEEN"])) == 1  # left for the next round
    assert not Message.objects.exists()

    monkeypatch.setattr(mail_actions, "do_ingest_message", real)
    [summary] = poll()
    assert summary["accepted"] == 1
    imap.select_folder("INBOX")
    assert imap.search(["ALL"]) == []
    imap.select_folder("Processed")
    assert len(imap.search(["ALL"])) == 1
    assert EmailMessage.objects.get().subject == "提现审核"


@pytest.mark.django_db
def test_wrong_password_is_reported_and_nothing_is_lost(
    imap: IMAPClient, imap_mailbox: Mailbox
) -> None:
    imap.append("INBOX", corpus_file("01-plain-utf8.eml"))
    imap_mailbox.imap_password = "wrong"
    imap_mailbox.save()
    [summary] = poll()
    assert summary["accepted"] == 0
    assert summary["errors"]
    assert summary["errors"][0].startswith("LoginError: ")
    imap.select_folder("INBOX")
    assert len(imap.search(["UNSEEN"])) == 1


@pytest.mark.django_db
def test_password_from_the_environment(
    imap: IMAPClient,
    imap_mailbox: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
    imap_server: ImapServer,
) -> None:
    imap_mailbox.imap_password = ""
    imap_mailbox.imap_password_env = "SUPPORT_IMAP_PASSWORD"
    imap_mailbox.save()
    monkeypatch.setenv("SUPPORT_IMAP_PASSWORD", imap_server.password)
    imap.append("INBOX", corpus_file("07-windows-1252.eml"))
    [summary] = poll()
    assert summary["accepted"] == 1


@pytest.mark.django_db(transaction=True)
def test_idle_picks_up_new_mail_while_waiting(imap: IMAPClient, imap_mailbox: Mailbox) -> None:
    """The long-running poller waits with IDLE and ingests a message the moment it arrives
    (the interval is far longer than the wait below)."""
    import threading
    import time

    from cryptodesk.mail.imap import poll_forever

    poller = threading.Thread(
        target=poll_forever,
        args=(imap_mailbox,),
        kwargs={"interval": 8, "stop_after": 4},
        daemon=True,
    )
    poller.start()
    time.sleep(1.5)  # the first round found nothing and the poller is idling
    imap.append("INBOX", corpus_file("08-windows-1251.eml"))
    deadline = time.monotonic() + 5  # well before the 8 s a plain sleep would take
    while time.monotonic() < deadline and not EmailMessage.objects.exists():
        time.sleep(0.2)
    assert EmailMessage.objects.get().subject == "Вывод средств"
    poller.join(timeout=30)
    assert not poller.is_alive()
