"""In headless Chromium against the real ASGI server, on a phone-sized screen: a customer
searches in Traditional Chinese, opens the article and votes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from cryptodesk.kb.demo import load_help_center
from cryptodesk.kb.models import SearchQuery, Vote
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.browser import chromium_available as chromium_available  # noqa: F401
from tests.kb.conftest import FIXTURE, translation
from tests.live import live_asgi_server as live_asgi_server  # noqa: F401

pytestmark = pytest.mark.browser

WAIT_MS = 15_000


def test_customer_searches_in_traditional_chinese_opens_and_votes(
    chromium_available: None, live_asgi_server: str
) -> None:
    load_help_center(FIXTURE)
    expected = translation("deposit-delayed", "zh-hant")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{live_asgi_server}/help/zh-hant/")
            expect(page.locator("h1")).to_have_text("有什麼可以幫你？")
            page.fill("input[name=q]", "我的入金怎麼還沒到帳")
            page.click("form[role=search] button[type=submit]")
            first = page.locator(".result-title").first
            expect(first).to_have_text("入金一直沒有到帳")
            expect(page.locator(".result .snippet mark").first).to_be_visible()
            first.click()
            expect(page.locator("h1.page-title")).to_have_text("入金一直沒有到帳")
            # The page fits a phone: nothing wider than the screen.
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.fill("#feedback-comment", "很清楚，謝謝")
            page.click("button[name=helpful][value=yes]")
            expect(page.locator(".feedback-thanks")).to_have_text("感謝你的回饋！")
            page.screenshot(path="/tmp/cryptodesk-kb-e2e.png", full_page=True)
        finally:
            browser.close()
    vote = Vote.objects.get()
    assert (vote.translation_id, vote.helpful, vote.comment) == (expected.pk, True, "很清楚，謝謝")
    search = SearchQuery.objects.get()
    assert (search.query, search.lang, search.clicked_id) == (
        "我的入金怎麼還沒到帳", "zh-hant", expected.pk,
    )  # fmt: skip
