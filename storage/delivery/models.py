"""The outbox: one row per message and recipient, written in the transaction that
decided it, sent after commit by bot.delivery.deliverer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base

PENDING = "pending"  # waiting for next_attempt_at
SENDING = "sending"  # claimed until lease_until; a crashed sender's claim runs out
SENT = "sent"
FAILED = "failed"  # final: a permanent error, or the bounded retries ran out
EXPIRED = "expired"  # final: not_after passed before it could be sent
SKIPPED = "skipped"  # final: the person asked the bot to leave them alone
FINAL = frozenset({SENT, FAILED, EXPIRED, SKIPPED})


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: the same key enqueued twice (a retried job, a second replica) is one message.
    delivery_key: Mapped[str] = mapped_column(String(200), unique=True)
    # A user id (the deliverer opens the DM) or a channel id.
    recipient: Mapped[str] = mapped_column(String(32))
    # A reply in this thread of the recipient's conversation.
    thread_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    text: Mapped[str] = mapped_column(Text)
    blocks: Mapped[list[dict[str, object]] | None] = mapped_column(JSON, default=None)
    # Unsolicited DMs (reminders, nudges, offers) are dropped for people who asked the
    # bot to leave them alone, checked again when sending.
    unsolicited: Mapped[bool] = mapped_column(default=False)
    # Set when organisers should hear that this could not be delivered ("the 1 h reminder").
    about: Mapped[str | None] = mapped_column(Text, default=None)
    # Who asked for it (for logs and the after-send hook), e.g. "meetings.reminder".
    purpose: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str | None] = mapped_column(String(80), default=None)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # An earlier attempt may have reached Slack (the process died or the call timed
    # out): the deliverer looks for the key in the conversation before posting again.
    maybe_sent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    not_after: Mapped[datetime | None] = mapped_column(default=None)
    # When it should have arrived by: the deliverer sends the earliest first (none: last).
    # (Not "due_by": columns named *_by hold people, and forget-me clears them.)
    deadline: Mapped[datetime | None] = mapped_column(default=None)
    # Part of a mass send with a progress line (DeliveryBatch).
    batch: Mapped[str | None] = mapped_column(String(120), default=None, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    channel_id: Mapped[str | None] = mapped_column(String(32), default=None)
    ts: Mapped[str | None] = mapped_column(String(32), default=None)
    last_error: Mapped[str | None] = mapped_column(String(80), default=None)


class RateBucket(Base):
    """A token bucket of Slack's rate limits (bot/slack_limits.py), shared by every
    process on the database: taking a token is one conditional UPDATE, so two replicas
    together stay within the limit."""

    __tablename__ = "rate_buckets"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    # Unix seconds of the last refill: plain arithmetic on SQLite and PostgreSQL alike.
    stamp: Mapped[float] = mapped_column(Float)


class DmChannel(Base):
    """The DM channel conversations.open gave for a person, so later DMs skip the call
    (Tier 3, about 50 a minute)."""

    __tablename__ = "dm_channels"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))


class DeliveryBatch(Base):
    """A mass send (a meeting's reminder DMs) whose organiser sees one progress line,
    posted once through the outbox and then updated as the batch's rows go out."""

    __tablename__ = "delivery_batches"

    batch: Mapped[str] = mapped_column(String(120), primary_key=True)
    # What is being sent, for the line ("the reminder DMs for *Book club*").
    label: Mapped[str] = mapped_column(Text)
    # The rows of the batch when the line last showed it (late additions count too).
    total: Mapped[int] = mapped_column(Integer)
    # The outbox row of the progress line; where it landed once sent.
    progress_key: Mapped[str] = mapped_column(String(200))
    channel_id: Mapped[str | None] = mapped_column(String(32), default=None)
    ts: Mapped[str | None] = mapped_column(String(32), default=None)
    # How many were delivered when the line last showed it.
    shown: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    # Every row of the batch has its final status and the line says so: no more updates.
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
