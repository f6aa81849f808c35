"""Entry points of the listener's worker processes (``cryptodesk smtpd --workers N``).

A worker is a fresh interpreter: this module is imported before Django is set up, so it
imports nothing of the project at module level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptodesk.mail.actions import RawEmail, Received


def ready() -> None:
    """A worker starts: Django, then the models."""
    import django

    django.setup()
    from cryptodesk.tickets.pipeline import warm_up

    warm_up()


def ping() -> bool:
    return True


def store_batch(items: list[RawEmail]) -> list[Received]:
    from cryptodesk.mail.inbox import store_batch as store

    return store(items)
