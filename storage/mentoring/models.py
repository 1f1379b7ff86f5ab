"""Mentor pairing: mentors, requests, offers, pairings and cohort rounds.

Idempotency lives in the schema as much as in the code:

- ``mentor_requests.open_for`` holds the mentee's id while the request is open
  and NULL once it is closed, so a unique constraint allows one open request
  per person (NULLs never collide, on SQLite and PostgreSQL alike).
- ``mentor_offers.pending_for`` does the same for "one pending offer per
  request". A request may go to the same mentor again later (they only timed out,
  or asked not to be contacted and came back): each attempt is a row of its own,
  so every offer DM has its own id and delivery key.
- ``pairings.request_id`` is unique: a request ends in at most one pairing,
  whatever the number of clicks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class MentorTopic(Base):
    """A topic organisers list for mentors and mentees to pick from."""

    __tablename__ = "mentor_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The normalised form (see bot.mentoring.pairing.normalise_topic): no near-duplicates.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    added_by: Mapped[str | None] = mapped_column(String(32), default=None)
    added_at: Mapped[datetime]


class MentorProfileRow(Base):
    """A volunteer of the social core: what they help with and how much."""

    __tablename__ = "mentor_profiles"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("members.user_id", ondelete="CASCADE"), primary_key=True
    )
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(default=2)
    # Paused with no end date ("away"), or until a moment (UTC).
    paused: Mapped[bool] = mapped_column(default=False)
    paused_until: Mapped[datetime | None] = mapped_column(default=None)
    signed_up_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_offered_at: Mapped[datetime | None] = mapped_column(default=None)


class MentorRequestRow(Base):
    """A member asking for a mentor."""

    __tablename__ = "mentor_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[str] = mapped_column(
        ForeignKey("members.user_id", ondelete="CASCADE"), index=True
    )
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    goal: Mapped[str] = mapped_column(Text, default="")
    preferred_times: Mapped[str] = mapped_column(String(500), default="")
    # The mentee said a past mentor is welcome again.
    allow_repeat: Mapped[bool] = mapped_column(default=False)
    # "waiting" (open), "paired" or "cancelled" (closed).
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    open_for: Mapped[str | None] = mapped_column(String(32), unique=True, default=None)
    # When the mentee was told nobody was left (cleared when a new offer goes out).
    stalled_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(32), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class MentorOffer(Base):
    """One request offered to one mentor, waiting for Accept or Decline."""

    __tablename__ = "mentor_offers"
    __table_args__ = (Index("ix_mentor_offers_status_expires_at", "status", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_requests.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[str] = mapped_column(String(32), index=True)
    # pending, accepted, declined, expired, withdrawn (moved on by an organiser), full,
    # excluded (withdrawn when the mentor asked not to be contacted), cancelled (the
    # mentee withdrew the request).
    status: Mapped[str] = mapped_column(String(12), default="pending")
    pending_for: Mapped[int | None] = mapped_column(unique=True, default=None)
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[str] = mapped_column(String(500), default="")
    # ranked (best mentor), round (cohort round), manual (an organiser chose).
    source: Mapped[str] = mapped_column(String(10), default="ranked")
    offered_by: Mapped[str | None] = mapped_column(String(32), default=None)
    offered_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    # Where the offer's DM landed, to update it when the offer moves on.
    channel_id: Mapped[str | None] = mapped_column(String(32), default=None)
    message_ts: Mapped[str | None] = mapped_column(String(32), default=None)


class Pairing(Base):
    """A mentor and a mentee working together."""

    __tablename__ = "pairings"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_requests.id", ondelete="CASCADE"), unique=True
    )
    mentor_id: Mapped[str] = mapped_column(String(32), index=True)
    mentee_id: Mapped[str] = mapped_column(String(32), index=True)
    # active or ended.
    status: Mapped[str] = mapped_column(String(8), default="active")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_by: Mapped[str | None] = mapped_column(String(32), default=None)
    end_reason: Mapped[str | None] = mapped_column(String(60), default=None)
    # The group DM of mentor, mentee and bot.
    channel_id: Mapped[str | None] = mapped_column(String(32), default=None)
    checkin_due_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    checkin_sent_at: Mapped[datetime | None] = mapped_column(default=None)
    checkin_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    checkins_sent: Mapped[int] = mapped_column(default=0)
    met_at: Mapped[datetime | None] = mapped_column(default=None)


class PairingRound(Base):
    """A cohort round an organiser previewed; offers go out once it is confirmed."""

    __tablename__ = "pairing_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    # preview or confirmed.
    status: Mapped[str] = mapped_column(String(10), default="preview")
    # [[request_id, mentor_id, score], ...]
    plan: Mapped[list[Any]] = mapped_column(JSON, default=list)
    total_score: Mapped[float] = mapped_column(default=0.0)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    confirmed_by: Mapped[str | None] = mapped_column(String(32), default=None)
