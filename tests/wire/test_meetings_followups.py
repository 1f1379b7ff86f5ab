"""Meetings after the fact and away from the announcement: buttons pressed from a view
(no response_url), the organiser's "who came?" DM after a meeting ends, and
`/club forget me` for meeting data (reminders that fail on the way out:
tests/wire/test_meetings_delivery.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.local import MEI, NINA, OLIVIA, SAM, LocalClub
from handlers import ids
from handlers.meetings import views
from storage.meetings.models import Attendance, AttendancePrompt, MeetingDmOptOut, Rsvp
from tests.wire.test_meetings import (
    announcement,
    cancel_meeting,
    count,
    press_going,
    schedule,
    text_of,
    view_calls,
)

WEEKLY = '"Book club" 2026-12-03 15:00 weekly <#C0CLUB|social-media-club>'
ENDED = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # 15:00 UTC start, one hour long


def home_with_meeting_buttons(club: LocalClub, user: str, meeting_id: int) -> dict[str, Any]:
    """An App Home that shows a meeting's own buttons (as any feature may), as Slack has it."""
    _text, blocks = views.announcement(_snapshot(club, meeting_id))
    _text, dm_blocks = views.reminder_dm(_snapshot(club, meeting_id), ENDED)
    club.bot.deps.client.views_publish(
        user_id=user, view={"type": "home", "blocks": blocks + dm_blocks}
    )
    home = club.emulator.home_view(user)
    assert home is not None
    return home


def _snapshot(club: LocalClub, meeting_id: int) -> Any:
    from bot.meetings.planning import get_meeting

    deps = club.bot.deps
    return get_meeting(deps.db, meeting_id, deps.clock.now(), deps.settings.reminder_offsets)


def dms_to(club: LocalClub, user: str) -> list[dict[str, Any]]:
    return club.emulator.messages(club.dm_channel(user))


def errors_logged(club: LocalClub) -> list[str]:
    """What the bot's error handler told people ("something went wrong")."""
    return [text_of(m) for m in club.emulator.messages() if "went wrong" in text_of(m).lower()]


def answers_of(club: LocalClub, meeting_id: int) -> list[tuple[str | None, str]]:
    assert club.db is not None
    with club.db.transaction() as session:
        rows = session.scalars(select(Rsvp).where(Rsvp.meeting_id == meeting_id).order_by(Rsvp.id))
        return [(r.user_id, r.answer) for r in rows]


# --- buttons pressed from a view ---------------------------------------------------------


def test_the_meetings_buttons_work_from_the_app_home(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    home = home_with_meeting_buttons(club, NINA.user_id, meeting_id)

    delivery = club.press(NINA.user_id, home, ids.MEETING_GOING)
    assert delivery.status == 200
    assert answers_of(club, meeting_id) == [(NINA.user_id, "going")]
    assert f"<@{NINA.user_id}>" in text_of(announcement(club, meeting_id))  # redrawn

    club.press(NINA.user_id, home, ids.MEETING_CALENDAR)
    (uploaded,) = club.emulator.files()
    assert uploaded.channels == [club.dm_channel(NINA.user_id)]

    club.press(NINA.user_id, home, ids.MEETING_DMS_OFF)
    assert count(club, MeetingDmOptOut) == 1
    assert any("no more meeting reminder DMs" in text_of(m) for m in dms_to(club, NINA.user_id))
    assert errors_logged(club) == []
    answered_by_url = [c.args.get("text") for c in club.emulator.calls_to("response_url")]
    assert answered_by_url == ["Scheduled Book club (meeting 1)"]  # only the command's


def test_a_problem_from_a_view_is_told_in_a_dm(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    home = home_with_meeting_buttons(club, NINA.user_id, meeting_id)
    cancel_meeting(club, meeting_id)
    club.press(NINA.user_id, home, ids.MEETING_GOING)
    assert any("was cancelled" in text_of(m) for m in dms_to(club, NINA.user_id))
    assert answers_of(club, meeting_id) == []
    assert errors_logged(club) == []


def test_organisers_buttons_in_a_view_refuse_members_by_dm(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    _text, blocks = views.confirmation(_snapshot(club, meeting_id))
    club.bot.deps.client.views_publish(
        user_id=NINA.user_id, view={"type": "home", "blocks": blocks}
    )
    home = club.emulator.home_view(NINA.user_id)
    assert home is not None
    club.press(NINA.user_id, home, ids.MEETING_CANCEL)
    assert any("Only organisers" in text_of(m) for m in dms_to(club, NINA.user_id))
    assert "This meeting was cancelled" not in text_of(announcement(club, meeting_id))


def test_a_button_with_a_value_that_names_no_meeting_is_explained(club: LocalClub) -> None:
    schedule(club, WEEKLY)
    stale = {
        "type": "home",
        "blocks": [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": ids.MEETING_GOING,
                        "value": "soon",
                        "text": {"type": "plain_text", "text": "Going"},
                    }
                ],
            }
        ],
    }
    club.bot.deps.client.views_publish(user_id=NINA.user_id, view=stale)
    club.press(NINA.user_id, club.emulator.home_view(NINA.user_id) or stale, ids.MEETING_GOING)
    assert any("out of date" in text_of(m) for m in dms_to(club, NINA.user_id))
    assert count(club, Rsvp) == 0


# --- "who came?" after the meeting ---------------------------------------------------------


def prompts_to(club: LocalClub, user: str = OLIVIA.user_id) -> list[dict[str, Any]]:
    return [m for m in dms_to(club, user) if ids.MEETING_MARK_ATTENDANCE in text_of(m)]


