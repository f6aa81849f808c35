"""Fixtures of the SLA tests: a controllable clock, calendars and policies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cryptodesk.core import clock
from cryptodesk.sla.models import BusinessCalendar, SlaPolicy

NINE_TO_SIX = [[[540, 1080]]] * 5 + [[], []]


class Clock:
    """The product's clock, frozen: tests move it forward explicitly."""

    def set(self, at: datetime) -> datetime:
        clock.freeze(at)
        return at

    def advance(self, **delta: float) -> datetime:
        from datetime import timedelta

        return clock.advance(timedelta(**delta))

    def now(self) -> datetime:
        return clock.now()


@pytest.fixture
def frozen_clock() -> Iterator[Clock]:
    # Monday 2 March 2026, 10:00 in Hong Kong.
    clock.freeze(datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Hong_Kong")))
    yield Clock()
    clock.unfreeze()


@pytest.fixture
def office_calendar(db: None) -> BusinessCalendar:
    return BusinessCalendar.objects.create(
        name="Hong Kong office", time_zone="Asia/Hong_Kong", hours=NINE_TO_SIX
    )


@pytest.fixture
def around_the_clock(db: None) -> BusinessCalendar:
    return BusinessCalendar.objects.create(name="24/7", time_zone="UTC", always_open=True)


PolicyFactory = Callable[..., SlaPolicy]


@pytest.fixture
def make_policy(office_calendar: BusinessCalendar) -> PolicyFactory:
    def make(
        priority: str = "normal",
        tier: str = "standard",
        calendar: BusinessCalendar | None = None,
        first: int = 120,
        next_: int = 240,
        resolution: int = 1440,
        **extra: Any,
    ) -> SlaPolicy:
        return SlaPolicy.objects.create(
            name=f"{tier} {priority}",
            priority=priority,
            tier=tier,
            calendar=calendar or office_calendar,
            first_response_minutes=first,
            next_response_minutes=next_,
            resolution_minutes=resolution,
            **extra,
        )

    return make


def run_queued_tasks() -> int:
    """Run the tasks waiting in the database queue, in order, as a worker would (the real
    worker closes the test's database connection). Returns how many ran."""
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    ran = 0
    while row := DBTaskResult.objects.filter(status="READY").order_by("enqueued_at").first():
        task = import_string(row.task_path)
        task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        row.delete()
        ran += 1
    return ran
