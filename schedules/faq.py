"""Due work for the FAQ: raise questions the mentors left unanswered for a day, show
mentors' answers (with "Save to FAQ") that Slack refused to show at first, and offer
editors the weekly review of entries to verify."""

from __future__ import annotations

import logging
import weakref
from datetime import datetime, timedelta

from bot.deps import Deps
from bot.faq import due as faq_due
from bot.faq import mentors as faq_mentors
from bot.faq import verification
from bot.roles import grants
from handlers.faq import posts as faq_posts
from handlers.faq import verify as faq_verify
from storage.db import Database

log = logging.getLogger("clubbot.faq")


def raise_unanswered_questions(deps: Deps) -> None:
    mentors = deps.settings.mentors_channel
    if mentors is None:
        return
    now = deps.clock.now()
    post = faq_posts.question_poster(mentors, now, raised_again=True)
    raised = faq_mentors.raise_unanswered(deps.db, now, post)
    if raised:
        log.info("unanswered questions raised again count=%d", raised)


def show_answers_to_mentors(deps: Deps) -> None:
    mentors = deps.settings.mentors_channel
    if mentors is None:
        return
    show = faq_posts.answer_shower(deps.client, mentors)
    shown = faq_mentors.show_due_answers_to_mentors(deps.db, deps.clock.now(), show)
    if shown:
        log.info("mentors' answers shown in the mentors channel count=%d", shown)


# Mondays from this hour (UTC) the week's review goes out; one DM per editor per week.
REVIEW_WEEKDAY, REVIEW_HOUR = 0, 9
# Weeks this process already offered, per database: the tick runs every second.
_reviewed: weakref.WeakKeyDictionary[Database, str] = weakref.WeakKeyDictionary()


def offer_weekly_review(deps: Deps) -> None:
    now = deps.clock.now()
    if now.weekday() != REVIEW_WEEKDAY or now.hour < REVIEW_HOUR:
        return
    week = verification.week_of(now)
    if _reviewed.get(deps.db) == week:
        return
    editors = list(dict.fromkeys([*grants.organisers(deps.db), *grants.faq_editors(deps.db)]))
    queued = verification.offer_review(deps.db, now, deps.settings.faq_verify_after, editors,
                                       faq_verify.review_message)
    _reviewed[deps.db] = week
    if queued:
        log.info("weekly FAQ review offered editors=%d", queued)


def next_due(deps: Deps) -> datetime | None:
    """When a question is raised again, an answer shown, or the weekly review offered."""
    now = deps.clock.now()
    review = next_review_at(now, _reviewed.get(deps.db))
    if deps.settings.mentors_channel is None:
        return review
    follow_up = faq_due.next_due(deps.db)
    return review if follow_up is None else min(review, follow_up)


def next_review_at(now: datetime, reviewed_week: str | None) -> datetime:
    """The weekly review's next chance: now on a Monday from REVIEW_HOUR until it went out,
    otherwise the coming Monday at REVIEW_HOUR (UTC)."""
    opens = (now - timedelta(days=now.weekday() - REVIEW_WEEKDAY)).replace(
        hour=REVIEW_HOUR, minute=0, second=0, microsecond=0
    )
    if now < opens:
        return opens
    if now.date() == opens.date() and reviewed_week != verification.week_of(now):
        return now
    return opens + timedelta(days=7)
