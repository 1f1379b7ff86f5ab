"""After a meeting: organisers mark who came; it counts as a step on the path."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.content import escape_mrkdwn
from bot.meetings.planning import (
    MEETING_LENGTH,
    MeetingProblem,
    MeetingSnapshot,
    last_occurrence,
    refresh_attendance_prompt,
    snapshot_in,
)
from storage.db import Database
from storage.meetings import queries as repo
from storage.meetings.models import Meeting
from storage.path.queries import record_step

log = logging.getLogger("clubbot.attendance")

ATTENDED_STEP = "attended_meeting"
# A meeting that ended longer ago than this (the bot was down) is not asked about:
# a "who came?" a week late is noise, and `/club meeting attendance` still works.
PROMPT_FRESH_FOR = timedelta(days=1)


@dataclass(frozen=True)
class AttendancePromptDue:
    """Ask the organiser who came to this occurrence (claimed once, under a unique key)."""

    meeting: MeetingSnapshot
    occurrence: datetime
    going: int  # how many said Going for this occurrence


# fn(session, prompt): write the organiser's DM to the outbox, in the claiming transaction.
SayPrompt = Callable[[Session, AttendancePromptDue], None]


def claim_attendance_prompts(
    db: Database,
    now: datetime,
    defaults: Sequence[timedelta],
    say: SayPrompt = lambda _session, _prompt: None,
) -> list[AttendancePromptDue]:
    """Occurrences that have just ended, each claimed by exactly one caller, whose
    prompt `say` writes to the outbox in the same transaction as the claim."""
    with db.transaction() as session:
        due_ids = repo.attendance_prompt_due_ids(session, now)
    claimed = []
    for meeting_id in due_ids:
        try:
            prompt = _claim_prompt(db, meeting_id, now, defaults, say)
        except IntegrityError:
            log.info("attendance prompt already claimed elsewhere meeting=%s", meeting_id)
            continue
        if prompt is not None:
            claimed.append(prompt)
    return claimed


def _claim_prompt(
    db: Database, meeting_id: int, now: datetime, defaults: Sequence[timedelta], say: SayPrompt
) -> AttendancePromptDue | None:
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            return None
        if meeting.attendance_prompt_at is None or meeting.attendance_prompt_at > now:
            return None  # another instance moved it on
        # The pointer only says when to look: the occurrence asked about is the latest
        # one that has ended (blackout days and edits since are taken into account).
        occurrence = last_occurrence(session, meeting, now - MEETING_LENGTH)
        refresh_attendance_prompt(session, meeting, now)
        # The announcement's answers were for the occurrence that just ended: the tick
        # redraws it for the next one.
        if meeting.announcement_ts:
            meeting.announcement_stale = True
        if occurrence is None or occurrence + PROMPT_FRESH_FOR < now:
            return None
        if not repo.add_attendance_prompt(session, meeting_id, occurrence, now):
            return None
        going = repo.rsvp_counts(session, meeting_id, occurrence).get("going", 0)
        prompt = AttendancePromptDue(
            snapshot_in(session, meeting, now, defaults), occurrence, going
        )
        say(session, prompt)
        return prompt


@dataclass(frozen=True)
class AttendanceForm:
    meeting: MeetingSnapshot
    occurrence: datetime
    prefill: list[str]  # already marked, else those who said Going


def attendance_form(
    db: Database,
    meeting_id: int,
    now: datetime,
    defaults: Sequence[timedelta],
    occurrence: datetime | None = None,
) -> AttendanceForm | MeetingProblem:
    """The form for `occurrence` (from the organiser's "Mark who came" button), or for
    the latest occurrence that has started."""
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            return MeetingProblem(
                f"I can't find meeting {meeting_id}. `/club meeting list` shows the ids."
            )
        if occurrence is None or occurrence > now:
            occurrence = last_occurrence(session, meeting, now)
        if occurrence is None:
            return MeetingProblem(
                f"“{escape_mrkdwn(meeting.title)}” hasn't happened yet, so there's no "
                "attendance to mark."
            )
        marked = repo.attendees(session, meeting_id, occurrence)
        prefill = marked or repo.people_answering(session, meeting_id, "going", occurrence)
        return AttendanceForm(snapshot_in(session, meeting, now, defaults), occurrence, prefill)


def mark_attendance(
    db: Database,
    meeting_id: int,
    occurrence: datetime,
    user_ids: Iterable[str],
    actor: str,
    now: datetime,
) -> list[str] | MeetingProblem:
    """Replace the marks for one occurrence; returns who is marked as having come."""
    people = sorted(set(user_ids))
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            return MeetingProblem(f"I can't find meeting {meeting_id}.")
        if occurrence > now:
            return MeetingProblem(
                f"“{escape_mrkdwn(meeting.title)}” hasn't happened yet, so there's no "
                "attendance to mark."
            )
        repo.replace_attendance(session, meeting_id, occurrence, people, actor, now)
        for user_id in people:
            record_step(session, user_id, ATTENDED_STEP, now, source="organiser", recorded_by=actor)
    return people
