"""Telling people about changes, on Slack's wire: moving a meeting's time or place, or
skipping an occurrence, DMs the people going (not those who turned meeting DMs off) and
updates the announcement (all through the outbox, once each); cancelling asks first, and
RSVPs follow a moved occurrence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.local import CLUB, MEI, NINA, OLIVIA, PRIYA, SAM, LocalClub
from handlers import ids
from storage.delivery.models import SENT, Delivery
from tests.wire.test_meeting_occurrences import answers_at, going_to_all, token
from tests.wire.test_meetings import (
    announcement,
    cancel_meeting,
    last_response,
    last_response_text,
    schedule,
    text_of,
)

WEEKLY = '"Book club" 2026-12-03 15:00 weekly <#C0CLUB|social-media-club>'
FIRST = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def notices(club: LocalClub) -> list[tuple[str, str]]:
    """The change notices the outbox holds: (recipient, status)."""
    assert club.db is not None
    with club.db.transaction() as session:
        rows = session.scalars(select(Delivery).where(Delivery.purpose == "meetings.change"))
        return sorted((row.recipient, row.status) for row in rows)


def dms(club: LocalClub, user: str) -> list[str]:
    return [text_of(m) for m in club.emulator.messages(club.dm_channel(user))]


def everyone_answers(club: LocalClub, meeting_id: int) -> None:
    """Nina: Going for 3 Dec only. Sam: Going to all. Priya: Going to all, DMs off.
    Mei: can't make 3 Dec."""
    club.press(NINA.user_id, announcement(club, meeting_id), ids.MEETING_GOING)
    going_to_all(club, SAM.user_id, meeting_id)
    going_to_all(club, PRIYA.user_id, meeting_id)
    club.command(PRIYA.user_id, "meeting dms off")
    club.press(MEI.user_id, announcement(club, meeting_id), ids.MEETING_CANT)


def edit(club: LocalClub, meeting_id: int, inputs: dict[str, Any]) -> str:
    """Edit through the modal; returns what the organiser was told."""
    club.command(OLIVIA.user_id, f"meeting edit {meeting_id}")
    modal = [c.response["view"] for c in club.emulator.calls_to("views.open") if c.ok][-1]
    club.submit(OLIVIA.user_id, modal, inputs)
    return text_of(club.emulator.calls_to("chat.postEphemeral")[-1].args)


def test_moving_the_time_tells_those_going_and_their_answers_follow(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    everyone_answers(club, meeting_id)
    told = edit(club, meeting_id, {"time": "16:00"})
    assert "I told 2 people going" in told

    moved = FIRST + timedelta(hours=1)
    for person in (NINA, SAM):
        (notice,) = [t for t in dms(club, person.user_id) if "has changed" in t]
        assert token(moved) in notice and "still down as going" in notice
    assert not any("has changed" in t for t in dms(club, PRIYA.user_id))  # DMs off
    assert not any("has changed" in t for t in dms(club, MEI.user_id))  # not going
    # Nina's Going for 3 Dec 15:00 is now for 3 Dec 16:00; the announcement shows it.
    assert answers_at(club, meeting_id, moved)[NINA.user_id] == "going"
    shown = text_of(announcement(club, meeting_id))
    assert f"For {token(moved)}" in shown and "*3* going" in shown and "*1* can't" in shown
    # Through the outbox, once each: the same move saved again tells nobody twice.
    assert notices(club) == [(NINA.user_id, SENT), (SAM.user_id, SENT)]
    edit(club, meeting_id, {"time": "16:00"})
    assert notices(club) == [(NINA.user_id, SENT), (SAM.user_id, SENT)]
    assert len([t for t in dms(club, NINA.user_id) if "has changed" in t]) == 1


def test_moving_the_place_tells_them_but_a_new_title_does_not(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    everyone_answers(club, meeting_id)
    told = edit(club, meeting_id, {"title": "Book club (December)"})
    assert "I told" not in told
    assert not any("has changed" in t for t in dms(club, NINA.user_id))
    told = edit(club, meeting_id, {"location": "Room 4.02"})
    assert "I told 2 people going" in told
    (notice,) = [t for t in dms(club, SAM.user_id) if "has changed" in t]
    assert "Room 4.02" in notice
    assert "Room 4.02" in text_of(announcement(club, meeting_id))


def test_skipping_an_occurrence_tells_those_going_to_it(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    everyone_answers(club, meeting_id)
    club.command(OLIVIA.user_id, f"meeting skip {meeting_id}")
    assert "I told 2 people going by DM" in last_response_text(club)
    for person in (NINA, SAM):
        (notice,) = [t for t in dms(club, person.user_id) if "won't happen" in t]
        assert "Thursday 3 December 2026" in notice and token(FIRST + timedelta(days=7)) in notice
    assert not any("won't happen" in t for t in dms(club, PRIYA.user_id))
    assert "No meeting on Thursday 3 December 2026" in text_of(announcement(club, meeting_id))


def test_cancel_asks_first_and_tells_only_those_who_want_dms(club: LocalClub) -> None:
    meeting_id = schedule(club, WEEKLY)
    everyone_answers(club, meeting_id)
    club.command(OLIVIA.user_id, f"meeting cancel {meeting_id}")
    question = last_response(club)
    assert "for good?" in text_of(question) and "2 people going" in text_of(question)
    assert not any("cancelled" in t for t in dms(club, SAM.user_id))  # nothing yet
    club.press(NINA.user_id, question, ids.MEETING_CANCEL_CONFIRM)  # not an organiser
    assert "Only organisers" in last_response_text(club)
    club.press(OLIVIA.user_id, question, ids.MEETING_CANCEL_CONFIRM)
    assert "told <#C0CLUB> and 2 people going by DM" in last_response_text(club)
    for person in (NINA, SAM):
        assert any("has been cancelled" in t for t in dms(club, person.user_id))
    assert not any("has been cancelled" in t for t in dms(club, PRIYA.user_id))
    assert "This meeting was cancelled" in text_of(announcement(club, meeting_id))
    assert (CLUB.channel_id, SENT) in notices(club)  # the channel's notice, by the outbox too
    cancel_meeting(club, meeting_id)  # again: already cancelled, nothing asked
    assert "already cancelled" in last_response_text(club)
