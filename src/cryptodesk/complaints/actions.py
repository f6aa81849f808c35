"""Every write of the complaint workflow: record, escalate, propose and decide remedies
(four-eyes), resolve, follow up, and take the customer's answer."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cryptodesk.accounts.models import Agent, Role
from cryptodesk.complaints import tasks
from cryptodesk.complaints.customer_messages import follow_up_text, remedy_approved_text
from cryptodesk.complaints.models import (
    OPEN_STAGES,
    PROPOSABLE_STAGES,
    SEVERITY_RANK,
    Complaint,
    Emotion,
    Remedy,
    Severity,
    Stage,
)
from cryptodesk.complaints.queries import FOLLOW_UP_SALT, access_complaint_by_follow_up_token
from cryptodesk.complaints.severity import SeverityFacts, classify
from cryptodesk.core import clock
from cryptodesk.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from cryptodesk.sla import tracking as sla_tracking
from cryptodesk.tickets.actions import (
    change_status,
    deliver_on_commit,
    lock_ticket,
    record_event,
)
from cryptodesk.tickets.models import (
    AuthorKind,
    EventKind,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)
from cryptodesk.tickets.realtime import publish_on_commit

ASSET_PATTERN = re.compile(r"^[A-Z0-9]{2,20}$")
MAX_TEXT = 5000
MAX_DECIMALS = 18
MAX_INTEGER_DIGITS = 20


logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ComplaintFacts:
    """What the agent records. ``emotion`` empty means "let the analysis decide"."""

    what_happened: str
    occurred_at: datetime | None
    product: str = ""
    asset: str = ""
    amount: Decimal | str | None = None
    emotion: str = ""
    fund_security: bool = False


def setting(name: str, default: str) -> str:
    """A Django setting (``settings.py`` reads it from the environment), else ``default``."""
    return str(getattr(settings, name, None) or default)


DEFAULT_FOLLOW_UP_DAYS = 3.0


def follow_up_delay() -> timedelta:
    """How long after a resolution the customer is asked (days; fractions allowed). A value
    that is not a positive number of at most a year falls back to the default: solving a
    ticket must never fail over a mistyped setting."""
    raw = setting("CRYPTODESK_COMPLAINT_FOLLOW_UP_DAYS", str(DEFAULT_FOLLOW_UP_DAYS))
    try:
        days = float(raw)
    except ValueError:
        days = math.nan
    if not (0 < days <= 366):
        logger.warning("CRYPTODESK_COMPLAINT_FOLLOW_UP_DAYS=%r is not a number of days", raw)
        days = DEFAULT_FOLLOW_UP_DAYS
    return timedelta(days=days)


def public_url(path: str) -> str:
    base = setting("CRYPTODESK_PUBLIC_URL", "http://127.0.0.1:8000")
    return base.rstrip("/") + path


# --- validation -----------------------------------------------------------------------------


def clean_text(value: str, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = value.replace("\x00", "").strip()
    if required and not value:
        raise ValidationFailed(_("This field is required."), field=field)
    if len(value) > limit:
        raise ValidationFailed(_("At most %(count)d characters.") % {"count": limit}, field=field)
    return value


def clean_asset(value: str, field: str = "asset", *, required: bool = True) -> str:
    asset = value.strip().upper()
    if not asset and not required:
        return ""
    if not ASSET_PATTERN.match(asset):
        raise ValidationFailed(
            _("Write the asset as its ticker, for example USDT or BTC."), field=field
        )
    return asset


def clean_amount(value: Decimal | str | None, field: str = "amount") -> Decimal | None:
    """A positive decimal with at most 18 decimal places; None when not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as error:
        raise ValidationFailed(
            _("'%(value)s' is not a number.") % {"value": value}, field=field
        ) from error
    if not amount.is_finite() or amount <= 0:
        raise ValidationFailed(_("The amount must be greater than zero."), field=field)
    # Count digits on the exact value: normalize() would round to the context's 28 digits
    # (storing a value other than the one given) and overflow on huge exponents.
    _sign, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite, checked above
    while exponent < 0 and len(digits) > 1 and digits[-1] == 0:  # 1.50 -> 1.5
        digits, exponent = digits[:-1], exponent + 1
    decimals = max(-exponent, 0)
    integer_digits = max(len(digits) + exponent, 0)
    if decimals > MAX_DECIMALS or integer_digits > MAX_INTEGER_DIGITS:
        raise ValidationFailed(
            _("The amount may have at most 20 digits before and 18 after the decimal point."),
            field=field,
        )
    return amount


