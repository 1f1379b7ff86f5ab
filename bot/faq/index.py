"""The FAQ matcher, built once from the database and rebuilt when the FAQ changes.

Every change to the FAQ bumps a revision counter in the database (`faq_state`), so a
process notices another process's edit on its next question: one cheap SELECT per
question, a rebuild only when the number moved. On first use the starter FAQ is loaded
if the FAQ was never seeded (idempotent and safe with two processes: the state row's
primary key lets only one of them seed).

A small FAQ is rebuilt inline, so the very next question sees an edit. A large one (a
10 000-entry FAQ takes seconds) is rebuilt in the background while questions are
answered from the previous snapshot; the new one is swapped in by a single assignment,
so a question sees either the old index or the new one, never half of each. The
background build runs in a child process (bot.offload) when the database can be opened
from one: seconds of CPU-bound Python on a thread of the bot would make every DM wait
for the interpreter (up to 1-2 s each, bench/faq_rebuild.py).
"""

from __future__ import annotations

import functools
import logging
import pickle
import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import offload
from bot.content import load_faq_starter
from bot.faq.calibrate import calibrated
from bot.faq.fields import EntryFields, validate_entry
from bot.faq.match import FaqDocument, FaqMatcher
from bot.faq.semantic import SentenceEncoder
from storage.db import Database
from storage.faq import queries as repo
from storage.faq import wordings

log = logging.getLogger("clubbot.faq")

# Up to this many indexed texts (questions, phrasings, tags) a rebuild takes tens of
# milliseconds: inline. Above it, in the background.
INLINE_REBUILD_MAX_TEXTS = 1500


@dataclass(frozen=True)
class Snapshot:
    revision: int
    matcher: FaqMatcher
    questions: dict[int, str]  # entry id -> its question, for "did you mean" buttons
    # A wording's key -> entries an asker found not helpful for it (bot.faq.learning).
    demoted: dict[str, frozenset[int]] = field(default_factory=dict)
    texts: int = 0  # how many texts the matcher indexes: what a rebuild costs


@functools.cache
def starter_fields() -> tuple[EntryFields, ...]:
    """The starter FAQ as entry fields, validated once per process."""
    checked = []
    for entry in load_faq_starter():
        fields, errors = validate_entry(
            entry.question, entry.alternatives, entry.answer, entry.tags
        )
        assert fields is not None, errors  # tests/content keeps the starter valid
        checked.append(fields)
    return tuple(checked)


def ensure_seeded(db: Database, now: datetime) -> bool:
    """Load the starter FAQ when the FAQ was never seeded; True when this call loaded it."""
    with db.transaction() as session:
        if repo.is_seeded(session):
            return False
    try:
        with db.transaction() as session:
            repo.mark_seeded(session, now)
            repo.add_entries(session, starter_fields(), by=None, now=now)
    except IntegrityError:
        return False  # another process seeded first
    log.info("starter FAQ loaded")
    return True


def _encoder() -> SentenceEncoder | None:
    """Sentence embeddings when an extra (`e5`, else `semantic`) is installed; else lexical."""
    try:
        from bot.faq.semantic import load_encoder

        return load_encoder()
    except (ImportError, FileNotFoundError):
        return None


