"""SLA clocks of tickets, driven by the ticket actions inside their transaction.

The ticket actions call these functions on the ticket they hold locked; the functions update
the ``SlaTarget`` rows and set the ticket's SLA fields on the instance. The caller saves the
ticket with ``SLA_TICKET_FIELDS`` among its update fields.

- A new ticket starts a first-response and a resolution clock.
- A customer message after an agent replied starts a next-response clock.
- A public agent reply completes the running response clocks.
- Pending and solved pause every clock; leaving them resumes, and the due times move by the
  open time that passed while paused. Closing completes every clock.
- A changed priority or tier picks the policy again and recomputes the due times from the
  same start.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from cryptodesk.core.memo import remembered
from cryptodesk.customers.models import Customer
from cryptodesk.sla.clock import Schedule, add_business_time, business_time_between
from cryptodesk.sla.models import DEFAULT_TIER, SlaPolicy, SlaTarget, TargetKind, TierTeam
from cryptodesk.tickets.models import Ticket

SLA_TICKET_FIELDS = (
    "sla_policy",
    "first_response_due",
    "next_response_due",
    "resolution_due",
    "sla_due",
    "sla_warn_at",
    "sla_breached",
    "sla_paused_at",
)
PAUSED_STATUSES = frozenset({"pending", "solved"})
FINAL_STATUSES = frozenset({"closed"})


def policy_for(priority: str, tier: str) -> SlaPolicy | None:
    """The active policy for a priority and tier; a tier without its own uses ``standard``."""

    def load() -> SlaPolicy | None:
        candidates = (
            SlaPolicy.objects.select_related("calendar")
            .filter(active=True, priority=priority, tier__in={tier, DEFAULT_TIER})
            .order_by()
        )
        by_tier = {policy.tier: policy for policy in candidates}
        return by_tier.get(tier) or by_tier.get(DEFAULT_TIER)

    return remembered(("sla.policy", priority, tier), load)


def team_for_tier(tier: str) -> int | None:
    """The dedicated team's id for a tier (VIP desks), if the tier has one."""
    return remembered(
        ("sla.tier_team", tier),
        lambda: TierTeam.objects.filter(tier=tier).values_list("team_id", flat=True).first(),
    )


def schedule_of(policy: SlaPolicy) -> Schedule:
    return remembered(("sla.schedule", policy.calendar_id), policy.calendar.schedule)


def place(target: SlaTarget, policy: SlaPolicy, schedule: Schedule) -> None:
    """Compute due and warning times from the start, the target and the time paused."""
    target.policy = policy
    target.target_seconds = policy.target_minutes(target.kind) * 60
    paused = timedelta(seconds=target.paused_seconds)
    full = timedelta(seconds=target.target_seconds)
    target.due_at = add_business_time(schedule, target.started_at, full + paused)
    warn_share = full * float(policy.warning_share)
    target.warn_at = add_business_time(
        schedule, target.started_at, timedelta(seconds=round(warn_share.total_seconds())) + paused
    )


def running_targets(ticket: Ticket) -> list[SlaTarget]:
    return list(SlaTarget.objects.filter(ticket=ticket, completed_at__isnull=True).order_by("kind"))


def new_target(ticket: Ticket, kind: str, policy: SlaPolicy, at: datetime) -> SlaTarget:
    target = SlaTarget(ticket=ticket, kind=kind, started_at=at)
    place(target, policy, schedule_of(policy))
    return target


def start_target(ticket: Ticket, kind: str, policy: SlaPolicy, at: datetime) -> SlaTarget:
    target = new_target(ticket, kind, policy, at)
    target.save()
    return target


def sync_ticket(ticket: Ticket, targets: Iterable[SlaTarget], at: datetime) -> None:
    """Copy the running targets' due times onto the ticket (what the API and queue read)."""
    due = {target.kind: target.due_at for target in targets}
    ticket.first_response_due = due.get(TargetKind.FIRST_RESPONSE)
    ticket.next_response_due = due.get(TargetKind.NEXT_RESPONSE)
    ticket.resolution_due = due.get(TargetKind.RESOLUTION)
    paused = ticket.sla_paused_at is not None
    ticket.sla_due = None if paused or not due else min(due.values())
    warn = [t.warn_at for t in targets if t.warned_at is None or t.warn_at <= at]
    ticket.sla_warn_at = None if paused or not warn else min(warn)


def start_clocks(ticket: Ticket, customer: Customer, at: datetime) -> list[SlaTarget]:
    """A new ticket, before its first save: pick the policy and set the due times of the
    first-response and resolution clocks. Store the returned targets with ``store_targets``
    once the ticket is saved (one INSERT for the ticket with its due times, one for both)."""
    policy = policy_for(ticket.priority, customer.tier)
    ticket.sla_policy = policy
    if policy is None:
        sync_ticket(ticket, [], at)
        return []
    targets = [
        new_target(ticket, TargetKind.FIRST_RESPONSE, policy, at),
        new_target(ticket, TargetKind.RESOLUTION, policy, at),
    ]
    sync_ticket(ticket, targets, at)
    return targets


def store_targets(ticket: Ticket, targets: list[SlaTarget]) -> None:
    for target in targets:
        target.ticket = ticket  # now that it has its id
    SlaTarget.objects.bulk_create(targets)


