"""The reminder engine's decisions: which reminders are due, and deciding each once.

Restart-safe because everything comes from the database: each meeting remembers up to
when its reminders were decided (`reminders_checked_until`) and when the next one falls
due (`next_reminder_at`, indexed). Exactly once because each reminder is decided by
inserting a row under its unique key, and what it says (the channel post, a DM to each
person going) is written to the outbox in that same transaction: a second instance (or
a retried tick) fails the insert and stays quiet, and the deliverer sends each outbox
row once, also across a crash in the middle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.delivery import outbox
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

SENT = "sent"  # decided: its messages are in the outbox (which says how each went)
SKIPPED = "skipped"


@dataclass(frozen=True)
class ClaimedReminder:
    key: str
    meeting: MeetingSnapshot
    occurrence: datetime
    offset: timedelta
    is_last: bool  # the last offset: people going also get a DM
    dm_recipients: list[str]
    due: datetime | None = None  # when the reminder is due: its DMs should be there by then


# fn(session, reminder): write what the reminder says to the outbox, in the deciding
# transaction (the caller renders it; this module knows no Slack).
Say = Callable[[Session, ClaimedReminder], None]


def decide_due_reminders(
    db: Database, now: datetime, grace: timedelta, defaults: Sequence[timedelta], say: Say
) -> int:
    """Decide every reminder due by `now` that this caller wins, each in its own
    transaction with what it says; late ones past `grace` are skipped. Returns how many
    were decided to be sent."""
    with db.transaction() as session:
        due_ids = repo.due_meeting_ids(session, now)
    return sum(
        _decide_for_meeting(db, meeting_id, now, grace, defaults, say) for meeting_id in due_ids
    )


def _decide_for_meeting(
    db: Database,
    meeting_id: int,
    now: datetime,
    grace: timedelta,
    defaults: Sequence[timedelta],
    say: Say,
) -> int:
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.status != repo.ACTIVE:
            return 0
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
    decided = sum(_decide(db, meeting_id, r, now, grace, defaults, smallest, say) for r in due)
    # Only after every due reminder is decided does the window move on: a crash before
    # this line re-decides them next time, and the unique keys keep that harmless.
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is not None:
            meeting.reminders_checked_until = max(meeting.reminders_checked_until, now)
            refresh_next_reminder(session, meeting, defaults)
    return decided


def _decide(
    db: Database,
    meeting_id: int,
    reminder: ReminderDue,
    now: datetime,
    grace: timedelta,
    defaults: Sequence[timedelta],
    smallest: timedelta | None,
    say: Say,
) -> bool:
    decision = decide_late_reminder(
        reminder.due_utc, now, grace, occurrence_utc=reminder.occurrence_utc
    )
    try:
        with db.transaction() as session:
            if repo.sent_reminder(session, reminder.key) is not None:
                return False  # decided earlier (a crash before the window moved on)
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
                return False
            meeting = session.get(Meeting, meeting_id)
            assert meeting is not None
            is_last = reminder.offset == smallest
            recipients = (
                _dm_recipients(session, meeting_id, reminder.occurrence_utc) if is_last else []
            )
            say(
                session,
                ClaimedReminder(
                    key=reminder.key,
                    meeting=snapshot_in(session, meeting, now, defaults),
                    occurrence=reminder.occurrence_utc,
                    offset=reminder.offset,
                    is_last=is_last,
                    dm_recipients=recipients,
                    due=reminder.due_utc,
                ),
            )
            return True
    except IntegrityError:
        log.info("reminder already decided elsewhere key=%s", reminder.key)
        return False


# How far ahead the early planner looks: a lead time longer than this (a send of more
# than ~13 000 DMs to people never messaged before) starts late.
EARLY_HORIZON = timedelta(hours=6)


def plan_early_dms(db: Database, now: datetime, defaults: Sequence[timedelta], say: Say) -> int:
    """Enqueue a big reminder's DMs ahead of its due time, so that at Slack's rates they
    all land by then. Their delivery keys are those the reminder uses when it is decided
    at its time, so nobody gets two; people who answer Going later are added then.
    Returns how many batches were planned."""
    planned = 0
    for meeting_id in _meetings_within_horizon(db, now):
        with db.transaction() as session:
            meeting = session.get(Meeting, meeting_id)
            if meeting is None:
                continue
            for batch in _early_batches(session, meeting, now, defaults):
                if now < batch.starts_at:
                    continue
                reminder = batch.reminder
                log.info(
                    "reminder DMs planned early key=%s people=%d lead=%s",
                    reminder.key,
                    len(batch.recipients),
                    reminder.due_utc - batch.starts_at,
                )
                say(
                    session,
                    ClaimedReminder(
                        key=reminder.key,
                        meeting=snapshot_in(session, meeting, now, defaults),
                        occurrence=reminder.occurrence_utc,
                        offset=reminder.offset,
                        is_last=True,
                        dm_recipients=batch.recipients,
                        due=reminder.due_utc,
                    ),
                )
                planned += 1
    return planned


def next_early_batch_at(
    db: Database, now: datetime, defaults: Sequence[timedelta]
) -> datetime | None:
    """When `plan_early_dms` next has a batch to start (at or before `now`: it has one now),
    for the meetings whose reminders fall within its horizon; None when none does."""
    starts = []
    for meeting_id in _meetings_within_horizon(db, now):
        with db.transaction() as session:
            meeting = session.get(Meeting, meeting_id)
            if meeting is not None:
                starts += [b.starts_at for b in _early_batches(session, meeting, now, defaults)]
    return min(starts, default=None)


@dataclass(frozen=True)
class _EarlyBatch:
    reminder: ReminderDue
    recipients: list[str]
    starts_at: datetime  # the due time less the lead its size needs at Slack's rates


def _meetings_within_horizon(db: Database, now: datetime) -> list[int]:
    with db.transaction() as session:
        return repo.due_meeting_ids(session, now + EARLY_HORIZON)


def _early_batches(
    session: Session, meeting: Meeting, now: datetime, defaults: Sequence[timedelta]
) -> list[_EarlyBatch]:
    """The meeting's DM reminders within the horizon that are too big for one burst and
    not yet planned or decided."""
    if meeting.status != repo.ACTIVE:
        return []
    offsets = offsets_of(meeting, defaults)
    if not offsets:
        return []
    smallest = min(offsets)
    upcoming = reminders_between(
        meeting.id,
        rule_of(meeting),
        offsets,
        now,
        now + EARLY_HORIZON,
        repo.skip_dates(session, meeting.id),
    )
    batches = []
    for reminder in upcoming:
        if reminder.offset != smallest or repo.sent_reminder(session, reminder.key):
            continue
        if outbox.has_batch(session, reminder.key):
            continue  # planned on an earlier tick, or by another replica
        recipients = _dm_recipients(session, meeting.id, reminder.occurrence_utc)
        needed = outbox.mass_lead(session, recipients)
        if needed is not None:
            batches.append(_EarlyBatch(reminder, recipients, reminder.due_utc - needed))
    return batches


def _dm_recipients(session: Session, meeting_id: int, occurrence: datetime) -> list[str]:
    """Who is going to this occurrence and still wants the DM."""
    going = repo.people_answering(session, meeting_id, "going", occurrence)
    opted_out = repo.dm_opted_out(session, going)
    return [user for user in going if user not in opted_out]


def set_reminder_dms(db: Database, user_id: str, on: bool, now: datetime) -> bool:
    """Turn the last-offset DM on or off; False when it already was."""
    with db.transaction() as session:
        return repo.set_dm_opt_out(session, user_id, off=not on, now=now)
