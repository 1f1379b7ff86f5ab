"""People, their roles, and the bookkeeping that keeps event handling idempotent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base


class Member(Base):
    """Anyone clubbot has met. Their Slack profile facts are cached here."""

    __tablename__ = "members"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    first_seen_at: Mapped[datetime]
    last_active_at: Mapped[datetime | None] = mapped_column(default=None)
    profile_fetched_at: Mapped[datetime | None] = mapped_column(default=None)
    # "exclude me": the bot never contacts this person again.
    excluded: Mapped[bool] = mapped_column(default=False)

    roles: Mapped[list[RoleGrant]] = relationship(
        back_populates="member", cascade="all, delete-orphan", lazy="selectin"
    )


class RoleGrant(Base):
    """A role beyond plain membership: mentor or organiser."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("members.user_id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    granted_by: Mapped[str | None] = mapped_column(String(32), default=None)
    granted_at: Mapped[datetime]

    member: Mapped[Member] = relationship(back_populates="roles")


class ProcessedEvent(Base):
    """Events API ids already handled (Slack retries, and Bolt does not deduplicate), and
    the keys of signed requests already executed (`bot.edge.replay`: sig:/trg: ids)."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class OnceNotice(Base):
    """A one-time announcement, claimed by the process that inserts its row first, so
    restarts and several replicas on one database say it exactly once."""

    __tablename__ = "once_notices"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    claimed_at: Mapped[datetime]
