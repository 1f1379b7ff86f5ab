"""Steps of the proficiency path a member has reached."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class PathStepReached(Base):
    __tablename__ = "path_steps_reached"
    __table_args__ = (UniqueConstraint("user_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("members.user_id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(40))
    reached_at: Mapped[datetime]
    # "detected" (clubbot saw it), "self" (ticked by the member), "organiser" (recorded).
    source: Mapped[str] = mapped_column(String(12))
    recorded_by: Mapped[str | None] = mapped_column(String(32), default=None)
