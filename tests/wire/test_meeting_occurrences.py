"""RSVPs per occurrence on Slack's wire: Going for 3 Dec is not Going for 10 Dec, "all
future ones" is an explicit choice that a single answer can still override, and who is
going (reminder DMs, the "who came?" form) is counted per occurrence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.local import NINA, OLIVIA, PRIYA, SAM, LocalClub
from handlers import ids
from storage.meetings import queries as meeting_repo
from storage.meetings.models import Rsvp
from tests.wire.test_meetings import announcement, last_response_text, schedule, text_of

WEEKLY = '"Book club" 2026-12-03 15:00 weekly <#C0CLUB|social-media-club>'
FIRST = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # Europe/London is UTC in December
SECOND = FIRST + timedelta(days=7)
THIRD = FIRST + timedelta(days=14)


def token(instant: datetime) -> str:
    return f"<!date^{int(instant.timestamp())}^"


def going_to_all(club: LocalClub, user: str, meeting_id: int, answer: str = "going") -> None:
    target = announcement(club, meeting_id)
    club.choose(user, target, ids.MEETING_RSVP_ALL, f"{meeting_id}:{answer}")


def answers_at(club: LocalClub, meeting_id: int, at: datetime) -> dict[str | None, str]:
    assert club.db is not None
    with club.db.transaction() as session:
        return {a.user_id: a.answer for a in meeting_repo.answers_at(session, meeting_id, at)}


def after(club: LocalClub, occurrence: datetime) -> None:
    """The clock just after an occurrence ended (one hour long), and the tick run."""
    club.clock.set(occurrence + timedelta(hours=1, minutes=1))
    club.tick()


def test_going_for_one_occurrence_is_not_going_for_the_next(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    posted = text_of(announcement(club, meeting_id))
    assert f"For {token(FIRST)}" in posted  # the counts say which one they are for
    club.press(NINA.user_id, announcement(club, meeting_id), ids.MEETING_GOING)
    said = last_response_text(club)
    assert token(FIRST) in said and "Only that one" in said
    shown = text_of(announcement(club, meeting_id))
    assert "*1* going" in shown and f"<@{NINA.user_id}>" in shown

    assert club.db is not None
    with club.db.transaction() as session:
        (row,) = session.scalars(select(Rsvp).where(Rsvp.meeting_id == meeting_id))
        assert row.occurrence_at == FIRST and row.user_id == NINA.user_id

    after(club, FIRST)  # the announcement moves on to 10 Dec, where nobody said anything
    shown = text_of(announcement(club, meeting_id))
    assert f"For {token(SECOND)}" in shown and "*0* going" in shown
    assert f"<@{NINA.user_id}>" not in shown
    assert answers_at(club, meeting_id, FIRST) == {NINA.user_id: "going"}  # kept per occurrence
    assert answers_at(club, meeting_id, SECOND) == {}


def test_all_future_ones_is_an_explicit_choice_one_answer_can_override(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    going_to_all(club, SAM.user_id, meeting_id)
    assert "every one from now on" in last_response_text(club)
    assert "*1* going" in text_of(announcement(club, meeting_id))

    after(club, FIRST)
    assert "*1* going" in text_of(announcement(club, meeting_id))  # 10 Dec counts Sam too
    club.press(SAM.user_id, announcement(club, meeting_id), ids.MEETING_CANT)  # 10 Dec only
    shown = text_of(announcement(club, meeting_id))
    assert "*0* going" in shown and "*1* can't" in shown
    assert answers_at(club, meeting_id, SECOND) == {SAM.user_id: "no"}
    assert answers_at(club, meeting_id, THIRD) == {SAM.user_id: "going"}

    # Choosing for all future ones again replaces the single answers still to come.
    going_to_all(club, SAM.user_id, meeting_id, "no")
    assert answers_at(club, meeting_id, SECOND) == {SAM.user_id: "no"}
    assert answers_at(club, meeting_id, THIRD) == {SAM.user_id: "no"}
    going_to_all(club, SAM.user_id, meeting_id, "going")
    assert answers_at(club, meeting_id, SECOND) == {SAM.user_id: "going"}


def test_a_one_off_has_no_all_future_choice(club: LocalClub) -> None:
    meeting_id = schedule(club)  # Book club on 3 Dec, once
    assert ids.MEETING_RSVP_ALL not in text_of(announcement(club, meeting_id))
    club.press(PRIYA.user_id, announcement(club, meeting_id), ids.MEETING_GOING)
    assert "Only that one" not in last_response_text(club)


def test_reminder_dms_and_the_who_came_form_follow_each_occurrence(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    club.press(NINA.user_id, announcement(club, meeting_id), ids.MEETING_GOING)  # 3 Dec only
    going_to_all(club, SAM.user_id, meeting_id)
    for occurrence in (FIRST, SECOND):
        club.clock.set(occurrence - timedelta(minutes=59))  # past the 1 h reminder
        club.tick()
        after(club, occurrence)
    nina = club.emulator.messages(club.dm_channel(NINA.user_id))
    sam = club.emulator.messages(club.dm_channel(SAM.user_id))
    assert sum("You said you're going" in text_of(m) for m in nina) == 1
    assert sum("You said you're going" in text_of(m) for m in sam) == 2

    # The organiser's prompt after 10 Dec counts who said Going for 10 Dec, and the
    # form it opens is prefilled with them only.
    prompts = [
        m
        for m in club.emulator.messages(club.dm_channel(OLIVIA.user_id))
        if ids.MEETING_MARK_ATTENDANCE in text_of(m)
    ]
    assert len(prompts) == 2 and "1 said they were going" in text_of(prompts[-1])
    club.press(OLIVIA.user_id, prompts[-1], ids.MEETING_MARK_ATTENDANCE)
    modal = [c.response["view"] for c in club.emulator.calls_to("views.open") if c.ok][-1]
    field = next(b for b in modal["blocks"] if b.get("block_id") == "attendees")
    assert field["element"]["initial_users"] == [SAM.user_id]


def test_a_button_for_an_occurrence_that_is_over_or_moved_is_explained(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    old = announcement(club, meeting_id)  # its buttons are for 3 Dec
    after(club, FIRST)
    club.press(NINA.user_id, old, ids.MEETING_GOING)
    assert "is over" in last_response_text(club)
    club.sender.block_action(
        NINA.user_id,
        ids.MEETING_GOING,
        value=f"{meeting_id}:{int((SECOND + timedelta(hours=2)).timestamp())}",
        channel_id=club.dm_channel(NINA.user_id),
    )
    club.settle()
    assert "doesn't happen then" in last_response_text(club)
    assert answers_at(club, meeting_id, SECOND) == {}
