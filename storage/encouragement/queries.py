"""Queries about nudges, kudos, welcomes and the club's anonymous counters."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.base import Base
from storage.encouragement.models import (
    ClubCounter,
    Kudos,
    NudgeSchedule,
    NudgeSetting,
    SentNudge,
    WelcomeSent,
)
from storage.members import queries as members
from storage.path.models import PathStepReached
from storage.privacy import forgets

# Counter names (anonymous totals that survive `/club forget me`).
KUDOS_GIVEN = "kudos_given"
NUDGES_SENT = "nudges_sent"
WELCOMES_SENT = "welcomes_sent"
PEOPLE_FORGOTTEN = "people_forgotten"


# --- counters ---------------------------------------------------------------------------


def _insert(session: Session, model: type[Base]) -> Any:
    """INSERT with ON CONFLICT for the session's dialect (SQLite and PostgreSQL both have it).

    Used instead of savepoints: pysqlite's SAVEPOINT outside an explicit BEGIN commits
    on RELEASE, which would break "roll back the claim if the send fails".
    """
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(model)
    return sqlite_insert(model)


def _inserted(result: Any) -> bool:
    """Whether an INSERT ... ON CONFLICT DO NOTHING ... RETURNING added the row
    (rowcount is not reliable for ORM-run inserts on psycopg)."""
    return result.first() is not None


def _key(statement: Any) -> list[Any]:
    return list(statement.table.primary_key.columns)


def count(session: Session, name: str, by: int = 1) -> None:
    """Add to an anonymous counter, atomically (concurrent first increments included)."""
    statement = _insert(session, ClubCounter).values(name=name, value=by)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[ClubCounter.name], set_={"value": ClubCounter.value + by}
        )
    )


def counters(session: Session) -> dict[str, int]:
    return {row.name: row.value for row in session.scalars(select(ClubCounter))}


# --- welcome ----------------------------------------------------------------------------


def claim_welcome(session: Session, user_id: str, now: datetime) -> bool:
    """Record that this person is being welcomed; False when they already were."""
    statement = _insert(session, WelcomeSent).values(user_id=user_id, sent_at=now)
    return _inserted(
        session.execute(statement.on_conflict_do_nothing().returning(*_key(statement)))
    )


# --- nudge settings and history ---------------------------------------------------------


def set_opted_out(session: Session, user_id: str, opted_out: bool, now: datetime) -> bool:
    """Returns False when the setting already was that way."""
    members.get_or_create(session, user_id, now)
    setting = session.get(NudgeSetting, user_id)
    if setting is None:
        if not opted_out:
            return False
        session.add(NudgeSetting(user_id=user_id, opted_out=True, changed_at=now))
        session.flush()
        return True
    if setting.opted_out == opted_out:
        return False
    setting.opted_out = opted_out
    setting.changed_at = now
    return True


def is_opted_out(session: Session, user_id: str) -> bool:
    setting = session.get(NudgeSetting, user_id)
    return bool(setting and setting.opted_out)


def opted_out_users(session: Session) -> set[str]:
    query = select(NudgeSetting.user_id).where(NudgeSetting.opted_out.is_(True))
    return set(session.scalars(query))


def record_sent(session: Session, user_id: str, key: str, kind: str, now: datetime) -> bool:
    """Claim a nudge key for a person before sending; False when it was already sent."""
    members.get_or_create(session, user_id, now)
    statement = _insert(session, SentNudge).values(
        user_id=user_id, key=key, kind=str(kind), sent_at=now
    )
    return _inserted(
        session.execute(statement.on_conflict_do_nothing().returning(*_key(statement)))
    )


def sent_keys(session: Session, user_ids: Iterable[str]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    wanted = list(user_ids)
    if not wanted:
        return keys
    rows = session.execute(
        select(SentNudge.user_id, SentNudge.key).where(SentNudge.user_id.in_(wanted))
    )
    for user_id, key in rows:
        keys.setdefault(user_id, set()).add(key)
    return keys


def last_nudge_at(session: Session, user_ids: Iterable[str]) -> dict[str, datetime]:
    wanted = list(user_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(SentNudge.user_id, func.max(SentNudge.sent_at))
        .where(SentNudge.user_id.in_(wanted))
        .group_by(SentNudge.user_id)
    )
    return {user_id: at for user_id, at in rows if at is not None}


def nudges_sent_to(session: Session, user_id: str) -> list[SentNudge]:
    query = select(SentNudge).where(SentNudge.user_id == user_id).order_by(SentNudge.sent_at)
    return list(session.scalars(query))


def claim_planning_slot(session: Session, now: datetime, every: timedelta) -> bool:
    """True for the one caller that may plan nudges now (at most once per `every`)."""
    first = _insert(session, NudgeSchedule).values(id=1, last_planned_at=now)
    if _inserted(session.execute(first.on_conflict_do_nothing().returning(NudgeSchedule.id))):
        return True
    # A conditional update: two processes ticking at once cannot both win.
    result = session.execute(
        update(NudgeSchedule)
        .where(NudgeSchedule.id == 1, NudgeSchedule.last_planned_at <= now - every)
        .values(last_planned_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- kudos ------------------------------------------------------------------------------


def add_kudos(session: Session, giver: str, receiver: str, reason: str, now: datetime) -> Kudos:
    kudos = Kudos(giver_id=giver, receiver_id=receiver, reason=reason, given_at=now)
    session.add(kudos)
    session.flush()
    count(session, KUDOS_GIVEN)
    return kudos


def kudos_received(session: Session, user_ids: Iterable[str] | None = None) -> dict[str, int]:
    query = select(Kudos.receiver_id, func.count(Kudos.id)).group_by(Kudos.receiver_id)
    if user_ids is not None:
        query = query.where(Kudos.receiver_id.in_(list(user_ids)))
    return {user_id: int(n) for user_id, n in session.execute(query)}


def kudos_given(session: Session) -> dict[str, int]:
    query = select(Kudos.giver_id, func.count(Kudos.id)).group_by(Kudos.giver_id)
    return {user_id: int(n) for user_id, n in session.execute(query)}


# --- forgetting -------------------------------------------------------------------------


@forgets
def forget_encouragement(session: Session, user_id: str) -> None:
    """Nudge settings and history, kudos given or received, the welcome record.
    The counters were incremented when things happened, so totals stay right."""
    session.execute(delete(NudgeSetting).where(NudgeSetting.user_id == user_id))
    session.execute(delete(SentNudge).where(SentNudge.user_id == user_id))
    session.execute(
        delete(Kudos).where((Kudos.giver_id == user_id) | (Kudos.receiver_id == user_id))
    )
    session.execute(delete(WelcomeSent).where(WelcomeSent.user_id == user_id))
    # An organiser who recorded others' course steps: the steps are theirs, the name hers.
    session.execute(
        update(PathStepReached)
        .where(PathStepReached.recorded_by == user_id)
        .values(recorded_by=None)
    )
