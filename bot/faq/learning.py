"""Learning from askers, reviewed: a Helpful proposes the asker's wording for that entry;
it routes questions only after a second, independent asker confirms it or an FAQ editor
approves it. A Not helpful keeps that entry down for those words.

One vote can no longer teach the bot for everyone: "how can I grow my LinkedIn
following" once became a phrasing of "Why guidelines and not rules" on a single press.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from storage.db import Database
from storage.faq import queries as repo
from storage.faq import wordings
from storage.faq.models import FaqEntry, FaqWording

REVIEW_PAGE = 10


class Learned(StrEnum):
    """What an asker's vote did to their wording."""

    NOTHING = "nothing"  # no words to learn, or the entry already knows them
    WAITING = "waiting"  # proposed; an editor or a second asker decides
    CONFIRMED = "confirmed"  # a second asker agreed: the entry now knows the wording
    DEMOTED = "demoted"  # Not helpful: this entry stays down for those words


def on_vote(
    session: Session, entry: FaqEntry, wording: str, voter: str, helpful: bool, now: datetime
) -> Learned:
    """Record what the asker's vote says about their words and this entry."""
    key = wordings.wording_key(wording)
    if not key or _known(entry, key):
        return Learned.NOTHING
    found = wordings.find(session, entry.id, key)
    if not helpful:
        return _not_helpful(session, entry, found, wording, key, voter, now)
    if found is None:
        session.add(FaqWording(entry_id=entry.id, wording=wording, wording_key=key,
                               status=wordings.WAITING, learned_from=voter, created_at=now))
        session.flush()
        return Learned.WAITING
    if found.status == wordings.UNHELPFUL and found.learned_from == voter:
        found.status = wordings.WAITING  # the asker changed their mind
        return Learned.WAITING
    if found.status == wordings.WAITING and found.learned_from not in (voter, None):
        found.status, found.confirmed_by, found.decided_at = wordings.CONFIRMED, voter, now
        _teach(session, entry, found.wording, now)
        return Learned.CONFIRMED
    return Learned.WAITING if found.status == wordings.WAITING else Learned.NOTHING


def _not_helpful(
    session: Session, entry: FaqEntry, found: FaqWording | None, wording: str, key: str,
    voter: str, now: datetime,
) -> Learned:
    if found is None:
        session.add(FaqWording(entry_id=entry.id, wording=wording, wording_key=key,
                               status=wordings.UNHELPFUL, learned_from=voter, created_at=now))
    elif found.status == wordings.WAITING and found.learned_from == voter:
        found.status = wordings.UNHELPFUL  # their own proposal, withdrawn by their change
    else:
        return Learned.NOTHING  # reviewed wordings are the editors' call
    session.flush()
    repo.bump_revision(session)  # the matcher keeps this entry down for these words
    return Learned.DEMOTED


def _known(entry: FaqEntry, key: str) -> bool:
    texts = [entry.question, *entry.alternatives.splitlines()]
    return key in {wordings.wording_key(text) for text in texts}


def _teach(session: Session, entry: FaqEntry, wording: str, now: datetime) -> None:
    if repo.add_phrasing(session, entry, wording, now):
        repo.bump_revision(session)


@dataclass(frozen=True)
class Waiting:
    wording_id: int
    wording: str
    entry_id: int
    entry_question: str
    learned_from: str | None
    created_at: datetime


def waiting(db: Database, limit: int = REVIEW_PAGE) -> tuple[list[Waiting], int]:
    """The oldest wordings waiting for an editor, and how many wait in all."""
    with db.transaction() as session:
        rows = [
            Waiting(w.id, w.wording, e.id, e.question, w.learned_from, w.created_at)
            for w, e in wordings.waiting(session, limit)
        ]
        return rows, wordings.count_waiting(session)


class Review(StrEnum):
    APPROVED = "approved"
    DROPPED = "dropped"
    GONE = "gone"  # no such wording (or its entry was removed)
    DECIDED = "decided"  # someone decided already, or a second asker confirmed it


@dataclass(frozen=True)
class Reviewed:
    outcome: Review
    wording: str = ""
    entry_question: str = ""
    decided_by: str | None = None


def review(db: Database, wording_id: int, editor: str, approve: bool, now: datetime) -> Reviewed:
    """An editor's decision on a waiting wording; only the first decision counts. The
    caller has checked the editor's right with the policy."""
    with db.transaction() as session:
        found = wordings.get(session, wording_id)
        entry = repo.get_entry(session, found.entry_id) if found is not None else None
        if found is None or entry is None or found.status == wordings.UNHELPFUL:
            return Reviewed(Review.GONE)
        if found.status != wordings.WAITING:
            return Reviewed(Review.DECIDED, found.wording, entry.question,
                            found.decided_by or found.confirmed_by)
        found.decided_by, found.decided_at = editor, now
        if approve:
            found.status = wordings.APPROVED
            _teach(session, entry, found.wording, now)
            return Reviewed(Review.APPROVED, found.wording, entry.question, editor)
        found.status = wordings.DROPPED
        return Reviewed(Review.DROPPED, found.wording, entry.question, editor)
