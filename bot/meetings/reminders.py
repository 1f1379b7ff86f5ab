"""The reminder engine's decisions: which reminders are due, and claiming each once.

Restart-safe because everything comes from the database: each meeting remembers up to
when its reminders were decided (`reminders_checked_until`) and when the next one falls
due (`next_reminder_at`, indexed). Exactly once because each reminder is claimed by
inserting a row under its unique key and committing *before* anything is posted: a
second instance (or a retried tick) fails that insert and stays quiet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.meetings.planning import (
    MeetingSnapshot,
    offsets_of,
    refresh_next_reminder,
    rule_of,
    snapshot_in,
)
from bot.meetings.timing import ReminderDue, decide_late_reminder, reminders_between
from storage.db import Database
from storage.meetings import queries as repo
from storage.meetings.models import Meeting, SentReminder

log = logging.getLogger("clubbot.reminders")

SENT = "sent"
SKIPPED = "skipped"
FAILED = "failed"  # final: not posted, not tried again
RETRY = "retry"  # not posted for a passing reason: one more try on the next tick
RETRYING = "retrying"  # that try, claimed by one instance


@dataclass(frozen=True)
class ClaimedReminder:
    key: str
    meeting: MeetingSnapshot
    occurrence: datetime
    offset: timedelta
    is_last: bool  # the last offset: people going also get a DM
    dm_recipients: list[str]


def claim_due_reminders(
    db: Database, now: datetime, grace: timedelta, defaults: Sequence[timedelta]
) -> Iterator[ClaimedReminder]:
    """Every reminder due by `now` that this caller won, each yielded as soon as its claim
    is committed (so it can be posted at once); late ones past `grace` are skipped."""
    with db.transaction() as session:
        due_ids = repo.due_meeting_ids(session, now)
    for meeting_id in due_ids:
        yield from _claim_for_meeting(db, meeting_id, now, grace, defaults)


def _claim_for_meeting(
    db: Database,
    meeting_id: int,
    now: datetime,
    grace: timedelta,
    defaults: Sequence[timedelta],
) -> Iterator[ClaimedReminder]:
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.status != repo.ACTIVE:
            return
        offsets = offsets_of(meeting, defaults)
        due = reminders_between(
            meeting_id,
            rule_of(meeting),
            offsets,
            meeting.reminders_checked_until,
            now,
            repo.skip_dates(session, meeting_id),
        )
        smallest = min(offsets) if offsets else None
    for reminder in due:
        claimed = _claim(db, meeting_id, reminder, now, grace, defaults, smallest)
        if claimed is not None:
            yield claimed
    # Only after every due reminder is decided does the window move on: a crash before
    # this line re-decides them next time, and the unique keys keep that harmless.
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is not None:
            meeting.reminders_checked_until = max(meeting.reminders_checked_until, now)
            refresh_next_reminder(session, meeting, defaults)


def _claim(
    db: Database,
    meeting_id: int,
    reminder: ReminderDue,
    now: datetime,
    grace: timedelta,
    defaults: Sequence[timedelta],
    smallest: timedelta | None,
) -> ClaimedReminder | None:
    decision = decide_late_reminder(
        reminder.due_utc, now, grace, occurrence_utc=reminder.occurrence_utc
    )
    try:
        with db.transaction() as session:
            if repo.sent_reminder(session, reminder.key) is not None:
                return None  # decided earlier (a crash before the window moved on)
            session.add(
                SentReminder(
                    key=reminder.key,
                    meeting_id=meeting_id,
                    occurrence_at=reminder.occurrence_utc,
                    offset_seconds=int(reminder.offset.total_seconds()),
                    due_at=reminder.due_utc,
                    decided_at=now,
                    outcome=SENT if decision == "send" else SKIPPED,
                )
            )
            session.flush()
            if decision != "send":
                log.warning(
                    "reminder skipped: fell due while the bot was down key=%s due=%s now=%s",
                    reminder.key,
                    reminder.due_utc.isoformat(),
                    now.isoformat(),
                )
                return None
            meeting = session.get(Meeting, meeting_id)
            assert meeting is not None
            is_last = reminder.offset == smallest
            recipients = _dm_recipients(session, meeting_id) if is_last else []
            return ClaimedReminder(
                key=reminder.key,
                meeting=snapshot_in(session, meeting, now, defaults),
                occurrence=reminder.occurrence_utc,
                offset=reminder.offset,
                is_last=is_last,
                dm_recipients=recipients,
            )
    except IntegrityError:
        log.info("reminder already claimed elsewhere key=%s", reminder.key)
        return None


def mark_failed(db: Database, key: str, *, retry: bool) -> None:
    """Posting failed after the claim. A passing failure on the first try earns one
    more try (claim_retries); otherwise the record says failed, for good."""
    with db.transaction() as session:
        row = session.get(SentReminder, key)
        if row is not None:
            row.outcome = RETRY if retry and row.outcome == SENT else FAILED


def mark_sent(db: Database, key: str) -> None:
    with db.transaction() as session:
        row = session.get(SentReminder, key)
        if row is not None:
            row.outcome = SENT


def claim_retries(
    db: Database, now: datetime, defaults: Sequence[timedelta]
) -> list[ClaimedReminder]:
    """Reminders to post once more: still before the meeting, and each taken by one
    caller only (a conditional update from "retry" to "retrying")."""
    with db.transaction() as session:
        keys = [row.key for row in repo.reminders_to_retry(session, now)]
    claimed = []
    for key in keys:
        with db.transaction() as session:
            row = session.get(SentReminder, key)
            if row is None or not repo.take_retry(session, key):
                continue
            meeting = session.get(Meeting, row.meeting_id)
            if meeting is None or meeting.status != repo.ACTIVE:
                row.outcome = FAILED
                continue
            offsets = offsets_of(meeting, defaults)
            offset = timedelta(seconds=row.offset_seconds)
            is_last = bool(offsets) and offset == min(offsets)
            claimed.append(
                ClaimedReminder(
                    key=key,
                    meeting=snapshot_in(session, meeting, now, defaults),
                    occurrence=row.occurrence_at,
                    offset=offset,
                    is_last=is_last,
                    dm_recipients=_dm_recipients(session, row.meeting_id) if is_last else [],
                )
            )
    return claimed


def _dm_recipients(session: Session, meeting_id: int) -> list[str]:
    going = repo.people_answering(session, meeting_id, "going")
    opted_out = repo.dm_opted_out(session, going)
    return [user for user in going if user not in opted_out]


def set_reminder_dms(db: Database, user_id: str, on: bool, now: datetime) -> bool:
    """Turn the last-offset DM on or off; False when it already was."""
    with db.transaction() as session:
        return repo.set_dm_opt_out(session, user_id, off=not on, now=now)
