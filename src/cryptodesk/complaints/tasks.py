"""Background jobs of the complaint workflow. Each is idempotent: a retry does no harm."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django_tasks import task

from cryptodesk.accounts.models import Agent, Notification
from cryptodesk.tickets.models import TicketEvent


@task()
def notify_agents(agent_ids: list[int], event_id: int, kind: str) -> int:
    """One notification per agent for a complaint event (escalation, a remedy to decide, a
    decision, a reopened complaint). Returns how many were created by this run."""
    event = TicketEvent.objects.select_related("ticket").filter(pk=event_id).first()
    if event is None:
        return 0
    ticket = event.ticket
    created = 0
    for agent in Agent.objects.filter(pk__in=agent_ids, user__is_active=True):
        try:
            with transaction.atomic():
                Notification.objects.create(
                    agent=agent,
                    ticket=ticket,
                    kind=kind,
                    text=f"#{ticket.pk} {ticket.subject}"[:300],
                    source_event=event,
                )
        except IntegrityError:  # notified by an earlier attempt
            continue
        created += 1
    return created


@task()
def send_follow_up(complaint_id: int, resolved_at: str) -> bool:
    """Ask the customer whether the resolution satisfied them (scheduled with ``run_after``)."""
    from cryptodesk.complaints.actions import do_send_follow_up

    return do_send_follow_up(complaint_id, resolved_at)
