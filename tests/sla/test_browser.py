"""In headless Chromium against the real ASGI server: a supervisor sets their presence from the
header, creates a calendar and a policy on the SLA pages, and sees the ticket's SLA state."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cryptodesk.accounts.models import Agent, Presence
from cryptodesk.sla.models import BusinessCalendar, SlaPolicy
from cryptodesk.tickets.actions import do_ingest_message
from cryptodesk.tickets.models import Ticket
from tests.browser import chromium
from tests.browser import chromium_available as chromium_available  # noqa: F401
from tests.conftest import inbound
from tests.live import live_asgi_server as live_asgi_server  # noqa: F401
from tests.live import session_key_for

pytestmark = pytest.mark.browser


def test_supervisor_sets_presence_and_configures_an_sla(
    chromium_available: None, live_asgi_server: str, supervisor: Agent
) -> None:
    session = session_key_for(supervisor.user)
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_asgi_server}]
        )
        page = context.new_page()
        page.goto(f"{live_asgi_server}/tickets/")
        page.select_option("select[name=presence]", "online")
        page.get_by_role("button", name="Set", exact=True).click()
        expect(page.locator(".presence-dot.presence-online")).to_be_visible()

        page.get_by_role("link", name="SLA policies and hours").click()
        page.get_by_role("link", name="New calendar").click()
        page.fill("#c-name", "Singapore desk")
        page.fill("#c-tz", "Asia/Singapore")
        page.fill("#c-h0", "09:00-12:00, 13:00-18:00")
        page.fill("#c-country", "SG")
        page.get_by_role("button", name="Save calendar").click()
        expect(page.locator(".flash.success")).to_have_text("Calendar saved.")
        expect(page.locator("h1")).to_have_text("Singapore desk")

        page.goto(f"{live_asgi_server}/sla/policies/new/")
        page.fill("#p-name", "Standard normal")
        page.select_option("#p-priority", "normal")
        page.fill("#p-first_response", "2")
        page.get_by_role("button", name="Save policy").click()
        expect(page.locator(".flash.success")).to_have_text("Policy saved.")
        page.goto(f"{live_asgi_server}/sla/")
        expect(page.locator("#policies")).to_contain_text("Standard normal")
        expect(page.locator("#calendars")).to_contain_text("Mon 09:00-12:00, 13:00-18:00")
        page.screenshot(path="/tmp/cryptodesk-sla-settings.png", full_page=True)
        context.close()
    supervisor.refresh_from_db()
    assert supervisor.presence == Presence.ONLINE
    calendar = BusinessCalendar.objects.get()
    assert (calendar.time_zone, calendar.holiday_country, calendar.hours[0]) == (
        "Asia/Singapore",
        "SG",
        [[540, 720], [780, 1080]],
    )
    policy = SlaPolicy.objects.get()
    assert (policy.priority, policy.tier, policy.first_response_minutes) == (
        "normal",
        "standard",
        120,
    )
    assert policy.calendar_id == calendar.pk
    number = do_ingest_message(inbound()).ticket.pk
    assert Ticket.objects.get(pk=number).sla_policy_id == policy.pk
