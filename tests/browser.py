"""Debian's Chromium driven by Playwright, for the browser tests of every app."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"]


@pytest.fixture
def chromium_available() -> None:
    """Skip without Chromium, or fail when the run requires every real component."""
    if CHROMIUM.exists():
        return
    message = f"Chromium is not installed at {CHROMIUM}"
    if os.environ.get("CRYPTODESK_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
