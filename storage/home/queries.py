"""Who has an App Home, and a fingerprint of what it last showed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.home.models import PublishedHome
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


@forgets
def forget(session: Session, user_id: str) -> None:
    session.execute(delete(PublishedHome).where(PublishedHome.user_id == user_id))
