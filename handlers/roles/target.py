"""The one person a role command names (`/club organiser add @person`)."""

from __future__ import annotations

from handlers.commands import CommandCall
from handlers.parsing import user_mentions


def one_person(call: CommandCall, command: str, verb: str) -> str | None:
    """The person mentioned, or None after telling the caller how to name exactly one."""
    mentioned = user_mentions(call.args)
    if len(mentioned) != 1:
        call.respond(
            text=f"Tell me whom to {verb}, like `/club {command} {verb} @person` "
            "(one person at a time).",
            response_type="ephemeral",
        )
        return None
    return mentioned[0]
