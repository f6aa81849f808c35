"""Reads of tickets, with the permission check built in.

Visibility: supervisors and admins see every ticket; an agent sees tickets of their teams,
tickets without a team, and tickets assigned to them.
"""

from __future__ import annotations

from django.core import signing
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from cryptodesk.accounts.models import Agent
from cryptodesk.core.errors import NotFound
from cryptodesk.core.ids import is_valid_id
from cryptodesk.customers.models import Customer
from cryptodesk.tickets.models import (
    ACTIVE_STATUSES,
    Attachment,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)


def visibility_filter(agent: Agent) -> Q:
    if agent.is_supervisor:
        return Q()
    team_ids = list(agent.teams.values_list("id", flat=True))
    return Q(team__isnull=True) | Q(team_id__in=team_ids) | Q(assignee=agent)


def visible_tickets(agent: Agent) -> QuerySet[Ticket]:
    return Ticket.objects.filter(visibility_filter(agent))


def tickets_for_listing(agent: Agent) -> QuerySet[Ticket]:
    return (
        visible_tickets(agent)
        .select_related("customer", "assignee", "team", "sla_policy")
        .prefetch_related("tags", "customer__identities")
    )


def ticket_with_relations(number: int) -> Ticket:
    """A ticket the caller is entitled to by construction (it just created it)."""
    return (
        Ticket.objects.select_related("customer", "assignee", "team")
        .prefetch_related("tags", "customer__identities")
        .get(pk=number)
    )


def access_ticket_by_number(agent: Agent, number: int) -> Ticket:
    ticket = tickets_for_listing(agent).filter(pk=number).first() if is_valid_id(number) else None
    if ticket is None:
        raise NotFound(
            _("Ticket %(number)s does not exist or is not visible to you.") % {"number": number}
        )
    return ticket


def ticket_messages(ticket: Ticket, *, include_internal: bool = True) -> QuerySet[Message]:
    messages = ticket.messages.select_related("author_agent", "author_customer").prefetch_related(
        "attachments"
    )
    if not include_internal:
        messages = messages.filter(is_internal=False)
    return messages


def ticket_timeline(ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related(
        "actor_agent", "message", "message__author_agent"
    ).prefetch_related("message__attachments")


def queue_counts(agent: Agent) -> dict[str, int]:
    """Ticket counts for the console's sidebar views, in one query."""
    active = Q(status__in=ACTIVE_STATUSES)
    return visible_tickets(agent).aggregate(
        active=Count("id", filter=active),
        mine=Count("id", filter=active & Q(assignee=agent)),
        unassigned=Count("id", filter=active & Q(assignee__isnull=True)),
        urgent=Count("id", filter=active & Q(priority=Priority.URGENT)),
        pending=Count("id", filter=Q(status=Status.PENDING)),
    )


def access_attachment_by_id(agent: Agent, attachment_id: int) -> Attachment:
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id, message__ticket__in=visible_tickets(agent)
        ).first()
        if is_valid_id(attachment_id)
        else None
    )
    if attachment is None:
        raise NotFound(_("No such attachment."))
    return attachment


def customer_tickets(agent: Agent, customer: Customer) -> QuerySet[Ticket]:
    return tickets_for_listing(agent).filter(customer=customer).order_by("-created_at")


def latest_event_id() -> int:
    return TicketEvent.objects.aggregate(last=Max("id"))["last"] or 0


def events_after(
    agent: Agent, last_event_id: int, ticket_numbers: list[int] | None, limit: int = 500
) -> list[TicketEvent]:
    """Events a reconnecting client missed, oldest first, limited to what it may see;
    ``ticket_numbers`` None means every visible ticket (the queue)."""
    events = TicketEvent.objects.filter(id__gt=last_event_id)
    if ticket_numbers is not None:
        events = events.filter(ticket_id__in=ticket_numbers)
    if not agent.is_supervisor:
        events = events.filter(ticket__in=visible_tickets(agent))
    return list(events.order_by("id")[:limit])


PORTAL_LINK_SALT = "cryptodesk.portal.ticket"


def portal_link_token(ticket: Ticket) -> str:
    """A signed, unguessable reference to one ticket of one customer, for the follow page."""
    return signing.dumps({"t": ticket.pk, "c": ticket.customer_id}, salt=PORTAL_LINK_SALT)


def access_ticket_by_portal_token(token: str) -> Ticket:
    try:
        data = signing.loads(token, salt=PORTAL_LINK_SALT)
    except signing.BadSignature as error:
        raise NotFound(_("This link is not valid. Use the link from your confirmation.")) from error
    ticket = (
        Ticket.objects.select_related("customer")
        .filter(pk=data.get("t"), customer_id=data.get("c"))
        .first()
    )
    if ticket is None:
        raise NotFound(_("This request no longer exists."))
    return ticket
