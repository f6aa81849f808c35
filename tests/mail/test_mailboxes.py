"""The per-process mailbox cache of inbound mail never routes a message to a mailbox that is
gone, or misses one created in the same process."""

from __future__ import annotations

from django.test import Client

from cryptodesk.accounts.models import Agent
from cryptodesk.mail.actions import do_receive_email, mailbox_for
from cryptodesk.mail.demo import SUPPORT as DEMO_SUPPORT
from cryptodesk.mail.demo import VIP as DEMO_VIP
from cryptodesk.mail.demo import load_demo_mail
from cryptodesk.mail.models import EmailMessage, Mailbox
from tests.mail.conftest import SUPPORT

PLAIN = (
    b"From: Wei <wei@example.com>\r\nTo: {to}\r\nSubject: Deposit missing\r\n"
    b"Message-ID: <{n}@example.com>\r\n\r\nMy USDT deposit has not arrived.\r\n"
)


def email(to: str, n: int) -> bytes:
    return PLAIN.replace(b"{to}", to.encode()).replace(b"{n}", str(n).encode())


def test_demo_mail_lands_in_the_demo_mailboxes_after_the_cache_was_filled(db: None) -> None:
    old = Mailbox.objects.create(address="old@desk.example")
    assert mailbox_for(None, []) == old  # the cache now holds it
    old.delete()  # as when an earlier transaction is rolled back
    assert load_demo_mail() > 0
    addresses = set(
        EmailMessage.objects.filter(direction="in", mailbox__isnull=False).values_list(
            "mailbox__address", flat=True
        )
    )
    assert addresses
    assert addresses <= {DEMO_SUPPORT, DEMO_VIP}
    assert not EmailMessage.objects.filter(direction="in", mailbox__isnull=True).exists()


def test_a_mailbox_added_in_the_admin_takes_mail_at_once(
    db: None, mailbox: Mailbox, admin_agent: Agent
) -> None:
    assert mailbox_for(None, ["vip@desk.example"]) == mailbox  # cached: only the support box
    client = Client()
    client.force_login(admin_agent.user)
    response = client.post(
        "/admin/mail/mailbox/add/",
        {
            "address": "vip@desk.example",
            "display_name": "VIP desk",
            "active": "on",
            "imap_port": 993,
            "imap_folder": "INBOX",
            "imap_ssl": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    received = do_receive_email(email("vip@desk.example", 1), recipients=["vip@desk.example"])
    assert received.status == "accepted"
    record = EmailMessage.objects.get(pk=received.email_id)
    assert record.mailbox is not None
    assert record.mailbox.address == "vip@desk.example"
    assert mailbox_for(None, [SUPPORT]) == mailbox
