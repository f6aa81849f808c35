"""The email parts of a ticket page in headless Chromium: the quoted history of a reply is
folded until the agent opens it, and the raw source opens as plain text."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cryptodesk.accounts.models import Agent
from cryptodesk.mail.actions import do_receive_email
from cryptodesk.mail.models import Mailbox
from tests.browser import chromium
from tests.browser import chromium_available as chromium_available  # noqa: F401
from tests.live import live_asgi_server as live_asgi_server  # noqa: F401
from tests.live import session_key_for
from tests.mail.conftest import corpus_file
from tests.web.test_browser import new_context

pytestmark = pytest.mark.browser
SCREENSHOT = Path("/tmp/cryptodesk-mail-e2e.png")


def test_quoted_history_is_folded_and_raw_source_opens(
    chromium_available: None,  # noqa: F811
    live_asgi_server: str,
    agent: Agent,
    mailbox: Mailbox,
) -> None:
    do_receive_email(corpus_file("01-plain-utf8.eml"))
    reply = do_receive_email(corpus_file("27-reply-gmail.eml"))
    assert reply.ticket_number is not None
    assert reply.email_id is not None
    session = session_key_for(agent.user)
    with chromium() as browser:
        context = new_context(browser)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_asgi_server}]
        )
        page = context.new_page()
        page.goto(f"{live_asgi_server}/tickets/{reply.ticket_number}/")
        history = page.get_by_text("Could you send the transaction hash?")
        expect(page.get_by_text("Here is the transaction hash you asked for.")).to_be_visible()
        expect(history).to_be_hidden()
        page.get_by_text("Show quoted history").click()
        expect(history).to_be_visible()
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        with context.expect_page() as opened:
            page.locator(f'a[href="/mail/emails/{reply.email_id}/raw/"]').click()
        raw = opened.value
        raw.wait_for_load_state()
        expect(raw.locator("pre")).to_contain_text(
            "In-Reply-To: <01-plain-utf8.eml@mail.example.com>"
        )
        context.close()
