"""The club's next meeting, for features that mention it (the welcome DM), which reach it
through the wiring's `next_meeting` hook rather than importing meetings."""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.meetings import recurrence
from bot.meetings.planning import rule_of
from storage.db import Database
from storage.meetings.models import Holiday, Meeting, MeetingSkip

log = logging.getLogger("clubbot.meetings")


def next_meeting(db: Database, now: datetime) -> tuple[str, datetime] | None:
    """(title, start) of the club's next meeting occurrence after `now`, or None. Holidays
    and skipped dates are left out; a meeting that cannot be read is passed over."""
    with db.transaction() as session:
        holidays = set(session.scalars(select(Holiday.day)))
        best: tuple[str, datetime] | None = None
        for meeting in session.scalars(select(Meeting).where(Meeting.status == "active")):
            try:
                skips = holidays | _skipped_dates(session, meeting.id)
                starts = recurrence.next_occurrence(rule_of(meeting), now, skips)
            except (ValueError, AttributeError) as error:
                log.warning("meeting unreadable for welcome id=%s error=%s", meeting.id, error)
                continue
            if starts is not None and (best is None or starts < best[1]):
                best = (meeting.title, starts)
        return best


def _skipped_dates(session: Session, meeting_id: int) -> set[date]:
    query = select(MeetingSkip.local_date).where(MeetingSkip.meeting_id == meeting_id)
    return set(session.scalars(query))
