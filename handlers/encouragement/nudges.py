"""`/club nudges off|on` and the "Stop these nudges" button in every nudge."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.deps import CONTEXT_KEY, Deps
from bot.encouragement import nudges
from handlers import ids, payload
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.wiring import Wiring

GROUP = "Your progress"
OFF_TEXT = (
    "Done: no more nudges from me. Answers to your own questions and meeting reminders "
    "you asked for still come. `/club nudges on` brings nudges back."
)
ALREADY_OFF = "Nudges were already off. `/club nudges on` brings them back."
NOT_YOURS = (
    "That button stops the nudges of the person it was sent to. To stop yours, type "
    "`/club nudges off`."
)
ON_TEXT = (
    "Nudges are on: now and then a congratulation or a gentle idea, at most one a week, "
    "only in your working hours. `/club nudges off` stops them."
)


def register(wire: Wiring, router: CommandRouter) -> None:
    router.add(
        Subcommand("nudges", "nudges off|on", "stop or allow encouragement messages", _command,
                   group=GROUP)
    )

    @wire.action(ids.NUDGES_OFF)
    def on_opt_out(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        deps: Deps = context[CONTEXT_KEY]
        presser = body["user"]["id"]
        if payload.action_value(body) != presser:  # the button names whom it was sent to
            respond(text=NOT_YOURS, response_type="ephemeral", replace_original=False)
            return
        changed = nudges.set_nudges(deps.db, presser, False, deps.clock.now())
        text = OFF_TEXT if changed else ALREADY_OFF
        respond(text=text, response_type="ephemeral", replace_original=False)


def _command(call: CommandCall) -> None:
    word = call.args.strip().lower()
    now = call.deps.clock.now()
    if word in ("off", "on"):
        changed = nudges.set_nudges(call.deps.db, call.user_id, word == "on", now)
        if changed:
            text = ON_TEXT if word == "on" else OFF_TEXT
        else:
            text = f"Nudges were already {word}; nothing changed."
        call.respond(text=text, response_type="ephemeral")
        return
    if word:
        call.respond(
            text="I understand `/club nudges off` and `/club nudges on`.",
            response_type="ephemeral",
        )
        return
    settings = nudges.nudge_settings(call.deps.db, call.user_id)
    state = "off" if settings.opted_out else "on"
    last = (
        f" The last one was <!date^{int(settings.last_nudge_at.timestamp())}^"
        f"{{date_short_pretty}}|{settings.last_nudge_at:%Y-%m-%d}>."
        if settings.last_nudge_at
        else ""
    )
    excluded = " You've asked me not to contact you (`/club include me` undoes it)." if (
        settings.excluded
    ) else ""
    call.respond(
        text=f"Your nudges are *{state}*.{last}{excluded} "
        "Use `/club nudges off` or `/club nudges on` to change that.",
        response_type="ephemeral",
    )
