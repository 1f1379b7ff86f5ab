"""Club meetings on Slack's wire: scheduling by command and by modal, refusals that store
nothing, RSVPs (also many at once), cancel, skip, blackout days, calendar files,
attendance, and reminders that arrive once at each offset (across restarts, outages and
a daylight-saving change)."""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.deps import Deps
from bot.local import CLUB, MEI, NINA, OLIVIA, PRIYA, SAM, LocalClub
from handlers import ids
from schedules.delivery import deliver_outbox
from schedules.meetings import send_meeting_reminders
from storage.db import Database
from storage.delivery.models import Delivery
from storage.meetings import queries as meeting_repo
from storage.meetings.models import Attendance, Meeting, Rsvp, SentReminder
from storage.path.queries import steps_of

BOOK_CLUB = '"Book club" 2026-12-03 15:00 <#C0CLUB|social-media-club>'


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("text", "")) + json.dumps(message.get("blocks", []), ensure_ascii=False)


def last_response(club: LocalClub) -> dict[str, Any]:
    """The last answer through a response_url, as a message buttons can be pressed in."""
    posts = [m for m in club.emulator.messages() if m.get("response_url")]
    assert posts, "the bot did not answer through response_url"
    return posts[-1]


def last_response_text(club: LocalClub) -> str:
    return text_of(last_response(club))


def count(club: LocalClub, model: Any) -> int:
    assert club.db is not None
    with club.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def meetings_stored(club: LocalClub) -> int:
    return count(club, Meeting)


def rsvps_stored(club: LocalClub) -> int:
    return count(club, Rsvp)


def sent_keys(club: LocalClub) -> list[tuple[str, str]]:
    assert club.db is not None
    with club.db.transaction() as session:
        return [(r.key, r.outcome) for r in session.scalars(select(SentReminder))]


def deliveries(club: LocalClub, purpose: str = "meetings.reminder") -> list[tuple[str, str]]:
    """(delivery key, status) of each outbox row for that purpose."""
    assert club.db is not None
    with club.db.transaction() as session:
        rows = session.scalars(select(Delivery).where(Delivery.purpose == purpose))
        return sorted((r.delivery_key, r.status) for r in rows)


def schedule(club: LocalClub, text: str = BOOK_CLUB, user: str = OLIVIA.user_id) -> int:
    """Schedule by command; returns the new meeting's id."""
    before = meetings_stored(club)
    club.command(user, f"meeting schedule {text}")
    assert meetings_stored(club) == before + 1, last_response_text(club)
    assert club.db is not None
    with club.db.transaction() as session:
        return int(session.scalar(select(func.max(Meeting.id))) or 0)


def announcement(
    club: LocalClub, meeting_id: int, channel: str = CLUB.channel_id
) -> dict[str, Any]:
    """The announcement as Slack holds it now (after any chat.update)."""
    assert club.db is not None
    with club.db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.announcement_ts
        ts = meeting.announcement_ts
    stored = club.emulator.stored_message(channel, ts)
    assert stored is not None
    return {**stored, "channel": channel, "ts": ts}


def reminders_in(club: LocalClub, channel: str = CLUB.channel_id) -> list[dict[str, Any]]:
    return [
        m for m in club.emulator.messages(channel) if str(m.get("text", "")).startswith("Reminder:")
    ]


def cancel_meeting(club: LocalClub, meeting_id: int, user: str = OLIVIA.user_id) -> None:
    """`/club meeting cancel <id>`, then *Yes, cancel it* on the question it asks."""
    club.command(user, f"meeting cancel {meeting_id}")
    question = last_response(club)
    if ids.MEETING_CANCEL_CONFIRM in text_of(question):
        club.press(user, question, ids.MEETING_CANCEL_CONFIRM)


def press_going(club: LocalClub, user: str, meeting_id: int) -> None:
    club.press(user, announcement(club, meeting_id), ids.MEETING_GOING)


def view_calls(club: LocalClub) -> list[dict[str, Any]]:
    return [call.response["view"] for call in club.emulator.calls_to("views.open") if call.ok]


# --- scheduling by command ---------------------------------------------------------------


