"""Welcome DMs for people joining the club channel (member_joined_channel), and
"joined" ticked for people seen talking in it who were there before clubbot was."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from bot import events
from bot.deps import CONTEXT_KEY, Deps
from bot.encouragement import welcome
from handlers.commands import CommandRouter
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.welcome")


def _reply_in_the_club_channel(event: dict[str, Any], context: BoltContext) -> bool:
    """A person's thread reply in the club channel. (Top-level messages there are the
    FAQ's, which notes the person itself; a mention is an app_mention.)"""
    deps: Deps = context[CONTEXT_KEY]
    return (
        bool(event.get("user"))
        and not event.get("bot_id")
        and event.get("user") != context.bot_user_id
        and event.get("subtype") is None
        and bool(event.get("thread_ts"))
        and event.get("channel") == deps.settings.club_channel
    )


def register(wire: Wiring, router: CommandRouter) -> None:
    # On first sight: if the channel's member list could not be read at start (or they
    # never sent member_joined_channel), talking in the channel shows they are in it.
    @wire.event("message", matchers=[_reply_in_the_club_channel])
    def on_reply_in_the_club_channel(event: dict[str, Any], context: BoltContext) -> None:
        deps: Deps = context[CONTEXT_KEY]
        events.touch_member(deps.db, event["user"], deps.clock.now(), in_club_channel=True)

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
