"""Recurrence on local wall time: DST changes, biweekly parity, monthly nth weekday, blackouts."""

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.meetings.recurrence import (
    Recurrence,
    Repeat,
    describe,
    is_last_of_month,
    iter_occurrences,
    next_occurrence,
    nth_of_month,
    nth_weekday_date,
    occurrences,
    occurrences_between,
    skipped_between,
    to_utc,
)

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(instants: list[datetime], tz: str) -> list[datetime]:
    return [i.astimezone(ZoneInfo(tz)).replace(tzinfo=None) for i in instants]


# --- conversion at DST edges ------------------------------------------------------------


def test_to_utc_nonexistent_time_moves_forward_by_the_gap() -> None:
    # Berlin springs forward 02:00 -> 03:00 on 29 March 2026.
    instant = to_utc(datetime(2026, 3, 29, 2, 30), BERLIN)
    assert instant == utc(2026, 3, 29, 1, 30)
    assert instant.astimezone(ZoneInfo(BERLIN)).strftime("%H:%M %Z") == "03:30 CEST"


def test_to_utc_ambiguous_time_takes_the_first_instant() -> None:
    # Berlin falls back 03:00 -> 02:00 on 25 October 2026; 02:30 happens twice.
    assert to_utc(datetime(2026, 10, 25, 2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)
    # New York falls back 02:00 -> 01:00 on 1 November 2026.
    assert to_utc(datetime(2026, 11, 1, 1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)


def test_to_utc_new_york_gap() -> None:
    # New York springs forward 02:00 -> 03:00 on 8 March 2026: 02:30 becomes 03:30 EDT.
    assert to_utc(datetime(2026, 3, 8, 2, 30), NEW_YORK) == utc(2026, 3, 8, 7, 30)


def test_to_utc_rejects_aware_input() -> None:
    with pytest.raises(ValueError):
        to_utc(utc(2026, 1, 1), BERLIN)


# --- weekly across DST ------------------------------------------------------------------


def test_weekly_keeps_local_time_across_october_change_in_berlin() -> None:
    rule = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 10, 13, 15, 0))
    got = occurrences(rule, after_utc=utc(2026, 10, 14), limit=3)
    assert got == [utc(2026, 10, 20, 13), utc(2026, 10, 27, 14), utc(2026, 11, 3, 14)]
    assert all(t.tzinfo is UTC for t in got)


def test_weekly_keeps_local_time_across_march_change_in_berlin() -> None:
    rule = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 1, 6, 15, 0))
    got = occurrences(rule, after_utc=utc(2026, 3, 20), limit=2)
    assert got == [utc(2026, 3, 24, 14), utc(2026, 3, 31, 13)]


def test_weekly_in_new_york_across_spring_change() -> None:
    rule = Recurrence(Repeat.WEEKLY, NEW_YORK, datetime(2026, 2, 23, 9, 0))
    assert occurrences(rule, utc(2026, 2, 24), limit=2) == [
        utc(2026, 3, 2, 14),
        utc(2026, 3, 9, 13),
    ]


def test_weekly_new_york_monday_after_fall_back() -> None:
    rule = Recurrence(Repeat.WEEKLY, NEW_YORK, datetime(2026, 10, 19, 9, 0))
    got = occurrences(rule, utc(2026, 10, 20), limit=3)
    assert got == [utc(2026, 10, 26, 13), utc(2026, 11, 2, 14), utc(2026, 11, 9, 14)]


def test_weekly_wall_time_in_the_gap_and_overlap() -> None:
    rule = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 3, 22, 2, 30))  # Sundays 02:30
    got = occurrences(rule, utc(2026, 3, 1), limit=3)
    assert got == [utc(2026, 3, 22, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 4, 5, 0, 30)]
    assert [t.strftime("%H:%M") for t in local(got, BERLIN)] == ["02:30", "03:30", "02:30"]
    autumn = occurrences(rule, utc(2026, 10, 17), limit=2)
    assert autumn == [utc(2026, 10, 18, 0, 30), utc(2026, 10, 25, 0, 30)]  # first 02:30


def test_many_years_stay_on_tuesday_at_1500_local() -> None:
    rule = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 1, 6, 15, 0))
    got = local(occurrences(rule, utc(2026, 1, 1), limit=260), BERLIN)
    assert {(t.weekday(), t.hour, t.minute) for t in got} == {(1, 15, 0)}
    assert all(b - a == timedelta(days=7) for a, b in pairwise(got))


# --- biweekly ---------------------------------------------------------------------------


def test_biweekly_is_every_fourteen_days_from_the_start_week() -> None:
    rule = Recurrence(Repeat.BIWEEKLY, BERLIN, datetime(2026, 12, 1, 18, 0))
    got = local(occurrences(rule, utc(2026, 11, 1), limit=4), BERLIN)
    assert [t.date() for t in got] == [
        date(2026, 12, 1),
        date(2026, 12, 15),
        date(2026, 12, 29),
        date(2027, 1, 12),
    ]


