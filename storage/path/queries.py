"""The proficiency path: which steps each member has reached."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.members import queries as members
from storage.path.models import PathStepReached


def record_step(
    session: Session,
    user_id: str,
    step: str,
    now: datetime,
    source: str = "detected",
    recorded_by: str | None = None,
) -> bool:
    """Mark a step reached; False when it already was (steps are never reached twice)."""
    members.get_or_create(session, user_id, now)
    exists = session.scalar(
        select(PathStepReached.id).where(
            PathStepReached.user_id == user_id, PathStepReached.step == step
        )
    )
    if exists is not None:
        return False
    session.add(
        PathStepReached(
            user_id=user_id, step=step, reached_at=now, source=source, recorded_by=recorded_by
        )
    )
    session.flush()
    return True


def steps_of(session: Session, user_id: str) -> dict[str, datetime]:
    rows = session.execute(
        select(PathStepReached.step, PathStepReached.reached_at).where(
            PathStepReached.user_id == user_id
        )
    )
    return {step: reached_at for step, reached_at in rows}


def unrecord_step(session: Session, user_id: str, step: str) -> bool:
    result = session.execute(
        delete(PathStepReached).where(
            PathStepReached.user_id == user_id, PathStepReached.step == step
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
