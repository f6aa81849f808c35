"""Console pages for the queue and for one ticket (htmx for partial updates)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cryptodesk.accounts.models import Team
from cryptodesk.accounts.queries import active_agents
from cryptodesk.core.errors import CryptodeskError, ValidationFailed
from cryptodesk.core.ids import parse_id
from cryptodesk.sla.queries import URGENCY_ORDER
from cryptodesk.tickets.actions import (
    UNSET,
    TicketChanges,
    check_update_ticket,
    do_add_agent_message,
)
from cryptodesk.tickets.models import (
    ACTIVE_STATUSES,
    STATUS_TRANSITIONS,
    Channel,
    CustomField,
    Priority,
    Status,
    Tag,
    Ticket,
)
from cryptodesk.tickets.pipeline import InboundAttachment
from cryptodesk.tickets.queries import (
    access_attachment_by_id,
    access_ticket_by_number,
    customer_tickets,
    latest_event_id,
    ticket_timeline,
    tickets_for_listing,
)
from cryptodesk.web.auth import console_view

QUEUE_PAGE_SIZE = 50
VIEWS = ("active", "mine", "unassigned", "urgent", "pending", "solved", "all")


def apply_queue_filters(
    request: HttpRequest, tickets: QuerySet[Ticket]
) -> tuple[QuerySet[Ticket], dict[str, str]]:
    agent = request.agent  # type: ignore[attr-defined]
    params = {
        key: request.GET.get(key, "").strip()
        for key in ("view", "status", "priority", "assignee", "team", "channel", "tag", "q")
    }
    view = params["view"] if params["view"] in VIEWS else "active"
    params["view"] = view
    if view == "mine":
        tickets = tickets.filter(assignee=agent, status__in=ACTIVE_STATUSES)
    elif view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True, status__in=ACTIVE_STATUSES)
    elif view == "urgent":
        tickets = tickets.filter(priority=Priority.URGENT, status__in=ACTIVE_STATUSES)
    elif view == "pending":
        tickets = tickets.filter(status=Status.PENDING)
    elif view == "solved":
        tickets = tickets.filter(status__in=(Status.SOLVED, Status.CLOSED))
    elif view == "active":
        tickets = tickets.filter(status__in=ACTIVE_STATUSES)
    if params["status"] in Status.values:
        tickets = tickets.filter(status=params["status"])
    if params["priority"] in Priority.values:
        tickets = tickets.filter(priority=params["priority"])
    if params["assignee"] == "me":
        tickets = tickets.filter(assignee=agent)
    elif params["assignee"] == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif (assignee_id := parse_id(params["assignee"])) is not None:
        tickets = tickets.filter(assignee_id=assignee_id)
    if params["team"]:
        tickets = tickets.filter(team__slug=params["team"])
    if params["channel"] in Channel.values:
        tickets = tickets.filter(channel=params["channel"])
    if params["tag"]:
        tickets = tickets.filter(tags__name=params["tag"])
    if params["q"]:
        query = params["q"].lstrip("#")
        condition = Q(subject__icontains=params["q"]) | Q(
            customer__identities__value__icontains=params["q"]
        )
        if (number := parse_id(query)) is not None:
            condition |= Q(pk=number)
        tickets = tickets.filter(condition).distinct()
    return tickets.order_by(*URGENCY_ORDER), params


@require_GET
@console_view
def queue(request: HttpRequest) -> HttpResponse:
    tickets, params = apply_queue_filters(request, tickets_for_listing(request.agent))  # type: ignore[attr-defined]
    page = Paginator(tickets, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "params": params,
        "query_string": urlencode({k: v for k, v in params.items() if v}),
        "last_event_id": latest_event_id(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "tickets/_queue_table.html", context)
    context |= {
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "channels": Channel.choices,
        "agents": active_agents(),
        "teams": Team.objects.all(),
        "tags": Tag.objects.annotate(n=Count("tickets")).order_by("-n")[:40],
    }
    return render(request, "tickets/queue.html", context)


def ticket_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    agent = request.agent  # type: ignore[attr-defined]
    others = customer_tickets(agent, ticket.customer).exclude(pk=ticket.pk)[:10]
    return {
        "ticket": ticket,
        "timeline": ticket_timeline(ticket),
        "other_tickets": others,
        "statuses": Status.choices,
        "next_statuses": next_statuses(ticket),
        "priorities": Priority.choices,
        "agents": active_agents(),
        "teams": Team.objects.all(),
        "tag_text": " ".join(sorted(t.name for t in ticket.tags.all())),
        "last_event_id": latest_event_id(),
        "can_reassign": agent.is_supervisor,
        "client_key": uuid.uuid4().hex,
        "custom_fields": [
            (definition, ticket.custom_fields.get(definition.key))
            for definition in CustomField.objects.filter(active=True)
        ],
    }


def next_statuses(ticket: Ticket) -> list[tuple[str, str]]:
    allowed = STATUS_TRANSITIONS[Status(ticket.status)] | {ticket.status}
    return [(value, str(label)) for value, label in Status.choices if value in allowed]


@require_GET
@console_view
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    ticket = load_ticket(request, number)
    return render(request, "tickets/ticket.html", ticket_context(request, ticket))


@require_GET
@console_view
def ticket_live(request: HttpRequest, number: int) -> HttpResponse:
    """The parts of a ticket page that change: timeline, header and properties (htmx swap)."""
    ticket = load_ticket(request, number)
    return render(request, "tickets/_live.html", ticket_context(request, ticket))


def load_ticket(request: HttpRequest, number: int) -> Ticket:
    try:
        return access_ticket_by_number(request.agent, number)  # type: ignore[attr-defined]
    except CryptodeskError as error:
        raise Http404(error.message) from error


def uploaded_attachments(request: HttpRequest) -> tuple[InboundAttachment, ...]:
    return tuple(
        InboundAttachment(
            filename=upload.name or "attachment",
            content_type=upload.content_type or "application/octet-stream",
            content=upload.read(),
        )
        for upload in request.FILES.getlist("attachments")
    )


@require_POST
@console_view
def ticket_reply(request: HttpRequest, number: int) -> HttpResponse:
    ticket = load_ticket(request, number)
    internal = request.POST.get("internal") == "1"
    status = request.POST.get("status") or None
    try:
        do_add_agent_message(
            request.agent,  # type: ignore[attr-defined]
            ticket,
            request.POST.get("body", ""),
            internal=internal,
            status=status if status != ticket.status else None,
            attachments=uploaded_attachments(request),
            idempotency_key=request.POST.get("client_key") or None,
        )
    except CryptodeskError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, _("Internal note added.") if internal else _("Reply sent."))
    return redirect("tickets:detail", number=number)


def posted_assignee(raw: str) -> int | None:
    """The agent id chosen in the properties form; "" means unassigned."""
    if raw == "":
        return None
    agent_id = parse_id(raw)
    if agent_id is None:
        raise ValidationFailed(
            _("There is no active agent %(id)s.") % {"id": raw}, field="assignee"
        )
    return agent_id


def posted_custom_fields(request: HttpRequest) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for definition in CustomField.objects.filter(active=True):
        name = f"cf_{definition.key}"
        if definition.field_type == CustomField.FieldType.CHECKBOX:
            values[definition.key] = request.POST.get(name) == "on"
        elif name in request.POST:
            values[definition.key] = request.POST[name].strip() or None
    return values


@require_POST
@console_view
def ticket_update(request: HttpRequest, number: int) -> HttpResponse:
    ticket = load_ticket(request, number)
    post = request.POST
    assignee = post.get("assignee", "__unchanged__")
    team = post.get("team", "__unchanged__")
    try:
        changes = TicketChanges(
            status=post.get("status") or None,
            priority=post.get("priority") or None,
            tags=post.get("tags", "").replace(",", " ").split() if "tags" in post else None,
            assignee_id=(UNSET if assignee == "__unchanged__" else posted_assignee(assignee)),
            team_slug=UNSET if team == "__unchanged__" else (team or None),
            custom_fields=posted_custom_fields(request) if "custom_fields" in post else None,
        )
        events = check_update_ticket(request.agent, ticket, changes)  # type: ignore[attr-defined]
    except CryptodeskError as error:
        flash.error(request, error.message)
    else:
        if events:
            flash.success(request, _("Ticket updated."))
    return redirect("tickets:detail", number=number)


@require_GET
@console_view
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        attachment = access_attachment_by_id(request.agent, pk)  # type: ignore[attr-defined]
    except CryptodeskError as error:
        raise Http404(error.message) from error
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=not attachment.content_type.startswith("image/"),
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
