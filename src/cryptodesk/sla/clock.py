"""Business-time arithmetic, free of the database: how much open time lies between two
instants of a calendar, and which instant lies a given amount of open time after another.

A calendar is a time zone, the opening hours of each weekday (minutes from local midnight, so
24:00 is 1440) and a test for closed dates. Open intervals are built day by day in local time and
converted to UTC, so a day with a daylight-saving change is as long as the wall clock says: a
00:00-24:00 day has 23 real hours in spring and 25 in autumn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
ALL_DAY: tuple[tuple[int, int], ...] = ((0, MINUTES_PER_DAY),)
# A calendar without a single open minute in this many days is a configuration error.
MAX_DAYS_SEARCHED = 800


def never_closed(_day: date) -> bool:
    return False


@dataclass(frozen=True)
class Schedule:
    """Opening hours in one time zone. ``weekly[0]`` is Monday: a tuple of (start, end) minutes
    from local midnight, sorted and not overlapping. ``closed(day)`` is true on holidays."""

    time_zone: ZoneInfo
    weekly: tuple[tuple[tuple[int, int], ...], ...] = (ALL_DAY,) * 7
    closed: Callable[[date], bool] = field(default=never_closed)
    always_open: bool = False

    @property
    def continuous(self) -> bool:
        """Open every minute of every day: arithmetic is plain subtraction."""
        return self.always_open and self.closed is never_closed


def local_instant(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of ``minute`` after local midnight of ``day``. A wall time that does not
    exist (the hour skipped in spring) maps to the instant the clock jumps to."""
    # Aware arithmetic within one zone is wall-clock arithmetic; the offset is looked up after.
    wall = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(minutes=minute)
    before = wall.astimezone(UTC)  # fold=0: a skipped time read with the earlier offset
    if before.astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return before
    # Skipped: the jump lies between the two readings of the wall time; find its minute.
    low, high = wall.replace(fold=1).astimezone(UTC), before
    offset_after = before.astimezone(tz).utcoffset()
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        middle -= timedelta(seconds=middle.second, microseconds=middle.microsecond)
        if middle.astimezone(tz).utcoffset() == offset_after:
            high = middle
        else:
            low = middle
    return high


def open_intervals(schedule: Schedule, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Open intervals in UTC, in order, from the one that contains ``start`` (or the next)."""
    tz = schedule.time_zone
    day = start.astimezone(tz).date() - timedelta(days=1)
    empty_days = 0
    while empty_days < MAX_DAYS_SEARCHED:
        hours = () if schedule.closed(day) else schedule.weekly[day.weekday()]
        if schedule.always_open and not schedule.closed(day):
            hours = ALL_DAY
        if not hours:
            empty_days += 1
        for opens, closes in hours:
            begin, end = local_instant(day, opens, tz), local_instant(day, closes, tz)
            if end > start and end > begin:
                empty_days = 0
                yield begin, end
        day += timedelta(days=1)
    raise ValueError(f"the calendar has no open time within {MAX_DAYS_SEARCHED} days")


def add_business_time(schedule: Schedule, start: datetime, amount: timedelta) -> datetime:
    """The instant at which ``amount`` of open time has passed since ``start``."""
    if amount < timedelta(0):
        raise ValueError("amount must not be negative")
    if schedule.continuous:
        return start + amount
    remaining = amount
    for begin, end in open_intervals(schedule, start):
        begin = max(begin, start)
        available = end - begin
        if remaining <= available:
            return (begin + remaining).astimezone(start.tzinfo)
        remaining -= available
    raise AssertionError("open_intervals never ends without raising")  # pragma: no cover


def business_time_between(schedule: Schedule, start: datetime, end: datetime) -> timedelta:
    """Open time between two instants (zero when ``end`` is not after ``start``)."""
    if end <= start:
        return timedelta(0)
    if schedule.continuous:
        return end - start
    total = timedelta(0)
    for begin, close in open_intervals(schedule, start):
        if begin >= end:
            break
        total += min(close, end) - max(begin, start)
    return total


def is_open(schedule: Schedule, at: datetime) -> bool:
    if schedule.continuous:
        return True
    begin, _end = next(open_intervals(schedule, at))
    return begin <= at


def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """``"09:00-12:30, 13:30-18:00"`` -> ((540, 750), (810, 1080)); ``""`` is a closed day.
    Raises ValueError with a message naming the bad part."""
    intervals: list[tuple[int, int]] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        pieces = [p.strip() for p in part.split("-")]
        if len(pieces) != 2:
            raise ValueError(f"'{part}' is not a range like 09:00-18:00")
        opens, closes = (parse_minute(p) for p in pieces)
        if closes <= opens:
            raise ValueError(f"'{part}' ends before it starts")
        intervals.append((opens, closes))
    intervals.sort()
    for (_a, previous_end), (next_start, _b) in zip(intervals, intervals[1:], strict=False):
        if next_start < previous_end:
            raise ValueError(f"'{text.strip()}' has overlapping ranges")
    return tuple(intervals)


def parse_minute(text: str) -> int:
    hours, sep, minutes = text.partition(":")
    # isdecimal(), not isdigit(): "²" is a digit that int() refuses ("０９" is fine for both).
    if not sep or not hours.isdecimal() or not minutes.isdecimal() or len(minutes) != 2:
        raise ValueError(f"'{text}' is not a time like 09:00")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > MINUTES_PER_DAY:
        raise ValueError(f"'{text}' is not a time between 00:00 and 24:00")
    return value


def format_hours(intervals: tuple[tuple[int, int], ...] | list[list[int]]) -> str:
    return ", ".join(f"{format_minute(a)}-{format_minute(b)}" for a, b in intervals)


def format_minute(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"
