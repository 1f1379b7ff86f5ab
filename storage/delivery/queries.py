"""The outbox's queries: add once per key, find what is due, claim it with a lease."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, String, and_, cast, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.delivery.models import PENDING, SENDING, Delivery, DmChannel, RateBucket
from storage.privacy import forgets


def add_once(session: Session, row: Delivery) -> bool:
    """Insert unless the key exists (also when another instance wins the race)."""
    if session.scalar(select(Delivery.id).where(Delivery.delivery_key == row.delivery_key)):
        return False
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


def by_key(session: Session, key: str) -> Delivery | None:
    return session.scalar(select(Delivery).where(Delivery.delivery_key == key))


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Delivery.status == PENDING, Delivery.next_attempt_at <= now),
        and_(Delivery.status == SENDING, Delivery.lease_until < now),
    )


# Earliest deadline first; rows without one after every row with one, oldest first.
_BY_DEADLINE = (Delivery.deadline.is_(None), Delivery.deadline, Delivery.id)


def due_ids(session: Session, now: datetime, limit: int) -> list[int]:
    query = select(Delivery.id).where(_due(now)).order_by(*_BY_DEADLINE).limit(limit)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Due:
    """A due row, with what decides which rate limits its sending needs."""

    id: int
    recipient: str
    maybe_sent: bool
    thread_ts: str | None
    dm_channel: str | None  # the person's DM channel, when conversations.open gave it before
    deadline: datetime | None = None  # where it stands in the queue (the next page's start)


def _due_rows(
    now: datetime,
) -> Select[tuple[int, str, bool, str | None, str | None, datetime | None]]:
    return (
        select(
            Delivery.id,
            Delivery.recipient,
            Delivery.maybe_sent,
            Delivery.thread_ts,
            DmChannel.channel_id,
            Delivery.deadline,
        )
        .outerjoin(DmChannel, DmChannel.user_id == Delivery.recipient)
        .where(_due(now))
    )


def _after(row: Due) -> ColumnElement[bool]:
    """The rows that come after `row` in _BY_DEADLINE order (a keyset page's start)."""
    if row.deadline is None:
        return and_(Delivery.deadline.is_(None), Delivery.id > row.id)
    return or_(
        Delivery.deadline.is_(None),
        Delivery.deadline > row.deadline,
        and_(Delivery.deadline == row.deadline, Delivery.id > row.id),
    )


# A user id or a group DM of users (bot.delivery.pacing.is_person), exactly: LIKE folds case.
_TO_PEOPLE = func.substr(Delivery.recipient, 1, 1).in_(("U", "W"))


def due(
    session: Session,
    now: datetime,
    limit: int,
    after: Due | None = None,
    *,
    opens: bool = True,
) -> list[Due]:
    """A page of the rows due now, earliest deadline first, starting after `after`.

    `opens=False` leaves out the rows that would need conversations.open (to a person
    whose DM channel is not known yet): while that bucket is empty they cannot go, and a
    backlog of thousands of them must not be read page after page to find none."""
    query = _due_rows(now)
    if after is not None:
        query = query.where(_after(after))
    if not opens:
        query = query.where(or_(~_TO_PEOPLE, DmChannel.channel_id.is_not(None)))
    return [Due(*row) for row in session.execute(query.order_by(*_BY_DEADLINE).limit(limit))]


def due_by_key(session: Session, now: datetime, key: str) -> Due | None:
    """The row under `key`, if it is due now (as `due` gives it)."""
    row = session.execute(_due_rows(now).where(Delivery.delivery_key == key)).first()
    return None if row is None else Due(*row)


def claim(session: Session, delivery_id: int, now: datetime, lease_until: datetime) -> bool:
    """Take one due row for this caller until `lease_until`; False when another caller
    has it. A row taken over from an expired lease may have been sent by the crashed
    caller, so it is marked maybe_sent (SET reads the row's old values)."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, _due(now))
        .values(
            status=SENDING,
            lease_until=lease_until,
            attempts=Delivery.attempts + 1,
            maybe_sent=or_(Delivery.maybe_sent, Delivery.status == SENDING),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def waiting_count(session: Session) -> int:
    query = (
        select(func.count()).select_from(Delivery).where(Delivery.status.in_((PENDING, SENDING)))
    )
    return int(session.scalar(query) or 0)


@forgets
def forget_person(session: Session, user_id: str) -> None:
    """Messages to or about the person go, sent or not: what was said lives in Slack;
    so does the DM channel remembered for them (or for a group DM with them), and the
    rate bucket of their conversation (it starts full again, which Slack allows)."""
    session.execute(delete(DmChannel).where(DmChannel.user_id.contains(user_id)))
    session.execute(delete(RateBucket).where(RateBucket.key.contains(user_id)))
    session.execute(
        delete(Delivery)
        .where(
            or_(
                Delivery.recipient == user_id,
                Delivery.delivery_key.contains(user_id),
                Delivery.text.contains(user_id),
                Delivery.about.contains(user_id),
                cast(Delivery.blocks, String).contains(user_id),
            )
        )
        .execution_options(synchronize_session=False)
    )
