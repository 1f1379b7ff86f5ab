"""Shared token buckets: take a token with one conditional UPDATE, on SQLite and PostgreSQL.

The UPDATE refills the bucket from its stamp and takes a token only WHERE the refilled
bucket holds one. On PostgreSQL the row lock makes a second replica's UPDATE wait and
re-read the row; SQLite has one writer at a time. Either way two processes never spend
the same token. Several buckets are taken in one transaction, in key order (no
deadlock); a caller that cannot have them all rolls back and spends none.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.delivery.models import DmChannel, RateBucket


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _ensure(session: Session, key: str, burst: float, now: float) -> None:
    """A bucket starts full; whoever creates it first wins, the other insert is a no-op."""
    session.execute(
        _insert(session)(RateBucket)
        .values(key=key, tokens=burst, stamp=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )


def take(session: Session, key: str, burst: float, per_second: float, now: float) -> float:
    """Take one token; 0.0 when taken, else the seconds until one will be there."""
    _ensure(session, key, burst, now)
    elapsed = case((RateBucket.stamp < now, now - RateBucket.stamp), else_=0.0)
    grown = RateBucket.tokens + elapsed * per_second
    refilled = case((grown > burst, burst), else_=grown)
    result = session.execute(
        update(RateBucket)
        .where(RateBucket.key == key, refilled >= 1)
        .values(
            tokens=refilled - 1,
            stamp=case((RateBucket.stamp < now, now), else_=RateBucket.stamp),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        return 0.0
    row = session.execute(
        select(RateBucket.tokens, RateBucket.stamp).where(RateBucket.key == key)
    ).one()
    have = min(burst, row.tokens + max(now - row.stamp, 0.0) * per_second)
    return max((1 - have) / per_second, 0.001)


def tokens(session: Session, key: str, burst: float, per_second: float, now: float) -> float:
    """What the bucket holds now, refilled (a read: full when nobody took from it yet)."""
    row = session.execute(
        select(RateBucket.tokens, RateBucket.stamp).where(RateBucket.key == key)
    ).first()
    if row is None:
        return burst
    return float(min(burst, row.tokens + max(now - row.stamp, 0.0) * per_second))


def known_dm_channel(session: Session, user_id: str) -> str | None:
    return session.scalar(select(DmChannel.channel_id).where(DmChannel.user_id == user_id))


def remember_dm_channel(session: Session, user_id: str, channel_id: str) -> None:
    """An upsert: a replica that learnt the same channel at the same time is no error (an
    error would undo the transaction marking a message sent)."""
    statement = _insert(session)(DmChannel).values(user_id=user_id, channel_id=channel_id)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id"], set_={"channel_id": statement.excluded.channel_id}
        )
    )


def forget_dm_channel(session: Session, user_id: str) -> None:
    session.execute(delete(DmChannel).where(DmChannel.user_id == user_id))


def unknown_dm_channels(session: Session, user_ids: list[str]) -> int:
    """How many of these people have no remembered DM channel yet."""
    known = 0
    for start in range(0, len(user_ids), 500):  # bounded IN lists
        chunk = user_ids[start : start + 500]
        known += len(
            session.scalars(select(DmChannel.user_id).where(DmChannel.user_id.in_(chunk))).all()
        )
    return len(user_ids) - known
