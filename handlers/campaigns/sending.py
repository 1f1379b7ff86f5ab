"""DMs to the person acting's audience from a request, after its use case committed:
"the launch moved" and "called off" to those who joined. Invitations, go-live DMs and
the roundup go through the shared outbox instead (schedules/campaigns.py). Nothing
here runs inside a database transaction.
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
