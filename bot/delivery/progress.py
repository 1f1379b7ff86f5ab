"""A mass send's progress line ("1 200 of 2 000 delivered"): posted once through the
outbox, then updated in place with chat.update after the deliverer's runs, never
repeated. An update spends a chat.update token from the shared buckets and the line's
own (one per 10 s); with none left it waits for a later run, which shows more anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from bot.content.delivery import progress_line
from bot.delivery import pacing
from storage.db import Database
from storage.delivery import batches
from storage.delivery.models import DeliveryBatch

log = logging.getLogger("clubbot.delivery")

# fn(channel, ts, text): chat.update; False when Slack said no.
Update = Callable[[str, str, str], bool]


def remember_line(session: Session, batch: str | None, channel: str, ts: str) -> None:
    """Where the line landed, in the transaction that marks its outbox row sent."""
    row = session.get(DeliveryBatch, batch) if batch else None
    if row is not None:
        row.channel_id, row.ts = channel, ts


def refresh(db: Database, update: Update, now: datetime) -> int:
    """Bring every open line up to date; returns how many were updated."""
    with db.transaction() as session:
        names = [row.batch for row in batches.open_lines(session)]
    return sum(_refresh_one(db, update, batch, now) for batch in names)


def _refresh_one(db: Database, update: Update, batch: str, now: datetime) -> bool:
    with db.transaction() as session:
        row = session.get(DeliveryBatch, batch)
        if row is None or row.channel_id is None or row.ts is None:
            return False
        counts = batches.progress(session, batch)
        unchanged = (counts.delivered, counts.total) == (row.shown, row.total)
        if unchanged and counts.settled < counts.total:
            return False
        if pacing.take_all(session, pacing.update_buckets(batch), now) is not None:
            return False  # not now (at most every 10 s): a later run shows more anyway
        text = progress_line(
            row.label, counts.delivered, counts.total, counts.settled - counts.delivered
        )
        channel, ts = row.channel_id, row.ts
    if not update(channel, ts, text):
        log.info("progress line not updated batch=%s: a later run tries again", batch)
        return False
    with db.transaction() as session:
        row = session.get(DeliveryBatch, batch)
        if row is not None:
            row.shown, row.total = counts.delivered, counts.total
            if counts.settled >= counts.total:
                row.finished_at = now
    return True
