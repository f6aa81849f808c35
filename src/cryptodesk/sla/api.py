"""REST: the calling agent's queue and ticket assignment (automatic or to a named agent)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from cryptodesk.accounts.models import Agent
from cryptodesk.core.http import json_response
from cryptodesk.sla.actions import check_auto_assign
from cryptodesk.sla.queries import next_tickets_for
from cryptodesk.tickets.actions import TicketChanges, check_update_ticket
from cryptodesk.tickets.api import TicketDetailOut, TicketOut, ticket_detail_json, ticket_json
from cryptodesk.tickets.queries import access_ticket_by_number, ticket_with_relations

queue_router = Router(tags=["queue"])
assign_router = Router(tags=["tickets"])


class QueueOut(Schema):
    results: list[TicketOut]


class QueueParams(Schema):
    limit: int = Field(20, ge=1, le=100)


class AssignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    agent: int | None = Field(None, description="An agent id; leave out for automatic")


@queue_router.get("", response=QueueOut, summary="The next tickets for the calling agent")
def queue(request: HttpRequest, params: Query[QueueParams]) -> HttpResponse:
    """New and open tickets the caller may see that are unassigned or theirs: priority first,
    then the nearest SLA due time, then age."""
    agent: Agent = request.auth  # type: ignore[attr-defined]
    tickets = next_tickets_for(agent, params.limit)
    return json_response({"results": [ticket_json(ticket) for ticket in tickets]})


@assign_router.post(
    "/{number}/assign", response=TicketDetailOut, summary="Assign a ticket (automatic or given)"
)
def assign(request: HttpRequest, number: int, payload: AssignIn | None = None) -> HttpResponse:
    """Without ``agent`` the router picks the least loaded eligible agent (supervisors only);
    with ``agent`` the usual rules apply: anyone may take a ticket, supervisors may assign it
    to someone else."""
    agent: Agent = request.auth  # type: ignore[attr-defined]
    ticket = access_ticket_by_number(agent, number)
    if payload is None or payload.agent is None:
        check_auto_assign(agent, ticket)
    else:
        check_update_ticket(agent, ticket, TicketChanges(assignee_id=payload.agent))
    return json_response(ticket_detail_json(ticket_with_relations(number)))
