"""Quiet hours: people hear from clubbot only in their own working hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.quiet_hours import (
    WorkingHours,
    describe_local,
    is_blackout,
    is_working_time,
    next_working_time,
    resolve_tz,
)

HOURS = WorkingHours()
BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# 2026-03-02 is a Monday; 2026-03-07 a Saturday.


def test_defaults_are_nine_to_five_monday_to_friday() -> None:
    assert HOURS.start == time(9)
    assert HOURS.end == time(17)
    assert HOURS.weekdays == frozenset({0, 1, 2, 3, 4})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": time(17), "end": time(9)}, "start before"),
        ({"start": time(9), "end": time(9)}, "start before"),
        ({"weekdays": frozenset()}, "at least one"),
        ({"weekdays": frozenset({7})}, "0 \\(Mon\\) to 6"),
    ],
)
def test_working_hours_reject_nonsense(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingHours(**kwargs)  # type: ignore[arg-type]


def test_berlin_monday_morning_is_working_time() -> None:
    # 08:30 UTC is 09:30 in Berlin (CET, UTC+1).
    assert is_working_time(utc(2026, 3, 2, 8, 30), BERLIN, HOURS)


def test_same_instant_is_before_hours_in_new_york() -> None:
    # 08:30 UTC is 03:30 in New York (EST, UTC-5).
    assert not is_working_time(utc(2026, 3, 2, 8, 30), NEW_YORK, HOURS)
    assert is_working_time(utc(2026, 3, 2, 14, 0), NEW_YORK, HOURS)  # 09:00 EST


def test_start_is_inclusive_and_end_exclusive() -> None:
    assert is_working_time(utc(2026, 3, 2, 8, 0), BERLIN, HOURS)  # 09:00 local
    assert is_working_time(utc(2026, 3, 2, 15, 59), BERLIN, HOURS)  # 16:59 local
    assert not is_working_time(utc(2026, 3, 2, 16, 0), BERLIN, HOURS)  # 17:00 local
    assert not is_working_time(utc(2026, 3, 2, 7, 59), BERLIN, HOURS)  # 08:59 local


def test_weekend_is_not_working_time() -> None:
    assert not is_working_time(utc(2026, 3, 7, 10, 0), BERLIN, HOURS)  # Saturday 11:00


def test_local_weekday_decides_not_the_utc_one() -> None:
    # Friday 23:30 UTC is already Saturday 08:30 in Tokyo, and still Friday 18:30 in New York.
    friday_night = utc(2026, 3, 6, 23, 30)
    tokyo_hours = WorkingHours(start=time(8), end=time(9))
    assert not is_working_time(friday_night, "Asia/Tokyo", tokyo_hours)
    # Sunday 23:30 UTC is Monday 08:30 in Tokyo.
    assert is_working_time(utc(2026, 3, 8, 23, 30), "Asia/Tokyo", tokyo_hours)


def test_blackout_dates_are_local_dates() -> None:
    holiday = date(2026, 3, 3)  # a Tuesday
    # Monday 23:30 UTC is already Tuesday 08:30 in Tokyo: blacked out there, not in New York.
    instant = utc(2026, 3, 2, 23, 30)
    assert is_blackout(instant, "Asia/Tokyo", [holiday])
    assert not is_blackout(instant, NEW_YORK, [holiday])
    # Tuesday 10:00 in Berlin is inside hours but blacked out.
    assert not is_working_time(utc(2026, 3, 3, 9, 0), BERLIN, HOURS, [holiday])
    assert is_working_time(utc(2026, 3, 3, 9, 0), BERLIN, HOURS)


@pytest.mark.parametrize("tz", ["", "Not/AZone", "../etc/passwd", None])
def test_unknown_or_empty_zone_falls_back_to_utc(tz: str | None) -> None:
    assert resolve_tz(tz) is UTC
    assert is_working_time(utc(2026, 3, 2, 9, 0), tz, HOURS)
    assert not is_working_time(utc(2026, 3, 2, 8, 59), tz, HOURS)
    assert next_working_time(utc(2026, 3, 2, 8, 0), tz, HOURS) == utc(2026, 3, 2, 9, 0)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        is_working_time(datetime(2026, 3, 2, 10), BERLIN, HOURS)


def test_next_working_time_is_now_when_already_inside() -> None:
    now = utc(2026, 3, 2, 10, 0)
    assert next_working_time(now, BERLIN, HOURS) == now


def test_next_working_time_returns_utc() -> None:
    result = next_working_time(utc(2026, 3, 2, 6, 0), BERLIN, HOURS)
    assert result == utc(2026, 3, 2, 8, 0)
    assert result.utcoffset() is not None and result.utcoffset().total_seconds() == 0


def test_next_working_time_after_hours_is_next_morning() -> None:
    # Monday 18:00 Berlin -> Tuesday 09:00 Berlin.
    assert next_working_time(utc(2026, 3, 2, 17, 0), BERLIN, HOURS) == utc(2026, 3, 3, 8, 0)


def test_next_working_time_skips_the_weekend() -> None:
    # Friday 2026-02-06 17:30 EST -> Monday 2026-02-09 09:00 EST (14:00 UTC).
    assert next_working_time(utc(2026, 2, 6, 22, 30), NEW_YORK, HOURS) == utc(2026, 2, 9, 14, 0)
    # Saturday in Berlin -> Monday 09:00 CET.
    assert next_working_time(utc(2026, 2, 7, 10, 0), BERLIN, HOURS) == utc(2026, 2, 9, 8, 0)


def test_next_working_time_skips_weekend_exactly_before_us_dst() -> None:
    # US clocks spring forward on Sunday 2026-03-08. Friday 17:30 EST -> Monday 09:00 EDT.
    assert next_working_time(utc(2026, 3, 6, 22, 30), NEW_YORK, HOURS) == utc(2026, 3, 9, 13, 0)


def test_next_working_time_across_eu_dst_change() -> None:
    # EU clocks spring forward on Sunday 2026-03-29: Friday 17:00 CET -> Monday 09:00 CEST.
    assert next_working_time(utc(2026, 3, 27, 16, 0), BERLIN, HOURS) == utc(2026, 3, 30, 7, 0)
    # And fall back on Sunday 2026-10-25: Friday 17:00 CEST -> Monday 09:00 CET.
    assert next_working_time(utc(2026, 10, 23, 15, 0), BERLIN, HOURS) == utc(2026, 10, 26, 8, 0)


def test_dst_shifts_the_utc_window() -> None:
    # 07:30 UTC is 08:30 CET in March (outside) but 09:30 CEST in April (inside).
    assert not is_working_time(utc(2026, 3, 27, 7, 30), BERLIN, HOURS)
    assert is_working_time(utc(2026, 4, 3, 7, 30), BERLIN, HOURS)


def test_start_inside_a_spring_forward_gap_moves_to_a_valid_instant() -> None:
    # 02:30 does not exist in Berlin on 2026-03-29; a Sunday-only window 02:30-04:00.
    night = WorkingHours(start=time(2, 30), end=time(4), weekdays=frozenset({6}))
    result = next_working_time(utc(2026, 3, 28, 12, 0), BERLIN, night)
    assert is_working_time(result, BERLIN, night)
    assert result == utc(2026, 3, 29, 1, 30)  # 03:30 CEST


def test_next_working_time_skips_blackout_days() -> None:
    # Friday 2026-12-25 blacked out; Thursday after hours -> Monday 2026-12-28.
    blackout = [date(2026, 12, 25)]
    assert next_working_time(utc(2026, 12, 24, 17, 0), BERLIN, HOURS, blackout) == utc(
        2026, 12, 28, 8, 0
    )


def test_next_working_time_from_inside_a_blackout_day() -> None:
    blackout = {date(2026, 12, 24), date(2026, 12, 25)}
    now = utc(2026, 12, 24, 10, 0)  # Thursday 11:00 Berlin, blacked out
    assert next_working_time(now, BERLIN, HOURS, blackout) == utc(2026, 12, 28, 8, 0)


def test_next_working_time_looks_past_many_blackouts() -> None:
    monday_only = WorkingHours(weekdays=frozenset({0}))
    mondays = [date(2026, 3, 2 + 7 * i) for i in range(4)]
    # Four Mondays blacked out: the fifth one is found.
    assert next_working_time(utc(2026, 3, 1), BERLIN, monday_only, mondays) == utc(
        2026, 3, 30, 7, 0
    )


def test_describe_local() -> None:
    assert describe_local(utc(2026, 3, 7, 9, 0), BERLIN) == "Sat 10:00 Europe/Berlin"
    assert describe_local(utc(2026, 3, 7, 9, 0), "") == "Sat 09:00 UTC"
