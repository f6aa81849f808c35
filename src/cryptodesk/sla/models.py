"""SLA policies, business-hours calendars and the per-ticket targets they produce.

A ticket gets the policy of its priority and its customer's tier (tiers are data: a tier without
policies of its own uses the ``standard`` ones). The policy names a calendar; every clock counts
only the calendar's open time and stops while the ticket waits on the customer.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

import holidays
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cryptodesk.sla.clock import ALL_DAY, Schedule, never_closed

DEFAULT_TIER = "standard"
DEFAULT_WARNING_SHARE = Decimal("0.75")
WEEKDAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)


@lru_cache(maxsize=64)
def country_holidays(country: str, subdivision: str) -> holidays.HolidayBase:
    """One shared, lazily filled holiday list per country and subdivision: building one costs
    about 10 ms, and the list of a given year never changes within a process."""
    return holidays.country_holidays(country, subdiv=subdivision or None)


class BusinessCalendar(models.Model):
    """When the support team works: a time zone, opening hours per weekday (``hours[0]`` is
    Monday, a list of [start, end] minutes after local midnight), public holidays of a country
    (the ``holidays`` package) and the team's own closed dates (``CalendarHoliday``)."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    always_open = models.BooleanField(
        default=False, help_text=_("Open 24 hours a day, 7 days a week (holidays still close).")
    )
    hours = models.JSONField(default=list, blank=True)
    holiday_country = models.CharField(max_length=8, blank=True)
    holiday_subdivision = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def public_holidays(self) -> holidays.HolidayBase | None:
        if not self.holiday_country:
            return None
        return country_holidays(self.holiday_country, self.holiday_subdivision)

    def schedule(self, custom_dates: frozenset[date] | None = None) -> Schedule:
        """The pure ``Schedule`` the clock arithmetic works on. ``custom_dates`` avoids a query
        when the caller already has them."""
        if custom_dates is None:
            custom_dates = frozenset(self.custom_holidays.values_list("date", flat=True))
        public = self.public_holidays
        closed = ClosedDates(custom_dates, public) if public is not None or custom_dates else None
        weekly = tuple(
            tuple((int(a), int(b)) for a, b in (self.hours[i] if i < len(self.hours) else []))
            for i in range(7)
        )
        return Schedule(
            time_zone=zoneinfo.ZoneInfo(self.time_zone),
            weekly=weekly if not self.always_open else (ALL_DAY,) * 7,
            always_open=self.always_open,
            closed=closed or never_closed,
        )


@dataclass(frozen=True)
class ClosedDates:
    """The dates a calendar is closed: its own dates and the country's public holidays."""

    custom: frozenset[date]
    public: holidays.HolidayBase | None

    def __call__(self, day: date) -> bool:
        return day in self.custom or (self.public is not None and day in self.public)


class CalendarHoliday(models.Model):
    """A date the team is closed, beyond the country's public holidays."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="custom_holidays"
    )
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_holiday_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SlaPolicy(models.Model):
    """Targets for one priority and one customer tier, counted in the calendar's open time.

    Warnings fire when ``warning_share`` of a target has passed; the escalation actions run once
    per ticket, at its first breach."""

    name = models.CharField(max_length=100)
    priority = models.CharField(max_length=10)
    tier = models.SlugField(max_length=50, default=DEFAULT_TIER)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="policies"
    )
    first_response_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    next_response_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    resolution_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    warning_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=DEFAULT_WARNING_SHARE,
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("0.99"))],
    )
    escalate_notify_supervisors = models.BooleanField(default=True)
    escalate_raise_priority = models.BooleanField(default=False)
    escalate_to_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["tier", "name"]
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(fields=["priority", "tier"], name="sla_policy_priority_tier"),
            models.CheckConstraint(
                condition=Q(warning_share__gt=0) & Q(warning_share__lt=1),
                name="sla_policy_warning_share_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def target_minutes(self, kind: str) -> int:
        return {
            TargetKind.FIRST_RESPONSE: self.first_response_minutes,
            TargetKind.NEXT_RESPONSE: self.next_response_minutes,
            TargetKind.RESOLUTION: self.resolution_minutes,
        }[TargetKind(kind)]


class TierTeam(models.Model):
    """Tickets of customers in ``tier`` go to a dedicated team (VIP desks)."""

    tier = models.SlugField(max_length=50, unique=True)
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["tier"]

    def __str__(self) -> str:
        return f"{self.tier} -> {self.team}"


class TargetKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class SlaTarget(models.Model):
    """One running (or finished) SLA clock of one ticket.

    ``due_at`` = ``started_at`` + ``target_seconds`` + ``paused_seconds`` of open time, so a
    pause or a changed policy recomputes it from the same facts. ``warned_at`` and
    ``breached_at`` are set by conditional updates: concurrent checks warn once.
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="sla_targets"
    )
    kind = models.CharField(max_length=20, choices=TargetKind.choices)
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    target_seconds = models.PositiveIntegerField()
    paused_seconds = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket", "kind", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind"],
                condition=Q(completed_at__isnull=True),
                name="sla_target_one_running_per_kind",
            )
        ]
        indexes = [
            models.Index(
                fields=["warn_at"],
                condition=Q(completed_at__isnull=True, warned_at__isnull=True),
                name="sla_target_to_warn",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(completed_at__isnull=True, breached_at__isnull=True),
                name="sla_target_to_breach",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of #{self.ticket_id} due {self.due_at:%Y-%m-%d %H:%M}"
