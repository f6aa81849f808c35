"""The guard on every channel path that exists: the request form, its follow page, the REST
API (customer tickets and agent messages) and the console reply. A secret never reaches the
database, the task queue or the logs."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from mnemonic import Mnemonic

from cryptodesk.tickets.models import EventKind, Message, Ticket, TicketEvent

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))
CHINESE_PHRASE = Mnemonic("chinese_simplified").to_mnemonic(bytes(range(100, 132)))
WIF = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"  # the well-known test vector key


def stored_text() -> str:
    """Every text value of every row of every table, as one string."""
    chunks: list[str] = []
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if names:
            for row in model._default_manager.values_list(*names):
                chunks.extend(str(value) for value in row)
    return "\n".join(chunks)


def assert_nowhere(secret: str, *, logs: str = "") -> None:
    words = secret.split()
    probe = " ".join(words[:4]) if len(words) > 1 else secret
    everything = stored_text()
    assert probe not in everything
    assert secret not in everything
    assert probe not in logs


def form_key(client: Client, url: str) -> str:
    match = re.search(r'name="form_key" value="([0-9a-f]{32})"', client.get(url).content.decode())
    assert match is not None
    return match.group(1)


@pytest.fixture(autouse=True)
def _debug_logs(caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)


def test_request_form_redacts_text_subject_and_attachment_name(db: None, caplog: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    response = client.post(
        "/support/new/",
        {
            "email": "panic@example.com",
            "subject": f"my words {PHRASE}",
            "description": f"Is my wallet safe? The words are:\n{PHRASE}\nplease check",
            "form_key": form_key(client, "/support/new/"),
            "attachments": [SimpleUploadedFile(f"{WIF}.txt", b"screenshot notes", "text/plain")],
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    message = ticket.messages.get(author_kind="customer")
    assert "[redacted: recovery phrase]" in message.text
    assert "[redacted: recovery phrase]" in ticket.subject
    assert message.attachments.get().filename == "[redacted: private key].txt"
    assert ticket.is_security_case
    assert ticket.priority == "urgent"
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SECURITY).count() == 1
    warning = ticket.messages.get(author_kind="system")
    assert "Treat the wallet as exposed" in warning.text
    follow = client.get(response["Location"]).content.decode()
    assert "Treat the wallet as exposed" in follow
    assert_nowhere(PHRASE, logs=caplog.text)
    assert_nowhere(WIF, logs=caplog.text)


def test_follow_page_reply_is_guarded(db: None, caplog: Any) -> None:
    client = Client()
    follow_url = client.post(
        "/support/new/",
        {
            "email": "wei@example.com",
            "subject": "充值未到账",
            "description": "USDT 还没到",
            "form_key": form_key(client, "/support/new/"),
        },
    )["Location"]
    reply = client.post(
        follow_url,
        {
            "body": f"客服你好，我的助记词是 {CHINESE_PHRASE} 请帮我看看",
            "form_key": form_key(client, follow_url),
        },
    )
    assert reply.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.is_security_case
    warning = ticket.messages.get(author_kind="system")
    assert warning.text.startswith("来自客服的安全警告")
    assert_nowhere(CHINESE_PHRASE, logs=caplog.text)


def test_api_ticket_and_agent_message_are_guarded(agent: Any, api_for: Any, caplog: Any) -> None:
    api = api_for(agent)
    created = api.post(
        "/api/v1/tickets",
        {
            "customer_email": "k@example.com",
            "subject": "Withdrawal",
            "body": f"my private key: {WIF} help",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["priority"] == "urgent"
    assert "[redacted: private key]" in body["messages"][0]["body"]
    number = body["number"]
    reply = api.post(
        f"/api/v1/tickets/{number}/messages",
        {"body": f"Customer pasted {PHRASE} in chat", "internal": True},
    )
    assert reply.status_code == 201
    assert "[redacted: recovery phrase]" in reply.json()["body"]
    assert_nowhere(WIF, logs=caplog.text)
    assert_nowhere(PHRASE, logs=caplog.text)


def test_console_reply_is_guarded(agent: Any, console_for: Any, ingest: Any) -> None:
    ticket = ingest().ticket
    console_for(agent).post(
        f"/tickets/{ticket.pk}/reply/", {"body": f"Do not send {PHRASE} to anyone", "internal": "0"}
    )
    message = Message.objects.get(ticket=ticket, author_kind="agent")
    assert "[redacted: recovery phrase]" in message.text
    assert_nowhere(PHRASE)
