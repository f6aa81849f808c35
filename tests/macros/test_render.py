"""Rendering reply templates: the ticket's language with English as fallback, every variable,
and validation that names the unknown variable."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import opencc
import pytest

from cryptodesk.core.errors import ValidationFailed
from cryptodesk.macros.actions import MacroData, check_save_macro, render_macro
from cryptodesk.macros.models import Macro
from cryptodesk.macros.render import validate_body
from cryptodesk.macros.starter import STARTER_MACROS
from cryptodesk.tickets.models import CustomField, Ticket

pytestmark = pytest.mark.django_db


def ticket_in(ingest: Any, language: str, name: str = "Wei Zhang") -> Ticket:
    ticket: Ticket = ingest(
        "deposit missing", email=f"{language}@example.com", name=name, language_hint=language
    ).ticket
    return ticket


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Hi Wei Zhang, please send the TXID for #{n}."),
        ("zh-hans", "Wei Zhang您好，请提供工单 #{n} 的交易哈希。"),
        ("zh-hant", "Wei Zhang您好，請提供工單 #{n} 的交易雜湊。"),
    ],
)
def test_renders_in_the_tickets_language(
    ingest: Any, agent: Any, make_macro: Any, language: str, expected: str
) -> None:
    ticket = ticket_in(ingest, language)
    used, text = render_macro(make_macro(), ticket, agent)
    assert used == language
    assert text == expected.format(n=ticket.pk)


def test_falls_back_to_english_when_the_language_has_no_version(
    ingest: Any, agent: Any, make_macro: Any
) -> None:
    macro = make_macro(bodies={"en": "Hello {{ customer.name }}", "zh-hans": "你好"})
    used, text = render_macro(macro, ticket_in(ingest, "zh-hant"), agent)
    assert (used, text) == ("en", "Hello Wei Zhang")
    used, text = render_macro(macro, ticket_in(ingest, "zh-hans", name="Li"), agent)
    assert (used, text) == ("zh-hans", "你好")


def test_every_variable(ingest: Any, agent: Any, make_macro: Any) -> None:
    CustomField.objects.create(key="uid", label="UID", field_type="text")
    CustomField.objects.create(key="vip_ok", label="VIP", field_type="checkbox")
    ticket = ticket_in(ingest, "en")
    due = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    Ticket.objects.filter(pk=ticket.pk).update(
        custom_fields={"uid": "U-778", "vip_ok": True}, first_response_due=due
    )
    ticket.refresh_from_db()
    body = (
        "{{customer.name}}|{{ customer.email }}|{{ customer.tier }}|{{ ticket.number }}|"
        "{{ ticket.subject }}|{{ ticket.status }}|{{ ticket.priority }}|{{ sla.due }}|"
        "{{ agent.name }}|{{ fields.uid }}|{{ fields.vip_ok }}"
    )
    _lang, text = render_macro(make_macro(bodies={"en": body}), ticket, agent)
    assert text == (
        f"Wei Zhang|en@example.com|standard|{ticket.pk}|Deposit missing|New|Normal|"
        "2026-11-27 09:30 UTC|Alice Agent|U-778|yes"
    )


def test_missing_values_render_cleanly(ingest: Any, agent: Any, make_macro: Any) -> None:
    CustomField.objects.create(key="uid", label="UID", field_type="text")
    ticket = ticket_in(ingest, "zh-hans", name="")
    macro = make_macro(
        bodies={
            "en": "x",
            "zh-hans": "{{ customer.name }}好，截止 {{ sla.due }}，UID {{ fields.uid }}",
        }
    )
    _lang, text = render_macro(macro, ticket, agent)
    assert text == "您好，截止 —，UID —"


def test_next_response_due_once_the_first_response_was_given(
    ingest: Any, agent: Any, make_macro: Any
) -> None:
    ticket = ticket_in(ingest, "en")
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_at=datetime(2026, 11, 26, 8, 0, tzinfo=UTC),
        first_response_due=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        next_response_due=datetime(2026, 11, 26, 12, 15, tzinfo=UTC),
    )
    ticket.refresh_from_db()
    _lang, text = render_macro(make_macro(bodies={"en": "by {{ sla.due }}"}), ticket, agent)
    assert text == "by 2026-11-26 12:15 UTC"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hi {{ customer.password }}", "Unknown variable {{ customer.password }}"),
        ("{{ ticket.customer.user.password }}", "Unknown variable {{ ticket.customer.user"),
        ("{{ fields.nope }}", "Unknown variable {{ fields.nope }}"),
        ("{{ request }}", "Unknown variable {{ request }}"),
        ("Hi {{ customer.name }", "A variable is not closed"),
        ("{% load x %}{{ customer.name }} }}", "A variable is not closed"),
        ("   ", "The English text is required"),
    ],
)
def test_bad_templates_are_refused_on_save(supervisor: Any, body: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        check_save_macro(supervisor, None, MacroData(name="Bad", bodies={"en": body}))
    assert message in error.value.message
    assert error.value.field == "bodies.en"
    assert not Macro.objects.filter(name="Bad").exists()


def test_django_template_syntax_is_plain_text(ingest: Any, agent: Any, make_macro: Any) -> None:
    macro = make_macro(bodies={"en": "{% debug %} {{ agent.name }} {# x #}"})
    _lang, text = render_macro(macro, ticket_in(ingest, "en"), agent)
    assert text == "{% debug %} Alice Agent {# x #}"


def test_the_starter_set_is_complete_valid_and_in_the_right_scripts(db: None) -> None:
    assert len(STARTER_MACROS) >= 25
    to_simplified = opencc.OpenCC("t2s")
    to_traditional = opencc.OpenCC("s2tw")
    for entry in STARTER_MACROS:
        assert set(entry["bodies"]) == {"en", "zh-hans", "zh-hant"}, entry["key"]
        for body in entry["bodies"].values():
            validate_body(body)
        hans, hant = entry["bodies"]["zh-hans"], entry["bodies"]["zh-hant"]
        # Whole texts, so that phrase rules apply (批准 is Traditional too).
        assert to_simplified.convert(hans) == hans, entry["key"]
        assert to_traditional.convert(hant) == hant, entry["key"]
