"""What a person's App Home shows: read-only, gathered from every feature's tables.

Everyone sees their place on the path, their questions, their mentor or mentees,
upcoming meetings with their RSVP, and their nudge setting; organisers also see the
club's health. Nothing here writes or talks to Slack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from bot.campaigns import manage as campaigns
from bot.campaigns.manage import Figures
from bot.content.path import PathStep, next_step
from bot.meetings import planning as meetings
from bot.roles import grants as roles
from bot.roles.policy import Action, may
from storage.db import Database
from storage.encouragement import queries as nudges_repo
from storage.faq import wordings
from storage.meetings import queries as meeting_repo
from storage.members.models import Member
from storage.mentoring import queries as mentor_repo
from storage.mentoring.models import MentorProfileRow, MentorRequestRow
from storage.path import queries as steps_repo
from storage.reports import queries as repo
from storage.reports.queries import OccurrenceAttendance, QuestionCounts, QuestionRow

# How much of each list the Home shows; the rest is summarised as "and N more".
QUESTIONS_SHOWN = 5
MEETINGS_SHOWN = 5
ATTENDANCE_SHOWN = 6
OFFERS_SHOWN = 5
CAMPAIGNS_SHOWN = 3


@dataclass(frozen=True)
class MeetingLine:
    id: int
    title: str
    next_at: datetime
    tz: str
    going: int
    my_answer: str | None


@dataclass(frozen=True)
class WaitingOffer:
    """A request offered to this mentor, waiting for their Accept or Decline."""

    offer_id: int
    mentee_id: str
    topics: tuple[str, ...]
    expires_at: datetime


@dataclass(frozen=True)
class ClubHealth:
    members: int
    active_this_month: int
    questions: QuestionCounts
    pairings_waiting: int
    pairings_active: int
    recent_attendance: tuple[OccurrenceAttendance, ...]
    kudos_this_month: int = 0
    most_thanked: tuple[tuple[str, int], ...] = ()  # this month, most first


@dataclass(frozen=True)
class HomeData:
    user_id: str
    reached: dict[str, datetime]
    next_step: PathStep | None
    questions: tuple[QuestionRow, ...]
    questions_total: int
    mentors: tuple[str, ...]
    mentees: tuple[str, ...]
    is_mentor: bool
    waiting_for_mentor_since: datetime | None
    meetings: tuple[MeetingLine, ...]
    meetings_total: int
    nudges_on: bool
    excluded: bool
    health: ClubHealth | None  # organisers only
    offers: tuple[WaitingOffer, ...] = ()  # a mentor's offers waiting for an answer
    kudos_received: int = 0
    kudos_given: int = 0
    # Organisers and campaign leads: the open campaigns (else the latest) and their figures.
    campaigns: tuple[Figures, ...] = ()
    # FAQ editors: learned wordings waiting for their review (`/club faq learned`).
    wordings_waiting: int = 0


def start_of_month(now: datetime) -> datetime:
    moment = now.astimezone(UTC)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def home_for(
    db: Database, user_id: str, now: datetime, reminder_defaults: tuple[timedelta, ...]
) -> HomeData:
    granted = roles.roles_for(db, user_id)
    organiser = may(granted, Action.SEE_REPORTS)
    campaign_figures = (
        tuple(campaigns.status_of_all(db, now, CAMPAIGNS_SHOWN))
        if may(granted, Action.RUN_CAMPAIGNS) else ()
    )
    upcoming = meetings.list_meetings(db, now, reminder_defaults)
    with db.transaction() as session:
        reached = steps_repo.steps_of(session, user_id)
        questions, total = repo.questions_of(session, user_id, QUESTIONS_SHOWN)
        member = session.get(Member, user_id)
        kudos = repo.kudos_of(session, user_id)
        # The person's answer for each meeting's next occurrence (answers are per one).
        answers = {
            s.id: held.answer
            for s in upcoming[:MEETINGS_SHOWN]
            if (held := meeting_repo.answer_of(session, s.id, user_id, s.next_at)) is not None
        }
        data = HomeData(
            user_id=user_id,
            reached=reached,
            next_step=next_step(reached),
            questions=tuple(questions),
            questions_total=total,
            mentors=tuple(repo.mentors_of(session, user_id)),
            mentees=tuple(repo.mentees_of(session, user_id)),
            is_mentor=session.get(MentorProfileRow, user_id) is not None,
            waiting_for_mentor_since=repo.waiting_since(session, user_id),
            meetings=tuple(
                MeetingLine(
                    s.id,
                    s.title,
                    s.next_at,
                    s.recurrence.tz,
                    s.counts.get("going", 0),
                    answers.get(s.id),
                )
                for s in upcoming[:MEETINGS_SHOWN]
                if s.next_at is not None
            ),
            meetings_total=len(upcoming),
            nudges_on=not nudges_repo.is_opted_out(session, user_id),
            excluded=bool(member and member.excluded),
            health=_health(session, now) if organiser else None,
            offers=_waiting_offers(session, user_id),
            campaigns=campaign_figures,
            wordings_waiting=(
                wordings.count_waiting(session) if may(granted, Action.EDIT_FAQ) else 0
            ),
            kudos_received=kudos[0],
            kudos_given=kudos[1],
        )
    return data


def _waiting_offers(session: Session, mentor_id: str) -> tuple[WaitingOffer, ...]:
    found = []
    for offer in mentor_repo.pending_offers_of(session, mentor_id)[:OFFERS_SHOWN]:
        request = session.get(MentorRequestRow, offer.request_id)
        if request is not None:
            found.append(
                WaitingOffer(offer.id, request.mentee_id, tuple(request.topics), offer.expires_at)
            )
    return tuple(found)


def club_health(db: Database, now: datetime) -> ClubHealth:
    with db.transaction() as session:
        return _health(session, now)


def _health(session: Session, now: datetime) -> ClubHealth:
    pairings = repo.pairing_counts(session)
    month_kudos = repo.kudos_since(session, start_of_month(now))
    return ClubHealth(
        members=repo.member_count(session),
        active_this_month=repo.active_since(session, start_of_month(now)),
        questions=repo.question_counts(session),
        pairings_waiting=pairings["waiting"],
        pairings_active=pairings["active"],
        recent_attendance=tuple(repo.attendance_by_occurrence(session, ATTENDANCE_SHOWN)),
        kudos_this_month=month_kudos[0],
        most_thanked=tuple(month_kudos[1]),
    )