class FaqIndex:
    def __init__(self, db: Database, inline_max_texts: int | None = None) -> None:
        self._db = db
        self._inline_max_texts = (
            INLINE_REBUILD_MAX_TEXTS if inline_max_texts is None else inline_max_texts
        )
        self._lock = threading.Lock()  # one build at a time
        self._snapshot: Snapshot | None = None
        self._encoder: SentenceEncoder | None = None
        self._encoder_loaded = False
        self._background: threading.Thread | None = None
        self._background_lock = threading.Lock()

    def current(self, now: datetime) -> Snapshot:
        """The newest snapshot, or while a large FAQ is rebuilt in the background, the
        previous one."""
        ensure_seeded(self._db, now)
        revision = self._revision()
        snapshot = self._snapshot
        if snapshot is not None and snapshot.revision == revision:
            return snapshot
        if snapshot is None or snapshot.texts <= self._inline_max_texts:
            return self._rebuild(revision)
        self.rebuild_in_background()
        return snapshot

    def changed(self) -> None:
        """After a large change such as an import: a large FAQ starts rebuilding now rather
        than on the next question; a small one rebuilds inline on the next question."""
        snapshot = self._snapshot
        if snapshot is not None and snapshot.texts > self._inline_max_texts:
            self.rebuild_in_background()

    def rebuild_in_background(self) -> threading.Thread:
        """Start one background rebuild unless one is running; it repeats until the
        snapshot matches the database, so edits made during a build are not missed."""
        with self._background_lock:
            if self._background is None or not self._background.is_alive():
                self._background = threading.Thread(
                    target=self._catch_up, name="faq-index", daemon=True
                )
                self._background.start()
            return self._background

    def _catch_up(self) -> None:
        try:
            while True:
                revision = self._revision()
                snapshot = self._snapshot
                if snapshot is not None and snapshot.revision == revision:
                    return
                self._rebuild(revision, elsewhere=True)
        except Exception:  # the old snapshot keeps answering; the next question retries
            log.exception("FAQ index rebuild failed")

    def _revision(self) -> int:
        with self._db.transaction() as session:
            return repo.revision(session)

    def _rebuild(self, revision: int, elsewhere: bool = False) -> Snapshot:
        with self._lock:
            snapshot = self._snapshot
            if snapshot is not None and snapshot.revision >= revision:
                return snapshot
            started = time.perf_counter()
            snapshot = None
            if elsewhere and self._db.shareable:
                try:
                    snapshot = self._build_elsewhere()
                except offload.OffloadError as error:
                    if error.started:
                        raise
                    log.warning("FAQ index built on a thread instead: %s", error)
            where = "here" if snapshot is None else "in a child process"
            if snapshot is None:
                with self._db.transaction() as session:
                    snapshot = self._build(session)
            self._snapshot = snapshot  # one assignment: readers see old or new, whole
            log.info("FAQ matcher built %s revision=%d entries=%d texts=%d in %.0f ms", where,
                     snapshot.revision, len(snapshot.questions), snapshot.texts,
                     (time.perf_counter() - started) * 1000)
            return snapshot

    def _load_encoder(self) -> SentenceEncoder | None:
        if not self._encoder_loaded:
            self._encoder = _encoder()
            self._encoder_loaded = True
        return self._encoder

    def _build(self, session: Session) -> Snapshot:
        return build_snapshot(session, self._load_encoder())

    def _build_elsewhere(self) -> Snapshot:
        """The snapshot built by a child process from the same database, loaded here."""
        encoder = self._load_encoder()
        parts = offload.run(packed_snapshot, self._db.url, encoder is not None)
        return unpack_snapshot(parts, encoder)


def build_snapshot(session: Session, encoder: SentenceEncoder | None) -> Snapshot:
    revision = repo.revision(session)
    entries = repo.all_entries(session)
    documents = [
        FaqDocument(entry.id, entry.question, repo.alternatives_of(entry), repo.tags_of(entry))
        for entry in entries
    ]
    matcher = calibrated(FaqMatcher(documents, encoder=encoder))
    return Snapshot(revision, matcher, {entry.id: entry.question for entry in entries},
                    wordings.unhelpful_keys(session), matcher.size)


def packed_snapshot(database_url: str, semantic: bool) -> tuple[bytes, ...]:
    """In a child process: the FAQ of that database indexed, packed for the parent (the
    snapshot's own fields first, then the matcher's parts)."""
    encoder = _encoder() if semantic else None
    if semantic and encoder is None:
        raise RuntimeError("the bot embeds questions but this process cannot load the model")
    db = Database(database_url)
    try:
        with db.transaction() as session:
            snapshot = build_snapshot(session, encoder)
    finally:
        db.dispose()
    head = pickle.dumps((snapshot.revision, snapshot.questions, snapshot.demoted,
                         snapshot.texts), protocol=pickle.HIGHEST_PROTOCOL)
    return (head, *snapshot.matcher.packed())


def unpack_snapshot(parts: tuple[bytes, ...], encoder: SentenceEncoder | None) -> Snapshot:
    revision, questions, demoted, texts = pickle.loads(parts[0])
    return Snapshot(revision, FaqMatcher.unpacked(parts[1:], encoder), questions, demoted,
                    texts)


_INDEXES: weakref.WeakKeyDictionary[Database, FaqIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def index_for(db: Database) -> FaqIndex:
    """One index per database per process."""
    with _INDEXES_LOCK:
        index = _INDEXES.get(db)
        if index is None:
            index = _INDEXES[db] = FaqIndex(db)
        return index
