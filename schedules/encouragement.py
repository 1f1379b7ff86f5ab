"""Due work for encouragement nudges: planned at most every 10 minutes (see
bot.encouragement.nudges.PLAN_EVERY), so each nudge goes out early in the person's
local working day."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.encouragement import due as nudges_due
from bot.encouragement import nudges, welcome
from handlers.encouragement.views.nudges import nudge_message

log = logging.getLogger("clubbot.encouragement")


def send_due_nudges(deps: Deps) -> None:
    nudges.tick(deps, nudge_message)


# --- at start: the club channel's members have joined ---------------------------------------
# People in the club channel before clubbot was have "joined" ticked from Slack's
# conversations.members, so no nudge ever asks them to join.

PAGE = 500
MAX_MEMBERS = 20_000  # a bound on what one start reads


def club_channel_members(deps: Deps) -> list[str] | None:
    """Everyone in the club channel but the bot, or None when Slack could not say."""
    channel = deps.settings.club_channel
    if not channel:
        return None
    found: list[str] = []
    cursor = None
    try:
        me = str(deps.client.auth_test().get("user_id") or "")
        while len(found) < MAX_MEMBERS:
            kwargs: dict[str, object] = {"channel": channel, "limit": PAGE}
            if cursor:
                kwargs["cursor"] = cursor
            page = deps.client.conversations_members(**kwargs)
            found += [str(u) for u in page.get("members") or [] if str(u) != me]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    except SlackApiError as error:
        log.warning("club channel members not read error=%s", error.response.get("error"))
        return None
    return found[:MAX_MEMBERS]


def mark_channel_members_joined(deps: Deps) -> int:
    """Run once at start (`clubbot run`); a failure is logged and the bot starts anyway."""
    people = club_channel_members(deps)
    return welcome.mark_joined(deps, people) if people else 0


def next_due(deps: Deps) -> datetime | None:
    """When the nudge planner next could send something (the local club's clock jumps)."""
    return nudges_due.next_due(deps.db, deps.clock.now(), nudges.policy_for(deps.settings))
