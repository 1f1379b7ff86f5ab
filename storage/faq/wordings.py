"""Queries about learned wordings: what waits for review, and what an asker's vote says."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.faq.models import FaqEntry, FaqWording
from storage.privacy import forgets

WAITING = "waiting"
CONFIRMED = "confirmed"
APPROVED = "approved"
DROPPED = "dropped"
UNHELPFUL = "unhelpful"
KEY_MAX = 300


def wording_key(text: str) -> str:
    """Case, spacing and end punctuation do not make another wording."""
    return " ".join(text.lower().split()).strip(" ?!.,;:")[:KEY_MAX]


def find(session: Session, entry_id: int, key: str) -> FaqWording | None:
    return session.scalar(
        select(FaqWording).where(FaqWording.entry_id == entry_id, FaqWording.wording_key == key)
    )


def get(session: Session, wording_id: int) -> FaqWording | None:
    return session.get(FaqWording, wording_id)


def waiting(session: Session, limit: int) -> list[tuple[FaqWording, FaqEntry]]:
    """Wordings waiting for an editor, oldest first, with their entry."""
    rows = session.execute(
        select(FaqWording, FaqEntry)
        .join(FaqEntry, FaqEntry.id == FaqWording.entry_id)
        .where(FaqWording.status == WAITING)
        .order_by(FaqWording.created_at, FaqWording.id)
        .limit(limit)
    )
    return [(wording, entry) for wording, entry in rows]


def count_waiting(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(FaqWording).where(FaqWording.status == WAITING)
    ) or 0


def waiting_by_entry(session: Session) -> dict[int, list[str]]:
    """Each entry's waiting wordings, for the export's own column."""
    found: dict[int, list[str]] = {}
    for wording in session.scalars(
        select(FaqWording).where(FaqWording.status == WAITING).order_by(FaqWording.id)
    ):
        found.setdefault(wording.entry_id, []).append(wording.wording)
    return found


def unhelpful_keys(session: Session) -> dict[str, frozenset[int]]:
    """For each wording an asker marked Not helpful, the entries it should not bring up."""
    found: dict[str, set[int]] = {}
    for key, entry_id in session.execute(
        select(FaqWording.wording_key, FaqWording.entry_id).where(
            FaqWording.status == UNHELPFUL
        )
    ):
        found.setdefault(key, set()).add(entry_id)
    return {key: frozenset(ids) for key, ids in found.items()}


@forgets
def forget_wordings_of(session: Session, user_id: str) -> None:
    """Wordings still under review are the person's own words: gone. Reviewed ones are the
    FAQ's now; only the name goes."""
    session.execute(
        delete(FaqWording).where(
            FaqWording.learned_from == user_id,
            FaqWording.status.in_((WAITING, UNHELPFUL)),
        )
    )
    for column in (FaqWording.learned_from, FaqWording.confirmed_by, FaqWording.decided_by):
        session.execute(update(FaqWording).where(column == user_id).values({column: None}))
