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
