"""Fixtures of the kb tests: a small help center of our own (tests/kb/help_fixture), imported
through the real importer and indexed with the real encoder; background tasks run at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cryptodesk.accounts.models import Agent, Role
from cryptodesk.kb.actions import ImportReport
from cryptodesk.kb.demo import load_help_center
from cryptodesk.kb.models import Translation
from cryptodesk.kb.search import reset_index_cache

FIXTURE = Path(__file__).resolve().parent / "help_fixture"


@pytest.fixture(autouse=True)
def _kb_settings(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CRYPTODESK_KB_INDEX_CHECK_SECONDS = 0
    reset_index_cache()


@pytest.fixture
def help_center(db: None) -> ImportReport:
    return load_help_center(FIXTURE)


@pytest.fixture
def editor(make_agent: Callable[..., Agent]) -> Agent:
    return make_agent(Role.KB_EDITOR, name="Erin Editor")


def translation(slug: str, lang: str) -> Translation:
    return Translation.objects.select_related("published_version").get(
        article__slug=slug, lang=lang
    )