def on_customer_message(
    ticket: Ticket, customer: Customer, at: datetime, *, automated: bool = False
) -> None:
    """A message on an existing ticket. Call before the ticket's status is reopened. An
    automated message (an out-of-office reply) asks nothing: it starts no next-response clock."""
    if ticket.status in PAUSED_STATUSES:
        resume(ticket, at, save_sync=False)
    refresh_policy(ticket, customer, at, sync=False)
    targets = running_targets(ticket)
    policy = ticket.sla_policy
    agent_replied = ticket.first_response_at is not None
    kinds = {target.kind for target in targets}
    wants_reply = agent_replied and not automated
    if policy is not None and wants_reply and TargetKind.NEXT_RESPONSE not in kinds:
        targets.append(start_target(ticket, TargetKind.NEXT_RESPONSE, policy, at))
    if policy is not None and TargetKind.RESOLUTION not in kinds:
        # A ticket reopened after it was closed by an earlier resolution: a new clock.
        targets.append(start_target(ticket, TargetKind.RESOLUTION, policy, at))
    sync_ticket(ticket, targets, at)


def on_agent_reply(ticket: Ticket, at: datetime) -> None:
    """A public agent reply answers the running first- and next-response clocks."""
    targets = running_targets(ticket)
    answered = [t for t in targets if t.kind != TargetKind.RESOLUTION]
    complete(ticket, answered, at)
    sync_ticket(ticket, [t for t in targets if t.kind == TargetKind.RESOLUTION], at)


def complete(ticket: Ticket, targets: list[SlaTarget], at: datetime) -> None:
    for target in targets:
        target.completed_at = at
        if at > target.due_at and target.breached_at is None:
            target.breached_at = target.due_at
            ticket.sla_breached = True
        if target.breached_at is not None:
            ticket.sla_breached = True
    if targets:
        SlaTarget.objects.bulk_update(targets, ["completed_at", "breached_at"])


def on_status_change(ticket: Ticket, old: str, new: str, at: datetime) -> None:
    if new in FINAL_STATUSES:
        targets = running_targets(ticket)
        # A closed ticket's clocks stop where they are; one that was already late when it
        # stopped (paused or now) is a breach the check can no longer announce: record it.
        stopped = ticket.sla_paused_at or at
        for target in targets:
            target.completed_at = at
            if target.breached_at is None and target.due_at < stopped:
                target.breached_at = target.due_at
            if target.breached_at is not None:
                ticket.sla_breached = True
        SlaTarget.objects.bulk_update(targets, ["completed_at", "breached_at"])
        ticket.sla_paused_at = None
        sync_ticket(ticket, [], at)
    elif new in PAUSED_STATUSES and old not in PAUSED_STATUSES:
        # Paused after a due time had passed (no check ran in between): still a breach. The
        # check announces and escalates it, since the clock was late before it paused.
        late = SlaTarget.objects.filter(ticket=ticket, completed_at__isnull=True, due_at__lt=at)
        if late.exists():
            ticket.sla_breached = True
        ticket.sla_paused_at = at
        sync_ticket(ticket, running_targets(ticket), at)
    elif old in PAUSED_STATUSES and new not in PAUSED_STATUSES:
        resume(ticket, at)


def resume(ticket: Ticket, at: datetime, *, save_sync: bool = True) -> None:
    """Leave a pause: every running clock moves by the open time that passed meanwhile."""
    paused_at = ticket.sla_paused_at
    ticket.sla_paused_at = None
    targets = running_targets(ticket)
    policy = ticket.sla_policy
    if paused_at is not None and policy is not None and targets:
        schedule = schedule_of(policy)
        for target in targets:
            begin = max(paused_at, target.started_at)
            target.paused_seconds += int(business_time_between(schedule, begin, at).total_seconds())
            place(target, target.policy, schedule)
        SlaTarget.objects.bulk_update(targets, ["paused_seconds", "due_at", "warn_at"])
    sync_ticket(ticket, targets, at)


def refresh_policy(ticket: Ticket, customer: Customer, at: datetime, *, sync: bool = True) -> bool:
    """Pick the policy again after the priority or the customer's tier changed; running clocks
    keep their start and pauses and get the new targets. Returns whether anything changed."""
    policy = policy_for(ticket.priority, customer.tier)
    if policy is not None and ticket.sla_policy_id == policy.pk:
        return False
    if policy is None and ticket.sla_policy_id is None:
        return False
    ticket.sla_policy = policy
    targets = running_targets(ticket)
    if policy is None:
        complete(ticket, targets, at)
        targets = []
    else:
        schedule = schedule_of(policy)
        for target in targets:
            place(target, policy, schedule)
            if target.warned_at is not None and target.warn_at > at:
                target.warned_at = None  # the new target may warn again
        SlaTarget.objects.bulk_update(
            targets, ["policy", "target_seconds", "due_at", "warn_at", "warned_at"]
        )
        kinds = {target.kind for target in targets}
        if not kinds and ticket.status not in FINAL_STATUSES:
            if ticket.first_response_at is None:
                targets.append(start_target(ticket, TargetKind.FIRST_RESPONSE, policy, at))
            targets.append(start_target(ticket, TargetKind.RESOLUTION, policy, at))
    if sync:
        sync_ticket(ticket, targets, at)
    return True
