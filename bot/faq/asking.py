"""Asking the FAQ: decide, claim the message once, put the answer in the outbox, count
it; and votes.

The answer to a question asked in a conversation (a DM, a mention, the club channel) is
an outbox row written in the transaction that claims the question, under a key that
names the message asked: the handler sends it right after commit (Deps.deliver), the tick
sends it if that fails or the process dies first, and a replayed event finds the claim
taken and says nothing. No Slack call happens while the transaction holds the database.
An ephemeral answer (`/club ask`, a button on an ephemeral answer) is returned for the
handler to send after commit: it answers the person acting now (README, "One way out").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.delivery import deliverer, outbox
from bot.delivery.deliverer import Job, Posted
from bot.faq import learning
from bot.faq.fields import one_line
from bot.faq.index import index_for
from bot.faq.learning import Learned
from bot.faq.match import Decision, FaqMatcher
from bot.faq.small_talk import is_question, without_small_talk
from storage.db import Database
from storage.faq import queries as repo
from storage.faq.models import FaqEntry, FaqQuestion
from storage.faq.wordings import wording_key
from storage.path.queries import record_step

log = logging.getLogger("clubbot.faq")

SUGGESTIONS_MAX = 3
# An answered question's runners-up offered as "Related": at least this share of the best
# entry's confidence (and this much in absolute terms), so only genuinely close ones.
RELATED_MAX = 2
RELATED_SHARE = 0.5
RELATED_MIN_CONFIDENCE = 0.15
# Below this share of the FAQ's answer threshold a "did you mean" is a guess on one shared
# word ("where is the cafeteria" -> "where are the guidelines"): better no suggestion than
# an odd one. A share, not a confidence: the confidence scale moves whenever the matcher is
# refitted and the threshold is fitted per FAQ (0.05 at the 0.32 it was first set against).
SUGGESTION_MIN_SHARE = 0.05 / 0.32
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
# What a question may cost: longer text is clipped before it is stored or matched. A real
# question is a sentence or three; 40 000 characters of one word is not one (README, Security).
ASKED_MAX_CHARS = 1000
# Outbox purposes: the answer to a question, and a "did you mean" entry's answer.
ANSWER = "faq.answer"
SUGGESTED = "faq.suggested"


@dataclass(frozen=True)
class Asked:
    channel: str
    message_ts: str
    reply_thread_ts: str | None
    asker: str
    text: str
    via: str  # dm, mention, channel, command


@dataclass(frozen=True)
class Suggestion:
    entry_id: int
    question: str


@dataclass(frozen=True)
class Reply:
    """What to say: the entry's answer, or "I don't know yet" with suggestions."""

    question_id: int
    asker: str
    channel: str
    reply_thread_ts: str | None
    answered: bool
    entry_id: int | None = None
    entry_question: str = ""
    answer: str = ""
    confidence: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()  # "did you mean", when not answered
    related: tuple[Suggestion, ...] = ()  # close runners-up of the answer given
    # The outbox row that carries it (None: the caller answers ephemerally itself).
    delivery_key: str | None = None


# The reply as a Slack message: (text, blocks). Given by the handler, which owns Block Kit.
Render = Callable[[Reply], tuple[str, list[dict[str, Any]]]]


def question_text(text: str) -> str:
    """The question as asked, without mentions of the bot and extra spaces, clipped to
    `ASKED_MAX_CHARS` (at a space when there is one near the end)."""
    text = one_line(_MENTION.sub(" ", (text or "")[: ASKED_MAX_CHARS * 4]))
    if len(text) <= ASKED_MAX_CHARS:
        return text
    cut = text[:ASKED_MAX_CHARS]
    space = cut.rfind(" ", ASKED_MAX_CHARS - 100)
    return cut[:space] if space > 0 else cut


def decide(
    matcher: FaqMatcher, question: str, demoted: Mapping[str, frozenset[int]] | None = None
) -> Decision:
    """The matcher's decision on the question itself: "Hi! ... thanks" left out, and
    without the entries an asker found not helpful for these very words."""
    asked = without_small_talk(question)
    decision = matcher.decide(asked)
    down = (demoted or {}).get(wording_key(asked))
    if not down:
        return decision
    candidates = tuple(c for c in decision.candidates if c.entry_id not in down)
    best = candidates[0] if candidates else None
    return Decision(best is not None and best.confidence >= matcher.threshold, best, candidates)


