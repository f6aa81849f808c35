from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def age(value: datetime | None) -> str:
    """The largest unit of the time since ``value`` ("3 days"), for dense tables."""
    if value is None:
        return ""
    return timesince(value, depth=1)


@register.filter
def status_label(value: str) -> str:
    """The translated label of a ticket status code (timeline entries store codes)."""
    from cryptodesk.tickets.models import Status

    return str(Status(value).label) if value in Status.values else value


@register.filter
def priority_label(value: str) -> str:
    from cryptodesk.tickets.models import Priority

    return str(Priority(value).label) if value in Priority.values else value


@register.filter
def language_name(code: str) -> str:
    """'zh-hant' -> the translated name of the language; unknown codes pass through."""
    from django.conf import settings

    names = {key: str(name) for key, name in settings.LANGUAGES}
    return names.get((code or "").lower(), code or "—")


@register.filter
def explorer(entity: dict[str, str]) -> str:
    """The block-explorer link of an address or transaction entity, or ""."""
    from cryptodesk.nlu.explorers import explorer_url

    return explorer_url(entity.get("kind", ""), entity.get("value", "")) or ""


@register.filter
def percent(value: float | None) -> str:
    return f"{round((value or 0) * 100)}%"
