"""Django admin for SLA settings (the console pages under /sla/ are the everyday way); the
per-ticket targets are read-only here because only the ticket actions may move a clock."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cryptodesk.sla.models import (
    BusinessCalendar,
    CalendarHoliday,
    SlaPolicy,
    SlaTarget,
    TierTeam,
)


class CalendarHolidayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CalendarHoliday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "time_zone", "always_open", "holiday_country", "holiday_subdivision")
    inlines = [CalendarHolidayInline]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "name",
        "tier",
        "priority",
        "calendar",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "warning_share",
        "active",
    )
    list_filter = ("tier", "priority", "active")


@admin.register(TierTeam)
class TierTeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("tier", "team")


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("ticket", "kind", "started_at", "due_at", "completed_at", "breached_at")
    list_filter = ("kind",)
    raw_id_fields = ("ticket",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
