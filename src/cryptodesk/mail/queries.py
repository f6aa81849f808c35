"""Reads of the mail app, with the permission check built in."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from cryptodesk.accounts.models import Agent
from cryptodesk.core.errors import NotFound
from cryptodesk.core.ids import is_valid_id
from cryptodesk.mail.models import EmailMessage
from cryptodesk.tickets.queries import visible_tickets


def access_email_by_id(agent: Agent, email_id: int) -> EmailMessage:
    """An email (with its raw source) on a ticket the agent may see. An unmatched delivery
    report (no ticket) is visible to supervisors only."""
    visible = Q(ticket__in=visible_tickets(agent))
    if agent.is_supervisor:
        visible |= Q(ticket__isnull=True)
    email = (
        EmailMessage.objects.filter(visible, pk=email_id).first() if is_valid_id(email_id) else None
    )
    if email is None:
        raise NotFound(_("This email does not exist or is not visible to you."))
    return email
