"""The public request form and the signed follow page."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cryptodesk.tickets.models import Message, Status, Ticket
from cryptodesk.tickets.queries import access_ticket_by_portal_token


def form_key(client: Client) -> str:
    html = client.get("/support/new/").content.decode()
    match = re.search(r'name="form_key" value="([0-9a-f]{32})"', html)
    assert match is not None
    return match.group(1)


def link_token(response: Any) -> str:
    match = re.fullmatch(r"/support/t/([^/]+)/", response["Location"])
    assert match is not None
    return match.group(1)


def submit(client: Client, **overrides: Any) -> Any:
    data = {
        "email": "mei.chen@example.com",
        "name": "Mei Chen",
        "subject": "Withdrawal stuck",
        "description": "My BTC withdrawal has been pending for 6 hours.",
        "form_key": form_key(client),
        **overrides,
    }
    return client.post("/support/new/", data)


def test_request_form_creates_a_ticket_and_redirects_to_the_follow_page(db: None) -> None:
    client = Client()
    response = submit(
        client, attachments=[SimpleUploadedFile("screen.png", b"\x89PNG data", "image/png")]
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == "web"
    assert ticket.subject == "Withdrawal stuck"
    assert ticket.customer.primary_email == "mei.chen@example.com"
    assert ticket.messages.get().attachments.get().filename == "screen.png"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Withdrawal stuck" in page.content.decode()
    assert "My BTC withdrawal has been pending" in page.content.decode()


def test_double_submit_creates_one_ticket(db: None) -> None:
    client = Client()
    key = form_key(client)
    first = submit(client, form_key=key)
    second = submit(client, form_key=key)
    # The links carry a signing timestamp, so compare the ticket each one opens.
    assert access_ticket_by_portal_token(link_token(first)) == Ticket.objects.get()
    assert access_ticket_by_portal_token(link_token(second)) == Ticket.objects.get()
    assert Ticket.objects.count() == 1


def test_invalid_form_shows_errors_and_stores_nothing(db: None) -> None:
    response = submit(Client(), email="not-an-email", description="")
    assert response.status_code == 400
    assert Ticket.objects.count() == 0
    assert "Enter a valid email address." in response.content.decode()


def test_disallowed_attachment_is_refused(db: None) -> None:
    response = submit(
        Client(), attachments=[SimpleUploadedFile("setup.exe", b"MZ", "application/octet-stream")]
    )
    assert response.status_code == 400
    assert "file type we do not accept" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_bot_filling_the_hidden_field_is_refused(db: None) -> None:
    assert submit(Client(), website="http://spam.example").status_code == 400
    assert Ticket.objects.count() == 0


def test_rate_limit_per_address(db: None, settings: Any) -> None:
    from cryptodesk.portal import views

    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(views.SUBMISSIONS_PER_HOUR):
        assert submit(client).status_code == 302
    limited = submit(client)
    assert limited.status_code == 429
    assert Ticket.objects.count() == views.SUBMISSIONS_PER_HOUR


def test_follow_page_hides_internal_notes_and_accepts_replies(
    db: None, agent: Any, console_for: Any
) -> None:
    client = Client()
    follow_url = submit(client)["Location"]
    ticket = Ticket.objects.get()
    console = console_for(agent)
    console.post(f"/tickets/{ticket.pk}/reply/", {"body": "Secret internal note", "internal": "1"})
    console.post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "We are checking it now.", "internal": "0", "status": "pending"},
    )
    html = client.get(follow_url).content.decode()
    assert "We are checking it now." in html
    assert "Secret internal note" not in html
    key = re.search(r'name="form_key" value="([0-9a-f]{32})"', html)
    assert key is not None
    reply = client.post(follow_url, {"body": "Thanks, here is my tx hash.", "form_key": key[1]})
    assert reply.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.messages.filter(author_kind="customer").count() == 2


def test_tampered_link_is_not_found(db: None) -> None:
    client = Client()
    follow_url = submit(client)["Location"]
    tampered = follow_url.rstrip("/")[:-3] + "abc/"
    assert client.get(tampered).status_code == 404
    assert client.get("/support/t/garbage/").status_code == 404
    assert Message.objects.count() == 1


def test_a_form_key_replayed_by_someone_else_does_not_reveal_the_first_ticket(db: None) -> None:
    client = Client()
    key = form_key(client)
    first = submit(client, form_key=key)
    other = submit(Client(), form_key=key, email="attacker@example.com", subject="Mine")
    assert other["Location"] != first["Location"]
    assert Ticket.objects.count() == 2
    page = Client().get(other["Location"]).content.decode()
    assert "Withdrawal stuck" not in page


def test_request_is_accepted_when_the_rate_limit_cache_is_down(
    db: None, settings: Any, caplog: Any
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
        }
    }
    response = submit(Client())
    assert response.status_code == 302
    assert Ticket.objects.count() == 1
    assert "Rate limit 'portal-submissions' skipped: the cache is unavailable" in caplog.text


def test_an_attachment_over_the_size_limit_is_refused(db: None, settings: Any) -> None:
    settings.CRYPTODESK_MAX_ATTACHMENT_BYTES = 1 << 20
    big = SimpleUploadedFile("screen.png", b"\x89PNG" + b"\x00" * (2 << 20), "image/png")
    response = submit(Client(), attachments=[big])
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()
    assert Ticket.objects.count() == 0
