"""The FAQ's answer leaves through the outbox: written with the question, sent right after
commit, retried when Slack is busy, never twice, and never with the database held."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from bot.emulator.calls import ApiCall
from bot.faq import asking
from bot.local import NINA, SAM, LocalClub
from storage.delivery.models import Delivery
from storage.faq.models import FaqEntry, FaqQuestion
from storage.path.models import PathStepReached

WAIT = 10.0


def answers(club: LocalClub, user: str) -> list[dict[str, Any]]:
    """The bot's posts that Slack took in the person's DM."""
    channel = club.dm_channel(user)
    return [
        call.args for call in club.emulator.calls_to("chat.postMessage")
        if call.ok and call.args.get("channel") == channel
    ]


def attempts(club: LocalClub, user: str) -> int:
    channel = club.dm_channel(user)
    return sum(c.args.get("channel") == channel for c in club.emulator.calls_to("chat.postMessage"))


def stored(club: LocalClub) -> tuple[list[FaqQuestion], list[Delivery], int]:
    """The questions, the FAQ answers' outbox rows, and how often entries were used."""
    assert club.db is not None
    with club.db.transaction() as session:
        questions = list(session.query(FaqQuestion).order_by(FaqQuestion.id))
        rows = list(session.query(Delivery).filter(Delivery.purpose == asking.ANSWER))
        used = sum(e.times_used for e in session.query(FaqEntry))
        return questions, rows, used


def test_the_answer_is_an_outbox_row_sent_once_right_away(club: LocalClub) -> None:
    first = club.dm(NINA.user_id, "how do I start a blog?")
    (reply,) = answers(club, NINA.user_id)
    assert "blog" in reply["text"].lower()
    (question,), (row,), used = stored(club)
    assert row.status == "sent" and row.recipient == club.dm_channel(NINA.user_id)
    assert row.delivery_key == f"{asking.ANSWER}:{question.channel}:{question.message_ts}"
    assert question.reply_ts == row.ts and used == 1
    # Replayed events and later ticks say nothing more.
    club.redeliver(first, retry_num=1)
    club.advance(timedelta(minutes=2))
    assert len(answers(club, NINA.user_id)) == 1
    assert len(stored(club)[0]) == 1


def test_a_slack_5xx_on_the_answer_is_retried_and_delivered_once(club: LocalClub) -> None:
    club.emulator.fail_next("chat.postMessage", "internal_error", status=500)
    club.dm(NINA.user_id, "how do I start a blog?")
    assert answers(club, NINA.user_id) == []  # Slack refused; no apology, nothing lost
    (question,), (row,), used = stored(club)
    assert question.status == "answered" and row.status == "pending" and used == 1
    assert row.last_error == "internal_error"
    club.advance(timedelta(minutes=1))  # the deliverer's backoff (30 s), at the tick
    club.advance(timedelta(minutes=5))
    (reply,) = answers(club, NINA.user_id)
    assert "faq_helpful" in str(reply["blocks"])
    assert attempts(club, NINA.user_id) == 2
    (question,), (row,), used = stored(club)
    assert row.status == "sent" and question.reply_ts == row.ts and used == 1
    assert club.emulator.messages(club.dm_channel(NINA.user_id))[-1]["ts"] == row.ts
    # The path step was taken once, with the question.
    assert club.db is not None
    with club.db.transaction() as session:
        assert session.query(PathStepReached).filter_by(step="first_question").count() == 1


def test_a_429_on_the_answer_waits_retry_after_and_is_delivered_once(club: LocalClub) -> None:
    club.emulator.rate_limit_next("chat.postMessage", retry_after=3)
    club.dm(SAM.user_id, "how can I find a mentor?")
    assert answers(club, SAM.user_id) == []
    club.advance(timedelta(seconds=2), step=timedelta(seconds=1))
    assert answers(club, SAM.user_id) == []  # Slack said 3 s
    club.advance(timedelta(seconds=2), step=timedelta(seconds=1))
    assert len(answers(club, SAM.user_id)) == 1
    club.advance(timedelta(minutes=10))
    assert len(answers(club, SAM.user_id)) == 1 and attempts(club, SAM.user_id) == 2


def test_an_answer_slack_can_never_take_is_tried_once_and_not_counted(club: LocalClub) -> None:
    club.emulator.fail_next("chat.postMessage", "channel_not_found")
    club.dm(NINA.user_id, "how do I start a blog?")
    club.advance(timedelta(hours=2), step=timedelta(minutes=10))
    assert attempts(club, NINA.user_id) == 1
    _, (row,), used = stored(club)
    assert row.status == "failed" and used == 0
    # Asking again is a new message, answered as usual.
    club.dm(NINA.user_id, "how do I start a blog?")
    assert len(answers(club, NINA.user_id)) == 1


def test_the_database_is_free_while_an_answer_is_being_posted(club: LocalClub) -> None:
    """Slack takes its time over Nina's answer: Sam's DM is answered meanwhile, which it
    could not be if Nina's transaction held SQLite's write lock across the post."""
    nina, sam = club.dm_channel(NINA.user_id), club.dm_channel(SAM.user_id)
    nina_posting, release, sam_answered = threading.Event(), threading.Event(), threading.Event()

    def slow_for_nina(call: ApiCall) -> None:
        if call.method != "chat.postMessage":
            return
        if call.args.get("channel") == nina and not nina_posting.is_set():
            nina_posting.set()
            release.wait(WAIT)  # Slack has it; its answer to the bot is slow
        elif call.args.get("channel") == sam:
            sam_answered.set()

    club.emulator.on_call = slow_for_nina
    try:
        club.sender.message(NINA.user_id, "how do I start a blog?", nina, channel_type="im")
        assert nina_posting.wait(WAIT)
        club.sender.message(SAM.user_id, "how can I find a mentor?", sam, channel_type="im")
        assert sam_answered.wait(WAIT), "Sam waited for Nina's answer to reach Slack"
    finally:
        release.set()
        club.emulator.on_call = None
    club.settle()
    assert len(answers(club, NINA.user_id)) == 1 and len(answers(club, SAM.user_id)) == 1
    assert {row.status for row in stored(club)[1]} == {"sent"}


def test_pressing_the_same_did_you_mean_twice_answers_once(club: LocalClub) -> None:
    club.dm(NINA.user_id, "what is the wifi password for the blog meeting room")
    unknown = club.last_reply()
    club.press(NINA.user_id, unknown, "faq_suggestion")
    club.press(NINA.user_id, unknown, "faq_suggestion")
    club.advance(timedelta(minutes=2))
    posted = answers(club, NINA.user_id)
    assert len(posted) == 2  # the "I don't know" and one answer
    assert "faq_helpful" in str(posted[-1]["blocks"])
    assert stored(club)[2] == 1
