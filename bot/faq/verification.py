"""Keeping answers true: once a week, FAQ editors are offered the entries nobody has
confirmed for a while (CLUB_FAQ_VERIFY_AFTER, default 180 days) or that askers find
unhelpful more often than helpful; *Still right* marks one verified today.

The offer is one DM per editor per ISO week, through the outbox under a key naming the
week, so restarts and replicas never send it twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select

from bot.delivery import outbox
from storage.db import Database
from storage.faq import queries as repo
from storage.faq.models import FaqEntry

SHOWN = 10
# Askers found it unhelpful at least this often, and more often than helpful.
UNHELPFUL_MIN = 2


@dataclass(frozen=True)
class StaleEntry:
    entry_id: int
    question: str
    verified_at: datetime | None
    helpful: int
    not_helpful: int


Render = Callable[[list[StaleEntry], int], tuple[str, list[dict[str, Any]]]]


def week_of(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def stale_entries(db: Database, now: datetime, after: timedelta) -> list[StaleEntry]:
    """Entries to look at again, least recently verified first."""
    with db.transaction() as session:
        rows = session.scalars(
            select(FaqEntry)
            .where(or_(
                FaqEntry.verified_at.is_(None),
                FaqEntry.verified_at < now - after,
                (FaqEntry.not_helpful_count >= UNHELPFUL_MIN)
                & (FaqEntry.not_helpful_count > FaqEntry.helpful_count),
            ))
            .order_by(FaqEntry.verified_at.is_not(None), FaqEntry.verified_at, FaqEntry.id)
        )
        return [StaleEntry(e.id, e.question, e.verified_at, e.helpful_count,
                           e.not_helpful_count) for e in rows]


def offer_review(db: Database, now: datetime, after: timedelta, editors: list[str],
                 render: Render) -> int:
    """This week's review DM to each editor who has not had it; how many were queued."""
    stale = stale_entries(db, now, after)
    if not stale or not editors:
        return 0
    text, blocks = render(stale[:SHOWN], len(stale))
    queued = 0
    week = week_of(now)
    with db.transaction() as session:
        for editor in editors:
            queued += outbox.enqueue(
                session, editor, f"faq.verify:{week}:{editor}",
                outbox.Message(text, blocks, unsolicited=True), now=now,
                purpose="faq.verify", not_after=now + timedelta(days=7),
            )
    return queued


def verify(db: Database, entry_id: int, now: datetime) -> str | None:
    """Mark the entry verified now; its question, or None when it is gone. The caller has
    checked the right with the policy."""
    with db.transaction() as session:
        entry = repo.get_entry(session, entry_id)
        if entry is None:
            return None
        entry.verified_at = now
        return entry.question