# --- what the analysis of the customer's messages says ---------------------------------------


def detected_emotion(ticket: Ticket, since: datetime | None = None) -> str:
    """Angry if any customer message (since ``since``) showed anger, frustrated if the latest
    was negative, calm when messages were analysed and neither, else "" (nothing known)."""
    messages = ticket.messages.filter(author_kind=AuthorKind.CUSTOMER)
    if since is not None:
        messages = messages.filter(created_at__gte=since)
    analyses = [m.get("understanding") or {} for m in messages.values_list("analysis", flat=True)]
    analysed = [a for a in analyses if a.get("sentiment") or a.get("anger")]
    if any(a.get("anger") for a in analysed):
        return Emotion.ANGRY
    if analysed and analysed[-1].get("sentiment") == "negative":
        return Emotion.FRUSTRATED
    return Emotion.CALM if analysed else ""


def funds_at_risk(ticket: Ticket) -> bool:
    return ticket.is_security_case or any(
        (analysis.get("understanding") or {}).get("funds_at_risk")
        for analysis in ticket.messages.filter(author_kind=AuthorKind.CUSTOMER).values_list(
            "analysis", flat=True
        )
    )


def supervisor_ids(exclude: Agent | None = None) -> list[int]:
    ids = Agent.objects.filter(
        role__in=(Role.SUPERVISOR, Role.ADMIN), user__is_active=True
    ).values_list("pk", flat=True)
    return [pk for pk in ids if exclude is None or pk != exclude.pk]


def notify_on_commit(agent_ids: list[int], event: TicketEvent, kind: str) -> None:
    if not agent_ids:
        return
    event_id = event.pk
    transaction.on_commit(lambda: tasks.notify_agents.enqueue(agent_ids, event_id, kind))


def lock_complaint(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("ticket", "ticket__customer")
        .get(pk=complaint.pk)
    )


# --- recording -------------------------------------------------------------------------------