def test_the_organiser_is_asked_who_came_once_when_each_meeting_ends(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    press_going(club, NINA.user_id, meeting_id)
    press_going(club, SAM.user_id, meeting_id)
    club.advance(ENDED - timedelta(minutes=1) - club.clock.now(), step=timedelta(hours=2))
    assert prompts_to(club) == []  # still going on
    club.advance(timedelta(minutes=2), step=timedelta(seconds=30))
    (prompt,) = prompts_to(club)
    assert "Book club" in text_of(prompt) and "2 said they were going" in text_of(prompt)
    club.tick()
    club.restart()
    club.tick()
    assert len(prompts_to(club)) == 1
    assert count(club, AttendancePrompt) == 1
    assert prompts_to(club, NINA.user_id) == []  # only the organiser is asked

    club.press(OLIVIA.user_id, prompt, ids.MEETING_MARK_ATTENDANCE)
    (modal,) = view_calls(club)
    field = next(b for b in modal["blocks"] if b.get("block_id") == "attendees")
    assert field["element"]["initial_users"] == [NINA.user_id, SAM.user_id]
    assert json.loads(modal["private_metadata"])["occurrence"] == "2026-12-03T15:00:00+00:00"
    club.submit(OLIVIA.user_id, modal, {"attendees": [NINA.user_id, MEI.user_id]})
    assert count(club, Attendance) == 2

    # A week later the next one is asked about; the old button still opens the old one.
    club.advance(timedelta(days=7), step=timedelta(hours=1))
    assert len(prompts_to(club)) == 2
    club.press(OLIVIA.user_id, prompt, ids.MEETING_MARK_ATTENDANCE)
    modal = view_calls(club)[-1]
    assert json.loads(modal["private_metadata"])["occurrence"] == "2026-12-03T15:00:00+00:00"
    field = next(b for b in modal["blocks"] if b.get("block_id") == "attendees")
    assert field["element"]["initial_users"] == [MEI.user_id, NINA.user_id]  # as marked


def test_no_prompt_for_a_cancelled_meeting_or_a_skipped_day(club: LocalClub) -> None:
    cancelled = schedule(club)
    skipped = schedule(club, WEEKLY)
    cancel_meeting(club, cancelled)
    club.command(OLIVIA.user_id, f"meeting skip {skipped}")
    club.advance(ENDED + timedelta(minutes=5) - club.clock.now(), step=timedelta(hours=1))
    assert prompts_to(club) == []
    club.advance(timedelta(days=7), step=timedelta(hours=1))
    (prompt,) = prompts_to(club)
    assert "<!date^1796914800^" in text_of(prompt)  # 10 Dec, not the skipped 3 Dec


def test_only_organisers_can_use_the_mark_who_came_button(club: LocalClub) -> None:
    schedule(club, WEEKLY)
    club.advance(ENDED + timedelta(minutes=1) - club.clock.now(), step=timedelta(hours=1))
    (prompt,) = prompts_to(club)
    club.press(NINA.user_id, prompt, ids.MEETING_MARK_ATTENDANCE)
    assert view_calls(club) == []
    assert any(
        "Only organisers" in text_of(m) for m in club.emulator.messages() if m.get("response_url")
    )


def test_a_bot_down_for_days_does_not_ask_about_old_meetings(club: LocalClub) -> None:
    schedule(club, WEEKLY)
    club.restart()
    club.clock.set(ENDED + timedelta(days=3))
    club.tick()
    assert prompts_to(club) == []
    club.clock.set(ENDED + timedelta(days=7, minutes=1))
    club.tick()
    assert len(prompts_to(club)) == 1


# --- forgetting a person -----------------------------------------------------------------


def test_forget_me_removes_rsvps_and_attendance_but_the_counts_stay(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    for person in (NINA, SAM):  # going to every one, so the next one counts them too
        club.choose(
            person.user_id, announcement(club, meeting_id), ids.MEETING_RSVP_ALL,
            f"{meeting_id}:going",
        )
    club.command(NINA.user_id, "meeting dms off")
    club.clock.set(ENDED + timedelta(minutes=1))
    club.command(OLIVIA.user_id, f"meeting attendance {meeting_id}")
    (modal,) = view_calls(club)
    club.submit(OLIVIA.user_id, modal, {"attendees": [NINA.user_id, SAM.user_id]})

    club.command(NINA.user_id, "forget me")
    club.press(NINA.user_id, club.last_reply(), ids.FORGET_CONFIRM)
    assert "I've deleted what I knew about you" in club.last_reply()["text"]

    assert club.db is not None
    with club.db.transaction() as session:
        assert session.scalar(select(func.count()).where(Rsvp.user_id == NINA.user_id)) == 0
        assert session.scalar(select(func.count()).where(Attendance.user_id == NINA.user_id)) == 0
    assert count(club, MeetingDmOptOut) == 0
    assert set(answers_of(club, meeting_id)) == {(None, "going"), (SAM.user_id, "going")}
    assert count(club, Attendance) == 2  # the count stays, without her name

    club.tick()  # the announcement no longer names her
    said = text_of(announcement(club, meeting_id))
    assert f"<@{NINA.user_id}>" not in said and f"<@{SAM.user_id}>" in said
    assert "*2* going" in said

    # The form shows only named people; saving it keeps the anonymous mark.
    club.command(OLIVIA.user_id, f"meeting attendance {meeting_id}")
    modal = view_calls(club)[-1]
    field = next(b for b in modal["blocks"] if b.get("block_id") == "attendees")
    assert field["element"]["initial_users"] == [SAM.user_id]
    club.submit(OLIVIA.user_id, modal, {"attendees": [SAM.user_id]})
    assert count(club, Attendance) == 2
