"""Launch campaigns on Slack: `/club campaign ...`, `/club campaigns off|on`, and
`/club campaign leads add|remove|list`; registers the campaigns' buttons and forms."""

from __future__ import annotations

import logging
import re

from bot.campaigns import invitations, manage
from bot.campaigns.manage import CampaignProblem, CampaignSnap
from bot.content import campaigns as say
from bot.content.roles import people
from bot.deps import Deps
from bot.roles import grants as roles
from bot.roles.grants import RoleChange
from bot.roles.policy import Action
from handlers import ids
from handlers.campaigns import buttons, forms, views
from handlers.campaigns.posting import answer_post
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.parsing import user_mentions
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.campaigns")

GROUP = "Campaigns"
_ID = re.compile(r"^\s*#?(\d{1,9})\s*$")
_POST = re.compile(r"^\s*(?:#?(\d{1,9})\s+)?(\S+)\s*$", re.S)


def register(wire: Wiring, router: CommandRouter) -> None:
    run = Action.RUN_CAMPAIGNS
    for sub in (
        Subcommand("campaign new", "campaign new", "brief the club on a launch (a form)",
                   _new, run, GROUP),
        Subcommand("campaign edit", "campaign edit <id>", "change a campaign", _edit, run, GROUP),
        Subcommand("campaign cancel", "campaign cancel <id>", "call a campaign off", _cancel,
                   run, GROUP),
        Subcommand("campaign status", "campaign status [id]", "invited, joined, posted",
                   _status, run, GROUP),
        Subcommand("campaign list", "campaign list", "open and upcoming campaigns", _list,
                   group=GROUP),
        Subcommand("campaign post", "campaign post [id] <link>", "send the link to your post",
                   _post, group=GROUP),
        Subcommand("campaigns off", "campaigns off", "no more campaign invitations",
                   lambda call: _invites(call, True), group=GROUP),
        Subcommand("campaigns on", "campaigns on", "campaign invitations again",
                   lambda call: _invites(call, False), group=GROUP),
        Subcommand("campaign leads add", "campaign leads add @person",
                   "let someone run campaigns", _lead_add, Action.MANAGE_CAMPAIGN_LEADS,
                   "Administration"),
        Subcommand("campaign leads remove", "campaign leads remove @person",
                   "stop someone running campaigns", _lead_remove, Action.MANAGE_CAMPAIGN_LEADS,
                   "Administration"),
        Subcommand("campaign leads list", "campaign leads list", "who may run campaigns",
                   _lead_list, group=GROUP),
    ):
        router.add(sub)

    wire.action(ids.CAMPAIGN_JOIN)(buttons.button(buttons.answer_handler("in")))
    wire.action(ids.CAMPAIGN_DECLINE)(buttons.button(buttons.answer_handler("out")))
    wire.action(ids.CAMPAIGN_INVITES_OFF)(
        buttons.button(buttons.on_invites_off, needs_campaign=False))
    wire.action(ids.CAMPAIGN_POSTED)(buttons.button(buttons.on_posted))
    wire.action(ids.CAMPAIGN_CANCEL_CONFIRM)(buttons.button(buttons.on_cancel_confirm))
    wire.action(ids.CAMPAIGN_CANCEL_KEEP)(buttons.button(buttons.on_cancel_keep))
    wire.view(ids.CAMPAIGN_FORM_VIEW)(forms.on_form_submit)
    wire.view(ids.CAMPAIGN_POST_VIEW)(forms.on_post_submit)
    wire.on_exclude(_on_exclude)


def _on_exclude(deps: Deps, user_id: str) -> None:
    withdrawn = invitations.withdraw_invitations(deps.db, user_id)
    log.info("campaign invitations withdrawn on exclude user=%s count=%d", user_id, withdrawn)


def _say(call: CommandCall, text: str, blocks: list[dict[str, object]] | None = None) -> None:
    if blocks:
        call.respond(text=text, blocks=blocks, response_type="ephemeral")
    else:
        call.respond(text=text, response_type="ephemeral")


def _campaign_id(call: CommandCall, verb: str) -> int | None:
    match = _ID.match(call.args)
    if match is None:
        _say(call, f"Which campaign? Write `/club campaign {verb} <id>`; "
                   "`/club campaign list` shows the ids.")
        return None
    return int(match.group(1))


