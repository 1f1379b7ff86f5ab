"""Working hours across time zones: pure functions, no clock reads.

A person's working day is a wall-clock window (``start``..``end``) in their own
time zone. ``end <= start`` means the shift runs past midnight into the next
day (``22:00``..``06:00``); ``end == start`` is an empty day. Wall-clock times
are turned into UTC instants with :mod:`zoneinfo` for the given date, so
daylight-saving changes are respected (London and New York are 4 h apart for
two weeks in March, 5 h apart otherwise).

An empty or unknown time-zone name is treated as UTC: Slack always sends a
``tz`` for a user, so this only happens for hand-made profiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

# UTC offsets range from -12 h to +14 h, so a shift that starts on day ``d`` in
# one zone can only meet shifts that start on days ``d-3``..``d+3`` in another
# (a shift lasts less than 24 h).
_DAY_REACH = 3


@lru_cache(maxsize=1024)
def zone(tz: str) -> ZoneInfo:
    """The ZoneInfo for ``tz``; UTC when the name is empty or unknown."""
    try:
        return ZoneInfo(tz) if tz else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def nominal_length(start: time, end: time) -> timedelta:
    """Wall-clock length of a working day (ignores a DST jump inside it)."""
    s = timedelta(hours=start.hour, minutes=start.minute, seconds=start.second)
    e = timedelta(hours=end.hour, minutes=end.minute, seconds=end.second)
    if e == s:
        return timedelta(0)
    return e - s if e > s else e - s + timedelta(days=1)


def shift_utc(tz: str, start: time, end: time, day: date) -> tuple[float, float]:
    """The shift starting on local ``day`` as UTC POSIX seconds ``(start, end)``."""
    z = zone(tz)
    begin = datetime.combine(day, start.replace(tzinfo=None), tzinfo=z)
    if end == start:
        ts = begin.timestamp()
        return ts, ts
    end_day = day if end > start else day + timedelta(days=1)
    finish = datetime.combine(end_day, end.replace(tzinfo=None), tzinfo=z)
    return begin.timestamp(), finish.timestamp()


def working_hours_overlap(
    tz_a: str,
    start_a: time,
    end_a: time,
    tz_b: str,
    start_b: time,
    end_b: time,
    on: date,
) -> timedelta:
    """How long A's working day on local date ``on`` overlaps B's working hours.

    B's shifts on every local date that can touch A's day are considered, so
    people on opposite sides of the date line still share their evening/morning.
    """
    a_start, a_end = shift_utc(tz_a, start_a, end_a, on)
    total = 0.0
    for offset in range(-_DAY_REACH, _DAY_REACH + 1):
        b_start, b_end = shift_utc(tz_b, start_b, end_b, on + timedelta(days=offset))
        total += max(0.0, min(a_end, b_end) - max(a_start, b_start))
    return timedelta(seconds=total)


def local_date(tz: str, now: datetime) -> date:
    """The calendar date at instant ``now`` in ``tz`` (naive ``now`` is UTC)."""
    return as_utc(now).astimezone(zone(tz)).date()


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime; a naive value is taken to be UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def offset_difference(tz_a: str, tz_b: str, now: datetime) -> timedelta:
    """``|offset(B) - offset(A)|`` at instant ``now``."""
    moment = as_utc(now)
    a = moment.astimezone(zone(tz_a)).utcoffset() or timedelta(0)
    b = moment.astimezone(zone(tz_b)).utcoffset() or timedelta(0)
    return abs(b - a)


def overlap_matrix(
    a_shifts: Sequence[tuple[str, time, time, date]],
    b_shifts: Sequence[tuple[str, time, time]],
) -> np.ndarray:
    """Overlap in seconds, ``[i, j]`` = A-shift ``i`` (on its date) with B-hours ``j``.

    The vectorised twin of :func:`working_hours_overlap`, meant for distinct
    keys (there are far fewer distinct (zone, start, end) triples than people).
    """
    result = np.zeros((len(a_shifts), len(b_shifts)), dtype=np.float64)
    if not a_shifts or not b_shifts:
        return result
    days = [shift[3] for shift in a_shifts]
    first = min(days) - timedelta(days=_DAY_REACH)
    n_days = (max(days) - min(days)).days + 2 * _DAY_REACH + 1
    b_start = np.empty((len(b_shifts), n_days))
    b_end = np.empty((len(b_shifts), n_days))
    for j, (tz, start, end) in enumerate(b_shifts):
        for d in range(n_days):
            b_start[j, d], b_end[j, d] = shift_utc(tz, start, end, first + timedelta(days=d))
    a = np.array([shift_utc(*shift) for shift in a_shifts], dtype=np.float64)
    chunk = max(1, 2_000_000 // (len(b_shifts) * n_days))
    for lo in range(0, len(a_shifts), chunk):
        a_s = a[lo : lo + chunk, 0][:, None, None]
        a_e = a[lo : lo + chunk, 1][:, None, None]
        inter = np.minimum(a_e, b_end[None]) - np.maximum(a_s, b_start[None])
        result[lo : lo + chunk] = np.clip(inter, 0.0, None).sum(axis=2)
    return result


__all__ = [
    "as_utc",
    "local_date",
    "nominal_length",
    "offset_difference",
    "overlap_matrix",
    "shift_utc",
    "working_hours_overlap",
    "zone",
]