def ask(db: Database, asked: Asked, now: datetime, render: Render | None) -> Reply | None:
    """Answer a question once per message. None when it was already claimed, or when a
    channel question was not confident enough (then the bot stays silent). With `render`
    the reply is put in the outbox, to be sent where it was asked (`Reply.delivery_key`);
    without, the caller says it (ephemerally) after commit."""
    snapshot = index_for(db).current(now)
    decision = decide(snapshot.matcher, asked.text, snapshot.demoted)
    best = decision.best
    # In scope first: some entry answers it. In the club channel the bot replies to
    # questions in scope and leaves conversation ("I just started a blog!") alone.
    answered = decision.answered and (asked.via != "channel" or is_question(asked.text))
    status = "answered" if answered else ("silent" if asked.via == "channel" else "unknown")
    try:
        with db.transaction() as session:
            question = repo.claim_question(
                session,
                FaqQuestion(
                    channel=asked.channel,
                    message_ts=asked.message_ts,
                    reply_thread_ts=asked.reply_thread_ts,
                    asker=asked.asker,
                    text=asked.text,
                    via=asked.via,
                    asked_at=now,
                    status=status,
                    entry_id=best.entry_id if answered and best else None,
                    confidence=best.confidence if best else None,
                ),
            )
            if status == "silent":
                # Channel chatter the bot stayed out of: not a question put to it.
                log.info("channel question left alone question=%d", question.id)
                return None
            record_step(session, asked.asker, "first_question", now)
            entry = repo.get_entry(session, best.entry_id) if answered and best else None
            if answered and entry is None:
                # Removed while a large FAQ's index was being rebuilt: not an answer now.
                answered, question.status, question.entry_id = False, "unknown", None
            reply = _reply(question, answered, best.confidence if best else 0.0)
            if entry is not None:
                related = tuple(
                    r for r in _related(decision, snapshot.questions)
                    if repo.get_entry(session, r.entry_id) is not None
                )
                reply = replace(_used(reply, entry), related=related)
                question.offer(entry.id, *(r.entry_id for r in related))
            else:
                suggestions = tuple(
                    s for s in _suggestions(decision, snapshot.questions,
                                            snapshot.matcher.threshold)
                    if repo.get_entry(session, s.entry_id) is not None
                )
                reply = replace(reply, suggestions=suggestions)
                question.offer(*(suggestion.entry_id for suggestion in reply.suggestions))
            if render is not None:
                key = f"{ANSWER}:{asked.channel}:{asked.message_ts}"
                _enqueue(session, reply, render, key, ANSWER, now)
                reply = replace(reply, delivery_key=key)
            log.info(
                "question answered=%s question=%d entry=%s confidence=%.3f",
                answered, question.id, reply.entry_id, reply.confidence,
            )
            return reply
    except IntegrityError:
        log.info("question already handled channel=%s ts=%s", asked.channel, asked.message_ts)
        return None


def _reply(question: FaqQuestion, answered: bool, confidence: float = 0.0) -> Reply:
    return Reply(
        question_id=question.id,
        asker=question.asker,
        channel=question.channel,
        reply_thread_ts=question.reply_thread_ts,
        answered=answered,
        confidence=confidence,
    )


def _with_answer(reply: Reply, entry: FaqEntry) -> Reply:
    return replace(reply, entry_id=entry.id, entry_question=entry.question, answer=entry.answer)


def _used(reply: Reply, entry: FaqEntry) -> Reply:
    """The reply carries this entry's answer, and the entry counts one more use."""
    entry.times_used += 1
    return _with_answer(reply, entry)


def _enqueue(
    session: Session, reply: Reply, render: Render, key: str, purpose: str, now: datetime
) -> bool:
    """The reply as an outbox row, in the conversation (and thread) it answers; False
    when that key is there already. Not unsolicited: the person asked."""
    text, blocks = render(reply)
    return outbox.enqueue(
        session,
        reply.channel,
        key,
        outbox.Message(text, blocks, thread_ts=reply.reply_thread_ts),
        now=now,
        purpose=purpose,
        ref=f"{reply.question_id}:{reply.entry_id or ''}",
    )


def _ref(job: Job) -> tuple[int, int | None]:
    question, _, entry = (job.ref or "").partition(":")
    return int(question or 0), int(entry) if entry else None


def _answer_sent(session: Session, job: Job, posted: Posted) -> None:
    """Where the answer landed, on its question."""
    question = repo.get_question(session, _ref(job)[0])
    if question is not None:
        question.reply_ts = posted.ts


