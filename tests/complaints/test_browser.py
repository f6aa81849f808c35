"""End to end in headless Chromium against the real ASGI server: an agent inserts a reply
template from the picker, records a complaint and proposes a refund; a supervisor approves
it. The database is prepared before and checked after the browser (Playwright keeps an event
loop running in the test thread while it is open)."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cryptodesk.accounts.models import Agent
from cryptodesk.complaints.models import Complaint, Remedy
from cryptodesk.macros.actions import MacroData, check_save_macro
from cryptodesk.macros.models import Macro
from cryptodesk.tickets.actions import do_ingest_message
from cryptodesk.tickets.models import Message
from tests.browser import chromium
from tests.browser import chromium_available as chromium_available  # noqa: F401
from tests.conftest import inbound
from tests.live import live_asgi_server as live_asgi_server  # noqa: F401
from tests.live import session_key_for

pytestmark = pytest.mark.browser

WAIT_MS = 15_000


def signed_in(browser: Browser, session_key: str, base: str) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    context.set_default_timeout(WAIT_MS)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base}])
    return context


def test_picker_complaint_and_four_eyes_approval_in_the_browser(
    chromium_available: None, live_asgi_server: str, agent: Agent, supervisor: Agent
) -> None:
    Macro.objects.all().delete()
    macro = check_save_macro(
        supervisor,
        None,
        MacroData(
            name="Ask for the TXID",
            bodies={
                "en": "Hi {{ customer.name }}, please send the TXID.",
                "zh-hant": "{{ customer.name }}您好，請提供交易雜湊（TXID）。",
            },
            set_status="pending",
        ),
    )
    ticket = do_ingest_message(
        inbound("我的USDT充值還沒到帳", name="陳小明", language_hint="zh-hant")
    ).ticket
    agent_session, supervisor_session = (
        session_key_for(agent.user),
        session_key_for(supervisor.user),
    )
    base = live_asgi_server

    with chromium() as browser:
        page: Page = signed_in(browser, agent_session, base).new_page()
        page.goto(f"{base}/tickets/{ticket.pk}/")
        page.fill("textarea[name=body]", "先說明一下：")
        page.locator(".macro-search").fill("txid")
        choice = page.locator(".macro-choice", has_text="Ask for the TXID")
        expect(choice).to_be_visible()
        choice.click()
        expect(page.locator("#reply-body")).to_have_value(
            "先說明一下：\n\n陳小明您好，請提供交易雜湊（TXID）。"
        )
        page.locator(".cmp-form summary").click()
        page.fill("#c-what", "充值延遲三天")
        page.fill("#c-when", "2026-11-20T10:00")
        page.fill("#c-asset", "USDT")
        page.fill("#c-amount", "120.5")
        page.get_by_role("button", name="Record complaint").click()
        expect(page.locator(".flash.success")).to_have_text("Complaint recorded.")
        page.locator(".cmp-form summary").click()
        page.fill("#r-amount", "5")
        page.fill("#r-reason", "延遲造成的不便")
        page.get_by_role("button", name="Propose for approval").click()
        expect(page.locator(".complaint-panel")).to_contain_text(
            "Waiting for a supervisor who did not propose it."
        )

        boss = signed_in(browser, supervisor_session, base).new_page()
        boss.goto(f"{base}/complaints/?tab=awaiting_approval")
        boss.locator(f'tr[data-complaint="{ticket.pk}"] a.subject').click()
        boss.get_by_role("button", name="Approve").click()
        expect(boss.locator(".flash.success")).to_have_text(
            "Remedy approved; the customer has been told."
        )
        expect(boss.locator("#ticket-timeline")).to_contain_text(
            "我們將向您的帳戶發放 5 USDT 的退款"
        )
        boss.screenshot(path="/tmp/cryptodesk-complaint-e2e.png", full_page=True)

    complaint = Complaint.objects.get(ticket=ticket)
    assert (complaint.stage, str(complaint.amount.normalize())) == (  # type: ignore[union-attr]
        "remedy_approved",
        "120.5",
    )
    remedy = Remedy.objects.get(complaint=complaint)
    assert (remedy.proposed_by_id, remedy.decided_by_id) == (agent.pk, supervisor.pk)
    assert Message.objects.filter(ticket=ticket, analysis__automatic="complaint_remedy").exists()
    assert Macro.objects.get(pk=macro.pk).usage_count == 1
    ticket.refresh_from_db()
    assert ticket.status == "pending"
