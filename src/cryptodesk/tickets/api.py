"""REST: tickets and their messages. Thin: parse, call an action or query, serialize."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from cryptodesk.accounts.models import Agent
from cryptodesk.core.errors import ValidationFailed
from cryptodesk.core.http import json_response
from cryptodesk.core.ids import parse_id
from cryptodesk.sla.queries import URGENCY_ORDER, sla_json
from cryptodesk.tickets.actions import (
    UNSET,
    TicketChanges,
    check_update_ticket,
    do_add_agent_message,
    do_ingest_message,
)
from cryptodesk.tickets.models import Channel, Message, Ticket
from cryptodesk.tickets.pipeline import InboundMessage, Sender
from cryptodesk.tickets.queries import (
    access_ticket_by_number,
    ticket_messages,
    ticket_with_relations,
    tickets_for_listing,
)

router = Router(tags=["tickets"])
PAGE_SIZE = 50

StatusName = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
PriorityName = Literal["urgent", "high", "normal", "low"]


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class TicketCreateIn(StrictSchema):
    customer_email: str = Field(..., max_length=320)
    customer_name: str = Field("", max_length=200)
    subject: str = Field(..., min_length=1, max_length=300)
    body: str = Field(..., min_length=1)
    priority: PriorityName | None = None
    tags: list[str] = Field(default_factory=list, max_length=20)
    language: Literal["", "en", "zh-hans", "zh-hant"] = ""
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)


class MessageIn(StrictSchema):
    body: str = Field(..., min_length=1)
    internal: bool = False
    status: StatusName | None = None
    idempotency_key: str | None = Field(None, min_length=1, max_length=200)


class TicketPatchIn(StrictSchema):
    status: StatusName | None = None
    priority: PriorityName | None = None
    subject: str | None = Field(None, min_length=1, max_length=300)
    assignee: int | None = None
    team: str | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None


class PersonOut(Schema):
    id: int
    name: str


class CustomerRefOut(Schema):
    id: int
    name: str
    email: str


class TeamOut(Schema):
    id: int
    slug: str
    name: str


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(Schema):
    id: int
    author_kind: str
    author: PersonOut | None
    channel: str
    body: str
    html: str
    internal: bool
    attachments: list[AttachmentOut]
    created_at: datetime


class SlaOut(Schema):
    policy: int | None
    first_response_due: datetime | None
    next_response_due: datetime | None
    resolution_due: datetime | None
    breached: bool
    paused: bool
    state: str


class TicketOut(Schema):
    number: int
    subject: str
    status: str
    priority: str
    channel: str
    language: str
    customer: CustomerRefOut
    assignee: PersonOut | None
    team: TeamOut | None
    tags: list[str]
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    sla: SlaOut


class TicketDetailOut(TicketOut):
    messages: list[MessageOut]


class TicketPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[TicketOut]


class TicketFilters(Schema):
    status: StatusName | None = None
    priority: PriorityName | None = None
    assignee: str | None = Field(None, description="An agent id, 'me' or 'none'")
    team: str | None = None
    tag: str | None = None
    channel: str | None = None
    page: int = Field(1, ge=1)


def ticket_json(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "language": ticket.language,
        "customer": {
            "id": ticket.customer.pk,
            "name": ticket.customer.name,
            "email": ticket.customer.primary_email,
        },
        "assignee": (
            {"id": ticket.assignee.pk, "name": ticket.assignee.display_name}
            if ticket.assignee
            else None
        ),
        "team": (
            {"id": ticket.team.pk, "slug": ticket.team.slug, "name": ticket.team.name}
            if ticket.team
            else None
        ),
        "tags": sorted(tag.name for tag in ticket.tags.all()),
        "custom_fields": ticket.custom_fields,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "first_response_at": ticket.first_response_at,
        "solved_at": ticket.solved_at,
        "sla": sla_json(ticket),
    }


def message_json(message: Message) -> dict[str, Any]:
    author = None
    if message.author_agent is not None:
        author = {"id": message.author_agent.pk, "name": message.author_agent.display_name}
    elif message.author_customer is not None:
        author = {"id": message.author_customer.pk, "name": message.author_customer.name}
    return {
        "id": message.pk,
        "author_kind": message.author_kind,
        "author": author,
        "channel": message.channel,
        "body": message.text,
        "html": message.html,
        "internal": message.is_internal,
        "attachments": [
            {"id": a.pk, "filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in message.attachments.all()
        ],
        "created_at": message.created_at,
    }


def ticket_detail_json(ticket: Ticket) -> dict[str, Any]:
    return ticket_json(ticket) | {"messages": [message_json(m) for m in ticket_messages(ticket)]}


@router.post("", response={200: TicketDetailOut, 201: TicketDetailOut}, summary="Create a ticket")
def create_ticket(request: HttpRequest, payload: TicketCreateIn) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    try:
        result = do_ingest_message(
            InboundMessage(
                channel=Channel.API,
                sender=Sender(
                    kind="email", value=payload.customer_email, name=payload.customer_name
                ),
                subject=payload.subject,
                text=payload.body,
                requested_priority=payload.priority,
                tags=tuple(payload.tags),
                language_hint=payload.language,
                # Keys are scoped to the caller, as payment APIs scope them to an account.
                idempotency_key=(
                    f"{agent.pk}:{payload.idempotency_key}" if payload.idempotency_key else None
                ),
                external_ids={"created_by_agent": str(agent.pk)},
            )
        )
    except ValidationFailed as error:
        # The message path names the sender generically; the caller sent customer_email.
        if error.field in ("email", "sender"):
            error.field = "customer_email"
        raise
    # The creator sees what it created even when triage routed it to a team it is not in.
    return json_response(
        ticket_detail_json(ticket_with_relations(result.ticket.pk)),
        status=201 if result.created else 200,
    )


@router.get("", response=TicketPageOut, summary="List tickets, most urgent first")
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    tickets = tickets_for_listing(agent)
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.assignee == "me":
        tickets = tickets.filter(assignee=agent)
    elif filters.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee:
        if not (filters.assignee.isascii() and filters.assignee.isdecimal()):
            raise ValidationFailed(
                "assignee must be an agent id, 'me' or 'none'.", field="assignee"
            )
        assignee_id = parse_id(filters.assignee)
        tickets = tickets.filter(assignee_id=assignee_id) if assignee_id else tickets.none()
    if filters.team:
        tickets = tickets.filter(team__slug=filters.team)
    if filters.tag:
        tickets = tickets.filter(tags__name=filters.tag)
    if filters.channel:
        tickets = tickets.filter(channel=filters.channel)
    paginator = Paginator(tickets.order_by(*URGENCY_ORDER), PAGE_SIZE)
    page = paginator.get_page(filters.page) if filters.page <= paginator.num_pages else None
    return json_response(
        {
            "count": paginator.count,
            "page": filters.page,
            "pages": paginator.num_pages,
            "results": [ticket_json(t) for t in page] if page is not None else [],
        }
    )


@router.get("/{number}", response=TicketDetailOut, summary="One ticket with its messages")
def get_ticket(request: HttpRequest, number: int) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    return json_response(ticket_detail_json(access_ticket_by_number(agent, number)))


@router.patch("/{number}", response=TicketDetailOut, summary="Change status, priority, ...")
def update_ticket(request: HttpRequest, number: int, payload: TicketPatchIn) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    ticket = access_ticket_by_number(agent, number)
    given = payload.model_fields_set
    changes = TicketChanges(
        status=payload.status,
        priority=payload.priority,
        subject=payload.subject,
        tags=payload.tags,
        custom_fields=payload.custom_fields,
        assignee_id=payload.assignee if "assignee" in given else UNSET,
        team_slug=payload.team if "team" in given else UNSET,
    )
    check_update_ticket(agent, ticket, changes)
    # The caller gets the result of its change even when the change took the ticket out of its
    # sight (an agent releasing a ticket of another team that was assigned to it).
    return json_response(ticket_detail_json(ticket_with_relations(number)))


@router.post(
    "/{number}/messages",
    response={200: MessageOut, 201: MessageOut},
    summary="Reply to the customer or add an internal note",
)
def add_message(request: HttpRequest, number: int, payload: MessageIn) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    ticket = access_ticket_by_number(agent, number)
    message, created = do_add_agent_message(
        agent,
        ticket,
        payload.body,
        internal=payload.internal,
        status=payload.status,
        idempotency_key=payload.idempotency_key,
    )
    if message.ticket_id != ticket.pk:
        raise ValidationFailed(
            "This idempotency_key was already used for a message on another ticket; "
            "use a new key for each message.",
            field="idempotency_key",
        )
    message = ticket_messages(ticket).get(pk=message.pk)
    return json_response(message_json(message), status=201 if created else 200)
