"""How mentoring's use cases are told what to say, and what follows their commit.

Their messages are outbox rows already (bot.mentoring.messages); after commit this sends
them at once (rather than at the next tick), then does what is direct by nature: offer
DMs updated in place (chat.update) and App Homes refreshed, last, so a Home shows the
pairing as it stands.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.mentoring.messages import Said
from handlers.home.listeners import refresh_home
from handlers.mentoring import views

log = logging.getLogger("clubbot.mentoring")


def said_for(deps: Deps) -> Said:
    return Said(views.VIEWS, deps.settings.mentors_channel)


def finish(deps: Deps, said: Said, *, deliver: bool = True) -> None:
    """`deliver=False` for the tick, whose last task delivers the outbox anyway: a third
    deliverer run per tick is a third pass over every paced row waiting."""
    if deliver:
        deps.deliver()
    for offer in said.closed:
        if not (offer.channel_id and offer.message_ts):
            continue  # its DM never landed (or not yet): nothing to update
        text = views.offer_closed_text(offer.why, offer.mentee_id, deps.settings.offer_timeout)
        try:
            deps.client.chat_update(
                channel=offer.channel_id, ts=offer.message_ts, text=text,
                blocks=[views.section(text)],
            )  # fmt: skip
        except SlackApiError as error:
            error_code = error.response.get("error")
            log.warning("offer DM not updated offer=%s error=%s", offer.offer_id, error_code)
    for user_id in dict.fromkeys(said.homes):
        refresh_home(deps, user_id, only_if_changed=True)
