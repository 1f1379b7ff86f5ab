"""Unanswered questions and the mentors: escalate, answer, save to the FAQ, raise again.

What the mentors and the asker are told (the mentors-channel post, the mentor's
answer) is written to the outbox through callbacks called inside the transaction, so
it is sent after, and only if, the state change committed. Updating the mentors' post
(chat.update) stays a direct call, retried here through mentors_post_due_at.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.delivery import deliverer
from bot.delivery.deliverer import Job, Posted
from bot.faq.fields import EntryFields
from storage.db import Database
from storage.faq import queries as repo
from storage.faq.models import FaqQuestion

log = logging.getLogger("clubbot.faq")

RAISE_AGAIN_AFTER = timedelta(days=1)
# When Slack refuses to show a mentor's answer in the mentors channel, try again this
# much later (not every tick: a channel the bot was removed from fails every time).
RETRY_SHOW_AFTER = timedelta(minutes=1)
# Outbox purpose of a question's post in the mentors channel (ref: the question id).
MENTORS_POST = "faq.mentors_post"

# fn(session, pending): write the message to the outbox, in the caller's transaction.
Enqueue = Callable[[Session, "Pending"], None]


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

    @property
    def escalated(self) -> bool:
        """Put to the mentors: only then may a mentor see it and answer it."""
        return self.status in ("escalated", "mentor_answered")


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
    NOT_YOURS = "not_yours"  # only the asker escalates their question
    NOT_WAITING = "not_waiting"  # not put to the mentors (answer), or unanswered (save)


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    pending: Pending | None = None
    entry_id: int | None = None


def _change_once(
    db: Database,
    question_id: int,
    already: Callable[[FaqQuestion], bool],
    change: Callable[[Session, FaqQuestion], int | None],
    refuse: Callable[[FaqQuestion], Outcome | None] = lambda _question: None,
) -> Result:
    """Lock the question; refuse when `refuse` names why or `already` holds, else apply
    `change` (which may return an entry id) in the same transaction."""
    with db.transaction() as session:
        question = _locked(session, question_id)
        if question is None:
            return Result(Outcome.MISSING)
        refused = refuse(question)
        if refused is not None:
            return Result(refused, _pending(question))
        if already(question):
            return Result(Outcome.ALREADY, _pending(question), question.saved_entry_id)
        entry_id = change(session, question)
        return Result(Outcome.DONE, _pending(question), entry_id)


def escalate(db: Database, question_id: int, by: str, now: datetime, post: Enqueue) -> Result:
    """Send a question to the mentors once; `post` queues it for the mentors channel
    (its ts is noted when it is sent, see _note_mentors_post)."""

    def send(session: Session, question: FaqQuestion) -> None:
        question.status = "escalated"
        question.escalated_at = now
        question.escalated_by = by
        post(session, _pending(question))
        log.info("question escalated question=%d by=%s", question.id, by)

    return _change_once(
        db, question_id, lambda q: q.status in ("escalated", "mentor_answered"), send,
        refuse=lambda q: Outcome.NOT_YOURS if q.asker != by else None,
    )


def answer(
    db: Database,
    question_id: int,
    mentor: str,
    text: str,
    now: datetime,
    deliver: Enqueue,
) -> Result:
    """The first mentor's answer goes back to the asker (through `deliver`); the mentors'
    post is then due to show it (see `show_answer_to_mentors`)."""

    def record(session: Session, question: FaqQuestion) -> None:
        question.status = "mentor_answered"
        question.answered_by = mentor
        question.mentor_answer = text
        question.answered_at = now
        question.mentors_post_due_at = now
        deliver(session, _pending(question))
        log.info("question answered by a mentor question=%d mentor=%s", question.id, mentor)

    return _change_once(
        db, question_id, lambda q: q.answered_by is not None, record,
        refuse=lambda q: None if _pending(q).escalated else Outcome.NOT_WAITING,
    )


def show_answer_to_mentors(
    db: Database, question_id: int, now: datetime, show: Callable[[Pending], str | None]
) -> bool:
    """Bring the mentors' post up to date with the answer and its "Save to FAQ" button.

    `show` updates the post (or posts a fresh one) and returns its ts, or None when Slack
    refused: then it is due again after RETRY_SHOW_AFTER, so the button is never lost.
    """
    with db.transaction() as session:
        question = _locked(session, question_id)
        if question is None or question.mentors_post_due_at is None:
            return False  # done meanwhile (another process, or the immediate attempt)
        ts = show(_pending(question))
        if ts is None:
            question.mentors_post_due_at = now + RETRY_SHOW_AFTER
            return False
        question.mentors_post_ts = ts
        question.mentors_post_due_at = None
        return True


def show_due_answers_to_mentors(
    db: Database, now: datetime, show: Callable[[Pending], str | None]
) -> int:
    """Retry the mentors' posts that still don't show their answer; how many now do."""
    with db.transaction() as session:
        due = [q.id for q in repo.mentors_posts_due(session, now)]
    return sum(show_answer_to_mentors(db, question_id, now, show) for question_id in due)


def save_to_faq(
    db: Database, question_id: int, fields: EntryFields, by: str, now: datetime
) -> Result:
    """Turn an answered question into an FAQ entry, once."""

    def save(session: Session, question: FaqQuestion) -> int:
        entry = repo.add_entry(session, fields, by=by, now=now)
        question.saved_entry_id = entry.id
        repo.bump_revision(session)
        log.info("question saved to the FAQ question=%d entry=%d", question.id, entry.id)
        return entry.id

    return _change_once(
        db, question_id, lambda q: q.saved_entry_id is not None, save,
        refuse=lambda q: None if q.mentor_answer else Outcome.NOT_WAITING,
    )


def raise_unanswered(db: Database, now: datetime, post: Enqueue) -> int:
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
            post(session, _pending(question))
            question.last_raised_at = now
            raised += 1
    return raised


def _note_mentors_post(session: Session, job: Job, posted: Posted) -> None:
    """The mentors' post went out: remember it, to update it with the answer later."""
    question = session.get(FaqQuestion, int(job.ref or 0))
    if question is not None:
        question.mentors_post_ts = posted.ts


deliverer.on_sent(MENTORS_POST, _note_mentors_post)
