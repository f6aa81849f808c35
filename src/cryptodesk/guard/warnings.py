"""The warning a customer receives after the guard removed a secret from their message."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

SUPPORTED = ("en", "zh-hans", "zh-hant")


def customer_warning(language: str) -> str:
    """The warning text in the customer's language (English when we do not write theirs)."""
    chosen = language.lower() if language and language.lower() in SUPPORTED else "en"
    with translation.override(chosen):
        return render_to_string("guard/customer_warning.txt").strip()
