"""The proficiency path: where a member is, ticking steps, the club's distribution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select

from bot.content.path import PATH_STEPS, PathStep, next_step, step
from storage.db import Database
from storage.path import queries as steps_repo
from storage.path.models import PathStepReached

# What organisers may type after `/club progress record @member`.
ORGANISER_STEP_WORDS: dict[str, str] = {
    "course": "course_or_certified",
    "certified": "course_or_certified",
    "certification": "course_or_certified",
    "course_or_certified": "course_or_certified",
}


@dataclass(frozen=True)
class Progress:
    user_id: str
    reached: dict[str, datetime]
    next: PathStep | None

    @property
    def done_count(self) -> int:
        return sum(1 for s in PATH_STEPS if s.key in self.reached)


class TickResult(StrEnum):
    TICKED = "ticked"
    ALREADY = "already"
    NOT_YOURS = "not_yours"
    NOT_SELF_TICKED = "not_self_ticked"
    UNKNOWN_STEP = "unknown_step"


@dataclass(frozen=True)
class StepCount:
    step: PathStep
    reached: int
    next_here: int


@dataclass(frozen=True)
class ClubDistribution:
    members: int
    steps: tuple[StepCount, ...]
    completed: int


def progress_of(db: Database, user_id: str) -> Progress:
    with db.transaction() as session:
        reached = steps_repo.steps_of(session, user_id)
    return Progress(user_id, reached, next_step(reached))


def tick_own_step(
    db: Database, presser: str, owner: str, step_key: str, now: datetime
) -> TickResult:
    """A member ticks a step only they can know about, on their own path only."""
    if presser != owner:
        return TickResult.NOT_YOURS
    try:
        target = step(step_key)
    except KeyError:
        return TickResult.UNKNOWN_STEP
    if not target.self_ticked:
        return TickResult.NOT_SELF_TICKED
    with db.transaction() as session:
        added = steps_repo.record_step(session, owner, target.key, now, source="self")
    return TickResult.TICKED if added else TickResult.ALREADY


def organiser_step_key(word: str) -> str | None:
    return ORGANISER_STEP_WORDS.get(word.strip().lower())


def record_for_member(
    db: Database, organiser: str, member: str, step_key: str, now: datetime
) -> bool:
    """An organiser records course completion or certification; False if already there."""
    with db.transaction() as session:
        return steps_repo.record_step(
            session, member, step_key, now, source="organiser", recorded_by=organiser
        )


def club_distribution(db: Database) -> ClubDistribution:
    """How many people reached each step, and how many have it as their next step."""
    with db.transaction() as session:
        rows = session.execute(select(PathStepReached.user_id, PathStepReached.step)).all()
        members = session.scalar(select(func.count(func.distinct(PathStepReached.user_id)))) or 0
    by_person: dict[str, set[str]] = {}
    for user_id, key in rows:
        by_person.setdefault(user_id, set()).add(key)
    reached = {s.key: 0 for s in PATH_STEPS}
    next_here = {s.key: 0 for s in PATH_STEPS}
    completed = 0
    for keys in by_person.values():
        for key in keys:
            if key in reached:
                reached[key] += 1
        upcoming = next_step(keys)
        if upcoming is None:
            completed += 1
        else:
            next_here[upcoming.key] += 1
    counts = tuple(StepCount(s, reached[s.key], next_here[s.key]) for s in PATH_STEPS)
    return ClubDistribution(int(members), counts, completed)