def test_an_organiser_schedules_by_command_and_the_channel_sees_an_announcement(
    club: LocalClub,
) -> None:
    meeting_id = schedule(club, '"Book club" 2026-12-03 15:00 weekly <#C0CLUB|social-media-club>')
    reply = last_response(club)
    assert reply.get("response_type") == "ephemeral"
    said = text_of(reply)
    assert "Scheduled *Book club*" in said
    assert "every Thursday at 15:00 (Europe/London)" in said  # Olivia's Slack time zone
    assert ids.MEETING_EDIT in said and ids.MEETING_CANCEL in said
    posted = announcement(club, meeting_id)
    assert "<!date^1796310000^" in text_of(posted)  # 2026-12-03 15:00 UTC
    assert ids.MEETING_GOING in text_of(posted)


def test_plain_phrases_work_too(club: LocalClub) -> None:
    meeting_id = schedule(
        club, '"Design crit" every other Tuesday 3pm tz Europe/Berlin remind 2d,30m'
    )
    said = last_response_text(club)
    assert "every other Tuesday at 15:00 (Europe/Berlin)" in said
    assert "2 d, 30 min before" in said
    assert meeting_id > 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Book club" 2026-13-45 15:00', "couldn't read the date"),
        ('"Book club" 2026-12-03 25:99', "couldn't read the time"),
        ('"Book club" 2026-11-03 15:00', "has already passed"),
        ('"Book club" 2026-12-03 15:00 <#C0NOPE|nope>', "can't find the channel"),
        ('"Book club" 2026-12-03 15:00 #nowhere', "don't know the channel #nowhere"),
        ("Book club tomorrow", "title in double quotes"),
        ('"Book club" 2026-12-03 15:00 remind 0h', "more than zero"),
    ],
)
def test_bad_schedule_text_is_explained_and_nothing_is_stored(
    club: LocalClub, text: str, expected: str
) -> None:
    club.command(OLIVIA.user_id, f"meeting schedule {text}")
    assert expected in last_response_text(club)
    assert last_response(club).get("response_type") == "ephemeral"
    assert meetings_stored(club) == 0
    assert club.emulator.calls_to("chat.postMessage") == []


def test_a_plain_channel_name_the_bot_knows_is_resolved(club: LocalClub) -> None:
    meeting_id = schedule(club, '"Book club" 2026-12-03 15:00 #social-media-club')
    assert announcement(club, meeting_id)["channel"] == CLUB.channel_id


def test_a_channel_the_bot_is_not_in_is_refused(club: LocalClub) -> None:
    club.emulator.add_channel("C0QUIET", "quiet", members=[OLIVIA.user_id], bot_member=False)
    club.command(OLIVIA.user_id, 'meeting schedule "Book club" 2026-12-03 15:00 <#C0QUIET|quiet>')
    assert "I'm not in <#C0QUIET>" in last_response_text(club)
    assert meetings_stored(club) == 0


def test_a_member_cannot_schedule(club: LocalClub) -> None:
    club.command(NINA.user_id, f"meeting schedule {BOOK_CLUB}")
    assert "Only organisers can use `/club meeting schedule`" in last_response_text(club)
    assert meetings_stored(club) == 0
    club.command(NINA.user_id, "meeting schedule")
    assert view_calls(club) == []


# --- scheduling by modal ----------------------------------------------------------------------


def test_an_organiser_schedules_with_the_modal(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "meeting schedule")
    (modal,) = view_calls(club)
    tz_block = next(b for b in modal["blocks"] if b["block_id"] == "tz")
    assert tz_block["element"]["initial_value"] == "Europe/London"
    channel_block = next(b for b in modal["blocks"] if b["block_id"] == "channel")
    assert channel_block["element"]["type"] == "conversations_select"
    delivery = club.submit(
        OLIVIA.user_id,
        modal,
        {
            "title": "Monthly social",
            "date": "2026-12-01",
            "time": "18:30",
            "repeat": "monthly",
            "channel": CLUB.channel_id,
            "agenda": "Drinks & <!channel>",
            "location": "The Crown",
            "reminders": "2d,1h",
        },
    )
    assert delivery.status == 200 and delivery.body in ("", "{}")
    assert meetings_stored(club) == 1
    posted = announcement(club, 1)
    said = text_of(posted)
    assert "the first Tuesday of each month at 18:30 (Europe/London)" in said
    assert "&lt;!channel&gt;" in said and "<!channel>" not in said
    confirmation = club.emulator.calls_to("chat.postEphemeral")[-1].args
    assert confirmation["user"] == OLIVIA.user_id
    assert "Scheduled *Monthly social*" in text_of(confirmation)
    assert "2 d, 1 h before" in text_of(confirmation)


