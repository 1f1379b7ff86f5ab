"""Reminder times, stable keys, late-reminder decisions and Slack date tokens."""

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.meetings.recurrence import Recurrence, Repeat
from bot.meetings.timing import (
    DEFAULT_OFFSETS,
    ReminderDue,
    decide_late_reminder,
    next_reminder,
    reminder_key,
    reminders_between,
    slack_date_token,
)

BERLIN = "Europe/Berlin"
H = timedelta(hours=1)
WEEKLY = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 12, 1, 15))  # Tue 14:00 UTC


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_default_offsets_are_a_day_and_an_hour() -> None:
    assert (timedelta(hours=24), timedelta(hours=1)) == DEFAULT_OFFSETS


def test_key_is_stable_and_distinct() -> None:
    key = reminder_key(42, utc(2026, 12, 1, 14), timedelta(hours=24))
    assert key == "42:2026-12-01T14:00:00Z:86400"
    same_instant_in_berlin = datetime(2026, 12, 1, 15, tzinfo=ZoneInfo(BERLIN))
    assert reminder_key(42, same_instant_in_berlin, timedelta(hours=24)) == key
    assert reminder_key(42, utc(2026, 12, 1, 14), H) != key
    assert reminder_key(43, utc(2026, 12, 1, 14), timedelta(hours=24)) != key


def test_reminders_between_a_week() -> None:
    got = reminders_between(7, WEEKLY, DEFAULT_OFFSETS, utc(2026, 11, 30), utc(2026, 12, 8, 13))
    assert [(r.due_utc, r.offset) for r in got] == [
        (utc(2026, 11, 30, 14), 24 * H),
        (utc(2026, 12, 1, 13), H),
        (utc(2026, 12, 7, 14), 24 * H),
        (utc(2026, 12, 8, 13), H),  # end is inclusive
    ]
    assert got[0] == ReminderDue(
        occurrence_utc=utc(2026, 12, 1, 14),
        offset=24 * H,
        due_utc=utc(2026, 11, 30, 14),
        key="7:2026-12-01T14:00:00Z:86400",
    )


def test_windows_are_half_open_so_consecutive_runs_see_each_reminder_once() -> None:
    edges = [utc(2026, 11, 30) + timedelta(minutes=30 * i) for i in range(24 * 2 * 14)]
    seen: list[str] = []
    for start, end in pairwise(edges):
        seen += [r.key for r in reminders_between(1, WEEKLY, DEFAULT_OFFSETS, start, end)]
    whole = reminders_between(1, WEEKLY, DEFAULT_OFFSETS, edges[0], edges[-1])
    assert seen == [r.key for r in whole]
    assert len(seen) == len(set(seen)) == 4


def test_reminders_follow_local_time_across_dst() -> None:
    rule = Recurrence(Repeat.WEEKLY, BERLIN, datetime(2026, 10, 20, 15))
    got = reminders_between(1, rule, [H], utc(2026, 10, 20), utc(2026, 10, 28))
    assert [r.due_utc for r in got] == [utc(2026, 10, 20, 12), utc(2026, 10, 27, 13)]


def test_no_reminders_for_blacked_out_occurrences() -> None:
    got = reminders_between(
        1, WEEKLY, DEFAULT_OFFSETS, utc(2026, 12, 5), utc(2026, 12, 16), {date(2026, 12, 8)}
    )
    assert {r.occurrence_utc for r in got} == {utc(2026, 12, 15, 14)}


def test_empty_window_or_offsets() -> None:
    assert reminders_between(1, WEEKLY, (), utc(2026, 11, 1), utc(2027, 1, 1)) == []
    assert reminders_between(1, WEEKLY, DEFAULT_OFFSETS, utc(2026, 12, 2), utc(2026, 12, 1)) == []


def test_offsets_must_be_positive() -> None:
    with pytest.raises(ValueError):
        reminders_between(1, WEEKLY, [timedelta(0)], utc(2026, 11, 1), utc(2027, 1, 1))
    with pytest.raises(ValueError):
        next_reminder(1, WEEKLY, [-H], utc(2026, 11, 1))


def test_duplicate_offsets_give_one_reminder() -> None:
    got = reminders_between(1, WEEKLY, [H, H], utc(2026, 11, 30), utc(2026, 12, 2))
    assert len(got) == 1


