"""The campaigns' buttons: I'm in, Not this time, No more campaign invites, I posted,
and the cancel question's two answers. Each looks the campaign up; the policy decides
who may cancel."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.campaigns import invitations, manage
from bot.campaigns.manage import CampaignProblem
from bot.content import campaigns as say
from bot.deps import CONTEXT_KEY, Deps
from bot.roles.policy import Action
from handlers import payload
from handlers.campaigns.forms import REFUSED, open_post_form
from handlers.campaigns.tell import tell_person

log = logging.getLogger("clubbot.campaigns")

OUT_OF_DATE = "That button is out of date; `/club campaign list` shows the open campaigns."


@dataclass(frozen=True)
class Press:
    deps: Deps
    client: WebClient
    body: dict[str, Any]
    respond: Respond

    @property
    def user_id(self) -> str:
        return str(self.body["user"]["id"])

    @property
    def campaign_id(self) -> int | None:
        return payload.record_id(payload.action_value(self.body))

    def answer(self, text: str, *, replace_original: bool = False) -> None:
        """Ephemeral under the message pressed; a DM where there is no response_url."""
        try:
            if self.body.get("response_url"):
                self.respond(text=text, response_type="ephemeral",
                             replace_original=replace_original)
            else:
                tell_person(self.deps, self.user_id, text)
        except SlackApiError as error:
            log.warning("button answer not sent user=%s error=%s", self.user_id,
                        error.response.get("error"))


Handler = Callable[[Press], None]


def button(handler: Handler, *, needs_campaign: bool = True) -> Any:
    def listener(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                 context: BoltContext) -> None:
        ack()
        press = Press(context[CONTEXT_KEY], client, body, respond)
        if needs_campaign and press.campaign_id is None:
            press.answer(OUT_OF_DATE)
            return
        handler(press)

    listener.__name__ = f"on_{handler.__name__.lstrip('_')}"
    return listener


def answer_handler(given: str) -> Handler:
    def answered(press: Press) -> None:
        deps = press.deps
        assert press.campaign_id is not None
        now = deps.clock.now()
        result = invitations.answer(deps.db, press.campaign_id, press.user_id, given, now)
        if isinstance(result, CampaignProblem):
            press.answer(result.message)
            return
        snap = result.snap
        if given == "in":
            text = say.joined(snap.title, say.slack_time(snap.launch_at, snap.tz),
                              snap.launched(now))
        else:
            text = say.declined(snap.title)
        if not result.changed:
            text = "Already noted. " + text
        press.answer(text)

    answered.__name__ = f"campaign_{given}"
    return answered


def on_invites_off(press: Press) -> None:
    deps = press.deps
    changed = invitations.set_invites(deps.db, press.user_id, True, deps.clock.now())
    press.answer(say.INVITES_OFF if changed else say.INVITES_ALREADY_OFF)


def on_posted(press: Press) -> None:
    deps = press.deps
    assert press.campaign_id is not None
    found = manage.get(deps.db, press.campaign_id)
    if isinstance(found, CampaignProblem):
        press.answer(found.message)
        return
    now = deps.clock.now()
    if found.status == "cancelled":
        press.answer(f"“{found.title}” was cancelled, so no links are collected.")
        return
    if not found.launched(now):
        press.answer(say.embargoed(found.title, say.slack_time(found.launch_at, found.tz)))
        return
    if not found.open_at(now):
        press.answer(say.closed(found.title))
        return
    open_post_form(deps, press.client, press.body["trigger_id"], found)


def on_cancel_confirm(press: Press) -> None:
    deps = press.deps
    if not deps.may(press.user_id, Action.RUN_CAMPAIGNS):
        press.answer(REFUSED)
        return
    assert press.campaign_id is not None
    result = manage.cancel(deps.db, press.campaign_id, deps.clock.now())
    if isinstance(result, CampaignProblem):
        press.answer(result.message)
        return
    press.answer(f":x: Cancelled {say.title(result.snap.title)}. Everyone who joined is being "
                 "told.", replace_original=True)
    deps.deliver()  # the DMs to those who joined, written by the cancel


def on_cancel_keep(press: Press) -> None:
    press.answer("OK, the campaign stays as it is.", replace_original=True)
