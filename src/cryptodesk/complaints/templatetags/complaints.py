"""Template helpers for the complaint panel on the ticket page (no view changes needed)."""

from __future__ import annotations

from django import template

from cryptodesk.complaints.customer_messages import format_amount
from cryptodesk.complaints.models import Complaint
from cryptodesk.complaints.queries import complaint_for_ticket
from cryptodesk.tickets.models import Ticket

register = template.Library()


@register.simple_tag
def complaint_of(ticket: Ticket) -> Complaint | None:
    """The ticket's complaint (the message path keeps its detected emotion current)."""
    return complaint_for_ticket(ticket)


@register.filter
def amount(value: object) -> str:
    """A Decimal without trailing zeros or exponent: 12.500000 -> 12.5."""
    from decimal import Decimal, InvalidOperation

    if value is None:
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_amount(number)


@register.filter
def remedy_kind(value: str) -> str:
    """The translated, lower-case label of a remedy kind code (timeline entries store codes)."""
    from cryptodesk.complaints.models import Remedy

    return str(Remedy.Kind(value).label).lower() if value in Remedy.Kind.values else value


@register.filter
def severity_label(value: str) -> str:
    from cryptodesk.complaints.models import Severity

    return str(Severity(value).label) if value in Severity.values else value