def check_record_complaint(
    agent: Agent, ticket: Ticket, facts: ComplaintFacts, *, at: datetime | None = None
) -> Complaint:
    """Make ``ticket`` (from an access_* query) a complaint: validate the facts, classify the
    severity, and escalate at once when fund security is involved."""
    at = at or clock.now()
    what = clean_text(facts.what_happened, "what_happened")
    if facts.occurred_at is None:
        raise ValidationFailed(_("Say when it happened."), field="occurred_at")
    if timezone.is_naive(facts.occurred_at):
        raise ValidationFailed(_("Give the time with its time zone."), field="occurred_at")
    if facts.occurred_at > at + timedelta(minutes=5):
        raise ValidationFailed(_("The time it happened is in the future."), field="occurred_at")
    product = clean_text(facts.product, "product", required=False, limit=100)
    asset = clean_asset(facts.asset, required=False)
    if not product and not asset:
        raise ValidationFailed(
            _("Name the product or the asset the complaint is about."), field="product"
        )
    amount = clean_amount(facts.amount)
    if amount is not None and not asset:
        raise ValidationFailed(_("Name the asset of the amount."), field="asset")
    if facts.emotion and facts.emotion not in Emotion.values:
        raise ValidationFailed(
            _("Emotion must be one of %(values)s.") % {"values": ", ".join(Emotion.values)},
            field="emotion",
        )
    try:
        with transaction.atomic():
            locked = lock_ticket(ticket)
            if locked.status == Status.CLOSED:
                raise InvalidTransition(
                    _("Ticket %(number)d is closed; record the complaint on a new ticket.")
                    % {"number": locked.pk},
                    field="ticket",
                )
            detected = detected_emotion(locked)
            fund_security = facts.fund_security or funds_at_risk(locked)
            severity, reasons = classify(
                SeverityFacts(
                    fund_security=fund_security,
                    asset=asset,
                    amount=amount,
                    emotions=frozenset(e for e in (facts.emotion, detected) if e),
                    tier=locked.customer.tier,
                )
            )
            complaint = Complaint.objects.create(
                ticket=locked,
                what_happened=what,
                occurred_at=facts.occurred_at,
                product=product,
                asset=asset,
                amount=amount,
                emotion_recorded=facts.emotion,
                emotion_detected=detected,
                fund_security=fund_security,
                severity=severity,
                severity_reasons=reasons,
                recorded_by=agent,
                created_at=at,
                updated_at=at,
            )
            events = [
                record_event(
                    locked,
                    EventKind.COMPLAINT,
                    actor_kind=AuthorKind.AGENT,
                    actor=agent,
                    data={"action": "recorded", "severity": severity, "reasons": reasons},
                    at=at,
                )
            ]
            if fund_security:
                events += escalate_fund_security(locked, agent, at)
            locked.updated_at = at
            locked.save(
                update_fields=[
                    "updated_at",
                    "priority",
                    "priority_rank",
                    *sla_tracking.SLA_TICKET_FIELDS,
                ]
            )
            publish_on_commit(locked, events)
    except IntegrityError as error:
        raise InvalidTransition(
            _("Ticket %(number)d is already a complaint.") % {"number": ticket.pk},
            field="ticket",
        ) from error
    return complaint


def escalate_fund_security(ticket: Ticket, agent: Agent | None, at: datetime) -> list[TicketEvent]:
    """Urgent priority, an escalation event, and a notification to every supervisor."""
    events: list[TicketEvent] = []
    if ticket.priority != Priority.URGENT:
        events.append(
            record_event(
                ticket,
                EventKind.PRIORITY,
                actor_kind=AuthorKind.SYSTEM,
                data={
                    "from": ticket.priority,
                    "to": Priority.URGENT,
                    "reason": "fund_security_complaint",
                },
                at=at,
            )
        )
        ticket.set_priority(Priority.URGENT)
        # Urgent tickets have their own SLA policy: its tighter due times apply at once.
        sla_tracking.refresh_policy(ticket, ticket.customer, at)
    escalation = record_event(
        ticket,
        EventKind.ESCALATION,
        actor_kind=AuthorKind.SYSTEM,
        data={"reason": "fund_security", "to": "supervisors"},
        at=at,
    )
    events.append(escalation)
    notify_on_commit(supervisor_ids(), escalation, "complaint_fund_security")
    return events


def do_refresh_detected_emotion(complaint: Complaint, *, at: datetime | None = None) -> bool:
    """Raise the detected emotion (and with it the severity) when a customer message since the
    complaint was recorded shows anger. Returns True when something changed."""
    if complaint.emotion_detected == Emotion.ANGRY:
        return False
    if detected_emotion(complaint.ticket, since=complaint.created_at) != Emotion.ANGRY:
        return False
    at = at or clock.now()
    with transaction.atomic():
        locked = lock_complaint(complaint)
        if locked.emotion_detected == Emotion.ANGRY:
            return False
        severity, reasons = classify(
            SeverityFacts(
                fund_security=locked.fund_security,
                asset=locked.asset,
                amount=locked.amount,
                emotions=frozenset(e for e in (locked.emotion_recorded, Emotion.ANGRY) if e),
                tier=locked.ticket.customer.tier,
            )
        )
        data: dict[str, Any] = {"action": "emotion", "emotion": Emotion.ANGRY}
        locked.emotion_detected = Emotion.ANGRY
        fields = ["emotion_detected", "updated_at"]
        if SEVERITY_RANK[Severity(severity)] > SEVERITY_RANK[Severity(locked.severity)]:
            data |= {"severity": severity, "from": locked.severity}
            locked.severity, locked.severity_reasons = severity, reasons
            fields += ["severity", "severity_reasons"]
        locked.updated_at = at
        locked.save(update_fields=fields)
        event = record_event(
            locked.ticket, EventKind.COMPLAINT, actor_kind=AuthorKind.SYSTEM, data=data, at=at
        )
        publish_on_commit(locked.ticket, [event])
    complaint.refresh_from_db()
    return True