@pytest.mark.parametrize(
    ("inputs", "block", "expected"),
    [
        ({"date": "2026-11-30", "time": "10:00"}, "time", "already passed"),
        ({"tz": "Mars/Olympus"}, "tz", "don't know the time zone"),
        ({"reminders": "soon"}, "reminders", "couldn't read the reminder"),
        ({"channel": "C0NOPE"}, "channel", "can't find the channel"),
        ({"title": "   "}, "title", "Give the meeting a title"),
    ],
)
def test_bad_modal_fields_are_shown_inline_and_nothing_is_stored(
    club: LocalClub, inputs: dict[str, str], block: str, expected: str
) -> None:
    club.command(OLIVIA.user_id, "meeting schedule")
    (modal,) = view_calls(club)
    filled = {
        "title": "Book club",
        "date": "2026-12-03",
        "time": "15:00",
        "channel": CLUB.channel_id,
        **inputs,
    }
    delivery = club.submit(OLIVIA.user_id, modal, filled)
    answer = delivery.json()
    assert answer["response_action"] == "errors"
    assert expected in answer["errors"][block]
    assert meetings_stored(club) == 0


def test_a_member_submitting_the_modal_is_refused(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "meeting schedule")
    (modal,) = view_calls(club)
    delivery = club.submit(
        NINA.user_id,
        modal,
        {
            "title": "Book club",
            "date": "2026-12-03",
            "time": "15:00",
            "channel": CLUB.channel_id,
        },
    )
    assert "Only organisers" in delivery.json()["errors"]["title"]
    assert meetings_stored(club) == 0


def test_edit_opens_the_modal_prefilled_and_saves_changes(club: LocalClub) -> None:
    meeting_id = schedule(club)
    club.press(OLIVIA.user_id, last_response(club), ids.MEETING_EDIT)
    (modal,) = view_calls(club)
    title = next(b for b in modal["blocks"] if b["block_id"] == "title")
    assert title["element"]["initial_value"] == "Book club"
    club.submit(OLIVIA.user_id, modal, {"title": "Book club (moved)", "time": "16:00"})
    assert meetings_stored(club) == 1
    said = text_of(announcement(club, meeting_id))
    assert "Book club (moved)" in said and "<!date^1796313600^" in said  # 16:00 UTC


# --- RSVP -------------------------------------------------------------------------------------


def test_rsvps_update_the_announcement_in_place(club: LocalClub) -> None:
    meeting_id = schedule(club)
    press_going(club, NINA.user_id, meeting_id)
    club.press(SAM.user_id, announcement(club, meeting_id), ids.MEETING_MAYBE)
    club.press(MEI.user_id, announcement(club, meeting_id), ids.MEETING_CANT)
    said = text_of(announcement(club, meeting_id))
    assert "*1* going · *1* maybe · *1* can't" in said
    assert f"<@{NINA.user_id}>" in said
    press_going(club, NINA.user_id, meeting_id)  # a double click changes nothing
    club.press(SAM.user_id, announcement(club, meeting_id), ids.MEETING_GOING)  # mind changed
    said = text_of(announcement(club, meeting_id))
    assert "*2* going · *0* maybe · *1* can't" in said
    assert rsvps_stored(club) == 3
    assert club.emulator.calls_to("chat.update")


