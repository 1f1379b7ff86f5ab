"""Queries about meetings, RSVPs, blackout days, reminders and attendance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from storage.meetings.models import (
    Attendance,
    AttendancePrompt,
    Holiday,
    Meeting,
    MeetingDmOptOut,
    MeetingSkip,
    Rsvp,
    SentReminder,
)
from storage.privacy import forgets

ACTIVE = "active"
CANCELLED = "cancelled"


def active_meetings(session: Session) -> list[Meeting]:
    return list(
        session.scalars(select(Meeting).where(Meeting.status == ACTIVE).order_by(Meeting.id))
    )


def due_meeting_ids(session: Session, now: datetime) -> list[int]:
    """Active meetings with a reminder due by `now` (an index range scan)."""
    query = (
        select(Meeting.id)
        .where(Meeting.status == ACTIVE, Meeting.next_reminder_at <= now)
        .order_by(Meeting.next_reminder_at)
    )
    return list(session.scalars(query))


def attendance_prompt_due_ids(session: Session, now: datetime) -> list[int]:
    """Active meetings whose latest occurrence has ended by `now` (an index range scan)."""
    query = (
        select(Meeting.id)
        .where(Meeting.status == ACTIVE, Meeting.attendance_prompt_at <= now)
        .order_by(Meeting.attendance_prompt_at)
    )
    return list(session.scalars(query))


def add_attendance_prompt(
    session: Session, meeting_id: int, occurrence_at: datetime, now: datetime
) -> bool:
    """Record that the organiser is asked about this occurrence; False if already asked.
    A concurrent insert by another instance fails on the unique key at flush."""
    exists = session.scalar(
        select(AttendancePrompt.id).where(
            AttendancePrompt.meeting_id == meeting_id,
            AttendancePrompt.occurrence_at == occurrence_at,
        )
    )
    if exists is not None:
        return False
    session.add(AttendancePrompt(meeting_id=meeting_id, occurrence_at=occurrence_at, asked_at=now))
    session.flush()
    return True


def stale_announcement_ids(session: Session) -> list[int]:
    query = select(Meeting.id).where(Meeting.announcement_stale.is_(True)).order_by(Meeting.id)
    return list(session.scalars(query))


def skip_dates(session: Session, meeting_id: int) -> set[date]:
    """Blackout dates for one meeting: its own skips and the club's holidays."""
    own = session.scalars(
        select(MeetingSkip.local_date).where(MeetingSkip.meeting_id == meeting_id)
    )
    return set(own) | set(session.scalars(select(Holiday.day)))


def holidays(session: Session) -> list[Holiday]:
    return list(session.scalars(select(Holiday).order_by(Holiday.day)))


def holiday_names(session: Session) -> dict[date, str]:
    return {h.day: h.name for h in holidays(session)}


def add_skip(session: Session, meeting_id: int, local_date: date, by: str, now: datetime) -> bool:
    exists = session.scalar(
        select(MeetingSkip.id).where(
            MeetingSkip.meeting_id == meeting_id, MeetingSkip.local_date == local_date
        )
    )
    if exists is not None:
        return False
    session.add(
        MeetingSkip(meeting_id=meeting_id, local_date=local_date, skipped_by=by, skipped_at=now)
    )
    session.flush()
    return True


def own_skips(session: Session, meeting_id: int) -> list[date]:
    query = select(MeetingSkip.local_date).where(MeetingSkip.meeting_id == meeting_id)
    return sorted(session.scalars(query))


@dataclass(frozen=True)
class Answered:
    """One person's answer that holds for an occurrence (user_id None: forgotten)."""

    user_id: str | None
    answer: str
    answered_at: datetime
    for_all: bool  # given for all future ones, not this occurrence only


