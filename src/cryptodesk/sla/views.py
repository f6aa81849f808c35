"""Console pages of the sla app: presence switch (every agent), SLA settings (policies,
calendars with holidays, tier teams) for supervisors and admins."""

from __future__ import annotations

import zoneinfo
from datetime import date
from typing import Any

import holidays
from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cryptodesk.accounts.models import Team
from cryptodesk.core import clock
from cryptodesk.core.errors import CryptodeskError, NotFound, PermissionDenied
from cryptodesk.core.ids import parse_id
from cryptodesk.sla.actions import (
    CalendarInput,
    PolicyInput,
    check_add_holiday,
    check_auto_assign,
    check_remove_holiday,
    check_save_calendar,
    check_save_policy,
    check_set_tier_team,
    do_set_presence,
)
from cryptodesk.sla.clock import format_hours
from cryptodesk.sla.models import WEEKDAYS, BusinessCalendar, SlaPolicy
from cryptodesk.sla.queries import (
    access_calendar_by_id,
    access_calendars,
    access_policies,
    access_policy_by_id,
    access_tier_teams,
)
from cryptodesk.tickets.models import Priority
from cryptodesk.tickets.queries import access_ticket_by_number
from cryptodesk.web.auth import console_view

COMMON_COUNTRIES = ("HK", "SG", "TW", "CN", "JP", "KR", "GB", "US", "DE", "AE")


@require_POST
@console_view
def presence(request: HttpRequest) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    value = request.POST.get("presence", "")
    try:
        released = do_set_presence(agent, value)
    except CryptodeskError as error:
        flash.error(request, error.message)
    else:
        if released:
            flash.info(
                request,
                _("%(count)d unanswered tickets went back to the queue.")
                % {"count": len(released)},
            )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "tickets:queue")


@require_POST
@console_view
def auto_assign(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket page's "Assign automatically" button (supervisors)."""
    agent = request.agent  # type: ignore[attr-defined]
    try:
        ticket = access_ticket_by_number(agent, number)
        chosen = check_auto_assign(agent, ticket)
    except NotFound as error:
        raise Http404(error.message) from error
    except CryptodeskError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, _("Assigned to %(agent)s.") % {"agent": chosen.display_name})
    return redirect("tickets:detail", number=number)


def supervisor_page(view: Any) -> Any:
    """A settings page: 404 for those who may not see SLA settings (like hidden tickets)."""

    @console_view
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response: HttpResponseBase = view(request, *args, **kwargs)
        except (PermissionDenied, NotFound) as error:
            raise Http404(error.message) from error
        return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_http_methods(["GET", "POST"])
@supervisor_page
def overview(request: HttpRequest) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    calendars = access_calendars(agent)
    if request.method == "POST":
        try:
            team_id = parse_id(request.POST.get("team", ""))
            check_set_tier_team(agent, request.POST.get("tier", ""), team_id)
        except CryptodeskError as error:
            flash.error(request, error.message)
        else:
            flash.success(request, _("Tier routing saved."))
        return redirect("sla:overview")
    policies = list(access_policies(agent).order_by("tier", "-priority"))
    rank = {value: index for index, value in enumerate(Priority.values)}
    policies.sort(key=lambda p: (p.tier != "standard", p.tier, rank.get(p.priority, 9)))
    return render(
        request,
        "sla/overview.html",
        {
            "policies": policies,
            "calendars": calendars,
            "tier_teams": access_tier_teams(agent),
            "teams": Team.objects.all(),
            "weekday_names": WEEKDAYS,
        },
    )


def calendar_input(request: HttpRequest) -> CalendarInput:
    post = request.POST
    return CalendarInput(
        name=post.get("name", ""),
        time_zone=post.get("time_zone", "").strip(),
        always_open=post.get("always_open") == "on",
        hours=[post.get(f"hours_{day}", "") for day in range(7)],
        holiday_country=post.get("holiday_country", ""),
        holiday_subdivision=post.get("holiday_subdivision", ""),
    )


@require_http_methods(["GET", "POST"])
@supervisor_page
def calendar_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    calendar = access_calendar_by_id(agent, pk) if pk is not None else None
    access_calendars(agent)  # the permission check for "new" too
    error_field = ""
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "add_holiday" and calendar is not None:
                check_add_holiday(
                    agent,
                    calendar,
                    parse_date(request.POST.get("date", "")),
                    request.POST.get("holiday_name", ""),
                )
                flash.success(request, _("Holiday added."))
                return redirect("sla:calendar", pk=calendar.pk)
            if action == "remove_holiday" and calendar is not None:
                holiday_id = parse_id(request.POST.get("holiday", "")) or 0
                check_remove_holiday(agent, calendar, holiday_id)
                flash.success(request, _("Holiday removed."))
                return redirect("sla:calendar", pk=calendar.pk)
            saved = check_save_calendar(agent, calendar_input(request), calendar)
        except CryptodeskError as error:
            flash.error(request, error.message)
            error_field = error.field or ""
        else:
            flash.success(request, _("Calendar saved."))
            return redirect("sla:calendar", pk=saved.pk)
    return render(
        request, "sla/calendar_form.html", calendar_context(request, calendar, error_field)
    )


def parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


