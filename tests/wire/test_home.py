"""The App Home on Slack's wire: published when opened, refreshed after changes made in it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.emulator.sender import Delivery
from bot.local import CLUB, MARCO, MEI, NINA, OLIVIA, SAM, LocalClub
from handlers import ids
from storage.encouragement.models import NudgeSetting
from storage.faq.models import FaqQuestion
from storage.meetings.models import Meeting, Rsvp
from storage.members.models import Member
from storage.mentoring.models import MentorRequestRow
from storage.path import queries as progress
from tests.wire.test_meetings import cancel_meeting

MEETUP = '"Spring meetup" 2026-12-03 15:00 weekly <#C0CLUB|social-media-club>'


# --- helpers ---------------------------------------------------------------------------------


def publishes(club: LocalClub, user_id: str | None = None) -> list[Any]:
    calls = [c for c in club.emulator.calls_to("views.publish") if c.ok]
    return [c for c in calls if user_id is None or c.args.get("user_id") == user_id]


def home(club: LocalClub, user_id: str) -> dict[str, Any]:
    view = club.emulator.home_view(user_id)
    assert view is not None, f"no Home published for {user_id}"
    return view


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view.get("blocks", []), ensure_ascii=False)


def opened(club: LocalClub, user_id: str, tab: str = "home") -> Delivery:
    """The person clicks the app: Slack sends app_home_opened."""
    delivery = club.sender.app_home_opened(user_id, tab=tab)
    club.settle()
    return delivery


def open_home(club: LocalClub, user_id: str) -> dict[str, Any]:
    opened(club, user_id)
    return home(club, user_id)


def count(club: LocalClub, model: Any, *where: Any) -> int:
    assert club.db is not None
    with club.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def dm_texts(club: LocalClub, user_id: str) -> list[str]:
    return [m.get("text", "") for m in club.replies(club.dm_channel(user_id))]


def schedule_meetup(club: LocalClub) -> int:
    club.command(OLIVIA.user_id, f"meeting schedule {MEETUP}")
    assert club.db is not None
    with club.db.transaction() as session:
        meeting_id = session.scalar(select(func.max(Meeting.id)))
    assert meeting_id is not None
    return int(meeting_id)


def announcement(club: LocalClub, meeting_id: int) -> dict[str, Any]:
    assert club.db is not None
    with club.db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.announcement_ts
        ts = meeting.announcement_ts
    stored = club.emulator.stored_message(CLUB.channel_id, ts)
    assert stored is not None
    return {**stored, "channel": CLUB.channel_id}


def rsvp_of(club: LocalClub, user_id: str) -> list[str]:
    assert club.db is not None
    with club.db.transaction() as session:
        return list(session.scalars(select(Rsvp.answer).where(Rsvp.user_id == user_id)))


# --- everyone --------------------------------------------------------------------------------


def test_opening_the_home_shows_my_path_questions_and_nudges(club: LocalClub) -> None:
    club.dm(NINA.user_id, "How do I start a blog on the internal platform?")
    view = open_home(club, NINA.user_id)
    body = text_of(view)
    assert "Your path:* 1 of 10 steps" in body  # the question ticked "asked a first question"
    assert "How do I start a blog on the internal platform?" in body
    assert "answered from the FAQ" in body  # the starter FAQ knows about blogs
    assert "Nudges are on" in body
    assert "Club health" not in body  # members don't see the organisers' part
    assert "Upcoming meetings" in body and "Nothing scheduled yet" in body


def test_the_messages_tab_publishes_nothing_and_a_retried_event_publishes_once(
    club: LocalClub,
) -> None:
    opened(club, SAM.user_id, tab="messages")
    assert publishes(club, SAM.user_id) == []
    delivery = opened(club, SAM.user_id)
    club.redeliver(delivery)
    assert len(publishes(club, SAM.user_id)) == 1


def test_an_organiser_sees_club_health_with_the_common_actions(club: LocalClub) -> None:
    club.dm(NINA.user_id, "How do I start a blog on the internal platform?")
    club.dm(SAM.user_id, "What is the airspeed of an unladen swallow?")
    body = text_of(open_home(club, OLIVIA.user_id))
    assert "Club health" in body
    assert "*Questions asked*\\n2" in body
    assert "FAQ answer rate" in body
    for action_id in (ids.HOME_SCHEDULE_MEETING, ids.HOME_PAIRING_ROUND, ids.HOME_REPORT):
        assert action_id in body


def test_an_organiser_sees_attendance_as_bars_with_the_figures(club: LocalClub) -> None:
    meeting_id = schedule_meetup(club)
    club.advance(timedelta(days=2, hours=6), step=timedelta(hours=6))  # the meetup is over
    club.command(OLIVIA.user_id, f"meeting attendance {meeting_id}")
    form = [c.response["view"] for c in club.emulator.calls_to("views.open") if c.ok][-1]
    club.submit(OLIVIA.user_id, form, {"attendees": [NINA.user_id, SAM.user_id]})
    body = json.dumps(open_home(club, OLIVIA.user_id)["blocks"], ensure_ascii=False)
    assert "*Attendance at recent meetings*" in body
    assert "`" + "█" * 20 + "` 2 · Spring meetup" in body
    assert "Attendance at recent meetings" not in text_of(open_home(club, NINA.user_id))


def test_an_excluded_person_still_gets_their_home(club: LocalClub) -> None:
    club.command(NINA.user_id, "exclude me")
    view = open_home(club, NINA.user_id)
    assert "You asked me not to contact you" in text_of(view)


def test_two_hundred_questions_keep_the_home_within_block_kit_limits(club: LocalClub) -> None:
    assert club.db is not None
    now = club.clock.now()
    with club.db.transaction() as session:
        session.add(Member(user_id=NINA.user_id, first_seen_at=now))
        for n in range(200):
            session.add(
                FaqQuestion(
                    channel="D1", message_ts=f"{n}.0", asker=NINA.user_id,
                    text=f"<!channel> question {n} " + "long words " * 300, via="dm",
                    asked_at=now - timedelta(minutes=n), status="escalated",
                )
            )
    for person in (NINA.user_id, OLIVIA.user_id):
        view = open_home(club, person)  # the emulator refuses a view over Slack's limits
        assert len(view["blocks"]) <= 100
    nina = text_of(home(club, NINA.user_id))
    assert "…and 195 more" in nina
    assert "<!channel>" not in nina
    assert "*Unanswered*\\n200" in text_of(home(club, OLIVIA.user_id))


def test_rsvp_from_the_home_records_the_answer_and_updates_home_and_announcement(
    club: LocalClub,
) -> None:
    meeting_id = schedule_meetup(club)
    view = open_home(club, NINA.user_id)
    assert "Spring meetup" in text_of(view)
    club.press(NINA.user_id, view, ids.HOME_RSVP_GOING)
    assert rsvp_of(club, NINA.user_id) == ["going"]
    assert "you: Going" in text_of(home(club, NINA.user_id))
    assert "1 going" in text_of(home(club, NINA.user_id))
    assert "1 going" in json.dumps(announcement(club, meeting_id)["blocks"])  # redrawn
    # A double click, then a change of mind: still one answer per person.
    club.press(NINA.user_id, home(club, NINA.user_id), ids.HOME_RSVP_GOING)
    club.press(NINA.user_id, home(club, NINA.user_id), ids.HOME_RSVP_CANT)
    assert rsvp_of(club, NINA.user_id) == ["no"]
    assert "you: Can't make it" in text_of(home(club, NINA.user_id))


def test_rsvp_from_a_stale_home_for_a_cancelled_meeting_explains(club: LocalClub) -> None:
    meeting_id = schedule_meetup(club)
    stale = open_home(club, NINA.user_id)
    cancel_meeting(club, meeting_id)
    club.press(NINA.user_id, stale, ids.HOME_RSVP_GOING)
    assert rsvp_of(club, NINA.user_id) == []
    assert any("cancelled" in text for text in dm_texts(club, NINA.user_id))
    assert "Nothing scheduled yet" in text_of(home(club, NINA.user_id))


def test_nudges_button_turns_them_off_and_on_and_a_double_click_changes_nothing(
    club: LocalClub,
) -> None:
    view = open_home(club, NINA.user_id)
    club.press(NINA.user_id, view, ids.HOME_NUDGES_TOGGLE)
    assert count(club, NudgeSetting, NudgeSetting.opted_out.is_(True)) == 1
    assert "Turn nudges on" in text_of(home(club, NINA.user_id))
    club.press(NINA.user_id, view, ids.HOME_NUDGES_TOGGLE)  # the stale "off" button again
    assert count(club, NudgeSetting, NudgeSetting.opted_out.is_(True)) == 1
    club.press(NINA.user_id, home(club, NINA.user_id), ids.HOME_NUDGES_TOGGLE)
    assert count(club, NudgeSetting, NudgeSetting.opted_out.is_(True)) == 0
    assert "Turn nudges off" in text_of(home(club, NINA.user_id))


def test_find_me_a_mentor_from_the_home_opens_the_request_form(club: LocalClub) -> None:
    view = open_home(club, NINA.user_id)
    club.press(NINA.user_id, view, ids.MENTOR_REQUEST_OPEN)
    (form,) = [c.response["view"] for c in club.emulator.calls_to("views.open") if c.ok]
    assert form["callback_id"] == ids.MENTOR_REQUEST_VIEW
    club.submit(NINA.user_id, form, {"other_topics": "blogging", "goal": "First post"})
    assert count(club, MentorRequestRow) == 1
    opened(club, NINA.user_id)
    assert "Your request for a mentor is open" in text_of(home(club, NINA.user_id))


def test_a_mentor_and_mentee_see_each_other(club: LocalClub) -> None:
    club.command(MARCO.user_id, "mentor signup")
    form = [c.response["view"] for c in club.emulator.calls_to("views.open") if c.ok][-1]
    club.submit(MARCO.user_id, form, {"other_topics": "blogging", "capacity": "2"})
    club.command(NINA.user_id, "mentor request blogging")
    form = [c.response["view"] for c in club.emulator.calls_to("views.open") if c.ok][-1]
    club.submit(NINA.user_id, form, {"goal": "First post"})
    offer = [
        {**m, "channel": club.dm_channel(MARCO.user_id)}
        for m in club.replies(club.dm_channel(MARCO.user_id))
        if "would like a mentor" in m.get("text", "")
    ][-1]
    club.press(MARCO.user_id, offer, ids.MENTOR_OFFER_ACCEPT)
    assert f"Your mentor: <@{MARCO.user_id}>" in text_of(open_home(club, NINA.user_id))
    assert f"mentoring <@{NINA.user_id}>" in text_of(open_home(club, MARCO.user_id))
    assert "*Pairings active*\\n1" in text_of(open_home(club, OLIVIA.user_id))


def test_the_home_shows_the_whole_path_walked(club: LocalClub) -> None:
    assert club.db is not None
    from bot.content.path import PATH_STEPS

    with club.db.transaction() as session:
        for step in PATH_STEPS:
            progress.record_step(session, MEI.user_id, step.key, club.clock.now())
    assert "walked the whole path" in text_of(open_home(club, MEI.user_id))


def test_a_refused_publish_is_logged_and_nothing_else_happens(club: LocalClub) -> None:
    club.emulator.fail_next("views.publish", "internal_error")
    delivery = opened(club, NINA.user_id)
    assert delivery.ok
    assert club.emulator.home_view(NINA.user_id) is None
    assert not club.replies(club.dm_channel(NINA.user_id))  # no error DM for a background view
    club.press(NINA.user_id, {"type": "home", "blocks": [
        {"type": "actions", "block_id": "home_top", "elements": [
            {"type": "button", "action_id": ids.HOME_REFRESH,
             "text": {"type": "plain_text", "text": "Refresh"}}]}]}, ids.HOME_REFRESH)
    assert "Your path" in text_of(home(club, NINA.user_id))


# --- organisers' buttons ------------------------------------------------------------------------


def test_schedule_a_meeting_button_opens_the_meetings_form_which_schedules(
    club: LocalClub,
) -> None:
    view = open_home(club, OLIVIA.user_id)
    club.press(OLIVIA.user_id, view, ids.HOME_SCHEDULE_MEETING)
    (form,) = [c.response["view"] for c in club.emulator.calls_to("views.open") if c.ok]
    assert form["callback_id"] == ids.MEETING_SCHEDULE_VIEW
    delivery = club.submit(
        OLIVIA.user_id, form,
        {"title": "Home meetup", "date": "2026-12-10", "time": "15:00",
         "channel": CLUB.channel_id},
    )
    assert delivery.ok and not delivery.body, delivery.body
    assert count(club, Meeting) == 1
    opened(club, OLIVIA.user_id)
    assert "Home meetup" in text_of(home(club, OLIVIA.user_id))


def test_pairing_round_button_sends_the_preview_to_the_organisers_dm(club: LocalClub) -> None:
    view = open_home(club, OLIVIA.user_id)
    club.press(OLIVIA.user_id, view, ids.HOME_PAIRING_ROUND)
    assert any("no round needed" in t for t in dm_texts(club, OLIVIA.user_id))
    club.command(MEI.user_id, "mentor signup")
    form = [c.response["view"] for c in club.emulator.calls_to("views.open") if c.ok][-1]
    club.submit(MEI.user_id, form, {"other_topics": "blogging", "capacity": "2"})
    # A request whose offer went nowhere waits for a round: make one with no offer out.
    assert club.db is not None
    with club.db.transaction() as session:
        session.add(Member(user_id=SAM.user_id, first_seen_at=club.clock.now()))
        session.flush()
        session.add(
            MentorRequestRow(mentee_id=SAM.user_id, topics=["blogging"], open_for=SAM.user_id,
                             created_at=club.clock.now())
        )
    club.press(OLIVIA.user_id, home(club, OLIVIA.user_id), ids.HOME_PAIRING_ROUND)
    preview = club.replies(club.dm_channel(OLIVIA.user_id))[-1]
    assert "Pairing round preview" in preview["text"]
    assert ids.MENTOR_ROUND_CONFIRM in json.dumps(preview["blocks"])


def test_a_member_pressing_an_organiser_button_is_refused(club: LocalClub) -> None:
    organiser_home = open_home(club, OLIVIA.user_id)
    for action_id in (ids.HOME_SCHEDULE_MEETING, ids.HOME_PAIRING_ROUND, ids.HOME_REPORT):
        club.press(NINA.user_id, organiser_home, action_id)
    refusals = [t for t in dm_texts(club, NINA.user_id) if "Only organisers" in t]
    assert len(refusals) == 3
    assert club.emulator.calls_to("views.open") == []
    assert club.emulator.files() == []


def test_get_the_report_button_sends_the_workbook(club: LocalClub) -> None:
    club.press(OLIVIA.user_id, open_home(club, OLIVIA.user_id), ids.HOME_REPORT)
    (uploaded,) = club.emulator.files()
    assert uploaded.channels == [club.dm_channel(OLIVIA.user_id)]
    assert uploaded.name.endswith(".xlsx")