def on_angry_customer_message(ticket: Ticket, at: datetime) -> None:
    """Called by the message path, inside its transaction, when an angry customer message lands
    on an existing ticket: a complaint on it records the detected emotion at once."""
    complaint = Complaint.objects.select_related("ticket").filter(ticket_id=ticket.pk).first()
    if complaint is not None:
        do_refresh_detected_emotion(complaint, at=at)


# --- remedies (four-eyes) --------------------------------------------------------------------


def check_propose_remedy(
    agent: Agent,
    complaint: Complaint,
    *,
    kind: str,
    asset: str,
    amount: Decimal | str | None,
    reason: str,
    at: datetime | None = None,
) -> Remedy:
    """An agent proposes a refund or compensation; a different supervisor must decide it."""
    if kind not in Remedy.Kind.values:
        raise ValidationFailed(
            _("Kind must be one of %(values)s.") % {"values": ", ".join(Remedy.Kind.values)},
            field="kind",
        )
    asset = clean_asset(asset)
    cleaned = clean_amount(amount)
    if cleaned is None:
        raise ValidationFailed(_("The amount must be greater than zero."), field="amount")
    reason = clean_text(reason, "reason")
    at = at or clock.now()
    do_refresh_detected_emotion(complaint, at=at)
    try:
        with transaction.atomic():
            locked = lock_complaint(complaint)
            if locked.stage not in PROPOSABLE_STAGES:
                raise InvalidTransition(
                    _("A remedy cannot be proposed while the complaint is '%(stage)s'.")
                    % {"stage": locked.get_stage_display()},
                    field="stage",
                )
            remedy = Remedy.objects.create(
                complaint=locked,
                kind=kind,
                asset=asset,
                amount=cleaned,
                reason=reason,
                proposed_by=agent,
                proposed_at=at,
            )
            locked.stage = Stage.REMEDY_PROPOSED
            locked.updated_at = at
            locked.save(update_fields=["stage", "updated_at"])
            event = record_event(
                locked.ticket,
                EventKind.REMEDY,
                actor_kind=AuthorKind.AGENT,
                actor=agent,
                data={
                    "action": "proposed",
                    "remedy": remedy.pk,
                    "kind": kind,
                    "asset": asset,
                    "amount": str(cleaned),
                    "reason": reason,
                },
                at=at,
            )
            publish_on_commit(locked.ticket, [event])
            notify_on_commit(supervisor_ids(exclude=agent), event, "remedy_approval")
    except IntegrityError as error:
        raise InvalidTransition(
            _("A remedy for this complaint is already waiting for a decision."), field="remedy"
        ) from error
    complaint.refresh_from_db()
    return remedy