def _answer_not_sent(session: Session, job: Job, _error: str) -> None:
    """Slack never took the answer: the entry's use is not counted (as before it went
    through the outbox, when a refused post rolled the count back)."""
    entry_id = _ref(job)[1]
    entry = repo.get_entry(session, entry_id) if entry_id is not None else None
    if entry is not None and entry.times_used > 0:
        entry.times_used -= 1


deliverer.on_sent(ANSWER, _answer_sent)
deliverer.on_failed(ANSWER, _answer_not_sent)
deliverer.on_failed(SUGGESTED, _answer_not_sent)


def _suggestions(
    decision: Decision, questions: dict[int, str], threshold: float
) -> tuple[Suggestion, ...]:
    floor = SUGGESTION_MIN_SHARE * threshold
    return tuple(
        Suggestion(c.entry_id, questions[c.entry_id])
        for c in decision.candidates[:SUGGESTIONS_MAX]
        if c.entry_id in questions and c.confidence >= floor
    )


def _related(decision: Decision, questions: dict[int, str]) -> tuple[Suggestion, ...]:
    """Which one? The answer is the best entry; runners-up nearly as confident are offered
    beside it, so an ambiguous question still finds its entry in one press."""
    if decision.best is None:
        return ()
    floor = max(RELATED_MIN_CONFIDENCE, RELATED_SHARE * decision.best.confidence)
    return tuple(
        Suggestion(c.entry_id, questions[c.entry_id])
        for c in decision.candidates[1 : 1 + RELATED_MAX]
        if c.entry_id in questions and c.confidence >= floor
    )


class Refusal(StrEnum):
    """Why a button on an answer was not taken: it names a question that is gone, was
    pressed by someone other than the asker, or names an entry not offered there."""

    MISSING = "missing"
    NOT_ASKER = "not_asker"
    NOT_OFFERED = "not_offered"


def _offered_to(
    session: Session, question_id: int, entry_id: int, presser: str
) -> tuple[FaqQuestion, FaqEntry] | Refusal:
    """The question and entry a button names, if the presser asked that question and the
    bot offered that entry on it."""
    question = repo.get_question(session, question_id)
    if question is None:
        return Refusal.MISSING
    if question.asker != presser:
        return Refusal.NOT_ASKER
    if entry_id not in question.offered():
        return Refusal.NOT_OFFERED
    entry = repo.get_entry(session, entry_id)
    return (question, entry) if entry is not None else Refusal.MISSING


def suggested_answer(
    db: Database, question_id: int, entry_id: int, presser: str, now: datetime,
    render: Render | None,
) -> Reply | Refusal:
    """The asker pressed a "did you mean" button: that entry's answer, counted once used.
    With `render` it goes to the outbox, to the question's conversation, once per entry
    (a second press finds it there); without, the caller says it ephemerally."""
    with db.transaction() as session:
        found = _offered_to(session, question_id, entry_id, presser)
        if isinstance(found, Refusal):
            return found
        question, entry = found
        reply = _reply(question, answered=True)
        if render is None:
            return _used(reply, entry)
        key = f"{SUGGESTED}:{question.channel}:{question.message_ts}:{entry.id}"
        shown = replace(_with_answer(reply, entry), delivery_key=key)
        if _enqueue(session, shown, render, key, SUGGESTED, now):
            entry.times_used += 1
        return shown


@dataclass(frozen=True)
class VoteOutcome:
    found: bool
    helpful: bool
    changed: bool  # False when the person pressed the same button again
    learned: Learned = Learned.NOTHING
    is_asker: bool = False


def vote(
    db: Database, question_id: int, entry_id: int, user_id: str, helpful: bool, now: datetime
) -> VoteOutcome | Refusal:
    """The asker's vote on an entry the bot offered them, changeable. Their wording is
    proposed for that entry (Helpful) or keeps it down (Not helpful); see bot.faq.learning."""
    with db.transaction() as session:
        found = _offered_to(session, question_id, entry_id, user_id)
        if isinstance(found, Refusal):
            return found
        question, entry = found
        previous = repo.vote(session, entry, user_id, helpful, now)
        wording = without_small_talk(question_text(question.text))
        learned = learning.on_vote(session, entry, wording, user_id, helpful, now)
        return VoteOutcome(True, helpful, previous != helpful, learned, True)
