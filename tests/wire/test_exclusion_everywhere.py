"""`/club exclude me` across features: nothing the person didn't ask for reaches their DMs
(welcome and nudges have their own tests in test_welcome.py and test_nudges.py). Each
test has someone who is not excluded get the same message, so it cannot pass by silence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.local import CLUB, MARCO, MEI, NINA, OLIVIA, SAM, LocalClub, Person
from handlers import ids
from storage.meetings.models import Meeting
from tests.wire.test_meetings import cancel_meeting

MEETUP = '"Spring meetup" 2026-12-03 15:00 <#C0CLUB|social-media-club>'


def dm_texts(club: LocalClub, user_id: str) -> list[str]:
    return [str(m.get("text", "")) for m in club.replies(club.dm_channel(user_id))]


def opened_views(club: LocalClub) -> list[dict[str, Any]]:
    return [call.response["view"] for call in club.emulator.calls_to("views.open") if call.ok]


def both_going_to_a_meetup(club: LocalClub) -> int:
    club.command(OLIVIA.user_id, f"meeting schedule {MEETUP}")
    assert club.db is not None
    with club.db.transaction() as session:
        meeting = session.scalars(select(Meeting)).one()
        meeting_id, ts = meeting.id, meeting.announcement_ts
    stored = club.emulator.stored_message(CLUB.channel_id, ts or "")
    assert stored is not None
    for person in (NINA, SAM):
        club.press(person.user_id, {**stored, "channel": CLUB.channel_id}, ids.MEETING_GOING)
    return meeting_id


def test_meeting_reminder_dms_skip_the_excluded(club: LocalClub) -> None:
    both_going_to_a_meetup(club)
    club.command(NINA.user_id, "exclude me")
    nina_before = len(dm_texts(club, NINA.user_id))
    sam_before = len(dm_texts(club, SAM.user_id))
    club.clock.set(datetime(2026, 12, 3, 14, 1, tzinfo=UTC))  # past both reminder offsets
    club.tick()
    assert len(dm_texts(club, SAM.user_id)) > sam_before
    assert len(dm_texts(club, NINA.user_id)) == nina_before


def test_a_cancelled_meeting_is_not_dmed_to_the_excluded(club: LocalClub) -> None:
    meeting_id = both_going_to_a_meetup(club)
    club.command(NINA.user_id, "exclude me")
    nina_before = len(dm_texts(club, NINA.user_id))
    cancel_meeting(club, meeting_id)
    assert any("cancel" in t.lower() for t in dm_texts(club, SAM.user_id))
    assert len(dm_texts(club, NINA.user_id)) == nina_before


def mentors(club: LocalClub, *people: Person) -> None:
    for mentor in people:
        club.command(mentor.user_id, "mentor signup")
        form = opened_views(club)[-1]
        club.submit(mentor.user_id, form, {"other_topics": "blogging", "capacity": "2"})


def ask_for_a_mentor(club: LocalClub) -> None:
    club.command(NINA.user_id, "mentor request blogging")
    club.submit(NINA.user_id, opened_views(club)[-1], {"goal": "Publish my first post"})


def offers(club: LocalClub, user_id: str) -> list[str]:
    return [t for t in dm_texts(club, user_id) if "would like a mentor" in t]


def test_an_excluded_mentor_is_offered_nothing_and_the_request_moves_on(club: LocalClub) -> None:
    mentors(club, MARCO, MEI)
    club.command(MARCO.user_id, "exclude me")
    club.command(MEI.user_id, "exclude me")
    club.command(MEI.user_id, "include me")
    ask_for_a_mentor(club)
    assert offers(club, MARCO.user_id) == []
    assert len(offers(club, MEI.user_id)) == 1


def test_no_check_in_reaches_a_pairing_where_someone_is_excluded(club: LocalClub) -> None:
    mentors(club, MARCO)
    ask_for_a_mentor(club)
    (offer,) = [m for m in club.replies(club.dm_channel(MARCO.user_id))
                if "would like a mentor" in m.get("text", "")]
    club.press(MARCO.user_id, {**offer, "channel": club.dm_channel(MARCO.user_id)},
               ids.MENTOR_OFFER_ACCEPT)
    club.command(NINA.user_id, "exclude me")
    posts_before = len(club.emulator.calls_to("chat.postMessage"))
    club.advance(timedelta(days=8), step=timedelta(hours=6))
    checkins = [c for c in club.emulator.calls_to("chat.postMessage")[posts_before:]
                if "Have you met" in str(c.args.get("text", ""))]
    assert checkins == []


def test_being_made_an_organiser_is_not_dmed_to_the_excluded(club: LocalClub) -> None:
    club.command(MEI.user_id, "exclude me")
    club.command(OLIVIA.user_id, f"organiser add <@{MEI.user_id}|mei>")
    club.command(OLIVIA.user_id, f"organiser add <@{SAM.user_id}|sam>")
    assert any("made you an organiser" in t for t in dm_texts(club, SAM.user_id))
    assert not any("made you an organiser" in t for t in dm_texts(club, MEI.user_id))
