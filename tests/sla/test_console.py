"""Console pages: SLA settings for supervisors and admins, SLA state in the queue and on the
ticket page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from cryptodesk.accounts.models import Agent, Role, Team
from cryptodesk.sla.models import BusinessCalendar, CalendarHoliday, SlaPolicy, TierTeam
from tests.sla.conftest import Clock, PolicyFactory

HOURS = {f"hours_{day}": "09:00-18:00" for day in range(5)} | {"hours_5": "", "hours_6": ""}


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.mark.parametrize("url", ["/sla/", "/sla/calendars/new/", "/sla/policies/new/"])
def test_agents_do_not_see_sla_settings(
    url: str, agent: Agent, console_for: Callable[[Agent], Any]
) -> None:
    assert console_for(agent).get(url).status_code == 404
    assert console_for(agent).post(url, {"name": "x", "tier": "vip"}).status_code == 404
    assert not BusinessCalendar.objects.exists()
    assert not TierTeam.objects.exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_supervisors_and_admins_see_policies_and_calendars(
    role: str,
    make_agent: Callable[..., Agent],
    make_policy: PolicyFactory,
    console_for: Callable[[Agent], Any],
) -> None:
    make_policy("urgent", "vip", first=15, resolution=240)
    html = page(console_for(make_agent(role)), "/sla/")
    assert "vip urgent" in html
    assert "15 min" in html
    assert "4 h" in html
    assert "75 %" in html
    assert "Hong Kong office" in html
    assert "Mon-Fri 09:00-18:00" in html


def test_create_calendar_and_reject_a_bad_one(
    supervisor: Agent, console_for: Callable[[Agent], Any]
) -> None:
    client = console_for(supervisor)
    bad = client.post(
        "/sla/calendars/new/",
        {"name": "Mars", "time_zone": "Mars/Olympus", **HOURS, "action": "save"},
        follow=True,
    )
    assert "is not a time zone" in bad.content.decode()
    assert not BusinessCalendar.objects.exists()
    bad_hours = client.post(
        "/sla/calendars/new/",
        {"name": "HK", "time_zone": "Asia/Hong_Kong", **HOURS, "hours_2": "18-9"},
        follow=True,
    )
    assert "is not a time like 09:00" in bad_hours.content.decode()
    assert not BusinessCalendar.objects.exists()
    response = client.post(
        "/sla/calendars/new/",
        {
            "name": "Hong Kong",
            "time_zone": "Asia/Hong_Kong",
            **HOURS,
            "hours_5": "10:00-14:00",
            "holiday_country": "hk",
        },
    )
    calendar = BusinessCalendar.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sla/calendars/{calendar.pk}/"
    assert (calendar.time_zone, calendar.holiday_country, calendar.hours[5]) == (
        "Asia/Hong_Kong",
        "HK",
        [[600, 840]],
    )
    html = page(client, f"/sla/calendars/{calendar.pk}/")
    assert "Next public holidays" in html


def test_add_and_remove_a_custom_closed_date(
    supervisor: Agent, office_calendar: BusinessCalendar, console_for: Callable[[Agent], Any]
) -> None:
    client = console_for(supervisor)
    url = f"/sla/calendars/{office_calendar.pk}/"
    client.post(url, {"action": "add_holiday", "date": "2026-12-24", "holiday_name": "Offsite"})
    holiday = CalendarHoliday.objects.get()
    assert (holiday.date, holiday.name) == (date(2026, 12, 24), "Offsite")
    bad = client.post(
        url, {"action": "add_holiday", "date": "24/12", "holiday_name": "x"}, follow=True
    )
    assert "Give the date as YYYY-MM-DD." in bad.content.decode()
    client.post(url, {"action": "remove_holiday", "holiday": str(holiday.pk)})
    assert not CalendarHoliday.objects.exists()


def test_create_policy_then_refuse_a_duplicate(
    supervisor: Agent,
    office_calendar: BusinessCalendar,
    team: Team,
    console_for: Callable[[Agent], Any],
) -> None:
    client = console_for(supervisor)
    form = {
        "name": "VIP urgent",
        "priority": "urgent",
        "tier": "VIP",
        "calendar": str(office_calendar.pk),
        "first_response_hours": "0",
        "first_response_minutes": "30",
        "next_response_hours": "1",
        "resolution_hours": "8",
        "warning_share": "80%",
        "escalate_raise_priority": "on",
        "escalate_to_team": str(team.pk),
        "active": "on",
    }
    response = client.post("/sla/policies/new/", form)
    policy = SlaPolicy.objects.get()
    assert response.status_code == 302
    assert (
        policy.tier,
        policy.first_response_minutes,
        policy.next_response_minutes,
        policy.resolution_minutes,
        policy.warning_share,
        policy.escalate_notify_supervisors,
        policy.escalate_raise_priority,
        policy.escalate_to_team_id,
    ) == ("vip", 30, 60, 480, Decimal("0.80"), False, True, team.pk)
    duplicate = client.post("/sla/policies/new/", form | {"name": "Another"}, follow=True)
    assert (
        "There is already a policy for priority urgent and tier vip." in duplicate.content.decode()
    )
    assert SlaPolicy.objects.count() == 1
    zero = client.post(
        "/sla/policies/new/",
        form | {"tier": "gold", "first_response_minutes": ""} | {"first_response_hours": ""},
        follow=True,
    )
    assert "Targets are whole minutes between 1 and 525600" in zero.content.decode()
    assert SlaPolicy.objects.count() == 1


def test_tier_routing_form(
    supervisor: Agent, team: Team, console_for: Callable[[Agent], Any]
) -> None:
    client = console_for(supervisor)
    client.post("/sla/", {"tier": "VIP", "team": str(team.pk)})
    assert list(TierTeam.objects.values_list("tier", "team_id")) == [("vip", team.pk)]
    client.post("/sla/", {"tier": "vip", "team": ""})
    assert not TierTeam.objects.exists()


def test_queue_and_ticket_page_show_sla_state(
    frozen_clock: Clock,
    make_policy: PolicyFactory,
    ingest: Callable[..., Any],
    supervisor: Agent,
    console_for: Callable[[Agent], Any],
) -> None:
    make_policy("normal", first=60)
    make_policy("urgent", first=30)
    late = ingest(subject="Late one", email="a@example.com").ticket.pk
    frozen_clock.advance(minutes=50)
    ingest(subject="Urgent one", email="b@example.com", requested_priority="urgent")
    frozen_clock.advance(minutes=25)
    client = console_for(supervisor)
    queue = page(client, "/tickets/")
    assert "Breached" in queue
    assert "15m overdue" in queue
    assert "At risk" in queue
    assert "5m left" in queue
    ticket = page(client, f"/tickets/{late}/")
    assert 'id="ticket-sla"' in ticket
    assert "standard normal" in ticket
    assert "15m overdue" in ticket


def test_supervisor_assigns_automatically_from_the_ticket_page(
    ingest: Callable[..., Any],
    supervisor: Agent,
    agent: Agent,
    make_agent: Callable[..., Agent],
    console_for: Callable[[Agent], Any],
) -> None:
    from cryptodesk.accounts.models import Presence, Skill
    from cryptodesk.tickets.models import Ticket

    number = ingest().ticket.pk
    client = console_for(supervisor)
    assert "Assign automatically" in page(client, f"/tickets/{number}/")
    assert "Assign automatically" not in page(console_for(agent), f"/tickets/{number}/")
    nobody = client.post(f"/sla/tickets/{number}/assign/", follow=True).content.decode()
    assert "No eligible agent" in nobody
    online = make_agent(name="Online One")
    online.skills.add(Skill.objects.create(kind="language", code="en", name="English"))
    type(online).objects.filter(pk=online.pk).update(presence=Presence.ONLINE)
    done = client.post(f"/sla/tickets/{number}/assign/", follow=True).content.decode()
    assert "Assigned to Online One." in done
    assert Ticket.objects.get(pk=number).assignee_id == online.pk
    denied = console_for(agent).post(f"/sla/tickets/{number}/assign/", follow=True)
    assert "Only supervisors can start automatic assignment" in denied.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/sla/slapolicy/",
        "/admin/sla/businesscalendar/",
        "/admin/sla/tierteam/",
        "/admin/sla/slatarget/",
    ],
)
def test_django_admin_lists_sla_settings(
    url: str,
    admin_agent: Agent,
    make_policy: PolicyFactory,
    console_for: Callable[[Agent], Any],
) -> None:
    make_policy()
    assert console_for(admin_agent).get(url).status_code == 200


@pytest.mark.parametrize("tier", ["x" * 51, "vip desk", "<b>vip</b>"])
def test_tier_routing_refuses_a_malformed_tier(
    tier: str, supervisor: Agent, team: Team, console_for: Callable[[Agent], Any]
) -> None:
    response = console_for(supervisor).post(
        "/sla/", {"tier": tier, "team": str(team.pk)}, follow=True
    )
    assert response.status_code == 200
    assert "The tier must be a short code of letters, digits" in response.content.decode()
    assert not TierTeam.objects.exists()


@pytest.mark.parametrize("share", ["NaN", "sNaN", "nan%", "Infinity", "-0.5", "abc", "0.8%"])
def test_policy_form_refuses_a_warning_share_that_is_not_a_number(
    share: str,
    supervisor: Agent,
    office_calendar: BusinessCalendar,
    console_for: Callable[[Agent], Any],
) -> None:
    form = {
        "name": "Normal",
        "priority": "normal",
        "tier": "standard",
        "calendar": str(office_calendar.pk),
        "first_response_hours": "1",
        "next_response_hours": "2",
        "resolution_hours": "8",
        "warning_share": share,
        "active": "on",
    }
    response = console_for(supervisor).post("/sla/policies/new/", form, follow=True)
    assert response.status_code == 200
    assert "The warning share is a fraction between 0.05 and 0.99" in response.content.decode()
    assert not SlaPolicy.objects.exists()


def test_nul_characters_are_dropped_from_calendar_holiday_and_policy_names(
    supervisor: Agent, office_calendar: BusinessCalendar, console_for: Callable[[Agent], Any]
) -> None:
    # PostgreSQL refuses NUL in text: a pasted one must not turn the save into a server error.
    client = console_for(supervisor)
    created = client.post(
        "/sla/calendars/new/", {"name": "Tai\x00pei", "time_zone": "Asia/Taipei", **HOURS}
    )
    assert created.status_code == 302
    assert BusinessCalendar.objects.filter(name="Taipei").exists()
    client.post(
        f"/sla/calendars/{office_calendar.pk}/",
        {"action": "add_holiday", "date": "2026-12-24", "holiday_name": "Off\x00site"},
    )
    assert list(CalendarHoliday.objects.values_list("name", flat=True)) == ["Offsite"]
    policy = {
        "name": "Nor\x00mal",
        "priority": "normal",
        "tier": "standard",
        "calendar": str(office_calendar.pk),
        "first_response_hours": "1",
        "next_response_hours": "2",
        "resolution_hours": "8",
        "active": "on",
    }
    assert client.post("/sla/policies/new/", policy).status_code == 302
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == ["Normal"]
    empty = client.post("/sla/policies/new/", policy | {"name": "\x00"}, follow=True)
    assert "The name must have 1 to 100 characters." in empty.content.decode()
    assert SlaPolicy.objects.count() == 1


def test_edit_a_calendar_and_refuse_a_name_taken_by_another(
    supervisor: Agent,
    office_calendar: BusinessCalendar,
    around_the_clock: BusinessCalendar,
    console_for: Callable[[Agent], Any],
) -> None:
    client = console_for(supervisor)
    url = f"/sla/calendars/{office_calendar.pk}/"
    form = {"name": "HK desk", "time_zone": "Asia/Hong_Kong", **HOURS, "hours_5": "10:00-14:00"}
    assert client.post(url, form)["Location"] == url
    office_calendar.refresh_from_db()
    assert (office_calendar.name, office_calendar.hours[5]) == ("HK desk", [[600, 840]])
    taken = client.post(url, form | {"name": "24/7", "hours_5": ""}, follow=True)
    assert "A calendar named &#x27;24/7&#x27; exists already." in taken.content.decode()
    office_calendar.refresh_from_db()
    assert (office_calendar.name, office_calendar.hours[5]) == ("HK desk", [[600, 840]])
    assert BusinessCalendar.objects.count() == 2
