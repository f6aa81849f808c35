"""Reads of the sla app: the urgency-ordered queue, SLA state for display, calendars and
policies for the settings pages (supervisors and admins only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cryptodesk.accounts.models import Agent
from cryptodesk.core import clock
from cryptodesk.core.errors import NotFound, PermissionDenied
from cryptodesk.core.ids import is_valid_id
from cryptodesk.sla.models import BusinessCalendar, SlaPolicy, TierTeam
from cryptodesk.tickets.models import Status, Ticket
from cryptodesk.tickets.queries import tickets_for_listing

# Priority, then the nearest SLA due time (paused and policy-less tickets last), then age.
URGENCY_ORDER: tuple[OrderBy | str, ...] = (
    F("priority_rank").desc(),
    F("sla_due").asc(nulls_last=True),
    "created_at",
    "id",
)
# What an agent works on next: tickets that wait for an agent, not for the customer.
WORKABLE_STATUSES = (Status.NEW, Status.OPEN)
MAX_QUEUE_LIMIT = 100


def next_tickets_for(agent: Agent, limit: int = 20) -> QuerySet[Ticket]:
    """The calling agent's next tickets: visible to them, unassigned or theirs, urgent first."""
    return (
        tickets_for_listing(agent)
        .filter(status__in=WORKABLE_STATUSES)
        .filter(Q(assignee__isnull=True) | Q(assignee=agent))
        .order_by(*URGENCY_ORDER)[: max(1, min(limit, MAX_QUEUE_LIMIT))]
    )


@dataclass(frozen=True)
class SlaState:
    """What the console shows about a ticket's clocks at one instant."""

    state: str  # "breached", "at_risk", "ok", "paused", "met" or "none"
    due: datetime | None
    remaining: timedelta | None

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


STATE_LABELS = {
    "breached": gettext_lazy("Breached"),
    "at_risk": gettext_lazy("At risk"),
    "ok": gettext_lazy("On track"),
    "paused": gettext_lazy("Paused"),
    "met": gettext_lazy("Met"),
    "none": gettext_lazy("No SLA"),
}


def sla_state(ticket: Ticket, at: datetime | None = None) -> SlaState:
    at = at or clock.now()
    due = ticket.sla_due
    if due is not None and due <= at:
        return SlaState("breached", due, due - at)
    if ticket.sla_paused_at is not None:
        return SlaState("paused", None, None)
    if due is None:
        if ticket.sla_breached:
            return SlaState("breached", None, None)
        return SlaState("met" if ticket.sla_policy_id else "none", None, None)
    if ticket.sla_breached:  # a missed target stays the headline while others run
        return SlaState("breached", due, due - at)
    if ticket.sla_warn_at is not None and ticket.sla_warn_at <= at:
        return SlaState("at_risk", due, due - at)
    return SlaState("ok", due, due - at)


def is_breached(ticket: Ticket, at: datetime | None = None) -> bool:
    """Missed a target already, or is past a running one (before the check noticed)."""
    at = at or clock.now()
    return ticket.sla_breached or (ticket.sla_due is not None and ticket.sla_due <= at)


def sla_json(ticket: Ticket, at: datetime | None = None) -> dict[str, Any]:
    """The ``sla`` object of the ticket JSON (an API contract: keep the names)."""
    at = at or clock.now()
    return {
        "policy": ticket.sla_policy_id,
        "first_response_due": ticket.first_response_due,
        "next_response_due": ticket.next_response_due,
        "resolution_due": ticket.resolution_due,
        "breached": is_breached(ticket, at),
        "paused": ticket.sla_paused_at is not None,
        "state": sla_state(ticket, at).state,
    }


def require_sla_admin(agent: Agent) -> None:
    if not agent.is_supervisor:
        raise PermissionDenied(_("Only supervisors and admins can see SLA settings."))


def access_calendars(agent: Agent) -> QuerySet[BusinessCalendar]:
    require_sla_admin(agent)
    return BusinessCalendar.objects.prefetch_related("custom_holidays")


def access_calendar_by_id(agent: Agent, calendar_id: int) -> BusinessCalendar:
    calendar = (
        access_calendars(agent).filter(pk=calendar_id).first() if is_valid_id(calendar_id) else None
    )
    if calendar is None:
        raise NotFound(_("There is no business calendar %(id)s.") % {"id": calendar_id})
    return calendar


def access_policies(agent: Agent) -> QuerySet[SlaPolicy]:
    require_sla_admin(agent)
    return SlaPolicy.objects.select_related("calendar", "escalate_to_team")


def access_policy_by_id(agent: Agent, policy_id: int) -> SlaPolicy:
    policy = access_policies(agent).filter(pk=policy_id).first() if is_valid_id(policy_id) else None
    if policy is None:
        raise NotFound(_("There is no SLA policy %(id)s.") % {"id": policy_id})
    return policy


def access_tier_teams(agent: Agent) -> QuerySet[TierTeam]:
    require_sla_admin(agent)
    return TierTeam.objects.select_related("team")
