"""Naming the FAQ's editors: `/club faq editors add|remove|list @person`.

Editing the FAQ is its own right, separate from mentoring (bot.roles.policy).
"""

from __future__ import annotations

import logging

from bot.content import roles as say
from bot.deps import Deps
from bot.roles import grants as roles
from bot.roles.grants import RoleChange
from bot.roles.policy import Action
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.roles.target import one_person
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.roles")

GROUP = "Administration"


def register(wire: Wiring, router: CommandRouter) -> None:
    for name, usage, summary, run, action, group in (
        ("faq editors add", "faq editors add @person", "let someone edit the FAQ", _add,
         Action.MANAGE_FAQ_EDITORS, GROUP),
        ("faq editors remove", "faq editors remove @person", "stop someone editing the FAQ",
         _remove, Action.MANAGE_FAQ_EDITORS, GROUP),
        ("faq editors list", "faq editors list", "who may edit the FAQ", _list,
         Action.USE_BOT, "FAQ"),
    ):
        router.add(Subcommand(name, usage, summary, run, action, group))


def _add(call: CommandCall) -> None:
    target = one_person(call, "faq editors", "add")
    if target is None:
        return
    result = roles.add_faq_editor(call.deps.db, call.user_id, target, call.deps.clock.now())
    if result is RoleChange.ALREADY:
        call.respond(text=f"<@{target}> is already an FAQ editor; nothing changed.",
                     response_type="ephemeral")
        return
    call.respond(text=f":pencil2: <@{target}> can now edit the FAQ.",
                 response_type="ephemeral")
    call.deps.deliver()  # their DM, written with the grant


def _remove(call: CommandCall) -> None:
    target = one_person(call, "faq editors", "remove")
    if target is None:
        return
    result = roles.remove_faq_editor(call.deps.db, target)
    text = (
        f"<@{target}> is no longer an FAQ editor."
        if result is RoleChange.REMOVED
        else f"<@{target}> isn't an FAQ editor; nothing changed."
    )
    call.respond(text=text, response_type="ephemeral")


def _list(call: CommandCall) -> None:
    text = say.editors_list(
        roles.faq_editors(call.deps.db),
        roles.organisers(call.deps.db),
        call.deps.settings.mentors_edit_faq,
    )
    call.respond(text=text, response_type="ephemeral")


def announce_rights_split(deps: Deps) -> None:
    """On start: tell organisers once (per database) which mentors lost FAQ editing when
    the rights were separated. The claim row makes restarts and replicas stay quiet."""
    split = roles.claim_faq_editing_split(
        deps.db, deps.clock.now(), deps.settings.mentors_edit_faq
    )
    if not split.lost:
        return
    log.info("rights separated: %d mentor(s) lost FAQ editing; telling %d organiser(s)",
             len(split.lost), len(split.organisers))
    deps.deliver()  # the organisers' DMs, written with the claim