def _new(call: CommandCall) -> None:
    forms.open_form(call.deps, call.client, call.trigger_id, call.user_id)


def _editable(call: CommandCall, verb: str) -> CampaignSnap | None:
    """The campaign the command names, if it may still change; else the person is told why."""
    campaign_id = _campaign_id(call, verb)
    if campaign_id is None:
        return None
    found = manage.editable(call.deps.db, campaign_id, call.deps.clock.now())
    if isinstance(found, CampaignProblem):
        _say(call, found.message)
        return None
    return found


def _edit(call: CommandCall) -> None:
    found = _editable(call, "edit")
    if found is not None:
        forms.open_form(call.deps, call.client, call.trigger_id, call.user_id, found)


def _cancel(call: CommandCall) -> None:
    found = _editable(call, "cancel")
    if found is None:
        return
    text, blocks = views.cancel_question(found)
    _say(call, text, blocks)


def _list(call: CommandCall) -> None:
    now = call.deps.clock.now()
    text, blocks = views.listing(manage.listing(call.deps.db, call.user_id, now), now)
    _say(call, text, blocks)


def _status(call: CommandCall) -> None:
    deps = call.deps
    if not call.args.strip():
        text, blocks = views.status(manage.status_of_all(deps.db, deps.clock.now()))
        _say(call, text, blocks)
        return
    campaign_id = _campaign_id(call, "status")
    if campaign_id is None:
        return
    found = manage.figures(deps.db, campaign_id)
    if isinstance(found, CampaignProblem):
        _say(call, found.message)
        return
    text, blocks = views.status([found])
    _say(call, text, blocks)


def _post(call: CommandCall) -> None:
    deps = call.deps
    match = _POST.match(call.args)
    usage = ("Send the link like `/club campaign post <link>`, or "
             "`/club campaign post <id> <link>` when several campaigns are open.")
    if match is None:
        _say(call, usage)
        return
    campaign_id = int(match.group(1)) if match.group(1) else None
    if campaign_id is None:
        open_now = [item.snap for item in manage.listing(deps.db, call.user_id,
                                                         deps.clock.now())]
        if len(open_now) != 1:
            listed = ", ".join(f"{snap.id} ({snap.title})" for snap in open_now[:5])
            _say(call, usage + (f" Open now: {listed}." if listed else
                                " No campaign is open right now."))
            return
        campaign_id = open_now[0].id
    answer = answer_post(deps, campaign_id, call.user_id, match.group(2), True)
    _say(call, answer.text)


def _invites(call: CommandCall, off: bool) -> None:
    changed = invitations.set_invites(call.deps.db, call.user_id, off, call.deps.clock.now())
    if off:
        _say(call, say.INVITES_OFF if changed else say.INVITES_ALREADY_OFF)
    else:
        _say(call, say.INVITES_ON if changed else say.INVITES_ALREADY_ON)


def _lead_target(call: CommandCall, verb: str) -> str | None:
    mentioned = user_mentions(call.args)
    if len(mentioned) != 1 or call.args.split()[1:]:
        _say(call, f"Tell me whom to {verb}, like `/club campaign leads {verb} @person` "
                   "(one person at a time).")
        return None
    return mentioned[0]


def _lead_add(call: CommandCall) -> None:
    target = _lead_target(call, "add")
    if target is None:
        return
    result = roles.add_campaign_lead(call.deps.db, call.user_id, target, call.deps.clock.now())
    if result is RoleChange.ALREADY:
        _say(call, f"<@{target}> is already a campaign lead; nothing changed.")
        return
    _say(call, f":loudspeaker: <@{target}> can now run launch campaigns.")
    call.deps.deliver()  # their DM, written with the grant


def _lead_remove(call: CommandCall) -> None:
    target = _lead_target(call, "remove")
    if target is None:
        return
    result = roles.remove_campaign_lead(call.deps.db, target)
    _say(call, f"<@{target}> is no longer a campaign lead." if result is RoleChange.REMOVED
         else f"<@{target}> isn't a campaign lead; nothing changed.")


def _lead_list(call: CommandCall) -> None:
    leads = roles.campaign_leads(call.deps.db)
    named = people(leads) if leads else "nobody named yet"
    _say(call, f"Campaign leads: {named}. Organisers "
               f"({people(roles.organisers(call.deps.db)) or 'none yet'}) run campaigns too. "
               "Organisers name leads with `/club campaign leads add @person`.")