def test_long_offsets_reach_back_across_occurrences() -> None:
    # A 10-day reminder for the 15 Dec meeting is due before the 8 Dec meeting.
    got = reminders_between(1, WEEKLY, [timedelta(days=10)], utc(2026, 12, 4), utc(2026, 12, 6))
    assert [r.occurrence_utc for r in got] == [utc(2026, 12, 15, 14)]


def test_next_reminder() -> None:
    first = next_reminder(1, WEEKLY, DEFAULT_OFFSETS, utc(2026, 11, 1))
    assert first is not None
    assert (first.due_utc, first.offset) == (utc(2026, 11, 30, 14), 24 * H)
    second = next_reminder(1, WEEKLY, DEFAULT_OFFSETS, first.due_utc)
    assert second is not None
    assert (second.due_utc, second.offset) == (utc(2026, 12, 1, 13), H)
    third = next_reminder(1, WEEKLY, DEFAULT_OFFSETS, second.due_utc)
    assert third is not None and third.occurrence_utc == utc(2026, 12, 8, 14)


def test_next_reminder_picks_earliest_when_offsets_interleave_occurrences() -> None:
    offsets = [timedelta(days=8), H]
    got = next_reminder(1, WEEKLY, offsets, utc(2026, 12, 1, 12))
    assert got is not None
    assert got.due_utc == utc(2026, 12, 1, 13)  # the 1 h reminder of 1 Dec comes first


def test_next_reminder_skips_blackouts_and_ends_with_a_one_off() -> None:
    once = Recurrence(Repeat.NONE, BERLIN, datetime(2026, 12, 3, 15))
    assert next_reminder(1, once, DEFAULT_OFFSETS, utc(2026, 12, 3, 13)) is None
    assert next_reminder(1, once, DEFAULT_OFFSETS, utc(2026, 11, 1), {date(2026, 12, 3)}) is None
    assert next_reminder(1, once, (), utc(2026, 11, 1)) is None
    got = next_reminder(1, WEEKLY, [H], utc(2026, 11, 1), {date(2026, 12, 1)})
    assert got is not None and got.occurrence_utc == utc(2026, 12, 8, 14)


@pytest.mark.parametrize(
    ("late_by", "expected"),
    [
        (timedelta(0), "send"),
        (timedelta(minutes=-5), "send"),
        (timedelta(minutes=29, seconds=59), "send"),
        (timedelta(minutes=30), "send"),
        (timedelta(minutes=30, microseconds=1), "skip"),
        (timedelta(hours=5), "skip"),
    ],
)
def test_late_reminder_boundary(late_by: timedelta, expected: str) -> None:
    due = utc(2026, 12, 1, 13)
    assert decide_late_reminder(due, due + late_by, timedelta(minutes=30)) == expected


def test_late_reminder_is_skipped_once_the_meeting_has_started() -> None:
    due, occurrence = utc(2026, 12, 1, 13, 50), utc(2026, 12, 1, 14)
    assert decide_late_reminder(due, occurrence, H, occurrence_utc=occurrence) == "skip"
    early = occurrence - timedelta(seconds=1)
    assert decide_late_reminder(due, early, H, occurrence_utc=occurrence) == "send"


def test_slack_date_token() -> None:
    token = slack_date_token(utc(2026, 12, 3, 14), BERLIN)
    assert token == (
        f"<!date^{int(utc(2026, 12, 3, 14).timestamp())}"
        "^{date_short_pretty} at {time}|Thu 3 Dec 2026 15:00 CET>"
    )
    assert "1796306400" in token


def test_slack_date_token_summer_and_other_zones() -> None:
    assert slack_date_token(utc(2026, 7, 1, 13), BERLIN).endswith("|Wed 1 Jul 2026 15:00 CEST>")
    assert slack_date_token(utc(2026, 7, 1, 13), "America/New_York").endswith(
        "|Wed 1 Jul 2026 09:00 EDT>"
    )
    assert slack_date_token(utc(2026, 7, 1, 13), "UTC").endswith("|Wed 1 Jul 2026 13:00 UTC>")


def test_slack_date_token_needs_an_aware_time() -> None:
    with pytest.raises(ValueError):
        slack_date_token(datetime(2026, 7, 1, 13), BERLIN)
