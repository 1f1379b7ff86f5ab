"""Club-wide blackout days: no meeting of any series happens on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.meetings.planning import MeetingProblem, refresh_schedule
from storage.db import Database
from storage.meetings import queries as repo
from storage.meetings.models import Holiday

MAX_NAME = 100


@dataclass(frozen=True)
class HolidayChange:
    day: date
    name: str
    changed: bool
    # Active meetings whose announcement should be redrawn (their notices change).
    meeting_ids: list[int]


def add_holiday(
    db: Database,
    day: date,
    name: str,
    actor: str,
    now: datetime,
    defaults: Sequence[timedelta],
) -> HolidayChange | MeetingProblem:
    name = " ".join(name.split())[:MAX_NAME] or "Holiday"
    if day < now.date() - timedelta(days=1):
        return MeetingProblem(
            f"{day.isoformat()} has already passed; blackout days are for the future."
        )
    with db.transaction() as session:
        existing = session.get(Holiday, day)
        if existing is not None:
            return HolidayChange(day, existing.name, False, [])
        session.add(Holiday(day=day, name=name, added_by=actor, added_at=now))
        session.flush()
        return HolidayChange(day, name, True, _refresh_all(session, now, defaults))


def remove_holiday(
    db: Database, day: date, now: datetime, defaults: Sequence[timedelta]
) -> HolidayChange | MeetingProblem:
    with db.transaction() as session:
        existing = session.get(Holiday, day)
        if existing is None:
            return MeetingProblem(
                f"{day.isoformat()} isn't a blackout day; `/club holiday list` shows them."
            )
        name = existing.name
        session.delete(existing)
        session.flush()
        return HolidayChange(day, name, True, _refresh_all(session, now, defaults))


def list_holidays(db: Database, now: datetime) -> list[tuple[date, str]]:
    with db.transaction() as session:
        return [(h.day, h.name) for h in repo.holidays(session) if h.day >= now.date()]


def _refresh_all(session: Session, now: datetime, defaults: Sequence[timedelta]) -> list[int]:
    ids = []
    for meeting in repo.active_meetings(session):
        refresh_schedule(session, meeting, now, defaults)
        ids.append(meeting.id)
    return ids