def check_decide_remedy(
    agent: Agent, remedy: Remedy, *, approve: bool, note: str = "", at: datetime | None = None
) -> Remedy:
    """A supervisor other than the proposer approves or rejects a proposed remedy. The row lock
    makes concurrent decisions safe: the second one finds it decided and fails."""
    if not agent.has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Only supervisors can approve or reject a remedy."))
    note = clean_text(note, "note", required=not approve)
    at = at or clock.now()
    with transaction.atomic():
        locked = (
            Remedy.objects.select_for_update(of=("self",))
            .select_related("complaint", "complaint__ticket", "complaint__ticket__customer")
            .get(pk=remedy.pk)
        )
        if locked.status != Remedy.Status.PROPOSED:
            raise InvalidTransition(
                _("This remedy was already %(status)s.")
                % {"status": locked.get_status_display().lower()},
                field="remedy",
            )
        if locked.proposed_by_id == agent.pk:
            raise PermissionDenied(
                _("You proposed this remedy: another supervisor must decide it (four-eyes rule)."),
                field="remedy",
            )
        complaint = lock_complaint(locked.complaint)
        locked.status = Remedy.Status.APPROVED if approve else Remedy.Status.REJECTED
        locked.decided_by = agent
        locked.decided_at = at
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if complaint.stage == Stage.REMEDY_PROPOSED:
            complaint.stage = Stage.REMEDY_APPROVED if approve else Stage.REMEDY_REJECTED
        complaint.updated_at = at
        complaint.save(update_fields=["stage", "updated_at"])
        ticket = complaint.ticket
        events = [
            record_event(
                ticket,
                EventKind.REMEDY,
                actor_kind=AuthorKind.AGENT,
                actor=agent,
                data={
                    "action": "approved" if approve else "rejected",
                    "remedy": locked.pk,
                    "kind": locked.kind,
                    "asset": locked.asset,
                    "amount": str(locked.amount),
                    "note": note,
                },
                at=at,
            )
        ]
        if approve:
            locked.complaint = complaint
            events.append(
                send_customer_message(ticket, remedy_approved_text(locked), at, "complaint_remedy")
            )
        publish_on_commit(ticket, events)
        if locked.proposed_by_id is not None:
            notify_on_commit([locked.proposed_by_id], events[0], "remedy_decided")
    return locked


def send_customer_message(ticket: Ticket, text: str, at: datetime, purpose: str) -> TicketEvent:
    """A system message to the customer on the ticket's channel, delivered after commit.
    ``purpose`` is kept in the message's analysis ("complaint_remedy", "complaint_follow_up")."""
    message = Message.objects.create(
        ticket=ticket,
        author_kind=AuthorKind.SYSTEM,
        channel=ticket.channel,
        text=text,
        analysis={"automatic": purpose},
        created_at=at,
    )
    deliver_on_commit(message)
    return record_event(
        ticket, EventKind.MESSAGE, actor_kind=AuthorKind.SYSTEM, message=message, at=at
    )


# --- resolution and follow-up ----------------------------------------------------------------


def on_ticket_solved(ticket: Ticket, at: datetime) -> TicketEvent | None:
    """Called by tickets.actions.change_status inside its transaction when a ticket becomes
    solved: a complaint on it becomes resolved and its follow-up is scheduled (once per
    resolution; the task itself checks that the resolution still stands)."""
    complaint = (
        Complaint.objects.select_for_update(of=("self",)).filter(ticket_id=ticket.pk).first()
    )
    if complaint is None:
        return None
    # A follow-up that was sent but not answered belongs to the previous resolution: the
    # ticket was reopened meanwhile, so this resolution gets its own question (and the old
    # link stops working, its token naming the old resolution time).
    if complaint.stage not in (*OPEN_STAGES, Stage.RESOLVED, Stage.FOLLOW_UP_SENT):
        return None
    if complaint.stage == Stage.RESOLVED and complaint.resolved_at == at:
        return None
    due = at + follow_up_delay()
    complaint.stage = Stage.RESOLVED
    complaint.resolved_at = at
    complaint.follow_up_due_at = due
    complaint.updated_at = at
    complaint.save(update_fields=["stage", "resolved_at", "follow_up_due_at", "updated_at"])
    event = record_event(
        ticket,
        EventKind.FOLLOW_UP,
        actor_kind=AuthorKind.SYSTEM,
        data={"action": "scheduled", "due": due.isoformat()},
        at=at,
    )
    publish_on_commit(ticket, [event])
    complaint_id, resolved = complaint.pk, at.isoformat()
    transaction.on_commit(
        lambda: tasks.send_follow_up.using(run_after=due).enqueue(complaint_id, resolved)
    )
    return event


def follow_up_token(complaint: Complaint) -> str:
    assert complaint.resolved_at is not None
    return signing.dumps(
        {"c": complaint.pk, "r": complaint.resolved_at.isoformat()}, salt=FOLLOW_UP_SALT
    )


