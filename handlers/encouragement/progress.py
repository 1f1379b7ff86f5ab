"""`/club progress`: my path with tick buttons; organisers record steps and see the club."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.content import escape_mrkdwn
from bot.content.path import step
from bot.deps import CONTEXT_KEY, Deps
from bot.encouragement import nudges, progress
from bot.encouragement.progress import TickResult
from bot.roles.policy import Action
from handlers import ids
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.encouragement.views.nudges import nudge_message
from handlers.encouragement.views.progress import (
    distribution_blocks,
    distribution_text,
    progress_blocks,
    progress_text,
)
from handlers.parsing import user_mentions
from handlers.wiring import Wiring

GROUP = "Your progress"
RECORD_USAGE = "progress record @member course"


def register(wire: Wiring, router: CommandRouter) -> None:
    router.add(Subcommand("progress", "progress", "where you are on the path", _show, group=GROUP))
    router.add(
        Subcommand(
            "progress record",
            RECORD_USAGE,
            "record a member's course or certification",
            _record,
            Action.MANAGE_CLUB,
            GROUP,
        )
    )
    router.add(
        Subcommand(
            "progress club",
            "progress club",
            "the club's distribution along the path",
            _club,
            Action.SEE_REPORTS,
            GROUP,
        )
    )

    @wire.action(re.compile(ids.PROGRESS_TICK_PATTERN))
    def on_tick(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        deps: Deps = context[CONTEXT_KEY]
        _tick(deps, body, respond)


def _show(call: CommandCall) -> None:
    if call.args.strip():
        call.respond(
            text=f"`/club progress` takes nothing after it (you typed `{_plain(call.args)}`). "
            "It shows your own path.",
            response_type="ephemeral",
        )
        return
    shown = progress.progress_of(call.deps.db, call.user_id)
    call.respond(
        text=progress_text(shown), blocks=progress_blocks(shown), response_type="ephemeral"
    )


def _tick(deps: Deps, body: dict[str, Any], respond: Respond) -> None:
    presser = body["user"]["id"]
    action = body["actions"][0]
    owner, _, key = str(action.get("value", "")).partition(":")
    result = progress.tick_own_step(deps.db, presser, owner, key, deps.clock.now())
    if result is TickResult.NOT_YOURS:
        respond(
            text="That's someone else's path, so only they can tick it. "
            "`/club progress` shows yours.",
            response_type="ephemeral",
            replace_original=False,
        )
        return
    if result in (TickResult.UNKNOWN_STEP, TickResult.NOT_SELF_TICKED):
        respond(
            text="That step can't be ticked by hand. Type `/club progress` for a fresh view.",
            response_type="ephemeral",
            replace_original=False,
        )
        return
    shown = progress.progress_of(deps.db, owner)
    respond(
        text=progress_text(shown),
        blocks=progress_blocks(shown),
        response_type="ephemeral",
        replace_original=True,
    )
    if result is TickResult.TICKED:
        nudges.nudge_now(deps, nudge_message, owner)


def _record(call: CommandCall) -> None:
    mentioned = user_mentions(call.args)
    words = [w for w in call.args.split() if not w.startswith("<")]
    key = progress.organiser_step_key(words[0]) if len(words) == 1 else None
    if len(mentioned) != 1 or key is None:
        call.respond(
            text=f"Tell me whom and what, like `/club {RECORD_USAGE}` (or `certified`), "
            "one person at a time.",
            response_type="ephemeral",
        )
        return
    member = mentioned[0]
    now = call.deps.clock.now()
    added = progress.record_for_member(call.deps.db, call.user_id, member, key, now)
    recorded = step(key)
    if not added:
        call.respond(
            text=f"<@{member}> already has step {recorded.number} ({recorded.title}); "
            "nothing changed.",
            response_type="ephemeral",
        )
        return
    call.respond(
        text=f":white_check_mark: Recorded step {recorded.number} for <@{member}>: "
        f"{recorded.title}.",
        response_type="ephemeral",
    )
    nudges.nudge_now(call.deps, nudge_message, member)


def _club(call: CommandCall) -> None:
    shown = progress.club_distribution(call.deps.db)
    call.respond(
        text=distribution_text(shown), blocks=distribution_blocks(shown), response_type="ephemeral"
    )


def _plain(text: str) -> str:
    return escape_mrkdwn(text).replace("`", "'")[:80]
