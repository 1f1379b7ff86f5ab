"""Encouragement: nudge settings and history, kudos, welcomes, anonymous counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class NudgeSetting(Base):
    """A person's choice about nudges (`/club nudges off|on` or the button in a nudge)."""

    __tablename__ = "nudge_settings"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("members.user_id", ondelete="CASCADE"), primary_key=True
    )
    opted_out: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime]


class SentNudge(Base):
    """A nudge that went out. The unique (user, key) is what makes "never twice" hold."""

    __tablename__ = "sent_nudges"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("members.user_id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(index=True)


class Kudos(Base):
    """One thank-you, posted in the club channel."""

    __tablename__ = "kudos"

    id: Mapped[int] = mapped_column(primary_key=True)
    giver_id: Mapped[str] = mapped_column(String(32), index=True)
    receiver_id: Mapped[str] = mapped_column(String(32), index=True)
    reason: Mapped[str] = mapped_column(Text)
    given_at: Mapped[datetime]


class WelcomeSent(Base):
    """One row per person welcomed: retried events and rejoins never welcome twice."""

    __tablename__ = "welcomes_sent"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sent_at: Mapped[datetime]


class ClubCounter(Base):
    """Anonymous running totals (kudos given, nudges sent, people forgotten, ...).

    Counted when things happen, so `/club forget me` can delete the rows and the
    club's figures stay right.
    """

    __tablename__ = "club_counters"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class NudgeSchedule(Base):
    """When nudges were last planned: one row, so runs stay at most every 10 minutes
    even with several processes ticking."""

    __tablename__ = "nudge_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_planned_at: Mapped[datetime]
