"""Welcome DMs for people joining the club channel (member_joined_channel)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from bot.deps import CONTEXT_KEY, Deps
from bot.encouragement import welcome
from handlers.commands import CommandRouter
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.welcome")


def register(wire: Wiring, router: CommandRouter) -> None:
    @wire.event("member_joined_channel")
    def on_member_joined(event: dict[str, Any], context: BoltContext) -> None:
        deps: Deps = context[CONTEXT_KEY]
        user_id = event.get("user")
        if not user_id or user_id == context.bot_user_id:
            return
        result = welcome.welcome(deps, user_id, event.get("channel", ""),
                                 wire.next_meeting)
        log.info("member joined user=%s channel=%s result=%s", user_id, event.get("channel"),
                 result)
