"""Organiser administration: `/club organiser add|remove @user`, `/club organiser list`."""

from __future__ import annotations

from bot.roles import grants as roles
from bot.roles.grants import RoleChange
from bot.roles.policy import Action
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.roles.target import one_person
from handlers.wiring import Wiring

GROUP = "Administration"


def register(wire: Wiring, router: CommandRouter) -> None:
    router.add(
        Subcommand(
            "organiser add",
            "organiser add @person",
            "make someone an organiser",
            _add,
            Action.MANAGE_ORGANISERS,
            GROUP,
        )
    )
    router.add(
        Subcommand(
            "organiser remove",
            "organiser remove @person",
            "stop someone being an organiser",
            _remove,
            Action.MANAGE_ORGANISERS,
            GROUP,
        )
    )
    router.add(
        Subcommand(
            "organiser list",
            "organiser list",
            "who the organisers are",
            _list,
            Action.USE_BOT,
            "General",
        )
    )


def _add(call: CommandCall) -> None:
    target = one_person(call, "organiser", "add")
    if target is None:
        return
    result = roles.add_organiser(call.deps.db, call.user_id, target, call.deps.clock.now())
    if result is RoleChange.ALREADY:
        call.respond(text=f"<@{target}> is already an organiser; nothing changed.",
                     response_type="ephemeral")
        return
    call.respond(text=f":tada: <@{target}> is now an organiser.", response_type="ephemeral")
    call.deps.deliver()  # their DM, written with the grant


def _remove(call: CommandCall) -> None:
    target = one_person(call, "organiser", "remove")
    if target is None:
        return
    result = roles.remove_organiser(call.deps.db, target)
    text = {
        RoleChange.REMOVED: f"<@{target}> is no longer an organiser.",
        RoleChange.NOT_HELD: f"<@{target}> isn't an organiser; nothing changed.",
        RoleChange.LAST_ORGANISER: f"<@{target}> is the last organiser, and the club needs "
        "at least one. Add another organiser first.",
    }[result]
    call.respond(text=text, response_type="ephemeral")


def _list(call: CommandCall) -> None:
    people = roles.organisers(call.deps.db)
    listed = ", ".join(f"<@{person}>" for person in people) or "nobody yet"
    call.respond(text=f"The club's organisers: {listed}.", response_type="ephemeral")
