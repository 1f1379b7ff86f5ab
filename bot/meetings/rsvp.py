"""Going / Maybe / Can't: one answer per person per occurrence, or for all future ones
(an explicit choice); safe under double clicks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from bot.content import escape_mrkdwn
from bot.meetings.planning import (
    MEETING_LENGTH,
    MeetingProblem,
    MeetingSnapshot,
    is_occurrence,
    offsets_of,
    rule_of,
    snapshot_in,
)
from bot.meetings.recurrence import next_occurrence
from storage.db import Database
from storage.meetings import queries as repo
from storage.meetings.models import Meeting


class Answer(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NO = "no"


@dataclass(frozen=True)
class Answered:
    meeting: MeetingSnapshot  # with the counts for its next occurrence
    occurrence: datetime | None  # the one answered; None: all future ones
    dm_coming: bool  # a reminder DM will come (going, reminders on, DMs not turned off)


def answer(
    db: Database,
    meeting_id: int,
    user_id: str,
    given: Answer,
    now: datetime,
    defaults: Sequence[timedelta],
    occurrence: datetime | None = None,
    *,
    for_all: bool = False,
) -> Answered | MeetingProblem:
    """Record the answer for `occurrence` (a button on a message names it), for the next
    occurrence when none is named (the App Home), or for all future ones (`for_all`)."""
    for _attempt in range(3):
        try:
            return _answer_once(db, meeting_id, user_id, given, now, defaults, occurrence, for_all)
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
    occurrence: datetime | None,
    for_all: bool,
) -> Answered | MeetingProblem:
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.status != repo.ACTIVE:
            return MeetingProblem("This meeting was cancelled, so there is nothing to answer.")
        skips = repo.skip_dates(session, meeting_id)
        rule = rule_of(meeting)
        if for_all:
            occurrence = None
        elif occurrence is None:
            occurrence = next_occurrence(rule, now, skips)
            if occurrence is None:
                return MeetingProblem(
                    f"“{escape_mrkdwn(meeting.title)}” has no occurrence left to answer for."
                )
        elif not is_occurrence(rule, occurrence, skips):
            return MeetingProblem(
                f"“{escape_mrkdwn(meeting.title)}” doesn't happen then any more "
                "(it was moved or skipped). "
                "Answer on the announcement, which shows the next one."
            )
        elif occurrence + MEETING_LENGTH <= now:
            return MeetingProblem(
                f"That “{escape_mrkdwn(meeting.title)}” is over. Answer on the announcement "
                "for the next one."
            )
        repo.set_rsvp(session, meeting_id, user_id, occurrence, given.value, now)
        dm_coming = (
            given is Answer.GOING
            and bool(offsets_of(meeting, defaults))
            and not repo.dm_opted_out(session, [user_id])
        )
        return Answered(snapshot_in(session, meeting, now, defaults), occurrence, dm_coming)


def current_snapshot(
    db: Database, meeting_id: int, now: datetime, defaults: Sequence[timedelta]
) -> MeetingSnapshot | None:
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        return snapshot_in(session, meeting, now, defaults) if meeting else None