def test_biweekly_parity_is_kept_far_from_the_start_and_across_dst() -> None:
    rule = Recurrence(Repeat.BIWEEKLY, BERLIN, datetime(2026, 12, 1, 18, 0))
    # After Tue 16 Mar 2027 (an "off" week) the next is 23 Mar (CET), then 6 Apr (CEST).
    got = occurrences(rule, utc(2027, 3, 16, 20), limit=2)
    assert got == [utc(2027, 3, 23, 17), utc(2027, 4, 6, 16)]
    start = rule.start_local.date()
    later = local(occurrences(rule, utc(2030, 5, 5), limit=5), BERLIN)
    assert all((t.date() - start).days % 14 == 0 for t in later)


# --- monthly ----------------------------------------------------------------------------


def test_nth_weekday_helpers() -> None:
    assert nth_weekday_date(2026, 12, 1, 1) == date(2026, 12, 1)  # first Tuesday
    assert nth_weekday_date(2026, 12, 4, -1) == date(2026, 12, 25)  # last Friday
    assert nth_weekday_date(2027, 2, 6, 4) == date(2027, 2, 28)
    assert nth_of_month(date(2026, 12, 29)) == 5
    assert is_last_of_month(date(2026, 12, 29))
    assert not is_last_of_month(date(2026, 12, 22))
    with pytest.raises(ValueError):
        nth_weekday_date(2026, 12, 1, 5)


def test_monthly_first_tuesday() -> None:
    rule = Recurrence(Repeat.MONTHLY, BERLIN, datetime(2026, 12, 1, 19, 0), monthly_nth=1)
    got = local(occurrences(rule, utc(2026, 11, 1), limit=4), BERLIN)
    assert [t.date() for t in got] == [
        date(2026, 12, 1),
        date(2027, 1, 5),
        date(2027, 2, 2),
        date(2027, 3, 2),
    ]
    assert {t.hour for t in got} == {19}


def test_monthly_last_friday_including_five_friday_months() -> None:
    rule = Recurrence(Repeat.MONTHLY, BERLIN, datetime(2026, 10, 30, 17, 0), monthly_nth=-1)
    got = local(occurrences(rule, utc(2026, 10, 1), limit=4), BERLIN)
    assert [t.date() for t in got] == [
        date(2026, 10, 30),
        date(2026, 11, 27),
        date(2026, 12, 25),
        date(2027, 1, 29),
    ]
    # 30 Oct 2026 is after Berlin's change: 17:00 CET = 16:00 UTC.
    assert next_occurrence(rule, utc(2026, 10, 1)) == utc(2026, 10, 30, 16)


def test_monthly_third_wednesday_across_year_end_and_far_ahead() -> None:
    rule = Recurrence(Repeat.MONTHLY, NEW_YORK, datetime(2026, 11, 18, 12, 0), monthly_nth=3)
    got = local(occurrences(rule, utc(2031, 12, 20), limit=3), NEW_YORK)
    assert [t.date() for t in got] == [date(2032, 1, 21), date(2032, 2, 18), date(2032, 3, 17)]


def test_monthly_rule_accepts_its_own_first_occurrence() -> None:
    rule = Recurrence(Repeat.MONTHLY, BERLIN, datetime(2026, 12, 29, 19), monthly_nth=-1)
    assert rule.weekday == 1


@pytest.mark.parametrize(
    ("start", "nth"),
    [
        (datetime(2026, 12, 8, 19), 1),  # second Tuesday, not first
        (datetime(2026, 12, 22, 19), -1),  # fourth but not last Tuesday
        (datetime(2026, 12, 1, 19), 5),
        (datetime(2026, 12, 1, 19), None),
    ],
)
def test_monthly_rule_must_start_on_its_own_occurrence(start: datetime, nth: int | None) -> None:
    with pytest.raises(ValueError):
        Recurrence(Repeat.MONTHLY, BERLIN, start, monthly_nth=nth)


# --- validation -------------------------------------------------------------------------


def test_rule_validation() -> None:
    with pytest.raises(ValueError, match="naive"):
        Recurrence(Repeat.WEEKLY, BERLIN, utc(2026, 12, 1))
    with pytest.raises(ValueError, match="time zone"):
        Recurrence(Repeat.WEEKLY, "Mars/Olympus", datetime(2026, 12, 1))
    with pytest.raises(ValueError, match="monthly_nth"):
        Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 12, 1), monthly_nth=1)
    with pytest.raises(ValueError):
        Recurrence("daily", BERLIN, datetime(2026, 12, 1))  # type: ignore[arg-type]


def test_repeat_is_coerced_from_a_stored_string() -> None:
    rule = Recurrence("weekly", BERLIN, datetime(2026, 12, 1, 15))  # type: ignore[arg-type]
    assert rule.repeat is Repeat.WEEKLY


