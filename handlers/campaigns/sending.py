"""The one way campaign messages leave clubbot, always after the use case committed.

Until the shared outbox (bot/delivery) is in place this posts directly; switching to
it is a change here only. Nothing here runs inside a database transaction.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.deps import Deps

log = logging.getLogger("clubbot.campaigns")


def send_dm(
    deps: Deps, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None,
    *, kind: str, unsolicited: bool = True,
) -> bool:
    """DM one person; False when Slack refused (logged) or they asked to be left alone."""
    try:
        sent = deps.notifier.dm(user_id, text, blocks, unsolicited=unsolicited)
    except SlackApiError as error:
        log.warning("campaign %s not sent user=%s error=%s", kind, user_id,
                    error.response.get("error"))
        return False
    if sent is None:
        return False
    log.info("campaign %s sent user=%s", kind, user_id)
    return True


def post_in_channel(deps: Deps, channel: str, text: str, *, kind: str) -> bool:
    try:
        deps.client.chat_postMessage(channel=channel, text=text)
    except SlackApiError as error:
        log.warning("campaign %s not posted channel=%s error=%s", kind, channel,
                    error.response.get("error"))
        return False
    log.info("campaign %s posted channel=%s", kind, channel)
    return True
