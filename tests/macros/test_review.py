"""Regression tests from the review of reply templates."""

from __future__ import annotations

from typing import Any

import pytest

from cryptodesk.tickets.models import CustomField, Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("removal", ["deactivated", "deleted"])
def test_a_removed_custom_field_renders_empty(
    api_for: Any, agent: Any, make_macro: Any, ingest: Any, removal: str
) -> None:
    field = CustomField.objects.create(key="uid", label="UID", field_type="text")
    ticket = ingest("deposit missing", email="en@example.com", language_hint="en").ticket
    Ticket.objects.filter(pk=ticket.pk).update(custom_fields={"uid": "U-778"})
    macro = make_macro(bodies={"en": "UID [{{ fields.uid }}]"})
    api = api_for(agent)
    shown = api.post(f"/api/v1/macros/{macro.pk}/apply", {"ticket": ticket.pk})
    assert shown.status_code == 200, shown.content
    assert shown.json()["text"] == "UID [U-778]"
    if removal == "deleted":
        field.delete()
    else:
        CustomField.objects.filter(pk=field.pk).update(active=False)
    hidden = api.post(f"/api/v1/macros/{macro.pk}/apply", {"ticket": ticket.pk})
    assert hidden.status_code == 200, hidden.content
    assert hidden.json()["text"] == "UID []"
