"""Queries about FAQ entries, asked questions and votes, named for what they answer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from storage.faq.models import FaqEntry, FaqQuestion, FaqState, FaqVote
from storage.privacy import forgets

STATE_ID = 1


# ---------------------------------------------------------------- the FAQ as a whole


def is_seeded(session: Session) -> bool:
    return session.get(FaqState, STATE_ID) is not None


def mark_seeded(session: Session, now: datetime) -> None:
    """Insert the single state row; a second process doing the same fails on the key."""
    session.add(FaqState(id=STATE_ID, revision=1, seeded_at=now))
    session.flush()


def revision(session: Session) -> int:
    return int(session.scalar(select(FaqState.revision).where(FaqState.id == STATE_ID)) or 0)


def bump_revision(session: Session) -> None:
    # One atomic UPDATE, so two processes editing at once both count.
    session.execute(
        update(FaqState).where(FaqState.id == STATE_ID).values(revision=FaqState.revision + 1)
    )


def bump_revision_from(session: Session, seen: int) -> bool:
    """Bump the revision only if it is still `seen`: False when the FAQ changed since
    (then nothing was written). Taken first in a write, it also takes SQLite's lock."""
    result = session.execute(
        update(FaqState)
        .where(FaqState.id == STATE_ID, FaqState.revision == seen)
        .values(revision=FaqState.revision + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def all_entries(session: Session) -> list[FaqEntry]:
    return list(session.scalars(select(FaqEntry).order_by(FaqEntry.id)))


def entries_tagged(session: Session, tag: str | None) -> list[FaqEntry]:
    entries = all_entries(session)
    if tag is None:
        return entries
    return [entry for entry in entries if tag in tags_of(entry)]


def get_entry(session: Session, entry_id: int) -> FaqEntry | None:
    return session.get(FaqEntry, entry_id)


class EntryValues(Protocol):
    """An entry's editable fields as storage takes them (bot.faq.fields.EntryFields)."""

    @property
    def question(self) -> str: ...
    @property
    def alternatives(self) -> tuple[str, ...]: ...
    @property
    def answer(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...


def alternatives_of(entry: FaqEntry) -> tuple[str, ...]:
    """The other phrasings, stored one a line."""
    return _lines(entry.alternatives)


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def _tags(text: str) -> tuple[str, ...]:
    return tuple(tag for tag in text.split(",") if tag)


def _stored(fields: EntryValues) -> tuple[str, tuple[str, ...], str, tuple[str, ...]]:
    return fields.question, tuple(fields.alternatives), fields.answer, tuple(fields.tags)


def tags_of(entry: FaqEntry) -> tuple[str, ...]:
    return _tags(entry.tags)


def add_entries(
    session: Session, many: Iterable[EntryValues], by: str | None, now: datetime
) -> None:
    """Several new entries in one flush (the starter FAQ: one INSERT batch, not 47)."""
    session.add_all([_new_entry(fields, by, now) for fields in many])
    session.flush()


def _new_entry(
    fields: EntryValues, by: str | None, now: datetime, entry_id: int | None = None
) -> FaqEntry:
    return FaqEntry(
        id=entry_id,
        question=fields.question,
        alternatives="\n".join(fields.alternatives),
        answer=fields.answer,
        tags=",".join(fields.tags),
        last_edited_by=by,
        created_at=now,
        updated_at=now,
        verified_at=now,
    )


def add_entry(
    session: Session,
    fields: EntryValues,
    by: str | None,
    now: datetime,
    entry_id: int | None = None,
) -> FaqEntry:
    entry = _new_entry(fields, by, now, entry_id)
    session.add(entry)
    session.flush()
    return entry


def stored_fields(
    session: Session,
) -> dict[int, tuple[str, tuple[str, ...], str, tuple[str, ...]]]:
    """Every entry's editable fields (question, alternatives, answer, tags) by id, read
    without loading entries: what an import compares its rows with."""
    rows = session.execute(
        select(FaqEntry.id, FaqEntry.question, FaqEntry.alternatives, FaqEntry.answer,
               FaqEntry.tags)
    )
    return {
        id_: (question, _lines(alternatives), answer, _tags(tags))
        for id_, question, alternatives, answer, tags in rows
    }


def update_entry(
    session: Session, entry: FaqEntry, fields: EntryValues, by: str | None, now: datetime
) -> bool:
    """Apply fields; False (and nothing touched) when they are what is stored."""
    if (entry.question, alternatives_of(entry), entry.answer, tags_of(entry)) == _stored(fields):
        return False
    entry.question = fields.question
    entry.alternatives = "\n".join(fields.alternatives)
    entry.answer = fields.answer
    entry.tags = ",".join(fields.tags)
    entry.last_edited_by = by
    entry.updated_at = now
    entry.verified_at = now
    session.flush()
    return True


def add_phrasing(session: Session, entry: FaqEntry, phrasing: str, now: datetime) -> bool:
    """Add another way of asking, unless the entry already knows it (case-insensitively)."""
    known = {p.lower() for p in alternatives_of(entry)} | {entry.question.lower()}
    if not phrasing or phrasing.lower() in known:
        return False
    entry.alternatives = "\n".join([*alternatives_of(entry), phrasing])
    entry.updated_at = now
    session.flush()
    return True


def remove_entry(session: Session, entry_id: int) -> bool:
    result = session.execute(delete(FaqEntry).where(FaqEntry.id == entry_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def follow_explicit_ids(session: Session) -> None:
    """After inserting rows with explicit ids, move PostgreSQL's id sequence past them."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite picks max(id) + 1 by itself
    session.execute(
        text(
            "SELECT setval(pg_get_serial_sequence('faq_entries', 'id'), "
            "COALESCE((SELECT MAX(id) FROM faq_entries), 0) + 1, false)"
        )
    )


# ---------------------------------------------------------------- questions


def claim_question(session: Session, question: FaqQuestion) -> FaqQuestion:
    """Insert; raises IntegrityError when this (channel, ts) was already claimed."""
    session.add(question)
    session.flush()
    return question


def get_question(session: Session, question_id: int) -> FaqQuestion | None:
    return session.get(FaqQuestion, question_id)


def questions_asked_by(session: Session, user_id: str) -> int:
    return int(
        session.scalar(select(func.count(FaqQuestion.id)).where(FaqQuestion.asker == user_id))
        or 0
    )


def waiting_for_a_mentor(session: Session, raised_before: datetime) -> list[FaqQuestion]:
    """Escalated, still unanswered, and not raised since `raised_before`."""
    query = (
        select(FaqQuestion)
        .where(
            FaqQuestion.status == "escalated",
            FaqQuestion.escalated_at <= raised_before,
            func.coalesce(FaqQuestion.last_raised_at, FaqQuestion.escalated_at) <= raised_before,
        )
        .order_by(FaqQuestion.escalated_at)
    )
    return list(session.scalars(query))


def mentors_posts_due(session: Session, now: datetime) -> list[FaqQuestion]:
    """Answered questions whose post in the mentors channel still needs the answer shown."""
    query = (
        select(FaqQuestion)
        .where(FaqQuestion.mentors_post_due_at <= now)
        .order_by(FaqQuestion.mentors_post_due_at)
    )
    return list(session.scalars(query))


# ---------------------------------------------------------------- votes


def vote(
    session: Session, entry: FaqEntry, user_id: str, helpful: bool, now: datetime
) -> bool | None:
    """Record or change a person's vote and keep the entry's counts; returns the earlier vote."""
    existing = session.scalar(
        select(FaqVote).where(FaqVote.entry_id == entry.id, FaqVote.user_id == user_id)
    )
    previous = existing.helpful if existing is not None else None
    if previous == helpful:
        return previous
    if existing is None:
        session.add(FaqVote(entry_id=entry.id, user_id=user_id, helpful=helpful, voted_at=now))
    else:
        existing.helpful = helpful
        existing.voted_at = now
        if previous:
            entry.helpful_count -= 1
        else:
            entry.not_helpful_count -= 1
    if helpful:
        entry.helpful_count += 1
    else:
        entry.not_helpful_count += 1
    session.flush()
    return previous


@forgets
def forget_faq_person(session: Session, user_id: str) -> None:
    """Drop a person's questions and votes (entry counts stay, anonymous); unname edits."""
    session.execute(delete(FaqQuestion).where(FaqQuestion.asker == user_id))
    session.execute(delete(FaqVote).where(FaqVote.user_id == user_id))
    session.execute(
        update(FaqEntry).where(FaqEntry.last_edited_by == user_id).values(last_edited_by=None)
    )
    for column in (FaqQuestion.answered_by, FaqQuestion.escalated_by):
        session.execute(update(FaqQuestion).where(column == user_id).values({column: None}))
