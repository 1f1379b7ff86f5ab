"""What each person's App Home last showed, so it is republished only when it changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class PublishedHome(Base):
    __tablename__ = "published_homes"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    view_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime]


class WaitingHome(Base):
    """A person whose Home could not be published at once (views.publish's bucket was
    empty, or Slack said 429): one row per person however often they opened it, so a
    burst of opens is one publish each, sent by the tick as the limit allows."""

    __tablename__ = "waiting_homes"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    wanted_at: Mapped[datetime]  # the latest open or change still to show
    not_before: Mapped[datetime] = mapped_column(index=True)  # Retry-After, or a claim
