"""Who has an App Home, and a fingerprint of what it last showed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.home.models import PublishedHome, WaitingHome
from storage.privacy import forgets


def last_hash(session: Session, user_id: str) -> str | None:
    row = session.get(PublishedHome, user_id)
    return row.view_hash if row is not None else None


def remember(session: Session, user_id: str, view_hash: str, now: datetime) -> None:
    row = session.get(PublishedHome, user_id)
    if row is None:
        session.add(PublishedHome(user_id=user_id, view_hash=view_hash, published_at=now))
    else:
        row.view_hash, row.published_at = view_hash, now
    session.flush()


def wait(session: Session, user_id: str, now: datetime, not_before: datetime) -> None:
    """The person's Home is owed; a second open while it waits is the same row (the
    later wanted_at, the later not_before). An upsert: two replicas at once are no error."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(WaitingHome).values(user_id=user_id, wanted_at=now, not_before=not_before)
    new = statement.excluded
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id"],
            set_={
                "wanted_at": case(
                    (new.wanted_at > WaitingHome.wanted_at, new.wanted_at),
                    else_=WaitingHome.wanted_at,
                ),
                "not_before": case(
                    (new.not_before > WaitingHome.not_before, new.not_before),
                    else_=WaitingHome.not_before,
                ),
            },
        )
    )


def waiting_due(session: Session, now: datetime, limit: int) -> list[str]:
    """The people owed a Home that may be published now, longest waiting first."""
    return list(
        session.scalars(
            select(WaitingHome.user_id)
            .where(WaitingHome.not_before <= now)
            .order_by(WaitingHome.wanted_at)
            .limit(limit)
        )
    )


def next_waiting(session: Session) -> datetime | None:
    """When the first waiting Home may be published."""
    return session.scalar(select(func.min(WaitingHome.not_before)))


def claim(session: Session, user_id: str, now: datetime, until: datetime) -> bool:
    """Take the waiting Home for this process until `until` (another replica's tick
    skips it meanwhile); False when it was not due or someone else took it."""
    result = session.execute(
        update(WaitingHome)
        .where(WaitingHome.user_id == user_id, WaitingHome.not_before <= now)
        .values(not_before=until)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def published_since(session: Session, user_id: str, built_at: datetime) -> None:
    """A Home built at `built_at` went out: it shows every change wanted until then."""
    session.execute(
        delete(WaitingHome).where(
            WaitingHome.user_id == user_id, WaitingHome.wanted_at <= built_at
        )
    )


@forgets
def forget(session: Session, user_id: str) -> None:
    session.execute(delete(PublishedHome).where(PublishedHome.user_id == user_id))
    session.execute(delete(WaitingHome).where(WaitingHome.user_id == user_id))
