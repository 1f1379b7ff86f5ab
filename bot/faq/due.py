"""When the FAQ's mentor follow-ups next have due work: an unanswered question to raise
again, a mentor's answer still to show in the mentors channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.faq.mentors import RAISE_AGAIN_AFTER
from storage.db import Database
from storage.faq.models import FaqQuestion


def next_due(db: Database) -> datetime | None:
    with db.transaction() as session:
        raised = session.scalar(
            select(
                func.min(func.coalesce(FaqQuestion.last_raised_at, FaqQuestion.escalated_at))
            ).where(FaqQuestion.status == "escalated", FaqQuestion.escalated_at.is_not(None))
        )
        shown = session.scalar(select(func.min(FaqQuestion.mentors_post_due_at)))
    times = [raised + RAISE_AGAIN_AFTER if raised is not None else None, shown]
    return min((at for at in times if at is not None), default=None)
