"""After a meeting: organisers mark who came; it counts as a step on the path."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.meetings import MeetingProblem, MeetingSnapshot, last_occurrence, snapshot_in
from storage.db import Database
from storage.models.meetings import Meeting
from storage.repositories import meetings as repo
from storage.repositories.progress import record_step

ATTENDED_STEP = "attended_meeting"


@dataclass(frozen=True)
class AttendanceForm:
    meeting: MeetingSnapshot
    occurrence: datetime
    prefill: list[str]  # already marked, else those who said Going


def attendance_form(
    db: Database, meeting_id: int, now: datetime, defaults: Sequence[timedelta]
) -> AttendanceForm | MeetingProblem:
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            return MeetingProblem(
                f"I can't find meeting {meeting_id}. `/club meeting list` shows the ids."
            )
        occurrence = last_occurrence(session, meeting, now)
        if occurrence is None:
            return MeetingProblem(
                f"“{meeting.title}” hasn't happened yet, so there's no attendance to mark."
            )
        marked = repo.attendees(session, meeting_id, occurrence)
        prefill = marked or repo.people_answering(session, meeting_id, "going")
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
        repo.replace_attendance(session, meeting_id, occurrence, people, actor, now)
        for user_id in people:
            record_step(session, user_id, ATTENDED_STEP, now, source="organiser", recorded_by=actor)
    return people
