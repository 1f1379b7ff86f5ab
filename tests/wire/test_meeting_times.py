"""Times that break, on Slack's wire: a wall time a clock change skips or doubles is
refused (first occurrence) or explained (later ones), never silently shifted; year 9999
gets a clear message, not an error id; after `meeting dms off`, Going promises no DM."""

from __future__ import annotations

import json

import pytest

from bot.local import NINA, OLIVIA, LocalClub
from handlers import ids
from tests.wire.test_meetings import (
    announcement,
    last_response_text,
    meetings_stored,
    schedule,
    view_calls,
)

CHANNEL = "<#C0CLUB|social-media-club>"


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2027-03-28 01:30", "doesn't exist in Europe/London"),  # clocks go forward at 01:00
        ("2027-03-28 01:30 tz Europe/London", "such as 02:30"),
        ("2027-10-31 01:30", "happens twice in Europe/London"),  # clocks go back at 02:00
        ("2027-03-14 02:30 tz America/New_York", "doesn't exist in America/New_York"),
        ("9999-12-31 15:00", "too far ahead"),
        ("9999-12-31 23:30 weekly tz America/New_York", "too far ahead"),  # 10000 in UTC
        ("31 Dec 9999 15:00", "until Monday 1 December 2031"),
    ],
)
def test_a_time_that_breaks_is_refused_clearly_and_nothing_is_stored(
    club: LocalClub, when: str, expected: str
) -> None:
    club.command(OLIVIA.user_id, f'meeting schedule "Night owls" {when} {CHANNEL}')
    said = last_response_text(club)
    assert expected in said
    assert "error id" not in said and "went wrong" not in said
    assert meetings_stored(club) == 0


@pytest.mark.parametrize(
    ("inputs", "block", "expected"),
    [
        ({"date": "2027-03-28", "time": "01:30"}, "time", "doesn't exist"),
        ({"date": "2027-10-31", "time": "01:30"}, "time", "happens twice"),
        ({"date": "9999-12-31", "time": "23:30", "tz": "America/New_York"}, "date", "too far"),
    ],
)
def test_the_modal_shows_the_same_refusals_inline(
    club: LocalClub, inputs: dict[str, str], block: str, expected: str
) -> None:
    club.command(OLIVIA.user_id, "meeting schedule")
    (modal,) = view_calls(club)
    fields = {"title": "Night owls", "channel": "C0CLUB", "repeat": "weekly", **inputs}
    delivery = club.submit(OLIVIA.user_id, modal, fields)
    assert delivery.status == 200
    errors = json.loads(delivery.body)["errors"]
    assert expected in errors[block]
    assert meetings_stored(club) == 0


def test_later_occurrences_a_clock_change_moves_are_explained(club: LocalClub) -> None:
    schedule(club, f'"Night owls" 2026-12-06 01:30 weekly {CHANNEL}')  # Sundays
    said = last_response_text(club)
    assert (
        "On Sunday 28 March 2027 the clocks go forward, so 01:30 doesn't exist; "
        "that one is at 02:30." in said
    )
    assert "On Sunday 31 October 2027 the clocks go back, so 01:30 happens twice" in said


def test_going_promises_a_dm_only_when_one_will_come(club: LocalClub) -> None:
    meeting_id = schedule(club)
    club.press(NINA.user_id, announcement(club, meeting_id), ids.MEETING_GOING)
    assert "I'll DM you shortly before it starts" in last_response_text(club)
    club.command(NINA.user_id, "meeting dms off")
    club.press(NINA.user_id, announcement(club, meeting_id), ids.MEETING_GOING)
    said = last_response_text(club)
    assert "you're going" in said and "DM you" not in said
    # A meeting without reminders promises none either.
    quiet = schedule(club, f'"Quiet" 2026-12-04 15:00 remind none {CHANNEL}')
    club.command(NINA.user_id, "meeting dms on")
    club.press(NINA.user_id, announcement(club, quiet), ids.MEETING_GOING)
    assert "DM you" not in last_response_text(club)
