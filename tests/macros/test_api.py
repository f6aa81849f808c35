"""The reply-template API: search in a language, apply to a ticket (text, actions, usage
count), and create/change with the role and token-scope rules."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from cryptodesk.accounts.models import ApiToken, Role
from cryptodesk.macros.actions import do_apply_macro
from cryptodesk.macros.models import Macro
from cryptodesk.tickets.actions import do_ingest_message
from cryptodesk.tickets.models import Ticket
from tests.conftest import inbound, ticket_state

pytestmark = pytest.mark.django_db

NEW_MACRO = {
    "name": "Memo missing",
    "category": "deposits",
    "bodies": {
        "en": "Hi {{ customer.name }}, your deposit on #{{ ticket.number }} lacks a memo.",
        "zh-hans": "{{ customer.name }}您好，您在工单 #{{ ticket.number }} 的充值缺少备注。",
    },
    "set_status": "pending",
    "set_priority": "high",
    "add_tags": ["memo-missing"],
}


def test_search_finds_by_name_and_by_text_in_the_language(
    api_for: Any, agent: Any, make_macro: Any
) -> None:
    Macro.objects.all().delete()
    make_macro("Ask for TXID")
    make_macro("Wrong network", bodies={"en": "You used the wrong network.", "zh-hans": "网络错误"})
    api = api_for(agent)
    by_name = api.get("/api/v1/macros", q="txid").json()
    assert [m["name"] for m in by_name["results"]] == ["Ask for TXID"]
    by_text = api.get("/api/v1/macros", q="网络", lang="zh-hans").json()
    assert [m["name"] for m in by_text["results"]] == ["Wrong network"]
    # Text in another language does not match, the English fallback does.
    assert api.get("/api/v1/macros", q="网络", lang="zh-hant").json()["count"] == 0
    assert api.get("/api/v1/macros", q="network", lang="zh-hant").json()["count"] == 1
    assert api.get("/api/v1/macros", lang="xx").status_code == 422


def test_team_templates_are_visible_to_that_team_only(
    api_for: Any, make_agent: Any, agent: Any, other_team: Any, make_macro: Any
) -> None:
    Macro.objects.all().delete()
    make_macro("Security only", team_slug=other_team.slug)
    make_macro("Everyone")
    assert [m["name"] for m in api_for(agent).get("/api/v1/macros").json()["results"]] == [
        "Everyone"
    ]
    security_agent = make_agent(Role.AGENT, [other_team])
    names = {m["name"] for m in api_for(security_agent).get("/api/v1/macros").json()["results"]}
    assert names == {"Everyone", "Security only"}


def test_apply_renders_applies_actions_and_counts(
    api_for: Any, agent: Any, supervisor: Any, ingest: Any
) -> None:
    created = api_for(supervisor).post("/api/v1/macros", NEW_MACRO)
    assert created.status_code == 201, created.content
    macro_id = created.json()["id"]
    ticket = ingest(
        "充值没到账", email="li@example.com", name="李雷", language_hint="zh-hans"
    ).ticket
    response = api_for(agent).post(f"/api/v1/macros/{macro_id}/apply", {"ticket": ticket.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["language"] == "zh-hans"
    assert body["text"] == f"李雷您好，您在工单 #{ticket.pk} 的充值缺少备注。"
    assert [(a["kind"], a.get("to")) for a in body["applied"]] == [
        ("status", "pending"),
        ("priority", "high"),
        ("tags", ["memo-missing"]),
    ]
    assert all(a["macro"] == "Memo missing" for a in body["applied"])
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("pending", "high")
    assert list(ticket.tags.values_list("name", flat=True)) == ["memo-missing"]
    # Nothing is sent: the text is for the agent to edit.
    assert ticket.messages.count() == 1
    api_for(agent).post(f"/api/v1/macros/{macro_id}/apply", {"ticket": ticket.pk})
    macro = Macro.objects.get(pk=macro_id)
    assert macro.usage_count == 2
    assert macro.last_used_at is not None


def test_apply_to_an_invisible_ticket_or_inactive_template_changes_nothing(
    api_for: Any, agent: Any, other_team: Any, make_macro: Any, ingest: Any
) -> None:
    macro = make_macro(set_status="pending")
    ticket = ingest().ticket
    Ticket.objects.filter(pk=ticket.pk).update(team=other_team)
    before = ticket_state(ticket.pk)
    response = api_for(agent).post(f"/api/v1/macros/{macro.pk}/apply", {"ticket": ticket.pk})
    assert response.status_code == 404
    Macro.objects.filter(pk=macro.pk).update(active=False)
    Ticket.objects.filter(pk=ticket.pk).update(team=None)
    before = ticket_state(ticket.pk)
    response = api_for(agent).post(f"/api/v1/macros/{macro.pk}/apply", {"ticket": ticket.pk})
    assert response.status_code == 404  # agents do not see switched-off templates
    assert ticket_state(ticket.pk) == before
    assert Macro.objects.get(pk=macro.pk).usage_count == 0


def test_unknown_variable_is_a_clear_422(api_for: Any, supervisor: Any) -> None:
    body = {"name": "Oops", "bodies": {"en": "Hi {{ customer.nmae }}"}}
    response = api_for(supervisor).post("/api/v1/macros", body)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "validation_error"
    assert error["field"] == "bodies.en"
    assert error["message"].startswith("Unknown variable {{ customer.nmae }}. Available:")
    assert not Macro.objects.filter(name="Oops").exists()


def test_patch_changes_one_language_and_keeps_the_rest(
    api_for: Any, supervisor: Any, make_macro: Any
) -> None:
    macro = make_macro()
    response = api_for(supervisor).patch(
        f"/api/v1/macros/{macro.pk}", {"bodies": {"zh-hant": ""}, "active": False}
    )
    assert response.status_code == 200, response.content
    assert set(response.json()["bodies"]) == {"en", "zh-hans"}
    assert response.json()["active"] is False
    duplicate = api_for(supervisor).patch(f"/api/v1/macros/{macro.pk}", {"name": "x"})
    assert duplicate.status_code == 200
    make_macro("Other")
    clash = api_for(supervisor).patch(f"/api/v1/macros/{macro.pk}", {"name": "Other"})
    assert clash.status_code == 422
    assert clash.json()["field"] == "name"


@pytest.mark.parametrize(
    ("role", "scope", "create", "patch", "apply", "read"),
    [
        (Role.AGENT, "write", 403, 403, 200, 200),
        (Role.KB_EDITOR, "write", 403, 403, 200, 200),
        (Role.SUPERVISOR, "write", 201, 200, 200, 200),
        (Role.ADMIN, "write", 201, 200, 200, 200),
        (Role.SUPERVISOR, "read", 403, 403, 403, 200),
        (Role.AGENT, "read", 403, 403, 403, 200),
    ],
)
def test_permission_matrix(
    api_for: Any,
    make_agent: Any,
    make_macro: Any,
    ingest: Any,
    role: str,
    scope: str,
    create: int,
    patch: int,
    apply: int,
    read: int,
) -> None:
    macro = make_macro(set_priority="high")
    ticket = ingest().ticket
    api = api_for(make_agent(role), ApiToken.Scope(scope))
    before = ticket_state(ticket.pk)
    count_before = Macro.objects.count()
    assert api.get(f"/api/v1/macros/{macro.pk}").status_code == read
    response = api.post("/api/v1/macros", NEW_MACRO)
    assert response.status_code == create
    if create != 201:
        assert Macro.objects.count() == count_before
    response = api.patch(f"/api/v1/macros/{macro.pk}", {"name": "Renamed"})
    assert response.status_code == patch
    if patch != 200:
        assert Macro.objects.get(pk=macro.pk).name == "Ask for TXID"
    response = api.client.delete(f"/api/v1/macros/{macro.pk}", headers=api._headers())
    assert response.status_code == (204 if create == 201 else 403)
    if create == 201:
        assert not Macro.objects.filter(pk=macro.pk).exists()
        macro = make_macro("Recreated", set_priority="high")
    else:
        assert Macro.objects.filter(pk=macro.pk).exists()
    response = api.post(f"/api/v1/macros/{macro.pk}/apply", {"ticket": ticket.pk})
    assert response.status_code == apply
    if apply != 200:
        assert ticket_state(ticket.pk) == before
        assert Macro.objects.get(pk=macro.pk).usage_count == 0
    else:
        assert Ticket.objects.get(pk=ticket.pk).priority == "high"


def test_openapi_documents_the_endpoints(api_for: Any, agent: Any) -> None:
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/macros/{macro_id}/apply" in schema["paths"]
    assert "/api/v1/tickets/{number}/complaint" in schema["paths"]
    apply = schema["paths"]["/api/v1/macros/{macro_id}/apply"]["post"]
    assert "nothing is sent to the customer" in apply["description"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_uses_are_all_counted(api_for: Any, agent: Any, make_macro: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises whole-database writes)")
    macro = make_macro()
    tickets = [do_ingest_message(inbound(email=f"u{n}@example.com")).ticket for n in range(6)]
    barrier = threading.Barrier(len(tickets))

    def use(ticket: Ticket) -> None:
        try:
            barrier.wait()
            do_apply_macro(agent, macro, ticket)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=use, args=(t,)) for t in tickets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert Macro.objects.get(pk=macro.pk).usage_count == len(tickets)


def test_nul_characters_are_dropped_from_names_and_searches(
    api_for: Any, supervisor: Any, make_macro: Any
) -> None:
    # PostgreSQL refuses NUL in text: it must not reach a query or a saved name.
    Macro.objects.all().delete()
    make_macro("Ask for TXID")
    api = api_for(supervisor)
    created = api.post("/api/v1/macros", {**NEW_MACRO, "name": "Memo\x00 missing"})
    assert created.status_code == 201, created.content
    assert created.json()["name"] == "Memo missing"
    found = api.get("/api/v1/macros", q="tx\x00id").json()
    assert [m["name"] for m in found["results"]] == ["Ask for TXID"]
    assert api.post("/api/v1/macros", {**NEW_MACRO, "name": "\x00"}).status_code == 422


def test_a_team_slug_with_nul_is_an_unknown_team(api_for: Any, supervisor: Any) -> None:
    # PostgreSQL refuses NUL in a query parameter: a 422, not a server error.
    response = api_for(supervisor).post("/api/v1/macros", {**NEW_MACRO, "team": "support\x00"})
    assert response.status_code == 422
    assert response.json()["field"] == "team"
    assert not Macro.objects.filter(name=NEW_MACRO["name"]).exists()
