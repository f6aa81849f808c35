"""End to end in headless Chromium against the real ASGI server: an agent's reply appears live
on a supervisor's open pages, and a customer submits the public request form.

Playwright's sync API keeps an event loop running in the test thread while it is open, and
Django refuses ORM calls there; each test therefore prepares the database first, drives the
browser, and checks the database after the browser has closed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cryptodesk.accounts.models import Agent
from cryptodesk.tickets.actions import do_ingest_message
from cryptodesk.tickets.models import AuthorKind, Message, Status, Ticket
from tests.browser import chromium
from tests.browser import chromium_available as chromium_available  # noqa: F401
from tests.conftest import PASSWORD, inbound
from tests.live import live_asgi_server as live_asgi_server  # noqa: F401
from tests.live import session_key_for

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/cryptodesk-e2e.png")
WAIT_MS = 15_000


def new_context(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.set_default_timeout(WAIT_MS)
    return context


def open_live(context: BrowserContext, url: str) -> Page:
    """Open a console page and wait until its WebSocket is connected."""
    page = context.new_page()
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-live", "1", timeout=WAIT_MS)
    # Survives only as long as the page is not reloaded.
    page.evaluate("window.cdNotReloaded = true")
    return page


def test_agent_reply_appears_live_on_the_supervisors_pages(
    chromium_available: None, live_asgi_server: str, agent: Agent, supervisor: Agent
) -> None:
    ticket = do_ingest_message(
        inbound("My USDT deposit has not arrived after two hours.", subject="Deposit missing")
    ).ticket
    supervisor_session = session_key_for(supervisor.user)
    reply_text = "We found your deposit on chain; it is being credited now."

    with chromium() as browser:
        watching = new_context(browser)
        watching.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": supervisor_session,
                    "url": live_asgi_server,
                }
            ]
        )
        ticket_page = open_live(watching, f"{live_asgi_server}/tickets/{ticket.pk}/")
        queue_page = open_live(watching, f"{live_asgi_server}/tickets/")
        queue_row = queue_page.locator(f'tr[data-ticket="{ticket.pk}"]')
        expect(queue_row.locator(".badge")).to_have_text("New")
        expect(ticket_page.locator("#ticket-timeline")).not_to_contain_text(reply_text)

        working = new_context(browser)
        page = working.new_page()
        page.goto(f"{live_asgi_server}/accounts/login/")
        page.fill("#id_username", agent.user.get_username())
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_asgi_server}/tickets/")
        page.get_by_role("link", name="Deposit missing").click()
        page.wait_for_url(f"{live_asgi_server}/tickets/{ticket.pk}/")
        page.fill("textarea[name=body]", reply_text)
        page.get_by_role("button", name="Send").click()
        expect(page.locator(".flash.success")).to_have_text("Reply sent.")

        timeline = ticket_page.locator("#ticket-timeline")
        expect(timeline.locator("article.msg.agent")).to_contain_text(reply_text)
        expect(timeline).to_contain_text(agent.display_name)
        expect(ticket_page.locator("#ticket-header .badge")).to_have_text("Open")
        expect(queue_row.locator(".badge")).to_have_text("Open")
        assert ticket_page.evaluate("window.cdNotReloaded") is True
        assert queue_page.evaluate("window.cdNotReloaded") is True
        ticket_page.screenshot(path=str(SCREENSHOT), full_page=True)

    message = Message.objects.get(ticket=ticket, author_kind=AuthorKind.AGENT)
    assert (message.text, message.author_agent_id, message.is_internal) == (
        reply_text,
        agent.pk,
        False,
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


RECORD_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.cdSockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.cdSockets.push(this); }
  };
})();
"""


def test_signed_out_page_stops_reconnecting(
    chromium_available: None, live_asgi_server: str, agent: Agent
) -> None:
    session = session_key_for(agent.user)
    with chromium() as browser:
        context = new_context(browser)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_asgi_server}]
        )
        context.add_init_script(RECORD_SOCKETS)
        queue_page = open_live(context, f"{live_asgi_server}/tickets/")
        other_tab = context.new_page()
        other_tab.goto(f"{live_asgi_server}/tickets/")
        other_tab.get_by_role("button", name="Sign out").click()
        other_tab.wait_for_url(f"{live_asgi_server}/accounts/login/")

        # The network drops: the page reconnects, learns it is signed out (4401) and stops.
        queue_page.evaluate("window.cdSockets[0].close()")
        expect(queue_page.locator("body")).to_have_attribute("data-live", "denied")
        assert queue_page.evaluate("window.cdSockets.length") == 2
        assert queue_page.evaluate("window.cdNotReloaded") is True


def test_customer_submits_the_public_request_form(
    chromium_available: None, live_asgi_server: str
) -> None:
    subject = "Withdrawal stuck for six hours"
    with chromium() as browser:
        page = new_context(browser).new_page()
        page.goto(f"{live_asgi_server}/support/new/")
        page.fill("#id_email", "mei.chen@example.com")
        page.fill("#id_subject", subject)
        page.fill("#id_description", "My BTC withdrawal has been pending since this morning.")
        page.get_by_role("button", name="Submit request").click()
        page.wait_for_url(f"{live_asgi_server}/support/t/**")
        expect(page.locator("h1")).to_have_text(subject)
        expect(page.locator(".msg-body")).to_have_text(
            "My BTC withdrawal has been pending since this morning."
        )

    ticket = Ticket.objects.select_related("customer").get(subject=subject)
    assert (ticket.channel, ticket.status, ticket.customer.primary_email) == (
        "web",
        Status.NEW,
        "mei.chen@example.com",
    )
    assert list(ticket.messages.values_list("text", flat=True)) == [
        "My BTC withdrawal has been pending since this morning."
    ]
