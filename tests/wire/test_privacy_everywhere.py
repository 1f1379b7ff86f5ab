"""`/club forget me` end to end: a member with data in every feature is forgotten
everywhere (no stored text anywhere still holds their id) while anonymous counts stay."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, Text, func, select
from sqlalchemy.types import JSON

from bot.local import CLUB, MARCO, MEI, NINA, OLIVIA, SAM, LocalClub
from handlers import ids
from storage.encouragement.models import ClubCounter, Kudos, SentNudge
from storage.faq.models import FaqEntry, FaqQuestion
from storage.home.models import PublishedHome
from storage.meetings.models import Attendance, Meeting, Rsvp
from storage.mentoring.models import Pairing
from storage.path.models import PathStepReached
from storage.schema import Base

MEETUP = '"Spring meetup" 2026-12-03 15:00 <#C0CLUB|social-media-club>'
WEEKLY = "\"Weekly clinic\" 2026-12-03 15:00 weekly <#C0CLUB|social-media-club>"


def where_id_is_stored(club: LocalClub, user_id: str) -> list[str]:
    """`table.column` for every text column of every table with a row mentioning the id."""
    assert club.db is not None
    found = []
    with club.db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String | Text | JSON):
                    continue
                for (value,) in session.execute(select(column).where(column.is_not(None))):
                    text = value if isinstance(value, str) else json.dumps(value)
                    if user_id in text:
                        found.append(f"{table.name}.{column.name}")
                        break
    return found


def count(club: LocalClub, model: Any, *where: Any) -> int:
    assert club.db is not None
    with club.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def counters(club: LocalClub) -> dict[str, int]:
    assert club.db is not None
    with club.db.transaction() as session:
        return {row.name: row.value for row in session.scalars(select(ClubCounter))}


def faq_totals(club: LocalClub) -> tuple[int, int]:
    assert club.db is not None
    with club.db.transaction() as session:
        used = session.scalar(select(func.sum(FaqEntry.times_used))) or 0
        helpful = session.scalar(select(func.sum(FaqEntry.helpful_count))) or 0
        return int(used), int(helpful)


def opened_views(club: LocalClub) -> list[dict[str, Any]]:
    return [call.response["view"] for call in club.emulator.calls_to("views.open") if call.ok]


def asks_and_votes(club: LocalClub) -> None:
    club.dm(NINA.user_id, "how do I start a blog?")
    answer = club.last_reply(club.dm_channel(NINA.user_id))
    club.press(NINA.user_id, answer, ids.FAQ_HELPFUL)


def marco_mentors_blogging(club: LocalClub) -> None:
    club.command(MARCO.user_id, "mentor signup")
    form = opened_views(club)[-1]
    club.submit(MARCO.user_id, form, {"other_topics": "blogging", "capacity": "2"})


def is_paired_with_marco(club: LocalClub) -> None:
    marco_mentors_blogging(club)
    club.command(NINA.user_id, "mentor request blogging")
    club.submit(NINA.user_id, opened_views(club)[-1], {"goal": "Publish my first post"})
    offer = next(
        m for m in reversed(club.replies(club.dm_channel(MARCO.user_id)))
        if "would like a mentor" in m.get("text", "")
    )
    club.press(MARCO.user_id, {**offer, "channel": club.dm_channel(MARCO.user_id)},
               ids.MENTOR_OFFER_ACCEPT)


def rsvps_and_attends(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, f"meeting schedule {MEETUP}")
    assert club.db is not None
    with club.db.transaction() as session:
        meeting = session.scalars(select(Meeting)).one()
        ts, meeting_id = meeting.announcement_ts, meeting.id
    stored = club.emulator.stored_message(CLUB.channel_id, ts or "")
    assert stored is not None
    club.press(NINA.user_id, {**stored, "channel": CLUB.channel_id}, ids.MEETING_GOING)
    club.clock.set(datetime(2026, 12, 3, 16, 30, tzinfo=UTC))
    club.command(OLIVIA.user_id, f"meeting attendance {meeting_id}")
    club.submit(OLIVIA.user_id, opened_views(club)[-1], {"attendees": [NINA.user_id]})


def a_life_in_every_feature(club: LocalClub) -> None:
    club._settled(lambda: club.sender.member_joined_channel(NINA.user_id, CLUB.channel_id))
    asks_and_votes(club)
    is_paired_with_marco(club)
    rsvps_and_attends(club)
    club.command(MEI.user_id, f"kudos <@{NINA.user_id}|nina> for a great first post")
    club.command(NINA.user_id, f"kudos <@{MEI.user_id}|mei> for the feedback")
    club.advance(timedelta(days=2), step=timedelta(hours=1))  # milestone nudges, working hours
    club.sender.app_home_opened(NINA.user_id)
    club.settle()


def test_forget_me_leaves_no_trace_of_the_person_in_any_table(club: LocalClub) -> None:
    a_life_in_every_feature(club)
    person = (FaqQuestion.asker == NINA.user_id,)
    assert count(club, FaqQuestion, *person) == 1
    assert count(club, Pairing, Pairing.mentee_id == NINA.user_id) == 1
    assert count(club, Rsvp, Rsvp.user_id == NINA.user_id) == 1
    assert count(club, Attendance, Attendance.user_id == NINA.user_id) == 1
    assert count(club, Kudos) == 2
    assert count(club, SentNudge, SentNudge.user_id == NINA.user_id) >= 1
    assert count(club, PublishedHome, PublishedHome.user_id == NINA.user_id) == 1
    stored_before = where_id_is_stored(club, NINA.user_id)
    assert "faq_votes.user_id" in stored_before and "meeting_rsvps.user_id" in stored_before
    counts_before, faq_before = counters(club), faq_totals(club)
    assert faq_before[1] >= 1

    club.command(NINA.user_id, "forget me")
    before = len(club.replies())
    club.press(NINA.user_id, club.last_reply(), ids.FORGET_CONFIRM)
    # Her answer, and (since she had a mentor) a DM telling him the pairing ended.
    said = [m["text"] for m in club.replies()[before:]]
    assert any("I've deleted what I knew about you" in text for text in said), said
    assert any("pairing with" in text and "has ended" in text for text in said), said

    assert where_id_is_stored(club, NINA.user_id) == []
    assert counters(club) == {**counts_before, "people_forgotten": 1}
    assert faq_totals(club) == faq_before
    assert count(club, Meeting) == 1  # the meeting itself is the club's, not hers
    assert where_id_is_stored(club, MARCO.user_id)  # others keep their data


def as_organiser_everywhere(club: LocalClub) -> None:
    """MEI, made an organiser, leaves her name on club things in every feature."""
    club.command(OLIVIA.user_id, f"organiser add <@{MEI.user_id}|mei>")
    club.command(MEI.user_id, f"organiser add <@{SAM.user_id}|sam>")
    club.command(MEI.user_id, f"progress record <@{NINA.user_id}|nina> course")
    club.command(MEI.user_id, f"meeting schedule {WEEKLY}")
    assert club.db is not None
    with club.db.transaction() as session:
        meeting_id = session.scalars(select(Meeting.id)).one()
    club.command(MEI.user_id, 'holiday add 2026-12-25 "Holiday"')
    club.command(MEI.user_id, f"meeting skip {meeting_id}")
    club.command(MEI.user_id, "mentor topics add podcasts")
    marco_mentors_blogging(club)
    club.command(MEI.user_id, f"pair <@{NINA.user_id}|nina> <@{MARCO.user_id}|marco>")
    club.clock.set(datetime(2026, 12, 10, 16, 30, tzinfo=UTC))
    club.command(MEI.user_id, f"meeting attendance {meeting_id}")
    club.submit(MEI.user_id, opened_views(club)[-1], {"attendees": [NINA.user_id]})


# Columns other features still leave an organiser's id in after `forget me` (reported to
# their owners): the meetings columns are NOT NULL, so they need a schema change. Shrink
# this as they are fixed; the test fails if anything new appears.


def test_an_organiser_forgotten_leaves_no_name_on_what_she_did_for_the_club(
    club: LocalClub,
) -> None:
    as_organiser_everywhere(club)
    before = where_id_is_stored(club, MEI.user_id)
    assert "path_steps_reached.recorded_by" in before  # she recorded NINA's course
    club.command(MEI.user_id, "forget me")
    club.press(MEI.user_id, club.last_reply(), ids.FORGET_CONFIRM)
    assert "I've deleted what I knew about you" in club.last_reply()["text"]

    left = set(where_id_is_stored(club, MEI.user_id))
    assert "path_steps_reached.recorded_by" not in left
    assert left == set()
    assert count(club, PathStepReached, PathStepReached.user_id == NINA.user_id) >= 1
