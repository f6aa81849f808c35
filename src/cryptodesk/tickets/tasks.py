"""Background jobs of the tickets app. Each is idempotent: a retry does no harm."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django_tasks import task

from cryptodesk.accounts.models import Agent, Notification
from cryptodesk.tickets.models import EventKind, TicketEvent


@task()
def notify_agent(agent_id: int, event_id: int) -> bool:
    """Tell an agent that a customer wrote on their ticket or that a ticket was assigned to
    them. Returns False when there is nothing (left) to do."""
    agent = Agent.objects.filter(pk=agent_id, user__is_active=True).first()
    event = TicketEvent.objects.select_related("ticket").filter(pk=event_id).first()
    if agent is None or event is None:
        return False
    ticket = event.ticket
    if event.kind == EventKind.ASSIGNEE:
        kind, text = "assigned", f"#{ticket.pk} {ticket.subject}"
    else:
        kind, text = "customer_reply", f"#{ticket.pk} {ticket.subject}"
    try:
        with transaction.atomic():
            Notification.objects.create(
                agent=agent, ticket=ticket, kind=kind, text=text[:300], source_event=event
            )
    except IntegrityError:  # already notified by an earlier attempt
        return False
    return True
