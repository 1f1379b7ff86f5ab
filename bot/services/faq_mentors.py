"""Unanswered questions and the mentors: escalate, answer, save to the FAQ, raise again.

As in bot.services.faq, Slack is reached through callbacks called inside the
transaction, so a refused message rolls the state change back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.domain.faq_fields import EntryFields
from storage.db import Database
from storage.models.faq import FaqQuestion
from storage.repositories import faq as repo

log = logging.getLogger("clubbot.faq")

RAISE_AGAIN_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Pending:
    """A question as the mentors see it."""

    question_id: int
    asker: str
    text: str
    channel: str
    reply_thread_ts: str | None
    via: str
    asked_at: datetime
    status: str
    mentors_post_ts: str | None
    answered_by: str | None
    mentor_answer: str | None
    saved_entry_id: int | None


def _pending(question: FaqQuestion) -> Pending:
    return Pending(
        question_id=question.id,
        asker=question.asker,
        text=question.text,
        channel=question.channel,
        reply_thread_ts=question.reply_thread_ts,
        via=question.via,
        asked_at=question.asked_at,
        status=question.status,
        mentors_post_ts=question.mentors_post_ts,
        answered_by=question.answered_by,
        mentor_answer=question.mentor_answer,
        saved_entry_id=question.saved_entry_id,
    )


def _locked(session: Session, question_id: int) -> FaqQuestion | None:
    # FOR UPDATE on PostgreSQL serialises double-clicks; SQLite serialises writers anyway.
    return session.get(FaqQuestion, question_id, with_for_update=True)


def pending(db: Database, question_id: int) -> Pending | None:
    with db.transaction() as session:
        question = repo.get_question(session, question_id)
        return _pending(question) if question is not None else None


class Outcome(StrEnum):
    DONE = "done"
    ALREADY = "already"  # escalated / answered / saved before
    MISSING = "missing"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    pending: Pending | None = None
    entry_id: int | None = None


def escalate(
    db: Database, question_id: int, by: str, now: datetime, post: Callable[[Pending], str]
) -> Result:
    """Send a question to the mentors once; `post` puts it in the mentors channel."""
    with db.transaction() as session:
        question = _locked(session, question_id)
        if question is None:
            return Result(Outcome.MISSING)
        if question.status in ("escalated", "mentor_answered"):
            return Result(Outcome.ALREADY, _pending(question))
        question.status = "escalated"
        question.escalated_at = now
        question.escalated_by = by
        question.mentors_post_ts = post(_pending(question))
        log.info("question escalated question=%d by=%s", question.id, by)
        return Result(Outcome.DONE, _pending(question))


def answer(
    db: Database,
    question_id: int,
    mentor: str,
    text: str,
    now: datetime,
    deliver: Callable[[Pending], None],
) -> Result:
    """The first mentor's answer goes back to the asker (through `deliver`)."""
    with db.transaction() as session:
        question = _locked(session, question_id)
        if question is None:
            return Result(Outcome.MISSING)
        if question.answered_by is not None:
            return Result(Outcome.ALREADY, _pending(question))
        question.status = "mentor_answered"
        question.answered_by = mentor
        question.mentor_answer = text
        question.answered_at = now
        deliver(_pending(question))
        log.info("question answered by a mentor question=%d mentor=%s", question.id, mentor)
        return Result(Outcome.DONE, _pending(question))


def save_to_faq(
    db: Database, question_id: int, fields: EntryFields, by: str, now: datetime
) -> Result:
    """Turn an answered question into an FAQ entry, once."""
    with db.transaction() as session:
        question = _locked(session, question_id)
        if question is None:
            return Result(Outcome.MISSING)
        if question.saved_entry_id is not None:
            return Result(Outcome.ALREADY, _pending(question), question.saved_entry_id)
        entry = repo.add_entry(session, fields, by=by, now=now)
        question.saved_entry_id = entry.id
        repo.bump_revision(session)
        log.info("question saved to the FAQ question=%d entry=%d", question.id, entry.id)
        return Result(Outcome.DONE, _pending(question), entry.id)


def raise_unanswered(db: Database, now: datetime, post: Callable[[Pending], str]) -> int:
    """Raise questions unanswered for a day again, at most once a day each."""
    with db.transaction() as session:
        due = [q.id for q in repo.waiting_for_a_mentor(session, now - RAISE_AGAIN_AFTER)]
    raised = 0
    for question_id in due:
        with db.transaction() as session:
            question = _locked(session, question_id)
            if question is None or question.status != "escalated":
                continue
            last = question.last_raised_at or question.escalated_at
            if last is not None and last > now - RAISE_AGAIN_AFTER:
                continue  # another process raised it meanwhile
            question.mentors_post_ts = post(_pending(question))
            question.last_raised_at = now
            raised += 1
    return raised
