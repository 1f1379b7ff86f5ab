"""The .ics export: structure, folding, escaping, RRULE/EXDATE, and a VTIMEZONE that agrees."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.meetings.ics import (
    escape_text,
    fold_line,
    format_duration,
    meeting_ics,
    rrule_value,
    vtimezone_lines,
)
from bot.meetings.recurrence import Recurrence, Repeat, occurrences, to_utc

rrule_mod = pytest.importorskip("dateutil.rrule")  # test-only cross-check (via freezegun)

BERLIN = "Europe/Berlin"
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
WEEKLY = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 12, 3, 15))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def ics_for(rule: Recurrence | None, start: datetime, **kw: object) -> str:
    args: dict[str, object] = {
        "uid": "meeting-1@clubbot",
        "title": "Book club",
        "start_utc": start,
        "duration": timedelta(hours=1),
        "description": None,
        "location": None,
        "rule": rule,
        "exdates": (),
        "now_utc": NOW,
    }
    args.update(kw)
    return meeting_ics(**args)  # type: ignore[arg-type]


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def prop(lines: list[str], name: str) -> list[str]:
    return [line for line in lines if line.split(":", 1)[0].split(";", 1)[0] == name]


# --- text helpers -----------------------------------------------------------------------


def test_escape_text() -> None:
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert escape_text("plain: colons stay") == "plain: colons stay"


def test_fold_short_line_is_untouched() -> None:
    assert fold_line("x" * 75) == "x" * 75


def test_fold_long_ascii_line() -> None:
    folded = fold_line("x" * 200)
    parts = folded.split("\r\n")
    assert [len(p.encode()) for p in parts] == [
        75,
        75,
        52,
    ]  # 200 = 75 + 74 + 51, each continuation led by a space
    assert all(p.startswith(" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == "x" * 200


def test_fold_never_splits_a_multibyte_character() -> None:
    line = "SUMMARY:" + "é€😀" * 40
    folded = fold_line(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
        part.encode("utf-8").decode("utf-8")  # each physical line is valid UTF-8
    assert folded.replace("\r\n ", "") == line


@pytest.mark.parametrize(
    ("td", "text"),
    [
        (timedelta(hours=1), "PT1H"),
        (timedelta(minutes=90), "PT1H30M"),
        (timedelta(minutes=45), "PT45M"),
        (timedelta(days=1), "P1D"),
        (timedelta(days=1, hours=2), "P1DT2H"),
        (timedelta(seconds=30), "PT30S"),
    ],
)
def test_format_duration(td: timedelta, text: str) -> None:
    assert format_duration(td) == text


def test_duration_must_be_positive() -> None:
    with pytest.raises(ValueError):
        format_duration(timedelta(0))


def test_rrule_values() -> None:
    assert rrule_value(WEEKLY) == "FREQ=WEEKLY"
    biweekly = Recurrence(Repeat.BIWEEKLY, BERLIN, datetime(2026, 12, 1, 15))
    assert rrule_value(biweekly) == "FREQ=WEEKLY;INTERVAL=2"
    first_tue = Recurrence(Repeat.MONTHLY, BERLIN, datetime(2026, 12, 1, 15), monthly_nth=1)
    assert rrule_value(first_tue) == "FREQ=MONTHLY;BYDAY=1TU"
    last_fri = Recurrence(Repeat.MONTHLY, BERLIN, datetime(2026, 12, 25, 15), monthly_nth=-1)
    assert rrule_value(last_fri) == "FREQ=MONTHLY;BYDAY=-1FR"
    assert rrule_value(Recurrence(Repeat.NONE, BERLIN, datetime(2026, 12, 1, 15))) is None


# --- the calendar -----------------------------------------------------------------------


def test_one_off_is_in_utc_without_a_timezone() -> None:
    text = ics_for(None, utc(2026, 12, 3, 14))
    lines = unfold(text)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//clubbot//meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    assert lines[-1] == "END:VCALENDAR"
    assert "BEGIN:VTIMEZONE" not in lines
    assert prop(lines, "DTSTART") == ["DTSTART:20261203T140000Z"]
    assert prop(lines, "DTSTAMP") == ["DTSTAMP:20261120T120000Z"]
    assert prop(lines, "UID") == ["UID:meeting-1@clubbot"]
    assert prop(lines, "DURATION") == ["DURATION:PT1H"]
    assert prop(lines, "RRULE") == []
    assert prop(lines, "DESCRIPTION") == prop(lines, "LOCATION") == []
    once = Recurrence(Repeat.NONE, BERLIN, datetime(2026, 12, 3, 15))
    assert ics_for(once, utc(2026, 12, 3, 14)) == text


def test_crlf_everywhere_and_lines_folded() -> None:
    text = ics_for(
        WEEKLY,
        utc(2026, 12, 3, 14),
        title="A very long title, with; punctuation \\ and more " * 3,
        description="First line\nSecond line, longer " + "ü" * 80,
        location="Room 4; Building B, Campus",
    )
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    for physical in text.split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75
    lines = unfold(text)
    assert prop(lines, "SUMMARY") == [
        "SUMMARY:" + "A very long title\\, with\\; punctuation \\\\ and more " * 3
    ]
    assert prop(lines, "DESCRIPTION") == [
        "DESCRIPTION:First line\\nSecond line\\, longer " + "ü" * 80
    ]
    assert prop(lines, "LOCATION") == ["LOCATION:Room 4\\; Building B\\, Campus"]


def test_weekly_series_uses_local_dtstart_with_tzid_and_a_vtimezone() -> None:
    lines = unfold(
        ics_for(WEEKLY, utc(2026, 12, 3, 14), exdates={date(2026, 12, 24), date(2026, 12, 25)})
    )
    assert prop(lines, "DTSTART")[-1] == "DTSTART;TZID=Europe/Berlin:20261203T150000"
    assert prop(lines, "RRULE")[-1] == "RRULE:FREQ=WEEKLY"
    # 25 Dec 2026 is a Friday: not an occurrence, so not excluded
    assert prop(lines, "EXDATE") == ["EXDATE;TZID=Europe/Berlin:20261224T150000"]
    assert lines.count("BEGIN:VTIMEZONE") == 1
    assert "TZID:Europe/Berlin" in lines
    assert lines.index("END:VTIMEZONE") < lines.index("BEGIN:VEVENT")


def test_berlin_vtimezone_is_the_eu_rule() -> None:
    lines = vtimezone_lines(BERLIN, datetime(2026, 12, 3, 15))
    assert lines == [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Berlin",
        "BEGIN:DAYLIGHT",
        "DTSTART:20250330T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "TZNAME:CEST",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "DTSTART:20251026T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]


def test_new_york_vtimezone_is_the_us_rule() -> None:
    lines = vtimezone_lines("America/New_York", datetime(2026, 12, 3, 15))
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU" in lines
    assert "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU" in lines
    assert "DTSTART:20250309T020000" in lines
    assert "TZOFFSETTO:-0400" in lines and "TZOFFSETTO:-0500" in lines


def test_zone_without_dst_has_one_fixed_observance() -> None:
    lines = vtimezone_lines("Asia/Kolkata", datetime(2026, 12, 3, 15))
    assert lines == [
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Kolkata",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0530",
        "TZOFFSETTO:+0530",
        "TZNAME:IST",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]


def test_series_can_be_exported_from_a_later_occurrence() -> None:
    lines = unfold(ics_for(WEEKLY, utc(2027, 4, 1, 13)))  # 15:00 CEST
    assert prop(lines, "DTSTART")[-1] == "DTSTART;TZID=Europe/Berlin:20270401T150000"


def test_start_must_be_an_occurrence_of_the_rule() -> None:
    with pytest.raises(ValueError, match="occurrence"):
        ics_for(WEEKLY, utc(2026, 12, 4, 14))  # a Friday
    with pytest.raises(ValueError, match="occurrence"):
        ics_for(WEEKLY, utc(2026, 12, 3, 15))  # right day, wrong time


def _expand(text: str, count: int) -> list[datetime]:
    """Expand the VEVENT's DTSTART/RRULE/EXDATE with dateutil, as an independent client."""
    lines = unfold(text)
    event = lines[lines.index("BEGIN:VEVENT") :]
    source = "\n".join(prop(event, "DTSTART") + prop(event, "RRULE") + prop(event, "EXDATE"))
    rules = rrule_mod.rrulestr(source, forceset=True)
    return [d.astimezone(UTC) for d in rules[:count]]


