"""The App Home's Block Kit stays within Slack's limits, however big the club grows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.content.path import PATH_STEPS, next_step
from bot.emulator.blockkit import check_view
from bot.home.contents import ClubHealth, HomeData, MeetingLine
from handlers import ids
from handlers.home.views import attendance_bar, clip, home_view, lines_within
from storage.reports.queries import OccurrenceAttendance, QuestionCounts, QuestionRow

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
HUGE = "<!channel> " + "a very long question & more " * 200


def question(n: int, status: str = "unknown") -> QuestionRow:
    return QuestionRow(n, "U1", f"{HUGE} {n}", "dm", status, NOW - timedelta(hours=n),
                       None, None, None)


def meeting(n: int) -> MeetingLine:
    return MeetingLine(n, "Club meetup " + "x" * 400, NOW + timedelta(days=n), "Europe/London",
                       n, "going" if n % 2 else None)


def health(occurrences: int = 50) -> ClubHealth:
    return ClubHealth(
        members=1200, active_this_month=340,
        questions=QuestionCounts(asked=200, by_faq=150, by_mentor=20, unanswered=30),
        pairings_waiting=12, pairings_active=40,
        recent_attendance=tuple(
            OccurrenceAttendance(i, "Meetup " + "y" * 300, NOW - timedelta(days=i), i)
            for i in range(occurrences)
        ),
    )


def data(**changes: Any) -> HomeData:
    base: dict[str, Any] = dict(
        user_id="U1", reached={}, next_step=PATH_STEPS[0], questions=(), questions_total=0,
        mentors=(), mentees=(), is_mentor=False, waiting_for_mentor_since=None, meetings=(),
        meetings_total=0, nudges_on=True, excluded=False, health=None,
    )
    base.update(changes)
    return HomeData(**base)


def texts(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def action_ids(view: dict[str, Any]) -> list[str]:
    found = []
    for block in view["blocks"]:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id"):
                found.append(element["action_id"])
    return found


def test_a_newcomer_sees_the_first_step_and_how_to_ask() -> None:
    view = home_view(data())
    assert check_view(view, allowed_types=("home",)) == []
    assert "0 of 10 steps" in texts(view)
    assert "Joined the club channel" in texts(view)
    assert "Nothing asked yet" in texts(view)
    assert ids.MENTOR_REQUEST_OPEN in action_ids(view)
    assert ids.HOME_NUDGES_TOGGLE in action_ids(view)
    assert ids.HOME_REPORT not in action_ids(view)  # organisers only


def test_two_hundred_questions_meetings_and_mentees_stay_within_limits() -> None:
    questions = tuple(question(n) for n in range(200))
    view = home_view(
        data(
            reached={s.key: NOW for s in PATH_STEPS[:4]},
            next_step=next_step([s.key for s in PATH_STEPS[:4]]),
            questions=questions, questions_total=200,
            mentees=tuple(f"U{n:04d}" for n in range(200)), is_mentor=True,
            mentors=("UMENTOR",),
            meetings=tuple(meeting(n) for n in range(1, 60)), meetings_total=200,
            health=health(),
        )
    )
    assert check_view(view, allowed_types=("home",)) == []
    assert len(view["blocks"]) <= 100
    body = texts(view)
    assert "more_" in body  # "…and N more" for the questions
    assert "and 180 more" in body  # mentees beyond the first 20
    # Meetings give way to the organiser's club health, which is never cut off.
    assert "Club health" in body and ids.HOME_REPORT in action_ids(view)
    shown = sum(1 for b in view["blocks"] if str(b.get("block_id", "")).startswith("home_rsvp_"))
    assert 0 < shown < 59 and f"and {200 - shown} more" in body
    assert "<!channel>" not in body  # people's text is escaped
    for block in view["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        assert len(text) <= 3000
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= 75


def test_an_organiser_sees_club_health_and_the_common_actions() -> None:
    view = home_view(data(health=health(occurrences=3)))
    assert check_view(view, allowed_types=("home",)) == []
    body = texts(view)
    assert "Club health" in body and "1200" in body and "75%" in body  # 150 of 200 by the FAQ
    assert {ids.HOME_SCHEDULE_MEETING, ids.HOME_PAIRING_ROUND, ids.HOME_REPORT} <= set(
        action_ids(view)
    )


def test_attendance_is_drawn_as_bars_scaled_to_the_best_attended_meeting() -> None:
    assert attendance_bar(10, 10) == "█" * 20
    assert attendance_bar(5, 10) == "█" * 10 + "·" * 10
    assert attendance_bar(1, 1000) == "█" + "·" * 19  # anyone came: a notch shows it
    assert attendance_bar(0, 10) == attendance_bar(0, 0) == "·" * 20
    body = texts(home_view(data(health=health(occurrences=3))))
    assert "`" + "█" * 20 + "` 2" in body and "`" + "█" * 10 + "·" * 10 + "` 1" in body


def test_an_empty_club_shows_no_rate_rather_than_dividing_by_zero() -> None:
    empty = ClubHealth(0, 0, QuestionCounts(0, 0, 0, 0), 0, 0, ())
    view = home_view(data(health=empty))
    assert check_view(view, allowed_types=("home",)) == []
    assert "n/a" in texts(view)
    assert "None marked yet" in texts(view)


def test_rsvp_buttons_carry_the_meeting_and_show_my_answer() -> None:
    view = home_view(data(meetings=(meeting(7),), meetings_total=1))
    (actions,) = [b for b in view["blocks"] if b.get("block_id") == "home_rsvp_7"]
    going, maybe, cant = actions["elements"]
    assert (going["action_id"], going["value"], going.get("style")) == (
        ids.HOME_RSVP_GOING, "7", "primary"
    )
    assert (maybe["action_id"], cant["action_id"]) == (ids.HOME_RSVP_MAYBE, ids.HOME_RSVP_CANT)
    assert "you: Going" in texts(view)


def test_nudge_button_says_what_it_will_do() -> None:
    on = home_view(data(nudges_on=True))
    off = home_view(data(nudges_on=False, excluded=True))
    assert "Turn nudges off" in texts(on)
    assert "Turn nudges on" in texts(off) and "include me" in texts(off)


def test_lines_within_drops_whole_lines_and_counts_them() -> None:
    lines = [f"line {n} " + "z" * 50 for n in range(100)]
    text = lines_within(lines, hidden=5, limit=600)
    assert len(text) <= 600
    kept = text.count("line ")
    assert text.endswith(f"_…and {100 - kept + 5} more_")
    assert clip("abcdef", 4) == "abc…"
