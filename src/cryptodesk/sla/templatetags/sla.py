"""Template helpers for SLA state: ``{% sla_state ticket as s %}`` and ``|duration``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from cryptodesk.sla.clock import format_hours
from cryptodesk.sla.models import WEEKDAYS, BusinessCalendar
from cryptodesk.sla.queries import SlaState, sla_state
from cryptodesk.tickets.models import Priority, Ticket

register = template.Library()


@register.simple_tag
def sla_state_of(ticket: Ticket) -> SlaState:
    return sla_state(ticket)


@register.filter
def duration(value: timedelta | None) -> str:
    """A short remaining (or overdue) time: "2d 4h", "3h 05m", "12m"."""
    if value is None:
        return ""
    seconds = abs(int(value.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = _("%(d)dd %(h)dh") % {"d": days, "h": hours}
    elif hours:
        text = _("%(h)dh %(m)02dm") % {"h": hours, "m": minutes}
    else:
        text = _("%(m)dm") % {"m": max(minutes, 0 if seconds < 60 else 1)}
    return text


@register.filter
def minutes(value: int) -> str:
    """A policy target: "30 min", "4 h", "2 d" (24 h of business time), "1 h 30 min"."""
    hours, rest = divmod(int(value), 60)
    if not hours:
        return _("%(m)d min") % {"m": rest}
    if rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    return _("%(h)d h") % {"h": hours}


@register.filter
def percent(value: Decimal) -> str:
    return f"{Decimal(value) * 100:.0f} %"


@register.filter
def priority_label(value: str) -> str:
    return str(Priority(value).label) if value in Priority.values else value


@register.filter
def hours_summary(calendar: BusinessCalendar) -> str:
    """Weekday ranges grouped: "Mon-Fri 09:00-18:00; Sat 10:00-14:00"."""
    names = [str(day)[:3] for day in WEEKDAYS]
    groups: list[tuple[int, int, str]] = []
    for index in range(7):
        hours = calendar.hours[index] if index < len(calendar.hours) else []
        text = format_hours(hours)
        if groups and groups[-1][2] == text and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, text)
        else:
            groups.append((index, index, text))
    parts = [f"{names[a]}{'-' + names[b] if b > a else ''} {text}" for a, b, text in groups if text]
    return "; ".join(parts) or _("closed")
