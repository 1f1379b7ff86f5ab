"""Idempotency for the Events API: remember event ids, forget them after a day."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.members import queries as members
from storage.path import queries as progress

# Slack retries for about 5 minutes; a day of memory is ample and stays small.
EVENT_MEMORY = timedelta(days=1)


def first_delivery(db: Database, event_id: str, now: datetime) -> bool:
    """Record the event id; False when it was already handled (a retry or replay)."""
    try:
        with db.transaction() as session:
            members.record_event(session, event_id, now)
    except IntegrityError:
        return False
    return True


def first_delivery_of_all(db: Database, keys: list[str], now: datetime) -> bool:
    """Record every key of one request in one transaction; False when any was seen."""
    try:
        with db.transaction() as session:
            for key in keys:
                members.record_event(session, key, now)
    except IntegrityError:
        return False
    return True


def prune_processed_events(db: Database, now: datetime) -> int:
    with db.transaction() as session:
        return members.prune_events(session, now - EVENT_MEMORY)


def touch_member(
    db: Database, user_id: str, now: datetime, *, in_club_channel: bool = False
) -> None:
    """Note that a person did something (for nudges and club health). Someone active
    in the club channel has joined it, even if they were there before clubbot was."""
    with db.transaction() as session:
        member = members.get_or_create(session, user_id, now)
        member.last_active_at = now
        if in_club_channel:
            progress.record_step(session, user_id, "joined", now)
