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
