"""The one way out to Slack: write what must be said as outbox rows, in the same
transaction as the state change that decided it.

How a feature uses it (inside its use case, where `session` is the open transaction)::

    from bot.delivery import outbox

    outbox.enqueue(
        session,
        user_id,                                   # a user id (DM) or a channel id
        f"meetings.reminder:{reminder_key}:{user_id}",  # unique: never sent twice
        outbox.Message(text, blocks, unsolicited=True),
        now=now,
        purpose="meetings.reminder",
        not_after=meeting_starts,                  # optional: pointless after this
        deadline=reminder_time,                    # optional: should be there by then
        about="the 1 h meeting reminder",          # optional: organisers hear if it can't go
    )

Nothing reaches Slack until the transaction commits; a rollback takes the message with
it. The deliverer (bot.delivery.deliverer, run by every tick and on start) then sends
each row once, per recipient, retrying what passes and stopping on what doesn't.

Choosing the delivery key: it names the *decision*, so enqueuing it again is harmless
(returns False). When the same thing may rightly be said again, the key must say which
time it is (an offer row's id, an attempt number, a date): otherwise the second one is
silently swallowed as a duplicate of the first. A row id alone is not enough when rows can
be deleted: SQLite hands a deleted row's id to the next one.

Replies that must be immediate (the ack, ephemeral answers, response_url, views.open
with a trigger_id) do not go through here: they are answers to the person acting now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.content.delivery import progress_line
from bot.delivery.rules import is_mass, lead_time
from storage.db import Database
from storage.delivery import batches, queries
from storage.delivery import pacing as buckets
from storage.delivery.models import Delivery, DeliveryBatch

KEY_MAX = 200


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[dict[str, Any]] | None = None
    # Not sent to people who asked the bot to leave them alone (checked when sending).
    unsolicited: bool = False
    # A reply in this thread (of the recipient's channel or DM).
    thread_ts: str | None = None


def enqueue(
    session: Session,
    recipient: str,
    delivery_key: str,
    message: Message,
    *,
    now: datetime,
    purpose: str,
    ref: str | None = None,
    not_after: datetime | None = None,
    deadline: datetime | None = None,
    about: str | None = None,
    batch: str | None = None,
) -> bool:
    """Add one message for one recipient; False when that key was enqueued before.

    The deliverer sends the earliest `deadline` first (`not_after` when no `deadline` is
    given; rows with neither come after every row with a deadline). `batch` counts the
    row in a mass send's progress line (see `track_batch`)."""
    if not delivery_key or len(delivery_key) > KEY_MAX:
        raise ValueError(f"a delivery key is 1..{KEY_MAX} characters")
    return queries.add_once(
        session,
        Delivery(
            delivery_key=delivery_key,
            recipient=recipient,
            thread_ts=message.thread_ts,
            text=message.text,
            blocks=message.blocks,
            unsolicited=message.unsolicited,
            about=about,
            purpose=purpose,
            ref=ref,
            created_at=now,
            next_attempt_at=now,
            not_after=not_after,
            deadline=deadline or not_after,
            batch=batch,
            attempts=0,
            maybe_sent=False,
            status="pending",
        ),
    )


@dataclass(frozen=True)
class Outcome:
    status: str  # pending | sending | sent | failed | expired | skipped
    error: str | None


def outcome(db: Database, delivery_key: str) -> Outcome | None:
    """How a delivery stands: for a use case that sent at once (Deps.deliver) and wants
    to tell the person acting whether it went out."""
    with db.transaction() as session:
        row = queries.by_key(session, delivery_key)
        return None if row is None else Outcome(row.status, row.last_error)


def drop(session: Session, delivery_key: str) -> None:
    """Remove a row once it is done with (an on_sent or on_failed hook): for a message
    that names someone who asked to be forgotten, so the outbox keeps no trace of them."""
    row = queries.by_key(session, delivery_key)
    if row is not None:
        session.delete(row)


PROGRESS = "delivery.progress"


def mass_lead(session: Session, recipients: list[str]) -> timedelta | None:
    """For a send to these people too big for one burst: how long before its deadline
    it must start (Slack's Tier 3 conversations.open for the DM channels not known yet,
    chat.postMessage's workspace limit for all). None: it all goes at once."""
    opens = buckets.unknown_dm_channels(session, recipients)
    if not is_mass(opens, len(recipients)):
        return None
    return lead_time(opens, len(recipients))


def has_batch(session: Session, batch: str) -> bool:
    return batches.exists(session, batch)


def track_batch(
    session: Session,
    batch: str,
    label: str,
    total: int,
    recipient: str,
    *,
    thread_ts: str | None = None,
    now: datetime,
) -> bool:
    """Give a mass send (its rows enqueued with `batch=`) one progress line, posted to
    `recipient` (an announcement's thread, or the organiser's DM) and then updated by the
    deliverer as rows go out. False when the batch already has its line."""
    key = f"{PROGRESS}:{batch}"
    line = DeliveryBatch(batch=batch, label=label, total=total, progress_key=key, created_at=now)
    if not batches.add_once(session, line):
        return False
    return enqueue(
        session,
        recipient,
        key,
        Message(progress_line(label, 0, total, 0), thread_ts=thread_ts),
        now=now,
        purpose=PROGRESS,
        ref=batch,
        deadline=now,  # before the batch's own rows
    )
