"""When a club meeting happens: recurrence rules on local wall time, results in UTC.

A rule is kept as the organiser's *wall time* (a naive ``start_local``) plus an IANA
time zone, so "every Tuesday at 15:00 in Berlin" stays at 15:00 on both sides of a
daylight-saving change. Each occurrence is computed as a local date and time and only
then converted to UTC.

Wall times that do not exist or exist twice are resolved as RFC 5545 does (so the
``.ics`` export agrees with us):

* a time in a spring-forward gap (02:30 on the last Sunday of March in Berlin) moves
  forward by the length of the gap (03:30 CEST);
* a time in a fall-back overlap (02:30 on the last Sunday of October) is the first of
  the two instants (``fold=0``, still summer time).

Neither happens silently: a first occurrence at such a time is refused
(``wall_time_problem``), and later ones that land on one are listed for the organiser
(``wall_time_notes``).

Blackout ("skip") dates are *local* dates in the rule's zone.

Every function is pure: ``now``/``after`` instants are passed in, aware, in any zone.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
MONTHLY_NTH_VALUES = frozenset(ORDINAL_WORDS)


class Repeat(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"  # the nth (1..4) or last (-1) weekday of each month


def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name; ``ValueError`` if there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def to_utc(local: datetime, tz: str) -> datetime:
    """Convert a naive wall time in ``tz`` to an aware UTC datetime.

    A nonexistent time (DST gap) moves forward by the gap; an ambiguous time (DST
    overlap) takes the first instant. With ``fold=0`` zoneinfo applies the offset in
    force *before* the transition, which gives exactly both behaviours.
    """
    if local.tzinfo is not None:
        raise ValueError("to_utc expects a naive wall time")
    return local.replace(tzinfo=zone(tz), fold=0).astimezone(UTC)


# How far ahead a meeting may start: further is a typo (year 9999), not a plan.
YEARS_AHEAD = 5


def too_far_ahead(day: date, today: date) -> str | None:
    """Why ``day`` is too far ahead to schedule a meeting on, or None."""
    try:
        limit = today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year + YEARS_AHEAD, day=28)
    if day <= limit:
        return None
    return (
        f"{format_long_date(day)} is too far ahead: meetings can start up to "
        f"{YEARS_AHEAD} years from now (until {format_long_date(limit)}). Please pick a "
        "nearer date."
    )


def _wall_time_kind(local: datetime, tz: str) -> tuple[str, datetime] | None:
    """("gap", the wall time it would move to) or ("overlap", local), or None."""
    z = zone(tz)
    first, second = local.replace(tzinfo=z, fold=0), local.replace(tzinfo=z, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    moved = first.astimezone(UTC).astimezone(z).replace(tzinfo=None)
    return ("gap", moved) if moved != local else ("overlap", local)


def wall_time_problem(local: datetime, tz: str) -> str | None:
    """Why a first occurrence can't be at this wall time (a DST gap or overlap), or None."""
    found = _wall_time_kind(local, tz)
    if found is None:
        return None
    kind, moved = found
    when = f"{local:%H:%M} on {format_long_date(local.date())}"
    if kind == "gap":
        return (
            f"{when} doesn't exist in {tz}: the clocks go forward that night and skip it. "
            f"Please pick another time, such as {moved:%H:%M}."
        )
    return (
        f"{when} happens twice in {tz}: the clocks go back that night. Please pick a "
        "time outside that hour."
    )


def wall_time_notes(rule: Recurrence, after_utc: datetime, until_utc: datetime) -> list[str]:
    """Occurrences in ``(after_utc, until_utc]`` whose wall time a clock change moves
    or doubles, each explained in one line."""
    notes: list[str] = []
    for d, instant in _iter_all(rule, after_utc):
        if instant > until_utc:
            break
        found = _wall_time_kind(datetime.combine(d, rule.wall_time), rule.tz)
        if found is None:
            continue
        kind, moved = found
        if kind == "gap":
            notes.append(
                f"On {format_long_date(d)} the clocks go forward, so {rule.wall_time:%H:%M} "
                f"doesn't exist; that one is at {moved:%H:%M}."
            )
        else:
            notes.append(
                f"On {format_long_date(d)} the clocks go back, so {rule.wall_time:%H:%M} "
                "happens twice; that one is at the first of them (before the change)."
            )
    return notes


def nth_weekday_date(year: int, month: int, weekday: int, nth: int) -> date:
    """The ``nth`` (1..4, or -1 for last) ``weekday`` (0=Monday) of a month."""
    if nth == -1:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    if not 1 <= nth <= 4:
        raise ValueError(f"nth must be 1..4 or -1, not {nth}")
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def nth_of_month(d: date) -> int:
    """Which occurrence of its weekday ``d`` is within its month: 1..5."""
    return (d.day - 1) // 7 + 1


def is_last_of_month(d: date) -> bool:
    """True when no later day of ``d``'s month shares its weekday."""
    return d.day + 7 > calendar.monthrange(d.year, d.month)[1]