def test_many_rsvps_at_once_are_counted_right(club: LocalClub) -> None:
    meeting_id = schedule(club)
    crowd = [f"U0CROWD{i:02d}" for i in range(24)]
    for user_id in crowd:
        club.emulator.add_user(user_id, user_id.lower(), user_id)
        club.emulator.add_member(CLUB.channel_id, user_id)
    target = announcement(club, meeting_id)
    # Everyone presses at once, and some press twice.
    pressers = crowd + crowd[:6]
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda u: club.sender.press(u, target, ids.MEETING_GOING), pressers))
    club.settle()
    assert rsvps_stored(club) == len(crowd)
    assert f"*{len(crowd)}* going" in text_of(announcement(club, meeting_id))


def test_rsvp_on_a_cancelled_meeting_is_explained(club: LocalClub) -> None:
    meeting_id = schedule(club)
    target = announcement(club, meeting_id)
    cancel_meeting(club, meeting_id)
    club.press(NINA.user_id, target, ids.MEETING_GOING)
    assert "was cancelled" in last_response_text(club)
    assert rsvps_stored(club) == 0


# --- list, cancel, skip, calendar, attendance --------------------------------------------------


def test_list_shows_upcoming_meetings_to_anyone(club: LocalClub) -> None:
    schedule(club)
    schedule(club, '"Board" first Tuesday 18:30 tz Europe/Paris')
    club.command(NINA.user_id, "meeting list")
    said = last_response_text(club)
    assert "Book club" in said and "Board" in said
    assert said.index("Board") < said.index("Book club")  # 1 Dec 18:30 Paris comes first


def test_cancel_tells_the_channel_and_those_going_and_stops_reminders(club: LocalClub) -> None:
    meeting_id = schedule(club)
    press_going(club, NINA.user_id, meeting_id)
    club.command(NINA.user_id, f"meeting cancel {meeting_id}")
    assert "Only organisers" in last_response_text(club)
    club.command(OLIVIA.user_id, f"meeting cancel {meeting_id}")
    question = last_response(club)
    assert "for good?" in text_of(question) and "1 person going" in text_of(question)
    assert "This meeting was cancelled" not in text_of(announcement(club, meeting_id))
    club.press(OLIVIA.user_id, question, ids.MEETING_CANCEL_CONFIRM)
    assert "Cancelled “Book club”" in last_response_text(club)
    channel_texts = [m["text"] for m in club.emulator.messages(CLUB.channel_id)]
    assert any("is cancelled" in t for t in channel_texts)
    nina_dm = club.emulator.messages(club.dm_channel(NINA.user_id))
    assert any("has been cancelled" in m["text"] for m in nina_dm)
    assert "This meeting was cancelled" in text_of(announcement(club, meeting_id))
    club.advance(timedelta(days=3), step=timedelta(minutes=20))
    assert reminders_in(club) == []
    club.command(OLIVIA.user_id, f"meeting cancel {meeting_id}")
    assert "already cancelled" in last_response_text(club)


def test_cancel_from_the_confirmation_button(club: LocalClub) -> None:
    meeting_id = schedule(club)
    confirmation = last_response(club)
    club.press(NINA.user_id, confirmation, ids.MEETING_CANCEL)
    assert "Only organisers" in last_response_text(club)
    club.press(OLIVIA.user_id, confirmation, ids.MEETING_CANCEL)
    question = last_response(club)
    assert "for good?" in text_of(question)
    assert "This meeting was cancelled" not in text_of(announcement(club, meeting_id))
    club.press(OLIVIA.user_id, question, ids.MEETING_CANCEL_CONFIRM)
    assert "Cancelled" in last_response_text(club)
    assert "This meeting was cancelled" in text_of(announcement(club, meeting_id))


def test_bad_meeting_ids_are_explained(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "meeting cancel")
    assert "Which meeting?" in last_response_text(club)
    club.command(OLIVIA.user_id, "meeting skip 42")
    assert "can't find meeting 42" in last_response_text(club)


