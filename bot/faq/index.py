"""The FAQ matcher, built once from the database and rebuilt when the FAQ changes.

Every change to the FAQ bumps a revision counter in the database (`faq_state`), so a
process notices another process's edit on its next question: one cheap SELECT per
question, a rebuild only when the number moved. On first use the starter FAQ is loaded
if the FAQ was never seeded (idempotent and safe with two processes: the state row's
primary key lets only one of them seed).
"""

from __future__ import annotations

import logging
import threading
import weakref
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.content import load_faq_starter
from bot.faq.fields import validate_entry
from bot.faq.match import FaqDocument, FaqMatcher
from bot.faq.semantic import SentenceEncoder
from storage.db import Database
from storage.faq import queries as repo
from storage.faq import wordings

log = logging.getLogger("clubbot.faq")


@dataclass(frozen=True)
class Snapshot:
    revision: int
    matcher: FaqMatcher
    questions: dict[int, str]  # entry id -> its question, for "did you mean" buttons
    # A wording's key -> entries an asker found not helpful for it (bot.faq.learning).
    demoted: dict[str, frozenset[int]] = field(default_factory=dict)


def ensure_seeded(db: Database, now: datetime) -> bool:
    """Load the starter FAQ when the FAQ was never seeded; True when this call loaded it."""
    with db.transaction() as session:
        if repo.is_seeded(session):
            return False
    try:
        with db.transaction() as session:
            repo.mark_seeded(session, now)
            for entry in load_faq_starter():
                fields, errors = validate_entry(
                    entry.question, entry.alternatives, entry.answer, entry.tags
                )
                assert fields is not None, errors  # tests/content keeps the starter valid
                repo.add_entry(session, fields, by=None, now=now)
    except IntegrityError:
        return False  # another process seeded first
    log.info("starter FAQ loaded")
    return True


def _encoder() -> SentenceEncoder | None:
    """Sentence embeddings when the `semantic` extra is installed; lexical otherwise."""
    try:
        from bot.faq.semantic import load_default_encoder

        return load_default_encoder()
    except (ImportError, FileNotFoundError):
        return None


class FaqIndex:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._encoder: SentenceEncoder | None = None
        self._encoder_loaded = False

    def current(self, now: datetime) -> Snapshot:
        ensure_seeded(self._db, now)
        with self._db.transaction() as session:
            revision = repo.revision(session)
            snapshot = self._snapshot
            if snapshot is not None and snapshot.revision == revision:
                return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot is not None and snapshot.revision == revision:
                return snapshot
            with self._db.transaction() as session:
                snapshot = self._build(session)
            self._snapshot = snapshot
            log.info("FAQ matcher built revision=%d entries=%d", snapshot.revision,
                     len(snapshot.questions))
            return snapshot

    def _build(self, session: Session) -> Snapshot:
        if not self._encoder_loaded:
            self._encoder = _encoder()
            self._encoder_loaded = True
        revision = repo.revision(session)
        entries = repo.all_entries(session)
        documents = [
            FaqDocument(
                entry.id,
                entry.question,
                tuple(repo.fields_of(entry).alternatives),
                repo.tags_of(entry),
            )
            for entry in entries
        ]
        matcher = FaqMatcher(documents, encoder=self._encoder)
        return Snapshot(revision, matcher, {entry.id: entry.question for entry in entries},
                        wordings.unhelpful_keys(session))


_INDEXES: weakref.WeakKeyDictionary[Database, FaqIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def index_for(db: Database) -> FaqIndex:
    """One index per database per process."""
    with _INDEXES_LOCK:
        index = _INDEXES.get(db)
        if index is None:
            index = _INDEXES[db] = FaqIndex(db)
        return index
