"""Quiet hours: when clubbot may speak to a person unprompted.

A person is reachable inside their local working hours on working weekdays,
except on blackout days. "Local" means their Slack time zone; an unknown or
empty zone falls back to UTC. Blackout dates are dates in the recipient's
local calendar (a club holiday on 2026-12-25 is the 25th wherever they are).

Pure functions: every instant comes in as an aware UTC datetime.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "WorkingHours",
    "describe_local",
    "is_blackout",
    "is_working_time",
    "next_working_time",
    "resolve_tz",
]

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class WorkingHours:
    """Local hours in which unprompted messages may go out: [start, end) on `weekdays`.

    Weekdays follow `date.weekday()`: Monday is 0, Sunday is 6.
    """

    start: time = time(9)
    end: time = time(17)
    weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("working hours are local wall-clock times; give naive times")
        if not self.start < self.end:
            raise ValueError(f"working hours must start before they end: {self.start}-{self.end}")
        if not self.weekdays:
            raise ValueError("working hours need at least one weekday")
        if not self.weekdays <= frozenset(range(7)):
            raise ValueError(f"weekdays must be 0 (Mon) to 6 (Sun): {sorted(self.weekdays)}")


def resolve_tz(tz: str | None) -> tzinfo:
    """The zone named `tz`, or UTC when it is empty, malformed or unknown."""
    if not tz:
        return UTC
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return UTC


def _require_aware(now_utc: datetime) -> None:
    if now_utc.tzinfo is None or now_utc.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {now_utc!r}")


def is_blackout(now_utc: datetime, tz: str | None, blackout_dates: Iterable[date] = ()) -> bool:
    """True when the local date at `now_utc` is a blackout day."""
    _require_aware(now_utc)
    return now_utc.astimezone(resolve_tz(tz)).date() in frozenset(blackout_dates)


def is_working_time(
    now_utc: datetime,
    tz: str | None,
    hours: WorkingHours,
    blackout_dates: Iterable[date] = (),
) -> bool:
    """True when `now_utc` falls inside the person's local working hours and is no blackout."""
    _require_aware(now_utc)
    local = now_utc.astimezone(resolve_tz(tz))
    return (
        local.weekday() in hours.weekdays
        and local.date() not in frozenset(blackout_dates)
        and hours.start <= local.time().replace(tzinfo=None) < hours.end
    )


def next_working_time(
    now_utc: datetime,
    tz: str | None,
    hours: WorkingHours,
    blackout_dates: Iterable[date] = (),
) -> datetime:
    """The first instant at or after `now_utc` that is working time, as an aware UTC datetime.

    Returns `now_utc` (in UTC) when it already is working time. Across a DST change the
    local start time keeps its wall-clock meaning (09:00 stays 09:00 local); a start
    that falls into a spring-forward gap moves to the first valid instant after it.
    """
    _require_aware(now_utc)
    blackout = frozenset(blackout_dates)
    now_utc = now_utc.astimezone(UTC)
    if is_working_time(now_utc, tz, hours, blackout):
        return now_utc
    zone = resolve_tz(tz)
    today = now_utc.astimezone(zone).date()
    # Every blackout date can cost at most one working day; a week holds at least one.
    horizon = 7 * (len(blackout) + 1) + 2
    for offset in range(horizon):
        day = today + timedelta(days=offset)
        if day.weekday() not in hours.weekdays or day in blackout:
            continue
        candidate = datetime.combine(day, hours.start, tzinfo=zone).astimezone(UTC)
        if candidate > now_utc and is_working_time(candidate, tz, hours, blackout):
            return candidate
    raise ValueError("no working time found; are all working days blacked out?")


def describe_local(now_utc: datetime, tz: str | None) -> str:
    """Short local description for logs and dry runs, e.g. "Sat 10:00 Europe/Berlin"."""
    _require_aware(now_utc)
    zone = resolve_tz(tz)
    local = now_utc.astimezone(zone)
    name = str(zone) if zone is not UTC else "UTC"
    return f"{_DAY_NAMES[local.weekday()]} {local:%H:%M} {name}"
