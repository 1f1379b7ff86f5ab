"""Read-only questions about the whole club, for the App Home and the organisers' report.

Nothing here writes. Each query is named for what it answers; the rows are small frozen
dataclasses so views and the workbook never touch ORM objects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.campaigns import queries as campaign_queries
from storage.campaigns.queries import CampaignReportRow
from storage.encouragement import queries as nudges_repo
from storage.encouragement.models import Kudos, SentNudge
from storage.faq.models import FaqEntry, FaqQuestion
from storage.meetings.models import Attendance, Meeting, Rsvp
from storage.members.models import Member
from storage.mentoring.models import MentorRequestRow, Pairing

# FaqQuestion.status values, grouped the way people talk about them.
ANSWERED_BY_FAQ = "answered"
ANSWERED_BY_MENTOR = "mentor_answered"
UNANSWERED = ("unknown", "escalated")
# A channel message the bot was not confident about and left to people: not a question
# put to the bot, so it is not counted as asked.
LEFT_TO_CHANNEL = "silent"
QUESTION_STATES = (ANSWERED_BY_FAQ, ANSWERED_BY_MENTOR, "escalated", "unknown")
NUDGE_KINDS = ("step_reached", "milestone", "inactive", "mentor_waiting")


@dataclass(frozen=True)
class QuestionRow:
    id: int
    asker: str
    text: str
    via: str
    status: str
    asked_at: datetime
    answered_by: str | None
    answered_at: datetime | None
    faq_entry: str | None

    @property
    def unanswered(self) -> bool:
        return self.status in UNANSWERED


@dataclass(frozen=True)
class QuestionCounts:
    asked: int
    by_faq: int
    by_mentor: int
    unanswered: int

    @property
    def answered(self) -> int:
        return self.by_faq + self.by_mentor

    @property
    def faq_rate(self) -> float | None:
        """Share of questions the FAQ answered by itself; None before any question."""
        return self.by_faq / self.asked if self.asked else None


@dataclass(frozen=True)
class FaqUsageRow:
    id: int
    question: str
    times_used: int
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class PairingRow:
    mentor_id: str
    mentee_id: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    met: bool
    end_reason: str | None


@dataclass(frozen=True)
class WaitingRequestRow:
    mentee_id: str
    since: datetime
    topics: tuple[str, ...]


@dataclass(frozen=True)
class OccurrenceAttendance:
    meeting_id: int
    title: str
    occurrence_at: datetime
    attended: int


@dataclass(frozen=True)
class MeetingRsvpRow:
    meeting_id: int
    title: str
    status: str
    going: int
    maybe: int
    no: int


@dataclass(frozen=True)
class KudosRow:
    user_id: str
    received: int
    given: int


# --- people ------------------------------------------------------------------------------


def kudos_of(session: Session, user_id: str) -> tuple[int, int]:
    """(received, given) by one person."""
    received = session.scalar(select(func.count()).where(Kudos.receiver_id == user_id))
    given = session.scalar(select(func.count()).where(Kudos.giver_id == user_id))
    return int(received or 0), int(given or 0)


def kudos_since(
    session: Session, since: datetime, top: int = 3
) -> tuple[int, list[tuple[str, int]]]:
    """Kudos given since a moment, and the people thanked most then (most first)."""
    total = session.scalar(select(func.count()).where(Kudos.given_at >= since))
    most = session.execute(
        select(Kudos.receiver_id, func.count(Kudos.id).label("n"))
        .where(Kudos.given_at >= since)
        .group_by(Kudos.receiver_id)
        .order_by(func.count(Kudos.id).desc(), Kudos.receiver_id)
        .limit(top)
    ).all()
    return int(total or 0), [(str(user), int(n)) for user, n in most]


def member_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Member)) or 0)


def active_since(session: Session, since: datetime) -> int:
    query = select(func.count()).where(Member.last_active_at >= since)
    return int(session.scalar(query) or 0)


def display_names(session: Session) -> dict[str, str]:
    """Cached Slack names, for the workbook (people who were never looked up keep their id)."""
    rows = session.execute(select(Member.user_id, Member.display_name))
    return {user_id: name for user_id, name in rows if name}


# --- questions -----------------------------------------------------------------------------


def _question_row(question: FaqQuestion, entries: dict[int, str]) -> QuestionRow:
    return QuestionRow(
        id=question.id,
        asker=question.asker,
        text=question.text,
        via=question.via,
        status=question.status,
        asked_at=question.asked_at,
        answered_by=question.answered_by,
        answered_at=question.answered_at,
        faq_entry=entries.get(question.entry_id) if question.entry_id else None,
    )


def _entry_questions(session: Session) -> dict[int, str]:
    return {i: q for i, q in session.execute(select(FaqEntry.id, FaqEntry.question))}


def questions_of(session: Session, user_id: str, limit: int) -> tuple[list[QuestionRow], int]:
    """A person's latest questions (newest first, at most `limit`) and how many there are."""
    mine = (FaqQuestion.asker == user_id, FaqQuestion.status != LEFT_TO_CHANNEL)
    total = int(session.scalar(select(func.count()).where(*mine)) or 0)
    query = (
        select(FaqQuestion)
        .where(*mine)
        .order_by(FaqQuestion.asked_at.desc(), FaqQuestion.id.desc())
        .limit(limit)
    )
    entries = _entry_questions(session)
    return [_question_row(q, entries) for q in session.scalars(query)], total


