"""The agent console through HTTP: login, queue filters and order, the ticket page, replies,
notes, property changes, attachments and live partials."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from cryptodesk.accounts.models import Notification, Role
from cryptodesk.tickets.models import EventKind, Message, Status, Ticket, TicketEvent
from cryptodesk.tickets.pipeline import InboundAttachment
from tests.conftest import PASSWORD


def test_console_requires_login(db: None) -> None:
    response = Client().get("/tickets/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/tickets/"


def test_user_without_agent_profile_is_refused(db: None, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("visitor", password=PASSWORD)
    client = Client()
    client.force_login(user)
    assert client.get("/tickets/").status_code == 403


def test_login_with_password_reaches_the_queue(agent: Any) -> None:
    client = Client()
    bad = client.post("/accounts/login/", {"username": agent.user.username, "password": "nope"})
    assert bad.status_code == 200
    assert "did not match" in bad.content.decode()
    good = client.post("/accounts/login/", {"username": agent.user.username, "password": PASSWORD})
    assert good.status_code == 302
    assert good["Location"] == "/tickets/"
    assert client.get("/tickets/").status_code == 200


def test_queue_orders_by_priority_then_age_and_filters(
    supervisor: Any, ingest: Any, console_for: Any
) -> None:
    low = ingest("a", email="a@example.com", subject="Low one", requested_priority="low")
    urgent = ingest("b", email="b@example.com", subject="Urgent one", requested_priority="urgent")
    normal_old = ingest("c", email="c@example.com", subject="Normal old")
    normal_new = ingest("d", email="d@example.com", subject="Normal new")
    client = console_for(supervisor)
    page = client.get("/tickets/")
    numbers = [t.pk for t in page.context["page"].object_list]
    assert numbers == [urgent.ticket.pk, normal_old.ticket.pk, normal_new.ticket.pk, low.ticket.pk]
    filtered = client.get("/tickets/", {"priority": "urgent"})
    assert [t.pk for t in filtered.context["page"].object_list] == [urgent.ticket.pk]
    by_email = client.get("/tickets/", {"q": "c@example.com", "view": "all"})
    assert [t.pk for t in by_email.context["page"].object_list] == [normal_old.ticket.pk]
    by_number = client.get("/tickets/", {"q": f"#{low.ticket.pk}", "view": "all"})
    assert [t.pk for t in by_number.context["page"].object_list] == [low.ticket.pk]
    assert page.context["counts"]["active"] == 4
    assert page.context["counts"]["urgent"] == 1


def test_queue_hides_other_teams_from_agents(
    agent: Any, other_team: Any, ingest: Any, console_for: Any, supervisor: Any
) -> None:
    mine = ingest("mine", email="a@example.com")
    theirs = ingest("theirs", email="b@example.com")
    Ticket.objects.filter(pk=theirs.ticket.pk).update(team=other_team)
    client = console_for(agent)
    numbers = [t.pk for t in client.get("/tickets/").context["page"].object_list]
    assert numbers == [mine.ticket.pk]
    assert client.get(f"/tickets/{theirs.ticket.pk}/").status_code == 404
    before = Message.objects.count()
    response = client.post(f"/tickets/{theirs.ticket.pk}/reply/", {"body": "hi", "internal": "0"})
    assert response.status_code == 404
    assert Message.objects.count() == before


def test_htmx_queue_request_returns_only_the_table(
    agent: Any, ingest: Any, console_for: Any
) -> None:
    ingest()
    response = console_for(agent).get("/tickets/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="queue-table"')
    assert "<html" not in html


def test_reply_from_console_sets_first_response_and_opens(
    agent: Any, ingest: Any, console_for: Any
) -> None:
    ticket = ingest().ticket
    client = console_for(agent)
    response = client.post(
        f"/tickets/{ticket.pk}/reply/",
        {
            "body": "Please send the transaction hash.",
            "internal": "0",
            "status": "pending",
            "client_key": "k1",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert ticket.first_response_at is not None
    message = ticket.messages.get(author_kind="agent")
    assert message.text == "Please send the transaction hash."
    assert not message.is_internal
    # The same form posted twice (double click) stores one reply.
    client.post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "Please send the transaction hash.", "internal": "0", "client_key": "k1"},
    )
    assert ticket.messages.filter(author_kind="agent").count() == 1
    page = client.get(f"/tickets/{ticket.pk}/")
    assert "Please send the transaction hash." in page.content.decode()


def test_internal_note_does_not_count_as_first_response(
    agent: Any, ingest: Any, console_for: Any
) -> None:
    ticket = ingest().ticket
    console_for(agent).post(
        f"/tickets/{ticket.pk}/reply/", {"body": "Check chain.", "internal": "1"}
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.status == Status.NEW
    assert ticket.messages.get(author_kind="agent").is_internal


def test_empty_reply_shows_an_error_and_stores_nothing(
    agent: Any, ingest: Any, console_for: Any
) -> None:
    ticket = ingest().ticket
    client = console_for(agent)
    response = client.post(
        f"/tickets/{ticket.pk}/reply/", {"body": "  ", "internal": "0"}, follow=True
    )
    assert "The message is empty." in response.content.decode()
    assert ticket.messages.count() == 1


def test_reply_with_attachment_and_download_permission(
    agent: Any, make_agent: Any, other_team: Any, ingest: Any, console_for: Any
) -> None:
    ticket = ingest().ticket
    client = console_for(agent)
    upload = SimpleUploadedFile("steps.txt", b"1. open app", content_type="text/plain")
    client.post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "See steps", "internal": "0", "attachments": [upload]},
    )
    attachment = ticket.messages.get(author_kind="agent").attachments.get()
    download = client.get(f"/tickets/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"1. open app"
    assert 'attachment; filename="steps.txt"' in download["Content-Disposition"]
    Ticket.objects.filter(pk=ticket.pk).update(team=other_team)
    outsider = make_agent(Role.AGENT, [])
    Ticket.objects.filter(pk=ticket.pk).update(team=other_team)
    assert console_for(outsider).get(f"/tickets/attachments/{attachment.pk}/").status_code == 404


def test_property_changes_are_recorded_and_permission_checked(
    agent: Any, supervisor: Any, make_agent: Any, team: Any, ingest: Any, console_for: Any
) -> None:
    ticket = ingest().ticket
    colleague = make_agent(Role.AGENT, [team])
    client = console_for(agent)
    client.post(
        f"/tickets/{ticket.pk}/update/",
        {"status": "open", "priority": "high", "assignee": str(agent.pk), "tags": "Deposit, USDT"},
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee_id) == ("open", "high", agent.pk)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["deposit", "usdt"]
    kinds = set(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {EventKind.STATUS, EventKind.PRIORITY, EventKind.ASSIGNEE, EventKind.TAGS} <= kinds
    # An agent cannot hand the ticket to a colleague; nothing changes.
    events_before = TicketEvent.objects.count()
    denied = client.post(
        f"/tickets/{ticket.pk}/update/", {"assignee": str(colleague.pk)}, follow=True
    )
    assert "Only supervisors can assign" in denied.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee_id == agent.pk
    assert TicketEvent.objects.count() == events_before
    # A supervisor can, and the colleague is notified by the background task.
    console_for(supervisor).post(f"/tickets/{ticket.pk}/update/", {"assignee": str(colleague.pk)})
    ticket.refresh_from_db()
    assert ticket.assignee_id == colleague.pk


def test_invalid_transition_is_refused(agent: Any, ingest: Any, console_for: Any) -> None:
    ticket = ingest().ticket
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    response = console_for(agent).post(
        f"/tickets/{ticket.pk}/update/", {"status": "open"}, follow=True
    )
    assert "A closed ticket cannot become open." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_live_partial_contains_timeline_and_oob_parts(
    agent: Any, ingest: Any, console_for: Any
) -> None:
    ticket = ingest("first words").ticket
    html = console_for(agent).get(f"/tickets/{ticket.pk}/live/").content.decode()
    assert html.lstrip().startswith('<div id="ticket-timeline"')
    assert 'id="ticket-header" class="page-head" hx-swap-oob="true"' in html
    assert 'id="ticket-props" class="panel props" hx-swap-oob="true"' in html
    assert "first words" in html


def test_customer_page_lists_visible_tickets(
    agent: Any, other_team: Any, ingest: Any, console_for: Any
) -> None:
    first = ingest("one", email="same@example.com", subject="First issue")
    second = ingest("two", email="same@example.com", subject="Second issue")
    Ticket.objects.filter(pk=second.ticket.pk).update(team=other_team)
    page = console_for(agent).get(f"/customers/{first.ticket.customer_id}/")
    assert page.status_code == 200
    assert [t.pk for t in page.context["tickets"]] == [first.ticket.pk]


@pytest.mark.django_db(transaction=True)
def test_customer_reply_notifies_the_assignee_through_the_worker(
    agent: Any, ingest: Any, console_for: Any
) -> None:
    ticket = ingest(email="c@example.com").ticket
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)
    ingest(
        "more details",
        email="c@example.com",
        ticket_number=ticket.pk,
        attachments=(InboundAttachment("hash.txt", "text/plain", b"0xabc"),),
    )
    call_command("worker", "--batch", "--interval", "0")
    notification = Notification.objects.get(agent=agent)
    assert notification.kind == "customer_reply"
    assert notification.ticket_id == ticket.pk
    # A retried task does not notify twice.
    call_command("worker", "--batch", "--interval", "0")
    assert Notification.objects.filter(agent=agent).count() == 1
    page = console_for(agent).get("/accounts/notifications/")
    assert f"#{ticket.pk}" in page.content.decode()
    console_for(agent).post("/accounts/notifications/read/")
    assert Notification.objects.get(agent=agent).read_at is not None


def test_settings_page_creates_and_revokes_tokens(agent: Any, console_for: Any) -> None:
    client = console_for(agent)
    page = client.post(
        "/accounts/settings/", {"action": "create_token", "name": "sync", "scope": "read"}
    )
    token = page.context["new_token"]
    assert token.startswith("cdk_")
    assert token in page.content.decode()
    listed = Client().get("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    token_id = agent.api_tokens.get().pk
    client.post("/accounts/settings/", {"action": "revoke_token", "token_id": str(token_id)})
    revoked = Client().get("/api/v1/tickets", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401
    client.post("/accounts/settings/", {"action": "language", "language": "zh-hant"})
    agent.refresh_from_db()
    assert agent.ui_language == "zh-hant"


def test_custom_fields_are_edited_and_validated(agent: Any, ingest: Any, console_for: Any) -> None:
    from cryptodesk.tickets.models import CustomField

    CustomField.objects.create(key="uid", label="Exchange UID", field_type="text")
    CustomField.objects.create(
        key="kyc_level", label="KYC level", field_type="choice", choices=["basic", "advanced"]
    )
    ticket = ingest().ticket
    client = console_for(agent)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'name="cf_uid"' in page
    assert 'name="cf_kyc_level"' in page
    client.post(
        f"/tickets/{ticket.pk}/update/",
        {"custom_fields": "1", "cf_uid": "U-1001", "cf_kyc_level": "advanced"},
    )
    ticket.refresh_from_db()
    assert ticket.custom_fields == {"uid": "U-1001", "kyc_level": "advanced"}
    bad = client.post(
        f"/tickets/{ticket.pk}/update/",
        {"custom_fields": "1", "cf_uid": "U-1001", "cf_kyc_level": "gold"},
        follow=True,
    )
    assert "not a valid value for &#x27;KYC level&#x27;" in bad.content.decode()
    ticket.refresh_from_db()
    assert ticket.custom_fields["kyc_level"] == "advanced"


@pytest.mark.parametrize("value", ["²", "abc", "99999999999999999999"])
def test_garbled_ids_get_a_clear_answer_and_change_nothing(
    agent: Any, ingest: Any, console_for: Any, value: str
) -> None:
    ticket = ingest().ticket
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)
    client = console_for(agent)
    assert client.get("/tickets/", {"assignee": value, "view": "all"}).status_code == 200
    assert client.get("/tickets/", {"q": value, "view": "all"}).status_code == 200
    response = client.post(f"/tickets/{ticket.pk}/update/", {"assignee": value}, follow=True)
    assert response.status_code == 200
    assert "There is no active agent" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee_id == agent.pk
    revoke = client.post(
        "/accounts/settings/", {"action": "revoke_token", "token_id": value}, follow=True
    )
    assert revoke.status_code == 200
    assert "No such active token." in revoke.content.decode()