def _rules_for_cross_check() -> list[Recurrence]:
    return [
        WEEKLY,
        Recurrence(Repeat.BIWEEKLY, BERLIN, datetime(2026, 12, 1, 18)),
        Recurrence(Repeat.MONTHLY, BERLIN, datetime(2026, 12, 1, 19), monthly_nth=1),
        Recurrence(Repeat.MONTHLY, "America/New_York", datetime(2026, 12, 25, 9), monthly_nth=-1),
        Recurrence(Repeat.WEEKLY, "America/New_York", datetime(2026, 11, 30, 9)),
    ]


@pytest.mark.parametrize("rule", _rules_for_cross_check())
def test_an_independent_rrule_expansion_matches_our_occurrences(rule: Recurrence) -> None:
    start = to_utc(rule.start_local, rule.tz)
    skip = {date(2027, 3, 2), date(2027, 4, 6), date(2027, 1, 29)}
    ours = occurrences(rule, start - timedelta(seconds=1), limit=30, skip_dates=skip)
    assert _expand(ics_for(rule, start, exdates=skip), 30) == ours


def _vtimezone_offset(lines: list[str], local: datetime) -> timedelta:
    """Resolve a wall time's offset from our VTIMEZONE alone (latest onset wins)."""
    best: tuple[datetime, str] | None = None
    block: list[str] = []
    for line in lines:
        if line in ("BEGIN:STANDARD", "BEGIN:DAYLIGHT"):
            block = []
        elif line in ("END:STANDARD", "END:DAYLIGHT"):
            source = "\n".join(prop(block, "DTSTART") + prop(block, "RRULE") + prop(block, "RDATE"))
            onsets = rrule_mod.rrulestr(source, forceset=True, compatible=True)
            onset = onsets.before(local, inc=True)
            to = prop(block, "TZOFFSETTO")[0].split(":")[1]
            if onset is not None and (best is None or onset > best[0]):
                best = (onset, to)
        else:
            block.append(line)
    assert best is not None
    sign = -1 if best[1][0] == "-" else 1
    return sign * timedelta(hours=int(best[1][1:3]), minutes=int(best[1][3:5]))


@pytest.mark.parametrize("tz", [BERLIN, "America/New_York", "Australia/Sydney", "Asia/Kolkata"])
def test_vtimezone_gives_the_same_offsets_as_zoneinfo(tz: str) -> None:
    lines = vtimezone_lines(tz, datetime(2026, 12, 3, 15))
    zi = ZoneInfo(tz)
    for day in range(0, 365 * 5, 5):
        local = datetime(2026, 12, 3, 15) + timedelta(days=day)
        assert _vtimezone_offset(lines, local) == local.replace(tzinfo=zi).utcoffset(), local