def do_send_follow_up(complaint_id: int, resolved_at: str, *, at: datetime | None = None) -> bool:
    """Ask the customer whether the resolution satisfied them. Does nothing (returns False)
    when the complaint moved on since this follow-up was scheduled, or was asked already."""
    at = at or clock.now()
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("ticket", "ticket__customer")
            .filter(pk=complaint_id)
            .first()
        )
        if complaint is None or complaint.stage != Stage.RESOLVED:
            return False
        if complaint.resolved_at is None or complaint.resolved_at.isoformat() != resolved_at:
            return False
        ticket = complaint.ticket
        if ticket.status not in (Status.SOLVED, Status.CLOSED):
            return False
        path = reverse("complaints:follow_up", kwargs={"token": follow_up_token(complaint)})
        text = follow_up_text(
            complaint, public_url(f"{path}?answer=yes"), public_url(f"{path}?answer=no")
        )
        events = [send_customer_message(ticket, text, at, "complaint_follow_up")]
        events.append(
            record_event(
                ticket,
                EventKind.FOLLOW_UP,
                actor_kind=AuthorKind.SYSTEM,
                data={"action": "sent"},
                at=at,
            )
        )
        complaint.stage = Stage.FOLLOW_UP_SENT
        complaint.follow_up_sent_at = at
        complaint.updated_at = at
        complaint.save(update_fields=["stage", "follow_up_sent_at", "updated_at"])
        publish_on_commit(ticket, events)
    return True


def check_answer_follow_up(token: str, *, satisfied: bool, at: datetime | None = None) -> Complaint:
    """The customer's answer from the signed link. "No" reopens the ticket and the complaint
    and tells the assignee (or every supervisor when nobody is assigned)."""
    complaint = access_complaint_by_follow_up_token(token)
    at = at or clock.now()
    with transaction.atomic():
        locked = lock_complaint(complaint)
        if locked.stage in (Stage.SATISFIED, Stage.REOPENED) and locked.answered_at:
            raise InvalidTransition(_("You have already answered. Thank you."))
        if locked.stage != Stage.FOLLOW_UP_SENT:
            raise InvalidTransition(_("This question is not open for an answer."))
        ticket = lock_ticket(locked.ticket)
        if ticket.status not in (Status.SOLVED, Status.CLOSED):
            # The ticket was reopened since we asked (the customer wrote again, or an agent
            # took it up): the resolution the question was about no longer stands.
            raise InvalidTransition(
                _("This question is out of date: your complaint has changed since we asked.")
            )
        events = [
            record_event(
                ticket,
                EventKind.FOLLOW_UP,
                actor_kind=AuthorKind.CUSTOMER,
                data={"action": "answered", "satisfied": satisfied},
                at=at,
            )
        ]
        locked.answered_at = at
        locked.updated_at = at
        fields = ["stage", "answered_at", "updated_at"]
        if satisfied:
            locked.stage = Stage.SATISFIED
        else:
            locked.stage = Stage.REOPENED
            locked.reopen_count += 1
            fields.append("reopen_count")
            events.append(
                record_event(
                    ticket,
                    EventKind.COMPLAINT,
                    actor_kind=AuthorKind.CUSTOMER,
                    data={"action": "reopened"},
                    at=at,
                )
            )
            if ticket.status == Status.SOLVED:
                events.append(change_status(ticket, Status.OPEN, None, at))
            ticket.updated_at = at
            # Reopening resumes the SLA clocks (change_status moved them): save those too.
            ticket.save(
                update_fields=[
                    "status",
                    "solved_at",
                    "closed_at",
                    "updated_at",
                    *sla_tracking.SLA_TICKET_FIELDS,
                ]
            )
            targets = [ticket.assignee_id] if ticket.assignee_id else supervisor_ids()
            notify_on_commit(targets, events[-1], "complaint_reopened")
        locked.save(update_fields=fields)
        publish_on_commit(ticket, events)
    return locked