@dataclass(frozen=True)
class Recurrence:
    """A meeting's schedule: the first occurrence as local wall time plus a repeat rule.

    For ``MONTHLY`` the weekday is ``start_local``'s weekday and ``start_local`` must
    itself be the ``monthly_nth`` such weekday of its month (the series' first instance,
    as RFC 5545 expects of DTSTART).
    """

    repeat: Repeat
    tz: str
    start_local: datetime
    monthly_nth: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "repeat", Repeat(self.repeat))  # accept stored strings
        if self.start_local.tzinfo is not None:
            raise ValueError("start_local must be a naive local wall time")
        zone(self.tz)
        if self.repeat is Repeat.MONTHLY:
            if self.monthly_nth not in MONTHLY_NTH_VALUES:
                raise ValueError("a monthly rule needs monthly_nth in 1..4 or -1 (last)")
            d = self.start_local.date()
            if nth_weekday_date(d.year, d.month, d.weekday(), self.monthly_nth) != d:
                word = ORDINAL_WORDS[self.monthly_nth]
                raise ValueError(f"{d} is not the {word} {WEEKDAY_NAMES[d.weekday()]}")
        elif self.monthly_nth is not None:
            raise ValueError("monthly_nth is only meaningful for a monthly rule")

    @property
    def weekday(self) -> int:
        return self.start_local.weekday()

    @property
    def wall_time(self) -> time:
        return self.start_local.time()

    @property
    def is_recurring(self) -> bool:
        return self.repeat is not Repeat.NONE


def _require_aware(dt: datetime, name: str) -> None:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def local_dates(rule: Recurrence, from_date: date) -> Iterator[date]:
    """The rule's occurrence dates (local, ascending) on or after ``from_date``.

    Infinite for a recurring rule; ignores blackout dates.
    """
    start = rule.start_local.date()
    if rule.repeat is Repeat.NONE:
        if start >= from_date:
            yield start
        return
    if rule.repeat in (Repeat.WEEKLY, Repeat.BIWEEKLY):
        step = 7 if rule.repeat is Repeat.WEEKLY else 14
        k = max(0, -(-(from_date - start).days // step))  # ceiling division
        d = start + timedelta(days=k * step)
        while True:
            yield d
            d += timedelta(days=step)
    assert rule.monthly_nth is not None
    year, month = max((start.year, start.month), (from_date.year, from_date.month))
    while True:
        d = nth_weekday_date(year, month, rule.weekday, rule.monthly_nth)
        if d >= start and d >= from_date:
            yield d
        year, month = _add_months(year, month, 1)


def _iter_all(rule: Recurrence, after_utc: datetime) -> Iterator[tuple[date, datetime]]:
    """(local date, UTC instant) of every occurrence after ``after_utc``, no blackouts."""
    _require_aware(after_utc, "after_utc")
    # One local day of slack either side of the conversion; the strict check decides.
    from_date = after_utc.astimezone(zone(rule.tz)).date() - timedelta(days=1)
    try:
        for d in local_dates(rule, from_date):
            instant = to_utc(datetime.combine(d, rule.wall_time), rule.tz)
            if instant > after_utc:
                yield d, instant
    except OverflowError:
        return  # the calendar ends (year 9999): so does the series


def iter_occurrences(
    rule: Recurrence, after_utc: datetime, skip_dates: Collection[date] = ()
) -> Iterator[datetime]:
    """Aware UTC occurrences strictly after ``after_utc``, skipping blackout dates."""
    skip = frozenset(skip_dates)
    return (instant for d, instant in _iter_all(rule, after_utc) if d not in skip)


def occurrences(
    rule: Recurrence,
    after_utc: datetime,
    limit: int = 10,
    skip_dates: Collection[date] = (),
) -> list[datetime]:
    """Up to ``limit`` aware UTC occurrences strictly after ``after_utc``."""
    if limit < 0:
        raise ValueError("limit must not be negative")
    return list(islice(iter_occurrences(rule, after_utc, skip_dates), limit))


def next_occurrence(
    rule: Recurrence, after_utc: datetime, skip_dates: Collection[date] = ()
) -> datetime | None:
    """The first occurrence strictly after ``after_utc``, or None when the series is over."""
    return next(iter_occurrences(rule, after_utc, skip_dates), None)


def occurrences_between(
    rule: Recurrence,
    after_utc: datetime,
    until_utc: datetime,
    skip_dates: Collection[date] = (),
) -> list[datetime]:
    """Occurrences in the half-open window ``(after_utc, until_utc]``."""
    _require_aware(until_utc, "until_utc")
    result: list[datetime] = []
    for instant in iter_occurrences(rule, after_utc, skip_dates):
        if instant > until_utc:
            break
        result.append(instant)
    return result


def skipped_between(
    rule: Recurrence,
    after_utc: datetime,
    before_utc: datetime,
    skip_dates: Collection[date],
) -> list[date]:
    """Local dates in ``(after_utc, before_utc]`` on which a meeting was skipped.

    For notices such as "no meeting on 25 Dec: Holiday"; the caller holds the reasons.
    """
    _require_aware(before_utc, "before_utc")
    skip = frozenset(skip_dates)
    if not skip:
        return []
    result: list[date] = []
    for d, instant in _iter_all(rule, after_utc):
        if instant > before_utc:
            break
        if d in skip:
            result.append(d)
    return result


def format_long_date(d: date) -> str:
    """``Thursday 3 December 2026``."""
    return f"{WEEKDAY_NAMES[d.weekday()]} {d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def describe(rule: Recurrence) -> str:
    """A sentence fragment for people, e.g. ``every Tuesday at 15:00 (Europe/Berlin)``."""
    at = f"at {rule.start_local:%H:%M} ({rule.tz})"
    day = WEEKDAY_NAMES[rule.weekday]
    match rule.repeat:
        case Repeat.NONE:
            return f"once on {format_long_date(rule.start_local.date())} {at}"
        case Repeat.WEEKLY:
            return f"every {day} {at}"
        case Repeat.BIWEEKLY:
            return f"every other {day} {at}, starting {format_long_date(rule.start_local.date())}"
        case Repeat.MONTHLY:
            assert rule.monthly_nth is not None
            return f"the {ORDINAL_WORDS[rule.monthly_nth]} {day} of each month {at}"
    raise AssertionError(rule.repeat)  # pragma: no cover
