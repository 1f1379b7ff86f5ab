"""Mentors of the social core: signing up, pausing, status, and the topic list
organisers manage. Requests and offers live in mentoring_offers, the life of a
pairing in mentoring_pairings, cohort rounds in mentoring_rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.mentoring.messages import Said
from bot.mentoring.offers import offer_waiting_to
from bot.mentoring.pairing import normalise_topic
from bot.roles.policy import Role
from storage.db import Database
from storage.members import queries as members
from storage.members.models import Member
from storage.mentoring import queries as repo
from storage.mentoring.models import MentorProfileRow, MentorTopic
from storage.path import queries as progress

BECAME_MENTOR = "became_mentor"
DEFAULT_CAPACITY = 2
MIN_CAPACITY, MAX_CAPACITY = 1, 10
# Longest organiser topic: it is shown as a menu option (Slack allows 75 characters).
TOPIC_LABEL_MAX = 60
TOPIC_LIST_MAX = 100  # a static menu holds at most 100 options


# --- topics organisers manage ------------------------------------------------------


def topic_labels(db: Database) -> list[str]:
    with db.transaction() as session:
        return [topic.label for topic in repo.topics(session)]


class TopicChange(StrEnum):
    ADDED = "added"
    ALREADY = "already"
    REMOVED = "removed"
    UNKNOWN = "unknown"
    FULL = "full"


def add_topic(db: Database, label: str, by: str, now: datetime) -> TopicChange:
    key = normalise_topic(label)
    if key is None:
        return TopicChange.UNKNOWN
    with db.transaction() as session:
        if repo.topic_by_key(session, key) is not None:
            return TopicChange.ALREADY
        if len(repo.topics(session)) >= TOPIC_LIST_MAX:
            return TopicChange.FULL
        session.add(MentorTopic(key=key, label=label, added_by=by, added_at=now))
    return TopicChange.ADDED


def remove_topic(db: Database, label: str) -> TopicChange:
    key = normalise_topic(label)
    with db.transaction() as session:
        topic = repo.topic_by_key(session, key) if key else None
        if topic is None:
            return TopicChange.UNKNOWN
        session.delete(topic)
    return TopicChange.REMOVED


# --- signing up and pausing ------------------------------------------------------------


@dataclass(frozen=True)
class MentorSettings:
    topics: tuple[str, ...]
    capacity: int


def current_settings(db: Database, user_id: str) -> MentorSettings | None:
    with db.transaction() as session:
        row = repo.profile(session, user_id)
        if row is None:
            return None
        return MentorSettings(tuple(row.topics), row.capacity)


def sign_up(
    db: Database,
    user_id: str,
    topics: list[str],
    capacity: int,
    now: datetime,
    timeout: timedelta,
    said: Said,
) -> bool:
    """Create or update a mentor's profile and grant the role; requests waiting for
    someone like them (new topics, more capacity) are offered to them at once. True for a
    new mentor, rather than new details."""
    with db.transaction() as session:
        members.get_or_create(session, user_id, now)
        row = repo.profile(session, user_id)
        new = row is None
        if row is None:
            row = MentorProfileRow(user_id=user_id, signed_up_at=now, updated_at=now)
            session.add(row)
        row.topics = list(topics)
        row.capacity = capacity
        row.updated_at = now
        granted = members.grant(session, user_id, Role.MENTOR, by=None, now=now)
        progress.record_step(session, user_id, BECAME_MENTOR, now)
        session.flush()
        offer_waiting_to(session, user_id, now, timeout, said)
        return new or granted


class PauseResult(StrEnum):
    PAUSED = "paused"
    RESUMED = "resumed"
    NOT_PAUSED = "not_paused"
    NOT_MENTOR = "not_mentor"


def pause(db: Database, user_id: str, until: datetime | None, now: datetime) -> PauseResult:
    """Pause offers: until a moment, or (``None``) until the mentor resumes."""
    with db.transaction() as session:
        row = repo.profile(session, user_id)
        if row is None:
            return PauseResult.NOT_MENTOR
        row.paused = until is None
        row.paused_until = until
        row.updated_at = now
    return PauseResult.PAUSED


def resume(
    db: Database, user_id: str, now: datetime, timeout: timedelta, said: Said
) -> PauseResult:
    """Offers can reach the mentor again, starting with requests that waited meanwhile."""
    with db.transaction() as session:
        row = repo.profile(session, user_id)
        if row is None:
            return PauseResult.NOT_MENTOR
        was_paused = row.paused or (row.paused_until is not None and row.paused_until > now)
        row.paused, row.paused_until, row.updated_at = False, None, now
        session.flush()
        offer_waiting_to(session, user_id, now, timeout, said)
    return PauseResult.RESUMED if was_paused else PauseResult.NOT_PAUSED


def offer_waiting(
    db: Database, user_id: str, now: datetime, timeout: timedelta, said: Said
) -> None:
    """Offers can reach the person again (they lifted `exclude me`): like `resume`, the
    requests that waited meanwhile; nothing for a paused mentor or someone who isn't one."""
    with db.transaction() as session:
        offer_waiting_to(session, user_id, now, timeout, said)


def offer_after_ended_pauses(db: Database, now: datetime, timeout: timedelta, said: Said) -> None:
    """A dated pause that ran out works like `resume`: requests that waited meanwhile are
    offered to the mentor, once (the tick task; each mentor in their own transaction)."""
    with db.transaction() as session:
        due = repo.ended_pause_ids(session, now)
    for user_id in due:
        with db.transaction() as session:
            if not repo.claim_ended_pause(session, user_id, now):
                continue  # resumed, paused again, or another run got there first
            offer_waiting_to(session, user_id, now, timeout, said)


# --- status --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentorStatus:
    topics: tuple[str, ...]
    capacity: int
    active_mentees: tuple[str, ...]
    pending_offers: int
    paused: bool
    paused_until: datetime | None


@dataclass(frozen=True)
class PersonStatus:
    tz: str
    mentor: MentorStatus | None
    mentors: tuple[str, ...]  # the person's current mentors


def status(db: Database, user_id: str, now: datetime) -> PersonStatus:
    with db.transaction() as session:
        member = session.get(Member, user_id)
        row = repo.profile(session, user_id)
        pairings = repo.active_pairings_of(session, user_id)
        mentor = None
        if row is not None:
            until = row.paused_until if row.paused_until and row.paused_until > now else None
            mentor = MentorStatus(
                topics=tuple(row.topics),
                capacity=row.capacity,
                active_mentees=tuple(p.mentee_id for p in pairings if p.mentor_id == user_id),
                pending_offers=len(repo.pending_offers_of(session, user_id)),
                paused=row.paused or until is not None,
                paused_until=until,
            )
        return PersonStatus(
            tz=(member.tz if member else None) or "UTC",
            mentor=mentor,
            mentors=tuple(p.mentor_id for p in pairings if p.mentee_id == user_id),
        )


def member_tz(db: Database, user_id: str) -> str:
    with db.transaction() as session:
        member = session.get(Member, user_id)
        return (member.tz if member else None) or "UTC"
