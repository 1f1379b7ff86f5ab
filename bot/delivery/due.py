"""When the deliverer next has work: the earliest pending row's next attempt, the end of
a lease a crashed sender left, or now while a progress line is still open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from storage.db import Database
from storage.delivery import batches
from storage.delivery.models import PENDING, SENDING, Delivery


def next_due(db: Database, now: datetime) -> datetime | None:
    with db.transaction() as session:
        if batches.open_lines(session):
            return now
        attempt = session.scalar(
            select(func.min(Delivery.next_attempt_at)).where(Delivery.status == PENDING)
        )
        lease = session.scalar(
            select(func.min(Delivery.lease_until)).where(Delivery.status == SENDING)
        )
    times = [at for at in (attempt, lease) if at is not None]
    return min(times, default=None)
