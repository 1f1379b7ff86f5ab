"""Posts in the mentors channel, shared by the listeners and the tick's due work."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.delivery import outbox
from bot.faq.mentors import MENTORS_POST, Enqueue, Pending
from handlers.faq import views

log = logging.getLogger("clubbot.faq")


def question_poster(mentors: str, now: datetime, *, raised_again: bool = False) -> Enqueue:
    """Queues a question's post for the mentors (with its Answer button) in the outbox;
    each raise is its own post, so its key says when."""

    def post(session: Session, pending: Pending) -> None:
        text, blocks = views.mentors_post(pending, raised_again=raised_again)
        when = f"raised:{now.isoformat()}" if raised_again else "escalated"
        outbox.enqueue(
            session,
            mentors,
            f"{MENTORS_POST}:{pending.question_id}:{when}",
            outbox.Message(text, blocks),
            now=now,
            purpose=MENTORS_POST,
            ref=str(pending.question_id),
            about="a question for the mentors",
        )

    return post


def answer_shower(client: WebClient, mentors: str) -> Callable[[Pending], str | None]:
    """Shows a mentor's answer and "Save to FAQ" in the mentors channel: updates the
    question's post, or posts afresh when Slack won't update it (deleted, too old, ...).
    Returns the ts showing it, or None when Slack refused both (tried again later)."""

    def show(pending: Pending) -> str | None:
        text, blocks = views.mentors_answered(pending)
        if pending.mentors_post_ts:
            try:
                client.chat_update(channel=mentors, ts=pending.mentors_post_ts, text=text,
                                   blocks=blocks)
                return pending.mentors_post_ts
            except SlackApiError as error:
                log.warning("mentors post not updated question=%d error=%s; posting afresh",
                            pending.question_id, error.response.get("error"))
        try:
            return str(client.chat_postMessage(channel=mentors, text=text, blocks=blocks)["ts"])
        except SlackApiError as error:
            log.warning("mentors post not shown question=%d error=%s; will retry",
                        pending.question_id, error.response.get("error"))
            return None

    return show