def test_skip_leaves_out_the_next_occurrence_only(club: LocalClub) -> None:
    meeting_id = schedule(club, '"Book club" 2026-12-03 15:00 weekly remind 1h')
    club.command(OLIVIA.user_id, f"meeting skip {meeting_id}")
    assert "won't happen on Thursday 3 December 2026" in last_response_text(club)
    assert "No meeting on Thursday 3 December 2026" in text_of(announcement(club, meeting_id))
    club.advance(timedelta(days=9, hours=5), step=timedelta(minutes=20))  # to 10 Dec 15:00
    reminded = reminders_in(club)
    assert len(reminded) == 1
    assert "<!date^1796914800^" in text_of(reminded[0])  # 10 Dec 15:00 UTC, not 3 Dec


def test_a_one_off_cannot_be_skipped(club: LocalClub) -> None:
    meeting_id = schedule(club)
    club.command(OLIVIA.user_id, f"meeting skip {meeting_id}")
    assert "happens only once" in last_response_text(club)


def test_add_to_calendar_sends_an_ics_in_a_dm(club: LocalClub) -> None:
    meeting_id = schedule(club, '"Book club" 2026-12-03 15:00 weekly')
    club.press(NINA.user_id, announcement(club, meeting_id), ids.MEETING_CALENDAR)
    (uploaded,) = club.emulator.files()
    assert uploaded.name == f"meeting-{meeting_id}.ics"
    assert uploaded.channels == [club.dm_channel(NINA.user_id)]
    content = (uploaded.content or b"").decode()
    assert "DTSTART;TZID=Europe/London:20261203T150000" in content
    assert "RRULE:FREQ=WEEKLY" in content
    assert "sent you the calendar file" in last_response_text(club)


def test_attendance_is_prefilled_from_rsvps_and_records_the_path_step(club: LocalClub) -> None:
    meeting_id = schedule(club)
    press_going(club, NINA.user_id, meeting_id)
    press_going(club, SAM.user_id, meeting_id)
    club.command(OLIVIA.user_id, f"meeting attendance {meeting_id}")
    assert "hasn't happened yet" in last_response_text(club)
    club.clock.set(datetime(2026, 12, 3, 16, 30, tzinfo=UTC))
    club.command(OLIVIA.user_id, f"meeting attendance {meeting_id}")
    (modal,) = view_calls(club)
    field = next(b for b in modal["blocks"] if b.get("block_id") == "attendees")
    assert field["element"]["initial_users"] == [NINA.user_id, SAM.user_id]
    club.submit(NINA.user_id, modal, {"attendees": [NINA.user_id]})
    assert count(club, Attendance) == 0
    club.submit(OLIVIA.user_id, modal, {"attendees": [NINA.user_id, PRIYA.user_id]})
    assert count(club, Attendance) == 2
    assert club.db is not None
    with club.db.transaction() as session:
        assert "attended_meeting" in steps_of(session, PRIYA.user_id)
        assert "attended_meeting" not in steps_of(session, SAM.user_id)


# --- blackout days ----------------------------------------------------------------------------


def test_a_blackout_day_skips_the_occurrence_with_a_notice(club: LocalClub) -> None:
    meeting_id = schedule(club, '"Book club" 2026-12-03 15:00 weekly remind 1h')
    club.command(NINA.user_id, 'holiday add 2026-12-10 "Winter break"')
    assert "Only organisers" in last_response_text(club)
    club.command(OLIVIA.user_id, 'holiday add 2026-12-10 "Winter break"')
    assert "No club meetings on 2026-12-10 (Winter break)" in last_response_text(club)
    said = text_of(announcement(club, meeting_id))
    assert "No meeting on Thursday 10 December 2026: Winter break" in said
    club.command(NINA.user_id, "holiday list")
    assert "2026-12-10: Winter break" in last_response_text(club)
    club.advance(timedelta(days=16, hours=5), step=timedelta(minutes=20))  # to 17 Dec 15:00
    tokens = [text_of(m) for m in reminders_in(club)]
    assert len(tokens) == 2
    assert "<!date^1796310000^" in tokens[0]  # 3 Dec
    assert "<!date^1797519600^" in tokens[1]  # 17 Dec; 10 Dec was skipped