def calendar_context(
    request: HttpRequest, calendar: BusinessCalendar | None, error_field: str
) -> dict[str, Any]:
    posted = request.method == "POST" and request.POST.get("action", "save") == "save"
    if posted:
        data = calendar_input(request)
        values = {
            "name": data.name,
            "time_zone": data.time_zone,
            "always_open": data.always_open,
            "holiday_country": data.holiday_country,
            "holiday_subdivision": data.holiday_subdivision,
        }
        hours = data.hours
    elif calendar is not None:
        values = {
            "name": calendar.name,
            "time_zone": calendar.time_zone,
            "always_open": calendar.always_open,
            "holiday_country": calendar.holiday_country,
            "holiday_subdivision": calendar.holiday_subdivision,
        }
        hours = [
            format_hours(calendar.hours[day] if day < len(calendar.hours) else [])
            for day in range(7)
        ]
    else:
        values = {"name": "", "time_zone": "UTC", "always_open": False}
        hours = ["09:00-18:00"] * 5 + ["", ""]
    upcoming: list[tuple[date, str]] = []
    if calendar is not None and calendar.holiday_country:
        today = clock.now().astimezone(zoneinfo.ZoneInfo(calendar.time_zone)).date()
        public = holidays.country_holidays(
            calendar.holiday_country,
            subdiv=calendar.holiday_subdivision or None,
            years=[today.year, today.year + 1],
        )
        upcoming = sorted((day, str(name)) for day, name in public.items() if day >= today)[:8]
    return {
        "calendar": calendar,
        "values": values,
        "days": list(zip(range(7), WEEKDAYS, hours, strict=True)),
        "custom_holidays": calendar.custom_holidays.all() if calendar else [],
        "public_upcoming": upcoming,
        "countries": COMMON_COUNTRIES,
        "error_field": error_field,
    }


def policy_input(request: HttpRequest) -> PolicyInput:
    post = request.POST

    def minutes(name: str) -> int | None:
        """Hours and minutes fields -> minutes; None (refused later) when not whole numbers."""
        parts = [post.get(f"{name}_{unit}", "").strip() or "0" for unit in ("hours", "minutes")]
        if not all(part.isascii() and part.isdecimal() and len(part) <= 6 for part in parts):
            return None
        return int(parts[0]) * 60 + int(parts[1]) or None

    return PolicyInput(
        name=post.get("name", ""),
        priority=post.get("priority", ""),
        tier=post.get("tier", ""),
        calendar_id=parse_id(post.get("calendar", "")),
        first_response_minutes=minutes("first_response"),
        next_response_minutes=minutes("next_response"),
        resolution_minutes=minutes("resolution"),
        warning_share=post.get("warning_share", "0.75"),
        escalate_notify_supervisors=post.get("escalate_notify_supervisors") == "on",
        escalate_raise_priority=post.get("escalate_raise_priority") == "on",
        escalate_to_team_id=parse_id(post.get("escalate_to_team", "")),
        active=post.get("active") == "on",
    )


@require_http_methods(["GET", "POST"])
@supervisor_page
def policy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    policy = access_policy_by_id(agent, pk) if pk is not None else None
    calendars = access_calendars(agent)
    error_field = ""
    if request.method == "POST":
        try:
            saved = check_save_policy(agent, policy_input(request), policy)
        except CryptodeskError as error:
            flash.error(request, error.message)
            error_field = error.field or ""
        else:
            flash.success(request, _("Policy saved."))
            return redirect("sla:policy", pk=saved.pk)
    values = policy_values(request, policy)
    return render(
        request,
        "sla/policy_form.html",
        {
            "policy": policy,
            "values": values,
            "calendars": calendars,
            "teams": Team.objects.all(),
            "priorities": Priority.choices,
            "error_field": error_field,
            "targets": target_rows(values),
        },
    )


def target_rows(values: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
    labels = {
        "first_response": _("First response"),
        "next_response": _("Next response"),
        "resolution": _("Resolution"),
    }
    return [
        (name, label, values.get(f"{name}_hours", ""), values.get(f"{name}_minutes", ""))
        for name, label in labels.items()
    ]


def policy_values(request: HttpRequest, policy: SlaPolicy | None) -> dict[str, Any]:
    if request.method == "POST":
        post = request.POST
        values: dict[str, Any] = {key: post.get(key, "") for key in post}
        for flag in ("escalate_notify_supervisors", "escalate_raise_priority", "active"):
            values[flag] = post.get(flag) == "on"
        return values
    if policy is None:
        return {
            "name": "",
            "priority": "normal",
            "tier": "standard",
            "warning_share": "0.75",
            "escalate_notify_supervisors": True,
            "active": True,
            "first_response_hours": 4,
            "next_response_hours": 8,
            "resolution_hours": 48,
        }
    values = {
        "name": policy.name,
        "priority": policy.priority,
        "tier": policy.tier,
        "calendar": str(policy.calendar_id),
        "warning_share": str(policy.warning_share),
        "escalate_notify_supervisors": policy.escalate_notify_supervisors,
        "escalate_raise_priority": policy.escalate_raise_priority,
        "escalate_to_team": str(policy.escalate_to_team_id or ""),
        "active": policy.active,
    }
    for name in ("first_response", "next_response", "resolution"):
        total = getattr(policy, f"{name}_minutes")
        values[f"{name}_hours"], values[f"{name}_minutes"] = divmod(total, 60)
    return values
