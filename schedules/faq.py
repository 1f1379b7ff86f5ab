"""Due work for the FAQ: raise questions the mentors left unanswered for a day, and
show mentors' answers (with "Save to FAQ") that Slack refused to show at first."""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.faq import mentors as faq_mentors
from handlers.faq import posts as faq_posts

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
