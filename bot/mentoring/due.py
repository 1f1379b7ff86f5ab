"""When mentoring next has due work: an offer that times out, a dated pause that runs
out, a week-old pairing's check-in (the tick task in schedules/mentoring.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from storage.db import Database
from storage.mentoring.models import MentorOffer, MentorProfileRow, Pairing


def next_due(db: Database) -> datetime | None:
    with db.transaction() as session:
        times = [
            session.scalar(
                select(func.min(MentorOffer.expires_at)).where(MentorOffer.status == "pending")
            ),
            session.scalar(select(func.min(MentorProfileRow.paused_until))),
            session.scalar(
                select(func.min(Pairing.checkin_due_at)).where(
                    Pairing.status == "active", Pairing.checkin_sent_at.is_(None)
                )
            ),
        ]
    return min((at for at in times if at is not None), default=None)
