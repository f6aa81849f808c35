"""The help-center titles of categories and sections in the language the console is shown in."""

from __future__ import annotations

from django import template

from cryptodesk.kb.models import Category, Section
from cryptodesk.kb.text import ui_language

register = template.Library()


@register.filter
def localized_title(place: Category | Section) -> str:
    return place.title(ui_language())
