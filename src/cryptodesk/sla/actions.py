"""Every write of the sla app: the auto-acknowledgement, automatic assignment and presence,
the warning/escalation pass, and the supervisors' edits of calendars and policies."""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import holidays
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import formats, translation
from django.utils.translation import gettext as _

from cryptodesk.accounts.models import Agent, Notification, Presence, Role, Skill, Team
from cryptodesk.core import clock
from cryptodesk.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from cryptodesk.customers.models import Customer
from cryptodesk.nlu.language import support_language
from cryptodesk.sla import tasks
from cryptodesk.sla.clock import parse_hours
from cryptodesk.sla.models import (
    DEFAULT_WARNING_SHARE,
    BusinessCalendar,
    CalendarHoliday,
    SlaPolicy,
    SlaTarget,
    TargetKind,
    TierTeam,
)
from cryptodesk.sla.queries import URGENCY_ORDER
from cryptodesk.sla.tracking import (
    PAUSED_STATUSES,
    SLA_TICKET_FIELDS,
    policy_for,
    refresh_policy,
    start_target,
    sync_ticket,
)
from cryptodesk.tickets.actions import (
    deliver_on_commit,
    notify_after_commit,
    publish_on_commit,
    record_event,
)
from cryptodesk.tickets.models import (
    ACTIVE_STATUSES,
    PRIORITY_RANK,
    AuthorKind,
    Channel,
    EventKind,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)

logger = logging.getLogger(__name__)
SettingsRow = TypeVar("SettingsRow", BusinessCalendar, SlaPolicy)
# Statuses in which a ticket waits for an agent and may be assigned automatically.
ASSIGNABLE_STATUSES = (Status.NEW, Status.OPEN, Status.ON_HOLD)


# --- auto-acknowledgement --------------------------------------------------------------------


def customer_language(ticket: Ticket) -> str:
    for candidate in (ticket.language, ticket.customer.language):
        if (code := support_language(candidate)) is not None:
            return code
    return "en"


def acknowledgement_text(ticket: Ticket, language: str) -> str:
    """The acknowledgement in the customer's language, with the expected first-reply time in
    the time zone of the calendar the ticket's policy names."""
    with translation.override(language):
        lines = [
            _("Thank you for contacting us. We have received your request."),
            _("Your ticket number is #%(number)s. Please keep it in the subject of any reply.")
            % {"number": ticket.pk},
        ]
        due = ticket.first_response_due
        if due is not None and ticket.sla_policy is not None and due > clock.now():
            zone = zoneinfo.ZoneInfo(ticket.sla_policy.calendar.time_zone)
            local = due.astimezone(zone)
            when = formats.date_format(local, _("D j M Y, H:i"))
            lines.append(
                _("You can expect our first reply by %(when)s (%(zone)s time).")
                % {"when": when, "zone": zone.key}
            )
        else:
            lines.append(_("We will reply as soon as we can."))
        lines.append(
            _("Our staff will never ask for your recovery phrase, private keys or password.")
        )
        return "\n\n".join(lines)


def do_acknowledge_ticket(number: int) -> Message | None:
    """Send the auto-acknowledgement of a new ticket, at most once per ticket. Chats are not
    acknowledged (the customer is talking to us already), nor tickets an agent has answered or
    solved before the task ran (a backlog worked off, an import)."""
    at = clock.now()
    with transaction.atomic():
        claimed = (
            Ticket.objects.filter(
                pk=number, acknowledged_at__isnull=True, first_response_at__isnull=True
            )
            .exclude(channel=Channel.CHAT)
            .exclude(status__in=[Status.SOLVED, Status.CLOSED])
            .update(acknowledged_at=at)
        )
        if not claimed:
            return None
        ticket = Ticket.objects.select_related("customer", "sla_policy__calendar").get(pk=number)
        message = Message.objects.create(
            ticket=ticket,
            author_kind=AuthorKind.SYSTEM,
            channel=ticket.channel,
            text=acknowledgement_text(ticket, customer_language(ticket)),
            analysis={"automatic": "acknowledgement"},
            created_at=at,
        )
        deliver_on_commit(message)
        event = record_event(
            ticket, EventKind.MESSAGE, actor_kind=AuthorKind.SYSTEM, message=message, at=at
        )
        publish_on_commit(ticket, [event])
    return message


