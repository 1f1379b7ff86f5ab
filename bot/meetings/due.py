"""When the meetings feature next has due work: a reminder to decide, a big DM batch to
start early, an ended meeting to ask about, an announcement to redraw. The local club
(console, tests) jumps its clock to the earliest such time instead of ticking every
minute; each answer is a lower bound, so a jump never skips work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.meetings import reminders
from storage.db import Database
from storage.meetings import queries as repo
from storage.meetings.models import Meeting


def next_due(db: Database, now: datetime, defaults: Sequence[timedelta]) -> datetime | None:
    """The earliest time a meetings tick task may have work; `now` when it has some now,
    None when it has none until someone acts."""
    with db.transaction() as session:
        if session.scalar(select(Meeting.id).where(Meeting.announcement_stale.is_(True))):
            return now
        active = Meeting.status == repo.ACTIVE
        reminder = session.scalar(select(func.min(Meeting.next_reminder_at)).where(active))
        prompt = session.scalar(select(func.min(Meeting.attendance_prompt_at)).where(active))
    early = reminders.next_early_batch_at(db, now, defaults)
    times = [at for at in (reminder, prompt, early) if at is not None]
    return min(times, default=None)
