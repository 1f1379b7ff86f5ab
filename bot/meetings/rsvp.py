"""Going / Maybe / Can't: one answer per person per meeting, safe under double clicks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from bot.meetings.planning import MeetingProblem, MeetingSnapshot, snapshot_in
from storage.db import Database
from storage.meetings import queries as repo
from storage.meetings.models import Meeting, Rsvp


class Answer(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NO = "no"


def answer(
    db: Database,
    meeting_id: int,
    user_id: str,
    given: Answer,
    now: datetime,
    defaults: Sequence[timedelta],
) -> MeetingSnapshot | MeetingProblem:
    """Record the answer and return the meeting with fresh counts."""
    for _attempt in range(3):
        try:
            return _answer_once(db, meeting_id, user_id, given, now, defaults)
        except IntegrityError:
            # The same person pressed twice at once: the other insert won; update it.
            continue
    raise RuntimeError(f"could not record RSVP meeting={meeting_id} user={user_id}")


def _answer_once(
    db: Database,
    meeting_id: int,
    user_id: str,
    given: Answer,
    now: datetime,
    defaults: Sequence[timedelta],
) -> MeetingSnapshot | MeetingProblem:
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.status != repo.ACTIVE:
            return MeetingProblem("This meeting was cancelled, so there is nothing to answer.")
        existing = repo.rsvp_of(session, meeting_id, user_id)
        if existing is None:
            session.add(
                Rsvp(meeting_id=meeting_id, user_id=user_id, answer=given.value, answered_at=now)
            )
            session.flush()
        elif existing.answer != given.value:
            existing.answer, existing.answered_at = given.value, now
        return snapshot_in(session, meeting, now, defaults)


def current_snapshot(
    db: Database, meeting_id: int, now: datetime, defaults: Sequence[timedelta]
) -> MeetingSnapshot | None:
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        return snapshot_in(session, meeting, now, defaults) if meeting else None