def test_removing_a_blackout_day_brings_the_occurrence_back(club: LocalClub) -> None:
    meeting_id = schedule(club, '"Book club" 2026-12-03 15:00 weekly')
    club.command(OLIVIA.user_id, 'holiday add 2026-12-03 "Oops"')
    assert "No meeting on" in text_of(announcement(club, meeting_id))
    club.command(OLIVIA.user_id, "holiday remove 2026-12-03")
    assert "no longer a blackout day" in last_response_text(club)
    assert "No meeting on" not in text_of(announcement(club, meeting_id))
    club.command(OLIVIA.user_id, "holiday remove 2026-12-03")
    assert "isn't a blackout day" in last_response_text(club)
    club.command(OLIVIA.user_id, "holiday add christmas")
    assert "YYYY-MM-DD" in last_response_text(club)


# --- reminders ----------------------------------------------------------------------------------

# 2026-12-03 15:00 Europe/London is 15:00 UTC: reminders fall due 24 h and 1 h before.
DAY_BEFORE = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
HOUR_BEFORE = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


def advance_to(club: LocalClub, moment: datetime, step: timedelta = timedelta(minutes=10)) -> None:
    club.advance(moment - club.clock.now(), step=step)


def test_each_reminder_is_posted_once_at_each_offset(club: LocalClub) -> None:
    meeting_id = schedule(club)
    press_going(club, NINA.user_id, meeting_id)
    advance_to(club, DAY_BEFORE - timedelta(minutes=1), step=timedelta(minutes=30))
    assert reminders_in(club) == []
    club.advance(timedelta(minutes=2), step=timedelta(minutes=1))
    (first,) = reminders_in(club)
    assert "<!date^1796310000^{date_short_pretty} at {time}|Thu 3 Dec 2026 15:00 GMT>" in text_of(
        first
    )
    assert "in 24 h" in first["text"]
    assert club.emulator.messages(club.dm_channel(NINA.user_id)) == []  # DMs only at the last
    advance_to(club, HOUR_BEFORE + timedelta(seconds=30), step=timedelta(minutes=30))
    assert len(reminders_in(club)) == 2
    nina_dms = club.emulator.messages(club.dm_channel(NINA.user_id))
    assert len(nina_dms) == 1 and "You said you're going" in text_of(nina_dms[0])
    club.tick()
    club.tick()
    advance_to(club, datetime(2026, 12, 5, tzinfo=UTC), step=timedelta(hours=1))
    assert len(reminders_in(club)) == 2
    assert sorted(outcome for _key, outcome in sent_keys(club)) == ["sent", "sent"]


def test_a_restart_between_scheduling_and_the_reminder_still_gives_exactly_one(
    club: LocalClub,
) -> None:
    schedule(club)
    advance_to(club, DAY_BEFORE - timedelta(minutes=5))
    club.restart()
    advance_to(club, DAY_BEFORE + timedelta(minutes=5), step=timedelta(minutes=1))
    club.restart()
    club.tick()
    advance_to(club, HOUR_BEFORE + timedelta(minutes=5), step=timedelta(minutes=30))
    club.restart()
    club.tick()
    assert len(reminders_in(club)) == 2


def test_a_reminder_missed_while_down_is_sent_within_grace_and_skipped_after(
    club: LocalClub, caplog: pytest.LogCaptureFixture
) -> None:
    schedule(club)
    club.restart()
    club.clock.set(DAY_BEFORE + timedelta(minutes=20))  # down through the due time
    club.tick()
    assert len(reminders_in(club)) == 1
    club.clock.set(HOUR_BEFORE + timedelta(minutes=45))  # past the 30 min grace
    with caplog.at_level(logging.WARNING, logger="clubbot.reminders"):
        club.restart()
        club.tick()
    assert len(reminders_in(club)) == 1
    assert any("reminder skipped" in r.getMessage() for r in caplog.records)
    assert sorted(outcome for _key, outcome in sent_keys(club)) == ["sent", "skipped"]


