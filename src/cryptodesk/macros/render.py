"""The variable language of reply templates: ``{{ name }}`` placeholders from a fixed list,
nothing else. Template text is written by staff, so it never reaches Django's template engine
(which could walk object attributes); each variable is computed by a function of our own.

Variables: ``customer.name``, ``customer.email``, ``customer.tier``, ``ticket.number``,
``ticket.subject``, ``ticket.status``, ``ticket.priority``, ``sla.due``, ``agent.name`` and
``fields.<key>`` for every active custom field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cryptodesk.accounts.models import Agent
from cryptodesk.core.errors import ValidationFailed
from cryptodesk.tickets.models import CustomField, Ticket

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# How a customer without a name is greeted ("Hi {{ customer.name }},").
NAMELESS = {"en": "there", "zh-hans": "您", "zh-hant": "您"}
EMPTY = "—"


@dataclass(frozen=True)
class RenderContext:
    ticket: Ticket
    agent: Agent
    language: str


def _sla_due(context: RenderContext) -> str:
    """The next response the team owes: the first response until it is given, then the next.
    Empty (an em dash) when no SLA applies."""
    ticket = context.ticket
    due: datetime | None
    if ticket.first_response_at is None:
        due = ticket.first_response_due
    else:
        due = ticket.next_response_due
    if due is None:
        return EMPTY
    return timezone.localtime(due).strftime("%Y-%m-%d %H:%M %Z")


VARIABLES: dict[str, Callable[[RenderContext], str]] = {
    "customer.name": lambda c: c.ticket.customer.name or NAMELESS.get(c.language, ""),
    "customer.email": lambda c: c.ticket.customer.primary_email or EMPTY,
    "customer.tier": lambda c: c.ticket.customer.tier,
    "ticket.number": lambda c: str(c.ticket.pk),
    "ticket.subject": lambda c: c.ticket.subject,
    "ticket.status": lambda c: str(c.ticket.get_status_display()),
    "ticket.priority": lambda c: str(c.ticket.get_priority_display()),
    "sla.due": _sla_due,
    "agent.name": lambda c: c.agent.display_name,
}
FIELD_PREFIX = "fields."


def variable_names() -> list[str]:
    """Every name a template may use, for the editor's help and for validation messages."""
    keys = CustomField.objects.filter(active=True).values_list("key", flat=True)
    return [*VARIABLES, *(f"{FIELD_PREFIX}{key}" for key in keys)]


def validate_body(body: str, field: str = "body") -> str:
    """Reject a template with an unknown variable or a stray brace pair, naming the culprit."""
    body = body.replace("\x00", "").strip()
    if not body:
        raise ValidationFailed(_("The template text is empty."), field=field)
    known = set(variable_names())
    for match in PLACEHOLDER.finditer(body):
        name = match.group(1)
        if name not in known:
            raise ValidationFailed(
                _("Unknown variable {{ %(name)s }}. Available: %(names)s.")
                % {"name": name, "names": ", ".join(sorted(known))},
                field=field,
            )
    rest = PLACEHOLDER.sub("", body)
    if "{{" in rest or "}}" in rest:
        raise ValidationFailed(
            _("A variable is not closed: write it as {{ customer.name }}."), field=field
        )
    return body


def render_body(body: str, context: RenderContext) -> str:
    """Fill in the variables. A variable that became unknown since the template was saved (a
    custom field was removed) renders empty rather than failing the agent's reply."""
    fields = context.ticket.custom_fields or {}
    active_keys: set[str] | None = None

    def value(match: re.Match[str]) -> str:
        nonlocal active_keys
        name = match.group(1)
        if name in VARIABLES:
            return VARIABLES[name](context)
        if name.startswith(FIELD_PREFIX):
            key = name.removeprefix(FIELD_PREFIX)
            if active_keys is None:  # one query per rendering, only when fields are used
                active_keys = set(
                    CustomField.objects.filter(active=True).values_list("key", flat=True)
                )
            if key not in active_keys:
                # The field was removed: its old values stay on tickets but are not shown.
                return ""
            found = fields.get(key)
            if isinstance(found, bool):
                return _("yes") if found else _("no")
            return EMPTY if found in (None, "") else str(found)
        return ""

    return PLACEHOLDER.sub(value, body)