PAGE = 2_000  # rows fetched at a time when streaming the report's questions


def all_questions(session: Session) -> Iterator[QuestionRow]:
    """Every question put to the bot: unanswered first (oldest waiting at the top), then
    the rest newest first. Read in pages of plain columns, never all at once."""
    entries = _entry_questions(session)
    columns = (
        FaqQuestion.id, FaqQuestion.asker, FaqQuestion.text, FaqQuestion.via,
        FaqQuestion.status, FaqQuestion.asked_at, FaqQuestion.answered_by,
        FaqQuestion.answered_at, FaqQuestion.entry_id,
    )  # fmt: skip
    waiting = (
        select(*columns)
        .where(FaqQuestion.status.in_(UNANSWERED))
        .order_by(FaqQuestion.asked_at, FaqQuestion.id)
    )
    done = (
        select(*columns)
        .where(FaqQuestion.status.not_in((*UNANSWERED, LEFT_TO_CHANNEL)))
        .order_by(FaqQuestion.asked_at.desc(), FaqQuestion.id.desc())
    )
    for query in (waiting, done):
        for row in session.execute(query.execution_options(yield_per=PAGE)):
            yield QuestionRow(*row[:8], faq_entry=entries.get(row[8]) if row[8] else None)


def question_counts(session: Session) -> QuestionCounts:
    rows = session.execute(
        select(FaqQuestion.status, func.count())
        .where(FaqQuestion.status != LEFT_TO_CHANNEL)
        .group_by(FaqQuestion.status)
    )
    by_status = {status: int(n) for status, n in rows}
    return QuestionCounts(
        asked=sum(by_status.values()),
        by_faq=by_status.get(ANSWERED_BY_FAQ, 0),
        by_mentor=by_status.get(ANSWERED_BY_MENTOR, 0),
        unanswered=sum(by_status.get(s, 0) for s in UNANSWERED),
    )


def question_status_counts(session: Session) -> dict[str, int]:
    """Every state in QUESTION_STATES, zero included (a chart needs the rows)."""
    rows = session.execute(select(FaqQuestion.status, func.count()).group_by(FaqQuestion.status))
    found = {status: int(n) for status, n in rows}
    return {state: found.get(state, 0) for state in QUESTION_STATES}


def faq_usage(session: Session) -> list[FaqUsageRow]:
    query = select(FaqEntry).order_by(FaqEntry.times_used.desc(), FaqEntry.id)
    return [
        FaqUsageRow(e.id, e.question, e.times_used, e.helpful_count, e.not_helpful_count)
        for e in session.scalars(query)
    ]


# --- mentoring -----------------------------------------------------------------------------


def requests_waiting(session: Session) -> list[WaitingRequestRow]:
    query = (
        select(MentorRequestRow)
        .where(MentorRequestRow.status == "waiting")
        .order_by(MentorRequestRow.created_at, MentorRequestRow.id)
    )
    return [
        WaitingRequestRow(r.mentee_id, r.created_at, tuple(r.topics or ()))
        for r in session.scalars(query)
    ]


def pairing_rows(session: Session) -> list[PairingRow]:
    query = select(Pairing).order_by(Pairing.started_at.desc(), Pairing.id.desc())
    return [
        PairingRow(
            p.mentor_id, p.mentee_id, p.status, p.started_at, p.ended_at, p.met_at is not None,
            p.end_reason,
        )
        for p in session.scalars(query)
    ]


def pairing_counts(session: Session) -> dict[str, int]:
    """waiting (open requests), active and ended pairings."""
    waiting = session.scalar(
        select(func.count()).where(MentorRequestRow.status == "waiting")
    )
    rows = session.execute(select(Pairing.status, func.count()).group_by(Pairing.status))
    by_status = {status: int(n) for status, n in rows}
    return {
        "waiting": int(waiting or 0),
        "active": by_status.get("active", 0),
        "ended": by_status.get("ended", 0),
    }


