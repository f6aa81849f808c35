"""Business-time arithmetic: opening hours, weekends, holidays, daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from cryptodesk.sla.clock import (
    Schedule,
    add_business_time,
    business_time_between,
    format_hours,
    is_open,
    parse_hours,
)
from cryptodesk.sla.models import ClosedDates

HK = ZoneInfo("Asia/Hong_Kong")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
WEEKDAYS_9_TO_6 = (((540, 1080),),) * 5 + ((), ())
EVERY_DAY_ALL_DAY = (((0, 1440),),) * 7


def hk(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=HK)  # type: ignore[misc, arg-type]


def office(tz: ZoneInfo = HK, closed: ClosedDates | None = None) -> Schedule:
    if closed is None:
        return Schedule(time_zone=tz, weekly=WEEKDAYS_9_TO_6)
    return Schedule(time_zone=tz, weekly=WEEKDAYS_9_TO_6, closed=closed)


def test_inside_opening_hours_time_adds_up_plainly() -> None:
    assert add_business_time(office(), hk(2026, 3, 2, 10), timedelta(hours=2)) == hk(2026, 3, 2, 12)


def test_time_after_closing_continues_next_morning() -> None:
    # Monday 17:00 + 2 h: one hour on Monday, one on Tuesday from 09:00.
    assert add_business_time(office(), hk(2026, 3, 2, 17), timedelta(hours=2)) == hk(2026, 3, 3, 10)


def test_start_outside_hours_begins_at_opening() -> None:
    assert add_business_time(office(), hk(2026, 3, 2, 6), timedelta(minutes=30)) == hk(
        2026, 3, 2, 9, 30
    )


def test_weekend_is_skipped() -> None:
    # Friday 17:30 + 1 h -> Monday 09:30.
    assert add_business_time(office(), hk(2026, 3, 6, 17, 30), timedelta(hours=1)) == hk(
        2026, 3, 9, 9, 30
    )
    assert business_time_between(office(), hk(2026, 3, 6, 17), hk(2026, 3, 9, 10)) == timedelta(
        hours=2
    )


def test_exact_closing_time_is_the_due_time() -> None:
    assert add_business_time(office(), hk(2026, 3, 2, 9), timedelta(hours=9)) == hk(2026, 3, 2, 18)


def test_split_shifts() -> None:
    lunch_break = Schedule(time_zone=HK, weekly=(((540, 720), (780, 1080)),) * 5 + ((), ()))
    assert add_business_time(lunch_break, hk(2026, 3, 2, 11), timedelta(hours=2)) == hk(
        2026, 3, 2, 14
    )
    assert business_time_between(lunch_break, hk(2026, 3, 2, 11), hk(2026, 3, 2, 14)) == timedelta(
        hours=2
    )


def test_public_holidays_from_the_holidays_package_close_the_day() -> None:
    closed = ClosedDates(frozenset(), holidays.country_holidays("HK"))
    # Chinese New Year 2026 closes Tuesday 17 to Thursday 19 February in Hong Kong.
    due = add_business_time(office(closed=closed), hk(2026, 2, 16, 17), timedelta(hours=2))
    assert due == hk(2026, 2, 20, 10)
    assert add_business_time(office(), hk(2026, 2, 16, 17), timedelta(hours=2)) == hk(
        2026, 2, 17, 10
    )


def test_custom_dates_close_the_day() -> None:
    closed = ClosedDates(frozenset({date(2026, 3, 3)}), None)
    due = add_business_time(office(closed=closed), hk(2026, 3, 2, 17), timedelta(hours=2))
    assert due == hk(2026, 3, 4, 10)


def test_always_open_counts_every_minute() -> None:
    always = Schedule(time_zone=HK, always_open=True)
    start = hk(2026, 3, 7, 23, 30)  # Saturday night
    assert add_business_time(always, start, timedelta(hours=5)) == start + timedelta(hours=5)
    assert business_time_between(always, start, start + timedelta(days=2)) == timedelta(days=2)


def test_always_open_still_closes_on_holidays() -> None:
    closed = ClosedDates(frozenset({date(2026, 3, 8)}), None)
    always = Schedule(time_zone=HK, always_open=True, closed=closed)
    assert add_business_time(always, hk(2026, 3, 7, 23), timedelta(hours=2)) == hk(2026, 3, 9, 1)


def test_business_day_across_spring_forward_in_new_york() -> None:
    # Clocks go from 02:00 EST to 03:00 EDT on Sunday 8 March 2026. Friday 17:00 EST + 2 h of
    # 09:00-18:00 opening hours is Monday 09:00 + 1 h = 10:00 EDT, which is 14:00 UTC.
    start = datetime(2026, 3, 6, 17, tzinfo=NEW_YORK)
    due = add_business_time(office(NEW_YORK), start, timedelta(hours=2))
    assert due.astimezone(UTC) == datetime(2026, 3, 9, 14, tzinfo=UTC)
    assert due.astimezone(NEW_YORK).hour == 10


def test_round_the_clock_hours_count_23_hours_on_the_spring_day() -> None:
    schedule = Schedule(time_zone=NEW_YORK, weekly=EVERY_DAY_ALL_DAY)
    saturday_noon = datetime(2026, 3, 7, 12, tzinfo=NEW_YORK)
    due = add_business_time(schedule, saturday_noon, timedelta(hours=24))
    # 24 real hours later; the wall clock shows 13:00 because an hour was skipped.
    assert due.astimezone(UTC) - saturday_noon.astimezone(UTC) == timedelta(hours=24)
    assert due.astimezone(NEW_YORK) == datetime(2026, 3, 8, 13, tzinfo=NEW_YORK)
    sunday = datetime(2026, 3, 8, tzinfo=NEW_YORK)
    monday = datetime(2026, 3, 9, tzinfo=NEW_YORK)
    assert business_time_between(schedule, sunday, monday) == timedelta(hours=23)


def test_autumn_back_in_london_has_a_25_hour_day() -> None:
    schedule = Schedule(time_zone=LONDON, weekly=EVERY_DAY_ALL_DAY)
    sunday = datetime(2026, 10, 25, tzinfo=LONDON)
    monday = datetime(2026, 10, 26, tzinfo=LONDON)
    assert business_time_between(schedule, sunday, monday) == timedelta(hours=25)


def test_opening_hours_after_autumn_change_are_in_local_time() -> None:
    # Friday 23 October 17:00 BST + 2 h -> Monday 26 October 10:00 GMT (10:00 UTC, not 09:00).
    start = datetime(2026, 10, 23, 17, tzinfo=LONDON)
    due = add_business_time(office(LONDON), start, timedelta(hours=2))
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 10, tzinfo=UTC)


def test_night_hour_skipped_by_spring_change_is_not_counted() -> None:
    # A night desk open 01:00-04:00: on 8 March 2026 in New York 02:00-03:00 does not exist.
    night = Schedule(time_zone=NEW_YORK, weekly=(((60, 240),),) * 7)
    sunday = datetime(2026, 3, 8, tzinfo=NEW_YORK)
    assert business_time_between(night, sunday, sunday + timedelta(hours=12)) == timedelta(hours=2)


def test_adding_then_measuring_is_consistent() -> None:
    start = hk(2026, 3, 5, 15, 17)
    for minutes in (1, 59, 60, 541, 2000, 10_000):
        due = add_business_time(office(), start, timedelta(minutes=minutes))
        assert business_time_between(office(), start, due) == timedelta(minutes=minutes)


def test_between_is_zero_backwards_and_is_open() -> None:
    assert business_time_between(office(), hk(2026, 3, 3), hk(2026, 3, 2)) == timedelta(0)
    assert is_open(office(), hk(2026, 3, 2, 10))
    assert not is_open(office(), hk(2026, 3, 7, 10))


def test_a_calendar_that_never_opens_is_an_error() -> None:
    never = Schedule(time_zone=HK, weekly=((),) * 7)
    with pytest.raises(ValueError, match="no open time"):
        add_business_time(never, hk(2026, 3, 2), timedelta(hours=1))


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("09:00-18:00", ((540, 1080),)),
        ("13:30-18:00, 09:00-12:30", ((540, 750), (810, 1080))),
        ("00:00-24:00", ((0, 1440),)),
        ("", ()),
        ("０９:００-１８:００", ((540, 1080),)),  # full-width digits, as a CJK keyboard types them
    ],
)
def test_parse_hours(text: str, parsed: tuple[tuple[int, int], ...]) -> None:
    assert parse_hours(text) == parsed
    assert parse_hours(format_hours(parsed)) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9-18", "not a time"),
        ("²9:00-18:00", "not a time like 09:00"),
        ("09:00-18:⁰⁰", "not a time like 09:00"),
        ("18:00-09:00", "ends before it starts"),
        ("09:00-12:00, 11:00-13:00", "overlapping"),
        ("09:00-25:00", "between 00:00 and 24:00"),
        ("09:00", "not a range"),
    ],
)
def test_parse_hours_rejects_bad_input(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_hours(text)