def test_two_instances_on_one_database_send_each_reminder_once(club: LocalClub) -> None:
    schedule(club)
    club.clock.set(DAY_BEFORE + timedelta(seconds=1))
    deps = club.bot.deps
    other = Deps(
        settings=deps.settings, db=Database(deps.db.url), clock=club.clock, client=deps.client
    )
    try:
        barrier = threading.Barrier(2)

        def run(instance: Deps) -> None:
            barrier.wait()
            send_meeting_reminders(instance)
            deliver_outbox(instance)  # both deliver at once too: still one post

        threads = [threading.Thread(target=run, args=(d,)) for d in (deps, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        other.db.dispose()
    assert len(reminders_in(club)) == 1


def test_a_lost_race_for_the_claim_stays_quiet(
    club: LocalClub, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule(club)
    club.clock.set(DAY_BEFORE + timedelta(seconds=1))
    club.tick()
    assert len(reminders_in(club)) == 1
    # Another instance that read the meeting before the window moved on: its check
    # sees nothing, so only the unique key stops it.
    assert club.db is not None
    with club.db.transaction() as session:
        meeting = session.get(Meeting, 1)
        assert meeting is not None
        meeting.reminders_checked_until = DAY_BEFORE - timedelta(minutes=1)
        meeting.next_reminder_at = DAY_BEFORE
    monkeypatch.setattr(meeting_repo, "sent_reminder", lambda _session, _key: None)
    club.tick()
    assert len(reminders_in(club)) == 1


def test_a_failed_post_is_recorded_and_not_repeated(club: LocalClub) -> None:
    schedule(club)
    club.emulator.fail_next("chat.postMessage", "channel_not_found")
    club.clock.set(DAY_BEFORE + timedelta(seconds=1))
    club.tick()
    club.advance(timedelta(hours=2), step=timedelta(minutes=5))
    assert reminders_in(club) == []
    assert [outcome for _key, outcome in sent_keys(club)] == ["sent"]  # decided, once
    assert [status for _key, status in deliveries(club)] == ["failed"]  # one try: permanent
    # The organisers hear once that the channel can't be reached.
    (told,) = club.emulator.messages(club.dm_channel(OLIVIA.user_id))[-1:]
    assert "couldn't deliver the reminder for *Book club*" in told["text"]
    assert "channel doesn't exist" in told["text"]


def test_a_week_with_a_daylight_saving_change_keeps_local_time(club: LocalClub) -> None:
    # London moves to summer time on Sunday 28 March 2027.
    club.clock.set(datetime(2027, 3, 22, 9, 0, tzinfo=UTC))
    schedule(club, '"Book club" 2027-03-23 15:00 weekly remind 1h')
    advance_to(club, datetime(2027, 3, 30, 15, 0, tzinfo=UTC), step=timedelta(minutes=15))
    tokens = [text_of(m) for m in reminders_in(club)]
    assert len(tokens) == 2
    assert "<!date^1805814000^" in tokens[0]  # 23 Mar 15:00 GMT = 15:00 UTC
    assert "<!date^1806415200^" in tokens[1]  # 30 Mar 15:00 BST = 14:00 UTC
    assert "15:00 BST" in tokens[1]


def test_people_going_can_turn_the_reminder_dm_off(club: LocalClub) -> None:
    meeting_id = schedule(club, '"Book club" 2026-12-03 15:00 weekly remind 1h')
    press_going(club, NINA.user_id, meeting_id)
    press_going(club, SAM.user_id, meeting_id)
    club.command(SAM.user_id, "meeting dms off")
    assert "reminder DMs are off" in last_response_text(club)
    advance_to(club, HOUR_BEFORE + timedelta(minutes=1), step=timedelta(hours=1))
    assert club.emulator.messages(club.dm_channel(SAM.user_id)) == []
    (nina_dm,) = club.emulator.messages(club.dm_channel(NINA.user_id))
    club.press(NINA.user_id, nina_dm, ids.MEETING_DMS_OFF)
    assert "no more meeting reminder DMs" in last_response_text(club)
    advance_to(club, HOUR_BEFORE + timedelta(days=7, minutes=1), step=timedelta(hours=1))
    assert len(reminders_in(club)) == 2
    assert len(club.emulator.messages(club.dm_channel(NINA.user_id))) == 2  # DM + "no more"
    club.command(SAM.user_id, "meeting dms maybe")
    assert "meeting dms off" in last_response_text(club)