def answers_at(session: Session, meeting_id: int, occurrence_at: datetime | None) -> list[Answered]:
    """The answers that hold for one occurrence: each person's answer for it, else their
    answer for all future ones; oldest first. Without an occurrence (the series is over
    or cancelled) only the answers for all future ones."""
    scope = Rsvp.occurrence_at.is_(None)
    if occurrence_at is not None:
        scope = or_(scope, Rsvp.occurrence_at == occurrence_at)
    rows = session.scalars(
        select(Rsvp).where(Rsvp.meeting_id == meeting_id, scope).order_by(Rsvp.answered_at, Rsvp.id)
    )
    named: dict[str, Answered] = {}
    anonymous: list[Answered] = []
    for row in rows:
        found = Answered(row.user_id, row.answer, row.answered_at, row.occurrence_at is None)
        if row.user_id is None:
            anonymous.append(found)  # forgetting left at most one row per person here
        elif row.user_id not in named or named[row.user_id].for_all:
            named[row.user_id] = found
    held = list(named.values()) + anonymous
    return sorted(held, key=lambda a: a.answered_at)


def rsvp_counts(
    session: Session, meeting_id: int, occurrence_at: datetime | None
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for held in answers_at(session, meeting_id, occurrence_at):
        counts[held.answer] = counts.get(held.answer, 0) + 1
    return counts


def people_answering(
    session: Session, meeting_id: int, answer: str, occurrence_at: datetime | None
) -> list[str]:
    """Who answered so for the occurrence, by name (forgotten people's answers only count)."""
    return [
        held.user_id
        for held in answers_at(session, meeting_id, occurrence_at)
        if held.answer == answer and held.user_id is not None
    ]


def answer_of(
    session: Session, meeting_id: int, user_id: str, occurrence_at: datetime | None
) -> Answered | None:
    for held in answers_at(session, meeting_id, occurrence_at):
        if held.user_id == user_id:
            return held
    return None


def going_from(session: Session, meeting_id: int, now: datetime) -> list[str]:
    """Everyone going to any occurrence from `now` on (for all of them or for one)."""
    query = (
        select(Rsvp.user_id)
        .where(
            Rsvp.meeting_id == meeting_id,
            Rsvp.answer == "going",
            Rsvp.user_id.is_not(None),
            or_(Rsvp.occurrence_at.is_(None), Rsvp.occurrence_at >= now),
        )
        .order_by(Rsvp.answered_at, Rsvp.id)
    )
    return list(dict.fromkeys(str(user_id) for user_id in session.scalars(query)))


def occurrence_rsvps_after(session: Session, meeting_id: int, now: datetime) -> list[Rsvp]:
    """Answers for single occurrences still to come."""
    query = select(Rsvp).where(
        Rsvp.meeting_id == meeting_id, Rsvp.occurrence_at.is_not(None), Rsvp.occurrence_at > now
    )
    return list(session.scalars(query.order_by(Rsvp.id)))


def replace_occurrence_rsvps(
    session: Session, moves: list[tuple[Rsvp, datetime | None]]
) -> None:
    """Move each answer to its new occurrence (None: drop it). All rows go first, so
    that no intermediate state breaks the unique key."""
    kept = [
        Rsvp(
            meeting_id=row.meeting_id,
            user_id=row.user_id,
            occurrence_at=to,
            answer=row.answer,
            answered_at=row.answered_at,
        )
        for row, to in moves
        if to is not None
    ]
    for row, _to in moves:
        session.delete(row)
    session.flush()
    session.add_all(kept)
    session.flush()


def set_rsvp(
    session: Session,
    meeting_id: int,
    user_id: str,
    occurrence_at: datetime | None,
    answer: str,
    now: datetime,
) -> None:
    """Record an answer for one occurrence, or (occurrence_at None) for all future ones,
    which replaces the person's answers for single occurrences still to come."""
    if occurrence_at is None:
        session.execute(
            delete(Rsvp).where(
                Rsvp.meeting_id == meeting_id,
                Rsvp.user_id == user_id,
                Rsvp.occurrence_at >= now,
            )
        )
        scope = Rsvp.occurrence_at.is_(None)
    else:
        scope = Rsvp.occurrence_at == occurrence_at
    existing = session.scalar(
        select(Rsvp).where(Rsvp.meeting_id == meeting_id, Rsvp.user_id == user_id, scope)
    )
    if existing is None:
        session.add(
            Rsvp(
                meeting_id=meeting_id,
                user_id=user_id,
                occurrence_at=occurrence_at,
                answer=answer,
                answered_at=now,
            )
        )
    elif existing.answer != answer:
        existing.answer, existing.answered_at = answer, now
    session.flush()


def sent_reminder(session: Session, key: str) -> SentReminder | None:
    return session.get(SentReminder, key)


def sent_reminders(session: Session, meeting_id: int) -> list[SentReminder]:
    query = select(SentReminder).where(SentReminder.meeting_id == meeting_id)
    return list(session.scalars(query.order_by(SentReminder.due_at)))


def dm_opted_out(session: Session, user_ids: Iterable[str]) -> set[str]:
    wanted = list(user_ids)
    if not wanted:
        return set()
    query = select(MeetingDmOptOut.user_id).where(MeetingDmOptOut.user_id.in_(wanted))
    return set(session.scalars(query))


def set_dm_opt_out(session: Session, user_id: str, off: bool, now: datetime) -> bool:
    """Returns False when nothing changed."""
    current = session.get(MeetingDmOptOut, user_id)
    if off and current is None:
        session.add(MeetingDmOptOut(user_id=user_id, opted_out_at=now))
        session.flush()
        return True
    if not off and current is not None:
        session.delete(current)
        session.flush()
        return True
    return False


def attendees(session: Session, meeting_id: int, occurrence_at: datetime) -> list[str]:
    """Who came, by name (forgotten people who came only count)."""
    query = select(Attendance.user_id).where(
        Attendance.meeting_id == meeting_id,
        Attendance.occurrence_at == occurrence_at,
        Attendance.user_id.is_not(None),
    )
    return sorted(str(user_id) for user_id in session.scalars(query))


def replace_attendance(
    session: Session,
    meeting_id: int,
    occurrence_at: datetime,
    user_ids: Iterable[str],
    by: str,
    now: datetime,
) -> None:
    # Forgotten people (no name) can't be picked in the form again, so their marks stay.
    session.execute(
        delete(Attendance).where(
            Attendance.meeting_id == meeting_id,
            Attendance.occurrence_at == occurrence_at,
            Attendance.user_id.is_not(None),
        )
    )
    for user_id in sorted(set(user_ids)):
        session.add(
            Attendance(
                meeting_id=meeting_id,
                occurrence_at=occurrence_at,
                user_id=user_id,
                marked_by=by,
                marked_at=now,
            )
        )
    session.flush()


@forgets
def forget_meeting_person(session: Session, user_id: str) -> None:
    """RSVPs and attendance marks lose their name but still count; DM preferences go.
    Announcements that name the person are redrawn on the next tick."""
    named = select(Rsvp.meeting_id).where(Rsvp.user_id == user_id, Rsvp.answer != "no")
    session.execute(
        update(Meeting)
        .where(Meeting.id.in_(named), Meeting.announcement_ts.is_not(None))
        .values(announcement_stale=True)
        .execution_options(synchronize_session=False)
    )
    # Without a name, an answer for one occurrence can no longer be told apart from the
    # same person's answer for all of them: where both exist, the latter stays and counts.
    has_series = select(Rsvp.meeting_id).where(
        Rsvp.user_id == user_id, Rsvp.occurrence_at.is_(None)
    )
    session.execute(
        delete(Rsvp)
        .where(
            Rsvp.user_id == user_id,
            Rsvp.occurrence_at.is_not(None),
            Rsvp.meeting_id.in_(has_series.scalar_subquery()),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Rsvp)
        .where(Rsvp.user_id == user_id)
        .values(user_id=None)
        .execution_options(synchronize_session=False)
    )
    for column in (Attendance.user_id, Attendance.marked_by):
        session.execute(
            update(Attendance)
            .where(column == user_id)
            .values({column: None})
            .execution_options(synchronize_session=False)
        )
    session.execute(delete(MeetingDmOptOut).where(MeetingDmOptOut.user_id == user_id))
