"""`/club exclude me`, `/club include me`, `/club forget me` (with confirmation)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk.errors import SlackApiError

from bot.deps import CONTEXT_KEY, Deps
from bot.privacy import choices as privacy
from bot.privacy.choices import ForgetResult
from handlers import ids
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.privacy.views import FORGET_QUESTION, forget_confirmation
from handlers.wiring import ExcludeHook, ForgetHook, IncludeHook, Wiring

log = logging.getLogger("clubbot.privacy")
GROUP = "Privacy"
LAST_ORGANISER = (
    "You're the club's last organiser, so I can't forget you yet: the club needs one. "
    "Make someone else an organiser with `/club organiser add @person`, then try again."
)


def register(wire: Wiring, router: CommandRouter) -> None:
    # Features withdraw what waits for the person (mentoring moves pending offers on) via
    # on_exclude, and catch up on what they held back (mentoring offers what waited) via
    # on_include.
    router.add(Subcommand("exclude", "exclude me", "I'll never contact you unasked",
                          partial(_exclude, hooks=wire.exclude_hooks), group=GROUP))
    router.add(Subcommand("include", "include me", "undo exclude me",
                          partial(_include, hooks=wire.include_hooks), group=GROUP))
    router.add(Subcommand("forget", "forget me", "delete what I know about you", _forget,
                          group=GROUP))

    @wire.action(ids.FORGET_CONFIRM)
    def on_confirm(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        deps: Deps = context[CONTEXT_KEY]
        _confirm(deps, body, respond, wire.forget_hooks)

    @wire.action(ids.FORGET_CANCEL)
    def on_cancel(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if not _own_button(body, respond):
            return
        respond(text="Cancelled: I've kept everything as it was.", replace_original=True,
                response_type="ephemeral")


def _only_me(call: CommandCall, verb: str) -> bool:
    if call.args.strip().lower() == "me":
        return True
    call.respond(
        text=f"It's `/club {verb} me`: you can only decide this for yourself.",
        response_type="ephemeral",
    )
    return False


EXCLUDED = (
    "Done: I won't contact you on my own any more (no welcome, nudges, reminders or "
    "offers). I still answer when you ask me something. `/club include me` undoes this."
)
ALREADY_EXCLUDED = "You're already excluded; nothing changed. `/club include me` undoes it."
INCLUDED = (
    "Welcome back: I may contact you again (nudges follow their own setting, `/club nudges`)."
)
ALREADY_INCLUDED = "You weren't excluded; nothing changed."


def _exclude(call: CommandCall, hooks: Sequence[ExcludeHook]) -> None:
    if _set_excluded(call, "exclude", True, EXCLUDED, ALREADY_EXCLUDED):
        for hook in hooks:  # after the reply, as for `include me`
            hook(call.deps, call.user_id)


def _include(call: CommandCall, hooks: Sequence[IncludeHook]) -> None:
    if _set_excluded(call, "include", False, INCLUDED, ALREADY_INCLUDED):
        for hook in hooks:  # after the reply, as `/club mentor resume` delivers its offers
            hook(call.deps, call.user_id)


def _set_excluded(
    call: CommandCall, verb: str, excluded: bool, changed_text: str, unchanged_text: str
) -> bool:
    """True when this call changed the setting (only one of two at once does)."""
    if not _only_me(call, verb):
        return False
    changed = privacy.set_excluded(call.deps.db, call.user_id, excluded, call.deps.clock.now())
    call.respond(text=changed_text if changed else unchanged_text, response_type="ephemeral")
    return changed


def _forget(call: CommandCall) -> None:
    if not _only_me(call, "forget"):
        return
    if privacy.may_forget(call.deps.db, call.user_id) is ForgetResult.LAST_ORGANISER:
        call.respond(text=LAST_ORGANISER, response_type="ephemeral")
        return
    call.respond(
        text=FORGET_QUESTION, blocks=forget_confirmation(call.user_id), response_type="ephemeral"
    )


def _own_button(body: dict[str, Any], respond: Respond) -> bool:
    presser = body["user"]["id"]
    owner = body["actions"][0].get("value")
    if presser == owner:
        return True
    respond(text="Only the person who asked can answer this.", response_type="ephemeral",
            replace_original=False)
    return False


def _confirm(
    deps: Deps, body: dict[str, Any], respond: Respond, hooks: list[ForgetHook]
) -> None:
    if not _own_button(body, respond):
        return
    user_id = body["user"]["id"]
    # Features read what must follow (who to tell) while the data still exists.
    then = [hook(deps, user_id) for hook in hooks]
    result = privacy.forget(deps.db, user_id, deps.clock.now())
    if result is ForgetResult.LAST_ORGANISER:
        respond(text=LAST_ORGANISER, response_type="ephemeral", replace_original=True)
        return
    respond(
        text="Done: I've deleted what I knew about you. Only anonymous totals remain. "
        "If you use me again, I'll start from scratch.",
        response_type="ephemeral",
        replace_original=True,
    )
    for follow_up in then:
        try:
            follow_up()
        except SlackApiError as error:
            log.warning("after forget: delivery failed error=%s", error.response.get("error"))