# --- assignment ------------------------------------------------------------------------------


def eligible_agents_filter(ticket: Ticket) -> Q:
    """Online, active, with the ticket's language and topic skills, in its team if it has one."""
    condition = Q(presence=Presence.ONLINE, user__is_active=True)
    if ticket.language:
        condition &= Q(
            pk__in=Skill.objects.filter(kind=Skill.Kind.LANGUAGE, code=ticket.language).values(
                "agents"
            )
        )
    if ticket.topic:
        condition &= Q(
            pk__in=Skill.objects.filter(kind=Skill.Kind.TOPIC, code=ticket.topic).values("agents")
        )
    if ticket.team_id is not None:
        condition &= Q(teams=ticket.team_id)
    return condition


def open_loads(agent_ids: list[int]) -> dict[int, int]:
    rows = (
        Ticket.objects.filter(assignee_id__in=agent_ids, status__in=ACTIVE_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["assignee_id"]: row["n"] for row in rows}


def pick_agent(agents: list[Agent], loads: dict[int, int]) -> Agent | None:
    """The least loaded agent under capacity; ties go to the one assigned longest ago."""
    under = [a for a in agents if loads.get(a.pk, 0) < a.capacity]
    if not under:
        return None
    never = datetime.min.replace(tzinfo=zoneinfo.ZoneInfo("UTC"))
    return min(under, key=lambda a: (loads.get(a.pk, 0), a.last_assigned_at or never, a.pk))


def do_auto_assign(number: int, *, actor: Agent | None = None) -> Agent | None:
    """Assign an unassigned waiting ticket to the best eligible agent; None when nobody fits.

    Safe with many processes: the ticket row is locked first, then the candidate agents in id
    order, and the loads are counted after the locks are held, so two assignments cannot both
    fill an agent's last slot and one ticket is never assigned twice."""
    at = clock.now()
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("team")
            .filter(pk=number)
            .first()
        )
        if ticket is None or ticket.assignee_id is not None:
            return None
        if ticket.status not in ASSIGNABLE_STATUSES:
            return None
        candidate_ids = list(
            Agent.objects.filter(eligible_agents_filter(ticket))
            .values_list("pk", flat=True)
            .distinct()
            .order_by("pk")
        )
        if not candidate_ids:
            return None
        agents = list(
            Agent.objects.select_for_update()
            .filter(pk__in=candidate_ids, presence=Presence.ONLINE)
            .order_by("pk")
        )
        chosen = pick_agent(agents, open_loads([a.pk for a in agents]))
        if chosen is None:
            return None
        event = record_event(
            ticket,
            EventKind.ASSIGNEE,
            actor_kind=AuthorKind.AGENT if actor else AuthorKind.SYSTEM,
            actor=actor,
            data={"from": None, "to": chosen.display_name, "reason": "automatic"},
            at=at,
        )
        ticket.assignee = chosen
        ticket.updated_at = at
        ticket.save(update_fields=["assignee", "updated_at"])
        Agent.objects.filter(pk=chosen.pk).update(last_assigned_at=at)
        publish_on_commit(ticket, [event])
        notify_after_commit(chosen.pk, event.pk)
    return chosen


def check_auto_assign(actor: Agent, ticket: Ticket) -> Agent:
    """The API's automatic assignment: supervisors only, since it picks someone else."""
    if not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied(
            _("Only supervisors can start automatic assignment; take the ticket yourself."),
            field="agent",
        )
    if ticket.assignee_id is not None:
        raise InvalidTransition(
            _("Ticket %(number)s is already assigned; unassign it first.") % {"number": ticket.pk},
            field="agent",
        )
    if ticket.status not in ASSIGNABLE_STATUSES:
        raise InvalidTransition(
            _("A %(status)s ticket is not assigned automatically.") % {"status": ticket.status},
            field="status",
        )
    chosen = do_auto_assign(ticket.pk, actor=actor)
    if chosen is None:
        raise InvalidTransition(
            _(
                "No eligible agent: nobody online with the ticket's language and topic skills "
                "and free capacity."
            ),
            field="agent",
            code="no_eligible_agent",
        )
    return chosen


