"""An iCalendar (RFC 5545) file for a meeting, for "add to my calendar".

Why ``DTSTART;TZID=<IANA name>`` and not a UTC ``DTSTART``: an RRULE is expanded in the
time zone of its DTSTART. With ``DTSTART:20261203T140000Z`` and ``FREQ=WEEKLY`` every
instance would be 14:00 *UTC*, so after Berlin's change in March the calendar would
show the meeting at 16:00 instead of 15:00. Anchoring the series to local wall time
(``DTSTART;TZID=Europe/Berlin:20261203T150000``) keeps it at 15:00, which is exactly how
:mod:`bot.meetings.recurrence` computes occurrences — including RFC 5545's own rules for
nonexistent (moved forward by the gap) and ambiguous (first instant) wall times.

RFC 5545 requires a VTIMEZONE for every TZID used, so one is generated from the
zoneinfo database: the offset transitions around the series are found by scanning, and
each observance is written as a yearly RRULE when the transitions follow one
(``BYMONTH=3;BYDAY=-1SU``), else as explicit RDATEs. Clients that know the IANA name
(Google, Apple, Outlook) use their own rules; the others get correct offsets.

A one-off meeting needs none of that: it is written in UTC.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.meetings.recurrence import (
    Recurrence,
    Repeat,
    is_last_of_month,
    local_dates,
    nth_of_month,
    to_utc,
    zone,
)

PRODID = "-//clubbot//meetings//EN"
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_CRLF = "\r\n"
_YEARS_AHEAD = 10


def escape_text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold_line(line: str, limit: int = 75) -> str:
    """Fold a content line to at most ``limit`` octets per physical line (CRLF + space).

    Never splits a UTF-8 character.
    """
    parts: list[str] = []
    current, size = "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            parts.append(current)
            current, size = " ", 1
        current += ch
        size += n
    parts.append(current)
    return _CRLF.join(parts)


def _utc_stamp(dt: datetime) -> str:
    if dt.tzinfo is None:
        raise ValueError("expected an aware datetime")
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local_stamp(dt: datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%S")


def format_duration(td: timedelta) -> str:
    """RFC 5545 dur-value: ``PT1H30M``, ``P1D``, ``P1DT2H``."""
    seconds = int(td.total_seconds())
    if seconds <= 0:
        raise ValueError("duration must be positive")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = "".join(f"{v}{u}" for v, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if v)
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")


def _offset(td: timedelta) -> str:
    seconds = int(td.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def rrule_value(rule: Recurrence) -> str | None:
    """``FREQ=WEEKLY``, ``FREQ=WEEKLY;INTERVAL=2``, ``FREQ=MONTHLY;BYDAY=1TU``; None once."""
    match rule.repeat:
        case Repeat.WEEKLY:
            return "FREQ=WEEKLY"
        case Repeat.BIWEEKLY:
            return "FREQ=WEEKLY;INTERVAL=2"
        case Repeat.MONTHLY:
            return f"FREQ=MONTHLY;BYDAY={rule.monthly_nth}{_BYDAY[rule.weekday]}"
    return None


# --- VTIMEZONE from zoneinfo ------------------------------------------------------------


@dataclass(frozen=True)
class _Transition:
    onset_local: datetime  # wall time in the offset *before* the change, as RFC 5545 wants
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool


def _state(tz: ZoneInfo, instant: datetime) -> tuple[timedelta, str]:
    local = instant.astimezone(tz)
    return local.utcoffset() or timedelta(0), local.tzname() or ""


def _transitions(tz: ZoneInfo, first_year: int, last_year: int) -> list[_Transition]:
    found: list[_Transition] = []
    t = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    before = _state(tz, t)
    while t < end:
        nxt = t + timedelta(days=1)
        after = _state(tz, nxt)
        if after != before:
            lo, hi = t, nxt  # invariant: state(lo) == before != state(hi)
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if _state(tz, mid) == before else (lo, mid)
            hi = hi.replace(microsecond=0)
            daylight = bool(hi.astimezone(tz).dst())
            onset = (hi + before[0]).replace(tzinfo=None)
            found.append(_Transition(onset, before[0], after[0], after[1], daylight))
        before, t = after, nxt
    return found


def _yearly_rule(onsets: list[datetime], last_year: int) -> str | None:
    """A YEARLY RRULE that reproduces ``onsets`` up to ``last_year``, if there is one."""
    first = onsets[0]
    years = [o.year for o in onsets]
    if years != list(range(first.year, last_year + 1)) or len(onsets) < 2:
        return None
    same = {(o.month, o.weekday(), o.time()) for o in onsets}
    if len(same) != 1:
        return None
    if all(is_last_of_month(o.date()) for o in onsets):
        nth = -1
    elif len({nth_of_month(o.date()) for o in onsets}) == 1 and nth_of_month(first.date()) <= 4:
        nth = nth_of_month(first.date())
    else:
        return None
    return f"FREQ=YEARLY;BYMONTH={first.month};BYDAY={nth}{_BYDAY[first.weekday()]}"


def vtimezone_lines(tz_name: str, around: datetime) -> list[str]:
    """A VTIMEZONE for ``tz_name`` valid from the year before ``around`` on."""
    tz = zone(tz_name)
    first_year, last_year = around.year - 1, around.year + _YEARS_AHEAD
    transitions = _transitions(tz, first_year, last_year)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tz_name}"]
    if not transitions or transitions[0].onset_local > around:
        offset, name = _state(tz, datetime(first_year, 1, 1, tzinfo=UTC))
        daylight = bool(datetime(first_year, 1, 1, tzinfo=UTC).astimezone(tz).dst())
        kind = "DAYLIGHT" if daylight else "STANDARD"
        lines += [
            f"BEGIN:{kind}",
            "DTSTART:19700101T000000",
            f"TZOFFSETFROM:{_offset(offset)}",
            f"TZOFFSETTO:{_offset(offset)}",
            f"TZNAME:{escape_text(name)}",
            f"END:{kind}",
        ]
    groups: dict[tuple[bool, timedelta, timedelta, str], list[datetime]] = defaultdict(list)
    for tr in transitions:
        groups[(tr.daylight, tr.offset_from, tr.offset_to, tr.name)].append(tr.onset_local)
    for (daylight, offset_from, offset_to, name), onsets in sorted(
        groups.items(), key=lambda item: item[1][0]
    ):
        kind = "DAYLIGHT" if daylight else "STANDARD"
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{_local_stamp(onsets[0])}",
            f"TZOFFSETFROM:{_offset(offset_from)}",
            f"TZOFFSETTO:{_offset(offset_to)}",
            f"TZNAME:{escape_text(name)}",
        ]
        yearly = _yearly_rule(onsets, last_year)
        if yearly:
            lines.append(f"RRULE:{yearly}")
        elif len(onsets) > 1:
            lines.append("RDATE:" + ",".join(_local_stamp(o) for o in onsets[1:]))
        lines.append(f"END:{kind}")
    lines.append("END:VTIMEZONE")
    return lines


# --- the calendar -----------------------------------------------------------------------


def _series_start(rule: Recurrence, start_utc: datetime) -> datetime:
    """The local DTSTART for a series whose first listed instance is ``start_utc``."""
    d = start_utc.astimezone(zone(rule.tz)).date()
    local = datetime.combine(d, rule.wall_time)
    is_occurrence = next(iter(local_dates(rule, d)), None) == d
    if not is_occurrence or to_utc(local, rule.tz) != start_utc.astimezone(UTC):
        raise ValueError("start_utc must be an occurrence of the rule")
    return local


def _exdates(rule: Recurrence, start: date, exdates: Iterable[date]) -> list[date]:
    wanted = sorted({d for d in exdates if d >= start})
    if not wanted:
        return []
    occurring: set[date] = set()
    for d in local_dates(rule, start):
        if d > wanted[-1]:
            break
        occurring.add(d)
    return [d for d in wanted if d in occurring]


def meeting_ics(
    uid: str,
    title: str,
    start_utc: datetime,
    duration: timedelta,
    description: str | None,
    location: str | None,
    rule: Recurrence | None,
    exdates: Collection[date] = (),
    *,
    now_utc: datetime,
) -> str:
    """A complete VCALENDAR with one VEVENT (a series when ``rule`` repeats).

    ``exdates`` are blackout dates, local to ``rule.tz``; ``now_utc`` becomes DTSTAMP.
    """
    event = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(uid)}",
        f"DTSTAMP:{_utc_stamp(now_utc)}",
    ]
    timezone: list[str] = []
    if rule is not None and rule.is_recurring:
        local = _series_start(rule, start_utc)
        tzid = f"TZID={rule.tz}"
        event.append(f"DTSTART;{tzid}:{_local_stamp(local)}")
        event.append(f"RRULE:{rrule_value(rule)}")
        skipped = _exdates(rule, local.date(), exdates)
        if skipped:
            stamps = ",".join(_local_stamp(datetime.combine(d, rule.wall_time)) for d in skipped)
            event.append(f"EXDATE;{tzid}:{stamps}")
        timezone = vtimezone_lines(rule.tz, local)
    else:
        event.append(f"DTSTART:{_utc_stamp(start_utc)}")
    event.append(f"DURATION:{format_duration(duration)}")
    event.append(f"SUMMARY:{escape_text(title)}")
    if description:
        event.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        event.append(f"LOCATION:{escape_text(location)}")
    event.append("END:VEVENT")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *timezone,
        *event,
        "END:VCALENDAR",
    ]
    return "".join(fold_line(line) + _CRLF for line in lines)


__all__ = [
    "escape_text",
    "fold_line",
    "format_duration",
    "meeting_ics",
    "rrule_value",
    "vtimezone_lines",
]
