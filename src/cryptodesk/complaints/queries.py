"""Reads of complaints, with the ticket visibility rules built in (tickets/queries.py)."""

from __future__ import annotations

from django.core import signing
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cryptodesk.accounts.models import Agent
from cryptodesk.complaints.models import OPEN_STAGES, Complaint, Remedy, Stage
from cryptodesk.core.errors import InvalidTransition, NotFound
from cryptodesk.core.ids import is_valid_id
from cryptodesk.tickets.models import Ticket
from cryptodesk.tickets.queries import visible_tickets

REMEDIES_WITH_PEOPLE = Prefetch(
    "remedies", queryset=Remedy.objects.select_related("proposed_by", "decided_by")
)
FOLLOW_UP_SALT = "cryptodesk.complaints.follow_up"
TABS = ("open", "fund_security", "awaiting_approval", "follow_up", "closed", "all")


def visible_complaints(agent: Agent) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(ticket__in=visible_tickets(agent))
        .select_related("ticket", "ticket__customer", "ticket__assignee", "recorded_by")
        .order_by("-created_at", "-id")
    )


def complaints_in_tab(agent: Agent, tab: str) -> QuerySet[Complaint]:
    complaints = visible_complaints(agent)
    if tab == "open":
        return complaints.filter(stage__in=OPEN_STAGES)
    if tab == "fund_security":
        return complaints.filter(fund_security=True)
    if tab == "awaiting_approval":
        return complaints.filter(stage=Stage.REMEDY_PROPOSED)
    if tab == "follow_up":
        return complaints.filter(stage__in=(Stage.RESOLVED, Stage.FOLLOW_UP_SENT))
    if tab == "closed":
        return complaints.filter(stage__in=(Stage.SATISFIED,))
    return complaints


def tab_counts(agent: Agent) -> dict[str, int]:
    return visible_complaints(agent).aggregate(
        open=Count("id", filter=Q(stage__in=OPEN_STAGES)),
        fund_security=Count("id", filter=Q(fund_security=True)),
        awaiting_approval=Count("id", filter=Q(stage=Stage.REMEDY_PROPOSED)),
        follow_up=Count("id", filter=Q(stage__in=(Stage.RESOLVED, Stage.FOLLOW_UP_SENT))),
        closed=Count("id", filter=Q(stage=Stage.SATISFIED)),
        all=Count("id"),
    )


def complaint_for_ticket(ticket: Ticket) -> Complaint | None:
    """The complaint of a ticket the caller already accessed, with its remedies."""
    complaint = (
        Complaint.objects.filter(ticket_id=ticket.pk)
        .select_related("recorded_by")
        .prefetch_related(REMEDIES_WITH_PEOPLE)
        .first()
    )
    if complaint is not None:
        complaint.ticket = ticket
    return complaint


def access_complaint_by_ticket(agent: Agent, number: int) -> Complaint:
    complaint = (
        visible_complaints(agent)
        .prefetch_related(REMEDIES_WITH_PEOPLE)
        .filter(ticket_id=number)
        .first()
        if is_valid_id(number)
        else None
    )
    if complaint is None:
        raise NotFound(
            _("Ticket %(number)s is not a complaint or is not visible to you.") % {"number": number}
        )
    return complaint


def access_remedy_by_id(agent: Agent, number: int, remedy_id: int) -> Remedy:
    remedy = (
        Remedy.objects.filter(
            pk=remedy_id, complaint__ticket_id=number, complaint__ticket__in=visible_tickets(agent)
        )
        .select_related("complaint", "proposed_by", "decided_by")
        .first()
        if is_valid_id(remedy_id) and is_valid_id(number)
        else None
    )
    if remedy is None:
        raise NotFound(_("There is no remedy %(id)s on this complaint.") % {"id": remedy_id})
    return remedy


def access_complaint_by_follow_up_token(token: str) -> Complaint:
    """The complaint a signed follow-up link names, while the resolution it asked about stands."""
    try:
        data = signing.loads(token, salt=FOLLOW_UP_SALT)
    except signing.BadSignature as error:
        raise NotFound(_("This link is not valid. Use the link from our message.")) from error
    complaint = (
        Complaint.objects.select_related("ticket", "ticket__customer")
        .filter(pk=data.get("c"))
        .first()
    )
    if complaint is None or complaint.resolved_at is None:
        raise NotFound(_("This request no longer exists."))
    if complaint.resolved_at.isoformat() != data.get("r"):
        raise InvalidTransition(
            _("This question is out of date: your complaint has changed since we asked.")
        )
    return complaint