def do_assign_waiting(limit: int = 50) -> int:
    """Offer the most urgent unassigned tickets to the agents online; returns how many found
    an agent."""
    numbers = list(
        Ticket.objects.filter(status__in=ASSIGNABLE_STATUSES, assignee__isnull=True)
        .order_by(*URGENCY_ORDER)
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for number in numbers if do_auto_assign(number) is not None)


def do_set_presence(agent: Agent, presence: str) -> list[int]:
    """Set an agent online, away or offline. Going offline hands back the tickets the agent
    has not answered yet (they are reassigned); coming online pulls waiting tickets. Returns
    the numbers of the tickets handed back."""
    if presence not in Presence.values:
        raise ValidationFailed(
            _("Presence must be one of %(values)s.") % {"values": ", ".join(Presence.values)},
            field="presence",
        )
    at = clock.now()
    released: list[int] = []
    with transaction.atomic():
        locked = Agent.objects.select_for_update().get(pk=agent.pk)
        if locked.presence == presence:
            return []
        locked.presence = presence
        locked.presence_changed_at = at
        locked.save(update_fields=["presence", "presence_changed_at"])
        if presence == Presence.OFFLINE:
            released = release_unstarted(locked, at)
        if released:
            transaction.on_commit(
                lambda: [tasks.assign_ticket.enqueue(number) for number in released]
            )
        if presence == Presence.ONLINE:
            transaction.on_commit(lambda: tasks.assign_waiting_tickets.enqueue())
    agent.presence, agent.presence_changed_at = presence, at
    return released


def release_unstarted(agent: Agent, at: datetime) -> list[int]:
    """Unassign the agent's active tickets that have no public agent reply yet."""
    tickets = list(
        Ticket.objects.select_for_update(of=("self",))
        .filter(assignee=agent, status__in=ACTIVE_STATUSES, first_response_at__isnull=True)
        .order_by("pk")
    )
    for ticket in tickets:
        event = record_event(
            ticket,
            EventKind.ASSIGNEE,
            actor_kind=AuthorKind.SYSTEM,
            data={"from": agent.display_name, "to": None, "reason": "agent_offline"},
            at=at,
        )
        ticket.assignee = None
        ticket.updated_at = at
        ticket.save(update_fields=["assignee", "updated_at"])
        publish_on_commit(ticket, [event])
    return [ticket.pk for ticket in tickets]