def test_after_must_be_aware() -> None:
    rule = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 12, 1, 15))
    with pytest.raises(ValueError, match="aware"):
        occurrences(rule, datetime(2026, 12, 1))
    with pytest.raises(ValueError):
        occurrences(rule, utc(2026, 12, 1), limit=-1)


# --- one-off, strictness, blackouts -----------------------------------------------------


def test_one_off() -> None:
    rule = Recurrence(Repeat.NONE, BERLIN, datetime(2026, 12, 3, 15))
    assert occurrences(rule, utc(2026, 1, 1)) == [utc(2026, 12, 3, 14)]
    assert occurrences(rule, utc(2026, 12, 3, 14)) == []
    assert next_occurrence(rule, utc(2026, 12, 3, 14)) is None


def test_after_is_strict_and_before_start_gives_the_start() -> None:
    rule = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 12, 1, 15))
    assert next_occurrence(rule, utc(2020, 1, 1)) == utc(2026, 12, 1, 14)
    assert next_occurrence(rule, utc(2026, 12, 1, 14)) == utc(2026, 12, 8, 14)
    assert next_occurrence(rule, utc(2026, 12, 1, 13, 59, 59)) == utc(2026, 12, 1, 14)


def test_after_in_another_zone_is_handled() -> None:
    rule = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 12, 1, 15))
    after = datetime(2026, 12, 1, 8, 59, tzinfo=ZoneInfo(NEW_YORK))  # 13:59 UTC
    assert next_occurrence(rule, after) == utc(2026, 12, 1, 14)


def test_blackout_dates_skip_occurrences() -> None:
    rule = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 12, 15, 15))
    skip = {date(2026, 12, 22), date(2026, 12, 29), date(2026, 12, 30)}
    got = occurrences(rule, utc(2026, 12, 1), limit=3, skip_dates=skip)
    assert got == [utc(2026, 12, 15, 14), utc(2027, 1, 5, 14), utc(2027, 1, 12, 14)]
    assert next_occurrence(rule, utc(2026, 12, 16), skip_dates=skip) == utc(2027, 1, 5, 14)
    assert skipped_between(rule, utc(2026, 12, 16), utc(2027, 1, 5, 14), skip) == [
        date(2026, 12, 22),
        date(2026, 12, 29),
    ]
    assert skipped_between(rule, utc(2026, 12, 16), utc(2027, 1, 5, 14), ()) == []


def test_blackout_is_a_local_date() -> None:
    # 00:30 Tuesday in Berlin is Monday 23:30 UTC; the Berlin date is what is skipped.
    rule = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 12, 15, 0, 30))
    got = occurrences(rule, utc(2026, 12, 1), limit=2, skip_dates={date(2026, 12, 15)})
    assert got == [utc(2026, 12, 21, 23, 30), utc(2026, 12, 28, 23, 30)]


def test_one_off_on_a_blackout_day_never_happens() -> None:
    rule = Recurrence(Repeat.NONE, BERLIN, datetime(2026, 12, 25, 15))
    assert next_occurrence(rule, utc(2026, 1, 1), skip_dates={date(2026, 12, 25)}) is None


def test_occurrences_between_is_half_open() -> None:
    rule = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 12, 1, 15))
    got = occurrences_between(rule, utc(2026, 12, 1, 14), utc(2026, 12, 15, 14))
    assert got == [utc(2026, 12, 8, 14), utc(2026, 12, 15, 14)]


def test_iter_occurrences_is_lazy_and_endless_for_recurring_rules() -> None:
    rule = Recurrence(Repeat.MONTHLY, BERLIN, datetime(2026, 12, 1, 19), monthly_nth=1)
    it = iter_occurrences(rule, utc(2026, 1, 1))
    assert [next(it) for _ in range(50)][-1].year == 2031


# --- describe ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (
            Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 12, 1, 15)),
            "every Tuesday at 15:00 (Europe/Berlin)",
        ),
        (
            Recurrence(Repeat.BIWEEKLY, BERLIN, datetime(2026, 12, 1, 15)),
            "every other Tuesday at 15:00 (Europe/Berlin), starting Tuesday 1 December 2026",
        ),
        (
            Recurrence(Repeat.MONTHLY, BERLIN, datetime(2026, 12, 1, 15, 30), monthly_nth=1),
            "the first Tuesday of each month at 15:30 (Europe/Berlin)",
        ),
        (
            Recurrence(Repeat.MONTHLY, NEW_YORK, datetime(2026, 12, 25, 9), monthly_nth=-1),
            "the last Friday of each month at 09:00 (America/New_York)",
        ),
        (
            Recurrence(Repeat.NONE, BERLIN, datetime(2026, 12, 3, 15)),
            "once on Thursday 3 December 2026 at 15:00 (Europe/Berlin)",
        ),
    ],
)
def test_describe(rule: Recurrence, text: str) -> None:
    assert describe(rule) == text
