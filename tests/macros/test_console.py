"""Console pages for reply templates: the picker beside the reply box, the supervisors' list
and editor, and the starter set command."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command

from cryptodesk.accounts.models import Role
from cryptodesk.macros.models import Macro, MacroTranslation
from cryptodesk.macros.starter import STARTER_MACROS
from tests.conftest import ticket_state

pytestmark = pytest.mark.django_db


def test_ticket_page_has_the_picker(console_for: Any, agent: Any, ingest: Any) -> None:
    ticket = ingest().ticket
    page = console_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'hx-get="/macros/picker/{ticket.pk}/"' in page
    assert 'id="reply-body"' in page


def test_picker_search_and_use_inserts_text_and_applies_actions(
    console_for: Any, agent: Any, ingest: Any, make_macro: Any
) -> None:
    Macro.objects.all().delete()
    macro = make_macro("Ask for TXID", set_status="pending", add_tags=["deposit"])
    make_macro("Phishing warning", bodies={"en": "That was not us."})
    ticket = ingest(name="Wei", language_hint="zh-hant").ticket
    client = console_for(agent)
    results = client.get(f"/macros/picker/{ticket.pk}/", {"q": "txid"}).content.decode()
    assert "Ask for TXID" in results
    assert "Phishing" not in results
    assert f'hx-post="/macros/{macro.pk}/use/{ticket.pk}/"' in results
    response = client.post(
        f"/macros/{macro.pk}/use/{ticket.pk}/",
        {"body": "Draft line"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "cd:refresh"
    textarea = response.content.decode()
    assert re.search(r'<textarea id="reply-body" name="body"', textarea)
    assert f"Draft line\n\nWei您好，請提供工單 #{ticket.pk} 的交易雜湊。</textarea>" in textarea
    ticket.refresh_from_db()
    assert ticket.status == "pending"
    assert list(ticket.tags.values_list("name", flat=True)) == ["deposit"]
    assert Macro.objects.get(pk=macro.pk).usage_count == 1


def test_use_on_an_invisible_ticket_is_404_and_changes_nothing(
    console_for: Any, agent: Any, other_team: Any, ingest: Any, make_macro: Any
) -> None:
    macro = make_macro(set_status="pending")
    ticket = ingest().ticket
    ticket.team = other_team
    ticket.save(update_fields=["team"])
    before = ticket_state(ticket.pk)
    response = console_for(agent).post(f"/macros/{macro.pk}/use/{ticket.pk}/", {"body": ""})
    assert response.status_code == 404
    assert ticket_state(ticket.pk) == before
    assert Macro.objects.get(pk=macro.pk).usage_count == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.AGENT, 403), (Role.KB_EDITOR, 403), (Role.SUPERVISOR, 200), (Role.ADMIN, 200)],
)
def test_editor_pages_are_for_supervisors(
    console_for: Any, make_agent: Any, make_macro: Any, role: str, status: int
) -> None:
    macro = make_macro()
    client = console_for(make_agent(role))
    assert client.get("/macros/").status_code == status
    assert client.get(f"/macros/{macro.pk}/").status_code == status
    assert client.get("/macros/new/").status_code == status
    response = client.post(
        f"/macros/{macro.pk}/", {"name": "Changed", "category": "general", "body_en": "x"}
    )
    assert response.status_code == (302 if status == 200 else 403)
    assert Macro.objects.get(pk=macro.pk).name == ("Changed" if status == 200 else "Ask for TXID")
    deleted = client.post(f"/macros/{macro.pk}/delete/")
    assert deleted.status_code == (302 if status == 200 else 403)
    assert Macro.objects.filter(pk=macro.pk).exists() is (status != 200)


def test_editor_saves_three_languages_and_reports_errors(console_for: Any, supervisor: Any) -> None:
    client = console_for(supervisor)
    form = {
        "name": "KYC needed",
        "category": "account",
        "body_en": "Hi {{ customer.name }}, please upload your ID.",
        "body_zh-hans": "{{ customer.name }}您好，请上传证件。",
        "body_zh-hant": "{{ customer.name }}您好，請上傳證件。",
        "set_status": "pending",
        "add_tags": "kyc, docs",
        "active": "on",
    }
    response = client.post("/macros/new/", form)
    assert response.status_code == 302
    macro = Macro.objects.get(name="KYC needed")
    assert dict(macro.translations.values_list("language", "body")) == {
        "en": form["body_en"],
        "zh-hans": form["body_zh-hans"],
        "zh-hant": form["body_zh-hant"],
    }
    assert (macro.set_status, macro.add_tags, macro.active) == ("pending", ["kyc", "docs"], True)
    bad = client.post(f"/macros/{macro.pk}/", {**form, "body_zh-hant": "{{ agent.email }}"})
    assert bad.status_code == 422
    assert "Unknown variable {{ agent.email }}" in bad.content.decode()
    assert 'aria-invalid="true"' in bad.content.decode()
    # The rejected text stays in the form, the stored template is unchanged.
    assert "{{ agent.email }}" in bad.content.decode()
    assert macro.translations.get(language="zh-hant").body == form["body_zh-hant"]
    listing = client.get("/macros/").content.decode()
    assert "KYC needed" in listing


def test_load_starter_is_idempotent_and_keeps_edits(db: None) -> None:
    Macro.objects.all().delete()
    call_command("macros", "load-starter")
    assert Macro.objects.count() == len(STARTER_MACROS)
    assert MacroTranslation.objects.count() == 3 * len(STARTER_MACROS)
    edited = Macro.objects.get(starter_key="phishing-warning")
    MacroTranslation.objects.filter(macro=edited, language="en").update(body="Our own words")
    Macro.objects.filter(starter_key="solved-closing").delete()
    call_command("macros", "load-starter")
    assert Macro.objects.count() == len(STARTER_MACROS)
    assert edited.translations.get(language="en").body == "Our own words"


def test_use_that_cannot_apply_explains_why_and_keeps_the_draft(
    console_for: Any, agent: Any, ingest: Any, make_macro: Any
) -> None:
    macro = make_macro(set_status="pending")
    ticket = ingest().ticket
    client = console_for(agent)
    client.post(f"/tickets/{ticket.pk}/update/", {"status": "solved"})
    before = ticket_state(ticket.pk)
    response = client.post(f"/macros/{macro.pk}/use/{ticket.pk}/", {"body": "My draft"})
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#macro-results"
    assert "A solved ticket cannot become pending." in response.content.decode()
    assert ticket_state(ticket.pk) == before
    assert Macro.objects.get(pk=macro.pk).usage_count == 0