def do_start_missing_clocks(batch: int = 500) -> int:
    """Give active tickets that have no policy yet the clocks of the policy that fits them,
    counted from when they were opened (after policies are first set up, or an import).
    Returns how many tickets got a policy."""
    started = 0
    numbers = list(
        Ticket.objects.filter(status__in=ACTIVE_STATUSES, sla_policy__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for offset in range(0, len(numbers), batch):
        with transaction.atomic():
            tickets = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("customer")
                .filter(pk__in=numbers[offset : offset + batch], sla_policy__isnull=True)
            )
            for ticket in tickets:
                if start_clocks_from_opening(ticket):
                    started += 1
    return started


def start_clocks_from_opening(ticket: Ticket) -> bool:
    policy = policy_for(ticket.priority, ticket.customer.tier)
    if policy is None:
        return False
    ticket.sla_policy = policy
    kinds = [TargetKind.RESOLUTION]
    if ticket.first_response_at is None:
        kinds.insert(0, TargetKind.FIRST_RESPONSE)
    targets = [start_target(ticket, kind, policy, ticket.created_at) for kind in kinds]
    if ticket.status in PAUSED_STATUSES:
        ticket.sla_paused_at = ticket.updated_at
    sync_ticket(ticket, targets, clock.now())
    ticket.save(update_fields=SLA_TICKET_FIELDS)
    return True


def check_change_customer_tier(actor: Agent, customer: Customer, tier: str) -> list[int]:
    """Move a customer to another tier (supervisors; or a back-office sync acting as one): the
    active tickets pick their policy again and keep their clocks' starts and pauses. Returns the
    numbers of the tickets whose policy changed."""
    require_supervisor(actor)
    tier = clean_tier(tier)
    at = clock.now()
    changed: list[int] = []
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        locked.tier = tier
        locked.save(update_fields=["tier", "updated_at"])
        tickets = (
            Ticket.objects.select_for_update(of=("self",))
            .filter(customer=locked, status__in=ACTIVE_STATUSES)
            .order_by("pk")
        )
        for ticket in tickets:
            if refresh_policy(ticket, locked, at):
                ticket.save(update_fields=SLA_TICKET_FIELDS)
                changed.append(ticket.pk)
    customer.tier = tier
    return changed


def clean_tier(raw: str) -> str:
    """A tier code as stored (a slug of at most 50 characters, lower case)."""
    tier = raw.strip().lower()
    if not tier or len(tier) > 50 or not all(c.isalnum() or c in "-_" for c in tier):
        raise ValidationFailed(
            _("The tier must be a short code of letters, digits, '-' or '_', like 'vip'."),
            field="tier",
        )
    return tier


# --- the SLA check ---------------------------------------------------------------------------


@dataclass
class CheckReport:
    at: datetime
    warnings: list[tuple[int, str, datetime]] = field(default_factory=list)
    breaches: list[tuple[int, str, datetime]] = field(default_factory=list)
    escalations: list[tuple[int, list[str]]] = field(default_factory=list)
    # Targets whose warning or breach could not be recorded (ticket number, target, error):
    # logged, left for the next pass, and never in the way of the others.
    failed: list[tuple[int, str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "warnings": len(self.warnings),
            "breaches": len(self.breaches),
            "escalations": len(self.escalations),
            "failed": len(self.failed),
        }


CHECK_BATCH = 500


def run_sla_check(at: datetime | None = None) -> CheckReport:
    """One warning and escalation pass. Each warning and breach is claimed by a conditional
    update, so concurrent passes (several workers, a manual ``cryptodesk sla check``) announce
    each of them once."""
    at = at or clock.now()
    report = CheckReport(at=at)
    open_targets = SlaTarget.objects.filter(completed_at__isnull=True).exclude(
        ticket__status=Status.CLOSED
    )
    running = open_targets.filter(ticket__sla_paused_at__isnull=True)
    # A ticket paused after a due time had passed (the check did not run in between) is still
    # a breach to announce and escalate.
    overdue_then_paused = Q(ticket__sla_paused_at__isnull=False) & Q(
        due_at__lt=F("ticket__sla_paused_at")
    )
    to_breach = open_targets.filter(
        Q(ticket__sla_paused_at__isnull=True) | overdue_then_paused,
        breached_at__isnull=True,
        due_at__lte=at,
    )
    breaching = to_breach.order_by("due_at").values_list("pk", "ticket_id", "kind")
    for target_id, number, kind in breaching[:CHECK_BATCH]:
        guarded_step(breach_target, target_id, number, kind, at, report)
    to_warn = running.filter(warned_at__isnull=True, warn_at__lte=at, due_at__gt=at)
    warning = to_warn.order_by("warn_at").values_list("pk", "ticket_id", "kind")
    for target_id, number, kind in warning[:CHECK_BATCH]:
        guarded_step(warn_target, target_id, number, kind, at, report)
    return report


def guarded_step(
    step: Callable[[int, datetime, CheckReport], None],
    target_id: int,
    number: int,
    kind: str,
    at: datetime,
    report: CheckReport,
) -> None:
    """One target's warning or breach (its own transaction); a failure is logged and
    reported, and the pass goes on with the other targets."""
    try:
        step(target_id, at, report)
    except Exception as error:  # noqa: BLE001 - one broken ticket must not stop every SLA
        logger.exception("SLA check: target %d of ticket #%d failed", target_id, number)
        report.failed.append((number, kind, f"{type(error).__name__}: {error}"[:300]))


def lock_target(target_id: int, *, overdue_paused: bool = False) -> tuple[Ticket, SlaTarget] | None:
    target = SlaTarget.objects.filter(pk=target_id).first()
    if target is None:
        return None
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer", "sla_policy", "team")
        .get(pk=target.ticket_id)
    )
    target = SlaTarget.objects.select_related("policy").get(pk=target_id)
    if target.completed_at is not None:
        return None
    paused_at = ticket.sla_paused_at
    if paused_at is not None and not (overdue_paused and target.due_at < paused_at):
        return None
    return ticket, target


def warn_target(target_id: int, at: datetime, report: CheckReport) -> None:
    with transaction.atomic():
        locked = lock_target(target_id)
        if locked is None:
            return
        ticket, target = locked
        claimed = SlaTarget.objects.filter(
            pk=target.pk, warned_at__isnull=True, completed_at__isnull=True
        ).update(warned_at=at)
        if not claimed:
            return
        event = record_event(
            ticket,
            EventKind.SLA,
            actor_kind=AuthorKind.SYSTEM,
            data={"target": target.kind, "state": "warning", "due": target.due_at.isoformat()},
            at=at,
        )
        publish_on_commit(ticket, [event])
        notify_assignee(ticket, event, "sla_warning")
    report.warnings.append((ticket.pk, target.kind, target.due_at))


def breach_target(target_id: int, at: datetime, report: CheckReport) -> None:
    with transaction.atomic():
        locked = lock_target(target_id, overdue_paused=True)
        if locked is None:
            return
        ticket, target = locked
        claimed = SlaTarget.objects.filter(
            pk=target.pk, breached_at__isnull=True, completed_at__isnull=True
        ).update(breached_at=at, warned_at=at)
        if not claimed:
            return
        event = record_event(
            ticket,
            EventKind.SLA,
            actor_kind=AuthorKind.SYSTEM,
            data={"target": target.kind, "state": "breached", "due": target.due_at.isoformat()},
            at=at,
        )
        events = [event]
        ticket.sla_breached = True
        fields = {"sla_breached"}
        done = escalate(ticket, target.policy, at, events, fields)
        ticket.save(update_fields=sorted(fields))
        publish_on_commit(ticket, events)
        notify_assignee(ticket, event, "sla_breach")
    report.breaches.append((ticket.pk, target.kind, target.due_at))
    if done is not None:
        report.escalations.append((ticket.pk, done))


def escalate(
    ticket: Ticket, policy: SlaPolicy, at: datetime, events: list[TicketEvent], fields: set[str]
) -> list[str] | None:
    """Run the policy's escalation actions, once per ticket (its first breach); returns what
    was done, or None when the ticket was escalated before."""
    claimed = Ticket.objects.filter(pk=ticket.pk, sla_escalated_at__isnull=True).update(
        sla_escalated_at=at
    )
    if not claimed:
        return None
    ticket.sla_escalated_at = at
    done: list[str] = []
    escalation = record_event(
        ticket,
        EventKind.ESCALATION,
        actor_kind=AuthorKind.SYSTEM,
        data={"policy": policy.name, "reason": "sla_breach"},
        at=at,
    )
    events.append(escalation)
    if policy.escalate_raise_priority and ticket.priority != Priority.URGENT:
        higher = next(p for p, rank in PRIORITY_RANK.items() if rank == ticket.priority_rank + 1)
        events.append(
            record_event(
                ticket,
                EventKind.PRIORITY,
                actor_kind=AuthorKind.SYSTEM,
                data={"from": ticket.priority, "to": higher, "reason": "sla_breach"},
                at=at,
            )
        )
        ticket.set_priority(higher)
        refresh_policy(ticket, ticket.customer, at)
        fields |= {"priority", "priority_rank", *SLA_TICKET_FIELDS}
        done.append("raise_priority")
    team = policy.escalate_to_team
    if team is not None and ticket.team_id != team.pk:
        events.append(
            record_event(
                ticket,
                EventKind.TEAM,
                actor_kind=AuthorKind.SYSTEM,
                data={
                    "from": ticket.team.name if ticket.team else None,
                    "to": team.name,
                    "reason": "sla_breach",
                },
                at=at,
            )
        )
        ticket.team = team
        fields.add("team")
        done.append("move_to_team")
    if policy.escalate_notify_supervisors:
        notify_supervisors(ticket, escalation)
        done.append("notify_supervisors")
    escalation.data["actions"] = done
    escalation.save(update_fields=["data"])
    return done


def notify_assignee(ticket: Ticket, event: TicketEvent, kind: str) -> None:
    """Tell the assignee in the same transaction: the unique (agent, event) keeps it single."""
    if ticket.assignee_id is None:
        return
    Notification.objects.bulk_create(
        [
            Notification(
                agent_id=ticket.assignee_id,
                ticket=ticket,
                kind=kind,
                text=f"#{ticket.pk} {ticket.subject}"[:300],
                source_event=event,
            )
        ],
        ignore_conflicts=True,
    )


def notify_supervisors(ticket: Ticket, event: TicketEvent) -> None:
    supervisors = Agent.objects.filter(
        role__in=[Role.SUPERVISOR, Role.ADMIN], user__is_active=True
    ).values_list("pk", flat=True)
    text = f"#{ticket.pk} {ticket.subject}"
    Notification.objects.bulk_create(
        [
            Notification(
                agent_id=agent_id,
                ticket=ticket,
                kind="sla_escalation",
                text=text[:300],
                source_event=event,
            )
            for agent_id in supervisors
        ],
        ignore_conflicts=True,
    )


# --- calendars and policies (supervisors and admins) -----------------------------------------


def require_supervisor(actor: Agent) -> None:
    if not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Only supervisors and admins can change SLA settings."))


def clean_name(raw: str) -> str:
    """A calendar's, holiday's or policy's name: spaces collapsed, 1 to 100 characters. NUL is
    dropped: it is not whitespace to split() and PostgreSQL refuses it in a text column."""
    name = " ".join(raw.replace("\x00", "").split())
    if not name or len(name) > 100:
        raise ValidationFailed(_("The name must have 1 to 100 characters."), field="name")
    return name


@dataclass
class CalendarInput:
    name: str
    time_zone: str
    always_open: bool
    hours: list[str]  # seven "09:00-18:00, ..." strings, Monday first
    holiday_country: str = ""
    holiday_subdivision: str = ""


def clean_calendar(data: CalendarInput) -> dict[str, Any]:
    name = clean_name(data.name)
    if data.time_zone not in zoneinfo.available_timezones():
        raise ValidationFailed(
            _("'%(zone)s' is not a time zone; use a name like Asia/Hong_Kong.")
            % {"zone": data.time_zone},
            field="time_zone",
        )
    if len(data.hours) != 7:
        raise ValidationFailed(_("Give opening hours for each of the seven days."), field="hours")
    hours: list[list[list[int]]] = []
    for index, text in enumerate(data.hours):
        try:
            hours.append([list(pair) for pair in parse_hours(text)])
        except ValueError as error:
            raise ValidationFailed(str(error), field=f"hours.{index}") from error
    if not data.always_open and not any(hours):
        raise ValidationFailed(
            _("The calendar is never open: give opening hours or choose 24/7."), field="hours"
        )
    country = data.holiday_country.strip().upper()
    subdivision = data.holiday_subdivision.strip().upper()
    if country:
        try:
            holidays.country_holidays(country, subdiv=subdivision or None)
        except NotImplementedError as error:
            raise ValidationFailed(
                _("There is no public-holiday list for '%(code)s'.") % {"code": country},
                field="holiday_country",
            ) from error
    elif subdivision:
        raise ValidationFailed(_("A subdivision needs a country."), field="holiday_subdivision")
    return {
        "name": name,
        "time_zone": data.time_zone,
        "always_open": data.always_open,
        "hours": hours,
        "holiday_country": country,
        "holiday_subdivision": subdivision,
    }


def check_save_calendar(
    actor: Agent, data: CalendarInput, calendar: BusinessCalendar | None = None
) -> BusinessCalendar:
    """Create or change a calendar. Due times already computed keep their value; new clocks
    and resumed ones use the new hours."""
    require_supervisor(actor)
    values = clean_calendar(data)
    duplicate = ValidationFailed(
        _("A calendar named '%(name)s' exists already.") % {"name": values["name"]},
        field="name",
    )
    return save_settings(BusinessCalendar, calendar, values, duplicate)


def save_settings(
    model: type[SettingsRow], row: SettingsRow | None, values: dict[str, Any], duplicate: Exception
) -> SettingsRow:
    """Create ``model`` from ``values``, or write them over ``row``; a unique constraint that
    refuses them raises ``duplicate``."""
    try:
        with transaction.atomic():
            if row is None:
                return model.objects.create(**values)
            for key, value in values.items():
                setattr(row, key, value)
            row.save()
            return row
    except IntegrityError as error:
        raise duplicate from error


def check_add_holiday(
    actor: Agent, calendar: BusinessCalendar, day: date | None, name: str
) -> CalendarHoliday:
    require_supervisor(actor)
    if day is None:
        raise ValidationFailed(_("Give the date as YYYY-MM-DD."), field="date")
    name = clean_name(name)
    holiday, _created = CalendarHoliday.objects.update_or_create(
        calendar=calendar, date=day, defaults={"name": name}
    )
    return holiday


def check_remove_holiday(actor: Agent, calendar: BusinessCalendar, holiday_id: int) -> None:
    require_supervisor(actor)
    CalendarHoliday.objects.filter(calendar=calendar, pk=holiday_id).delete()


@dataclass
class PolicyInput:
    name: str
    priority: str
    tier: str
    calendar_id: int | None
    first_response_minutes: int | None
    next_response_minutes: int | None
    resolution_minutes: int | None
    warning_share: str = str(DEFAULT_WARNING_SHARE)
    escalate_notify_supervisors: bool = True
    escalate_raise_priority: bool = False
    escalate_to_team_id: int | None = None
    active: bool = True


def clean_policy(data: PolicyInput) -> dict[str, Any]:
    name = clean_name(data.name)
    if data.priority not in Priority.values:
        raise ValidationFailed(
            _("Priority must be one of %(values)s.") % {"values": ", ".join(Priority.values)},
            field="priority",
        )
    tier = clean_tier(data.tier)
    calendar = (
        BusinessCalendar.objects.filter(pk=data.calendar_id).first()
        if data.calendar_id is not None
        else None
    )
    if calendar is None:
        raise ValidationFailed(_("Choose a business calendar."), field="calendar")
    values: dict[str, Any] = {"name": name, "priority": data.priority, "tier": tier}
    for key in ("first_response_minutes", "next_response_minutes", "resolution_minutes"):
        minutes = getattr(data, key)
        if minutes is None or not 1 <= minutes <= 525_600:
            raise ValidationFailed(
                _("Targets are whole minutes between 1 and 525600 (one year)."), field=key
            )
        values[key] = minutes
    try:
        share = Decimal(str(data.warning_share).strip().rstrip("%"))
    except InvalidOperation:
        share = Decimal(-1)
    if not share.is_finite():  # NaN cannot even be compared
        share = Decimal(-1)
    if str(data.warning_share).strip().endswith("%"):  # "75%" is 0.75; "0.8%" is not 0.8
        share /= 100
    if not Decimal("0.05") <= share <= Decimal("0.99"):
        raise ValidationFailed(
            _("The warning share is a fraction between 0.05 and 0.99, like 0.75."),
            field="warning_share",
        )
    team = None
    if data.escalate_to_team_id is not None:
        team = Team.objects.filter(pk=data.escalate_to_team_id).first()
        if team is None:
            raise ValidationFailed(_("There is no such team."), field="escalate_to_team")
    return values | {
        "calendar": calendar,
        "warning_share": share.quantize(Decimal("0.01")),
        "escalate_notify_supervisors": data.escalate_notify_supervisors,
        "escalate_raise_priority": data.escalate_raise_priority,
        "escalate_to_team": team,
        "active": data.active,
    }


def check_save_policy(
    actor: Agent, data: PolicyInput, policy: SlaPolicy | None = None
) -> SlaPolicy:
    """Create or change a policy. New tickets use it at once; running clocks of existing
    tickets keep their due times until their priority or tier changes."""
    require_supervisor(actor)
    values = clean_policy(data)
    duplicate = ValidationFailed(
        _("There is already a policy for priority %(priority)s and tier %(tier)s.")
        % {"priority": values["priority"], "tier": values["tier"]},
        field="tier",
    )
    return save_settings(SlaPolicy, policy, values, duplicate)


def check_set_tier_team(actor: Agent, tier: str, team_id: int | None) -> TierTeam | None:
    """Send a tier's new tickets to a dedicated team, or stop doing so (``team_id`` None)."""
    require_supervisor(actor)
    tier = clean_tier(tier)
    if team_id is None:
        TierTeam.objects.filter(tier=tier).delete()
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationFailed(_("There is no such team."), field="team")
    route, _created = TierTeam.objects.update_or_create(tier=tier, defaults={"team": team})
    return route
