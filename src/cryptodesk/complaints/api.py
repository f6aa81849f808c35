"""REST: complaints on tickets, their remedies and decisions. Thin: parse, act, serialize."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from cryptodesk.accounts.models import Agent
from cryptodesk.complaints.actions import (
    ComplaintFacts,
    check_decide_remedy,
    check_propose_remedy,
    check_record_complaint,
)
from cryptodesk.complaints.customer_messages import format_amount
from cryptodesk.complaints.models import Complaint, Remedy
from cryptodesk.complaints.queries import (
    REMEDIES_WITH_PEOPLE,
    TABS,
    access_complaint_by_ticket,
    access_remedy_by_id,
    complaints_in_tab,
)
from cryptodesk.core.http import json_response
from cryptodesk.tickets.queries import access_ticket_by_number

# Mounted at /tickets: a complaint belongs to its ticket (/tickets/{number}/complaint).
router = Router(tags=["complaints"])
# Mounted at /complaints: the queue of complaints.
queue_router = Router(tags=["complaints"])

EmotionName = Literal["", "calm", "confused", "worried", "frustrated", "angry", "distressed"]
AMOUNT_DESCRIPTION = 'A decimal number as a string, for example "125.50" (never a float)'


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ComplaintIn(StrictSchema):
    what_happened: str = Field(..., min_length=1, max_length=5000)
    occurred_at: datetime = Field(..., description="When it happened, with a time zone")
    product: str = Field("", max_length=100)
    asset: str = Field("", max_length=20)
    amount: str | None = Field(None, max_length=60, description=AMOUNT_DESCRIPTION)
    emotion: EmotionName = Field("", description="As judged by the agent; empty: detect it")
    fund_security: bool = False


class RemedyIn(StrictSchema):
    kind: Literal["refund", "compensation"]
    asset: str = Field(..., min_length=1, max_length=20)
    amount: str = Field(..., min_length=1, max_length=60, description=AMOUNT_DESCRIPTION)
    reason: str = Field(..., min_length=1, max_length=5000)


class DecisionIn(StrictSchema):
    decision: Literal["approve", "reject"]
    note: str = Field("", max_length=5000, description="Required when rejecting")


class PersonOut(Schema):
    id: int
    name: str


class RemedyOut(Schema):
    id: int
    kind: str
    asset: str
    amount: str
    reason: str
    status: str
    proposed_by: PersonOut | None
    proposed_at: datetime
    decided_by: PersonOut | None
    decided_at: datetime | None
    decision_note: str


class ComplaintOut(Schema):
    ticket: int
    what_happened: str
    occurred_at: datetime
    product: str
    asset: str
    amount: str | None
    emotion_recorded: str
    emotion_detected: str
    fund_security: bool
    severity: str
    severity_reasons: list[str]
    stage: str
    recorded_by: PersonOut | None
    created_at: datetime
    resolved_at: datetime | None
    follow_up_due_at: datetime | None
    follow_up_sent_at: datetime | None
    remedies: list[RemedyOut]


class ComplaintListOut(Schema):
    count: int
    results: list[ComplaintOut]


class ComplaintFilters(Schema):
    tab: Literal["open", "fund_security", "awaiting_approval", "follow_up", "closed", "all"] = (
        "open"
    )
    limit: int = Field(50, ge=1, le=200)


def person(agent: Agent | None) -> dict[str, Any] | None:
    return {"id": agent.pk, "name": agent.display_name} if agent else None


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format_amount(value)


def remedy_json(remedy: Remedy) -> dict[str, Any]:
    return {
        "id": remedy.pk,
        "kind": remedy.kind,
        "asset": remedy.asset,
        "amount": decimal_text(remedy.amount),
        "reason": remedy.reason,
        "status": remedy.status,
        "proposed_by": person(remedy.proposed_by),
        "proposed_at": remedy.proposed_at,
        "decided_by": person(remedy.decided_by),
        "decided_at": remedy.decided_at,
        "decision_note": remedy.decision_note,
    }


def complaint_json(complaint: Complaint) -> dict[str, Any]:
    return {
        "ticket": complaint.ticket_id,
        "what_happened": complaint.what_happened,
        "occurred_at": complaint.occurred_at,
        "product": complaint.product,
        "asset": complaint.asset,
        "amount": decimal_text(complaint.amount),
        "emotion_recorded": complaint.emotion_recorded,
        "emotion_detected": complaint.emotion_detected,
        "fund_security": complaint.fund_security,
        "severity": complaint.severity,
        "severity_reasons": complaint.severity_reasons,
        "stage": complaint.stage,
        "recorded_by": person(complaint.recorded_by),
        "created_at": complaint.created_at,
        "resolved_at": complaint.resolved_at,
        "follow_up_due_at": complaint.follow_up_due_at,
        "follow_up_sent_at": complaint.follow_up_sent_at,
        "remedies": [remedy_json(r) for r in complaint.remedies.all()],
    }


@router.post(
    "/{number}/complaint",
    response={201: ComplaintOut},
    summary="Record a ticket as a complaint",
    description=(
        "Validates the facts, classifies the severity (see docs/complaints.md) and, when the "
        "complaint touches fund security, sets the ticket to urgent and notifies every "
        "supervisor. 409 when the ticket is already a complaint."
    ),
)
def record_complaint(request: HttpRequest, number: int, payload: ComplaintIn) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    ticket = access_ticket_by_number(agent, number)
    check_record_complaint(
        agent,
        ticket,
        ComplaintFacts(
            what_happened=payload.what_happened,
            occurred_at=payload.occurred_at,
            product=payload.product,
            asset=payload.asset,
            amount=payload.amount,
            emotion=payload.emotion,
            fund_security=payload.fund_security,
        ),
    )
    return json_response(complaint_json(access_complaint_by_ticket(agent, number)), status=201)


@router.get("/{number}/complaint", response=ComplaintOut, summary="The complaint of a ticket")
def get_complaint(request: HttpRequest, number: int) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    return json_response(complaint_json(access_complaint_by_ticket(agent, number)))


@router.post(
    "/{number}/complaint/remedies",
    response={201: RemedyOut},
    summary="Propose a refund or compensation",
    description="A supervisor other than the proposer must approve or reject it.",
)
def propose_remedy(request: HttpRequest, number: int, payload: RemedyIn) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    complaint = access_complaint_by_ticket(agent, number)
    remedy = check_propose_remedy(
        agent,
        complaint,
        kind=payload.kind,
        asset=payload.asset,
        amount=payload.amount,
        reason=payload.reason,
    )
    return json_response(remedy_json(access_remedy_by_id(agent, number, remedy.pk)), status=201)


@router.post(
    "/{number}/complaint/remedies/{remedy_id}/decision",
    response=RemedyOut,
    summary="Approve or reject a proposed remedy (supervisors, four-eyes)",
    description=(
        "Only a supervisor who did not propose the remedy may decide it; a remedy is decided "
        "once (409 afterwards). On approval the customer receives the explanation and the "
        "remedy in their language."
    ),
)
def decide_remedy(
    request: HttpRequest, number: int, remedy_id: int, payload: DecisionIn
) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    remedy = access_remedy_by_id(agent, number, remedy_id)
    check_decide_remedy(agent, remedy, approve=payload.decision == "approve", note=payload.note)
    return json_response(remedy_json(access_remedy_by_id(agent, number, remedy_id)))


@queue_router.get("", response=ComplaintListOut, summary="Complaints by stage, newest first")
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilters]) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    assert filters.tab in TABS
    complaints = list(
        complaints_in_tab(agent, filters.tab).prefetch_related(REMEDIES_WITH_PEOPLE)[
            : filters.limit
        ]
    )
    return json_response(
        {"count": len(complaints), "results": [complaint_json(c) for c in complaints]}
    )