def mentees_of(session: Session, mentor_id: str) -> list[str]:
    query = select(Pairing.mentee_id).where(
        Pairing.mentor_id == mentor_id, Pairing.status == "active"
    )
    return list(session.scalars(query.order_by(Pairing.started_at, Pairing.id)))


def mentors_of(session: Session, mentee_id: str) -> list[str]:
    query = select(Pairing.mentor_id).where(
        Pairing.mentee_id == mentee_id, Pairing.status == "active"
    )
    return list(session.scalars(query.order_by(Pairing.started_at, Pairing.id)))


def waiting_since(session: Session, mentee_id: str) -> datetime | None:
    """When the person's open mentor request was made, if they have one."""
    query = select(MentorRequestRow.created_at).where(MentorRequestRow.open_for == mentee_id)
    return session.scalar(query)


# --- meetings ------------------------------------------------------------------------------


def attendance_by_occurrence(
    session: Session, limit: int | None = None
) -> list[OccurrenceAttendance]:
    """Attendance per meeting occurrence, oldest first (the `limit` most recent ones)."""
    query = (
        select(Attendance.meeting_id, Meeting.title, Attendance.occurrence_at, func.count())
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .group_by(Attendance.meeting_id, Meeting.title, Attendance.occurrence_at)
        .order_by(Attendance.occurrence_at.desc(), Attendance.meeting_id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    rows = [OccurrenceAttendance(int(m), t, at, int(n)) for m, t, at, n in session.execute(query)]
    return list(reversed(rows))


def meeting_rsvps(session: Session) -> list[MeetingRsvpRow]:
    counts: dict[int, Counter[str]] = {}
    for meeting_id, answer, n in session.execute(
        select(Rsvp.meeting_id, Rsvp.answer, func.count()).group_by(Rsvp.meeting_id, Rsvp.answer)
    ):
        counts.setdefault(int(meeting_id), Counter())[answer] = int(n)
    rows = []
    for meeting in session.scalars(select(Meeting).order_by(Meeting.id)):
        given = counts.get(meeting.id, Counter())
        rows.append(
            MeetingRsvpRow(
                meeting.id, meeting.title, meeting.status, given["going"], given["maybe"],
                given["no"],
            )
        )
    return rows


# --- encouragement -------------------------------------------------------------------------


def nudges_by_kind(session: Session) -> dict[str, int]:
    """Nudge rows still stored per kind (forgotten people's rows are gone; see counters)."""
    rows = session.execute(select(SentNudge.kind, func.count()).group_by(SentNudge.kind))
    found = {kind: int(n) for kind, n in rows}
    kinds = dict.fromkeys(NUDGE_KINDS, 0)
    kinds.update(found)
    return kinds


def kudos_rows(session: Session) -> list[KudosRow]:
    received: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for giver, receiver in session.execute(select(Kudos.giver_id, Kudos.receiver_id)):
        given[giver] += 1
        received[receiver] += 1
    people = set(received) | set(given)
    rows = [KudosRow(p, received[p], given[p]) for p in people]
    return sorted(rows, key=lambda r: (-r.received, -r.given, r.user_id))


# --- the whole report ----------------------------------------------------------------------


@dataclass(frozen=True)
class ClubReport:
    generated_at: datetime
    names: dict[str, str]
    # Every question, read again (in pages) each time it is called: only inside the
    # transaction the report was gathered in.
    questions: Callable[[], Iterator[QuestionRow]]
    question_counts: QuestionCounts
    question_states: dict[str, int]
    faq_usage: list[FaqUsageRow]
    requests_waiting: list[WaitingRequestRow]
    pairings: list[PairingRow]
    pairing_counts: dict[str, int]
    attendance: list[OccurrenceAttendance]
    rsvps: list[MeetingRsvpRow]
    nudges_by_kind: dict[str, int]
    kudos: list[KudosRow]
    counters: dict[str, int]
    campaigns: list[CampaignReportRow] = field(default_factory=list)


def club_report(session: Session, now: datetime) -> ClubReport:
    return ClubReport(
        generated_at=now,
        names=display_names(session),
        questions=lambda: all_questions(session),
        question_counts=question_counts(session),
        question_states=question_status_counts(session),
        faq_usage=faq_usage(session),
        requests_waiting=requests_waiting(session),
        pairings=pairing_rows(session),
        pairing_counts=pairing_counts(session),
        attendance=attendance_by_occurrence(session),
        rsvps=meeting_rsvps(session),
        nudges_by_kind=nudges_by_kind(session),
        kudos=kudos_rows(session),
        counters=nudges_repo.counters(session),
        campaigns=campaign_queries.report_rows(session),
    )
