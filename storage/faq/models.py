"""The FAQ: entries, the questions people asked, their votes, and a revision counter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class FaqEntry(Base):
    """One FAQ entry. `alternatives` holds one phrasing per line, `tags` one tag per comma."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    alternatives: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(String(400), default="")
    last_edited_by: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    verified_at: Mapped[datetime | None] = mapped_column(default=None)
    times_used: Mapped[int] = mapped_column(default=0)
    helpful_count: Mapped[int] = mapped_column(default=0)
    not_helpful_count: Mapped[int] = mapped_column(default=0)


class FaqState(Base):
    """A single row: bumped on every FAQ change so each process knows to rebuild its matcher.

    Its existence also means "the starter FAQ was loaded once": an FAQ emptied on purpose
    is not refilled.
    """

    __tablename__ = "faq_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(default=0)
    seeded_at: Mapped[datetime]


class FaqQuestion(Base):
    """A question someone asked, claimed once per Slack message (channel, ts).

    Slack can deliver one message as several events (message.im and app_mention for a
    DM mention, each with its own event id); the unique (channel, message_ts) makes sure
    only one of them is answered.
    """

    __tablename__ = "faq_questions"
    __table_args__ = (UniqueConstraint("channel", "message_ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(80))
    # Where replies go: the thread root, or None for a top-level DM reply.
    reply_thread_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    asker: Mapped[str] = mapped_column(String(32), index=True)
    text: Mapped[str] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(12))  # dm, mention, channel, command
    asked_at: Mapped[datetime]
    # answered (FAQ entry given), unknown (no entry), silent (channel, not confident),
    # escalated (sent to mentors), mentor_answered.
    status: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("faq_entries.id", ondelete="SET NULL"), default=None
    )
    confidence: Mapped[float | None] = mapped_column(default=None)
    reply_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    # The entries the bot offered on this question (its answer, or its "did you mean"
    # suggestions), comma-separated: votes and "Show answer" are taken only for these.
    offered_entries: Mapped[str] = mapped_column(String(200), default="")
    escalated_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    escalated_by: Mapped[str | None] = mapped_column(String(32), default=None)
    mentors_post_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    # Set when the mentors' post must show the answer and "Save to FAQ"; cleared once it
    # does. Slack may refuse the update after the asker already has the answer, so the
    # tick tries again (a fresh post if the old one can't be updated).
    mentors_post_due_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    last_raised_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_by: Mapped[str | None] = mapped_column(String(32), default=None)
    mentor_answer: Mapped[str | None] = mapped_column(Text, default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    saved_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("faq_entries.id", ondelete="SET NULL"), default=None
    )


    def offered(self) -> frozenset[int]:
        return frozenset(int(part) for part in self.offered_entries.split(",") if part)

    def offer(self, *entry_ids: int) -> None:
        ordered = [*sorted(self.offered()), *entry_ids]
        self.offered_entries = ",".join(str(i) for i in dict.fromkeys(ordered))


class FaqVote(Base):
    """One vote per person per entry; a person may change their mind."""

    __tablename__ = "faq_votes"
    __table_args__ = (UniqueConstraint("entry_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entries.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    helpful: Mapped[bool]
    voted_at: Mapped[datetime]


class FaqWording(Base):
    """A wording an asker found helpful (or not) for an entry, waiting for review.

    Learned wordings route questions only once confirmed by a second, independent asker
    or approved by an FAQ editor: then they become one of the entry's phrasings. A
    dropped wording is remembered so it is never proposed again; an "unhelpful" one keeps
    that entry down for those words.
    """

    __tablename__ = "faq_wordings"
    __table_args__ = (UniqueConstraint("entry_id", "wording_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("faq_entries.id", ondelete="CASCADE"))
    wording: Mapped[str] = mapped_column(Text)
    wording_key: Mapped[str] = mapped_column(String(300), index=True)
    # waiting, confirmed (a second asker), approved or dropped (an editor), unhelpful.
    status: Mapped[str] = mapped_column(String(12), index=True)
    learned_from: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    confirmed_by: Mapped[str | None] = mapped_column(String(32), default=None)
    decided_by: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
