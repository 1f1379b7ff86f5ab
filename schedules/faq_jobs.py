"""Due work for the FAQ: raise questions the mentors left unanswered for a day."""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.services import faq_mentors
from bot.services.faq_mentors import Pending
from handlers.views import faq as views

log = logging.getLogger("clubbot.faq")


def raise_unanswered_questions(deps: Deps) -> None:
    mentors = deps.settings.mentors_channel
    if mentors is None:
        return

    def post(pending: Pending) -> str:
        text, blocks = views.mentors_post(pending, raised_again=True)
        return str(deps.client.chat_postMessage(channel=mentors, text=text, blocks=blocks)["ts"])

    raised = faq_mentors.raise_unanswered(deps.db, deps.clock.now(), post)
    if raised:
        log.info("unanswered questions raised again count=%d", raised)
