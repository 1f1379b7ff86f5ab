"""The App Home: published on `app_home_opened`, refreshed after a change made from it
(handlers/home/publishing.py publishes it, within views.publish's rate limit).

A button pressed in the Home carries no response_url, so every listener here answers
by publishing the Home again (or, for a longer answer, a DM the person asked for).
Other features can call `refresh_home(deps, user_id)` after a change that shows there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, BoltRequest, BoltResponse
from slack_bolt.listener.listener_completion_handler import ListenerCompletionHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.content import plural
from bot.deps import CONTEXT_KEY, Deps
from bot.encouragement import nudges
from bot.meetings import rsvp
from bot.meetings.planning import MeetingProblem
from bot.meetings.rsvp import Answer
from bot.mentoring import rounds as mentoring_rounds
from bot.roles.policy import Action
from handlers import ids, payload
from handlers.commands import CommandRouter
from handlers.home.publishing import refresh_home
from handlers.meetings import announcements as meeting_announcements
from handlers.meetings import views as meeting_views
from handlers.mentoring import views as mentoring_views
from handlers.reports.listeners import send_report
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.home")

ORGANISERS_ONLY = ":no_entry: Only organisers can use that button."
NO_ROUND_NEEDED = "Nobody is waiting for a mentor without an offer out; no round needed."


def register(wire: Wiring, router: CommandRouter) -> None:
    # Bolt offers one completion hook per app; it runs on the listener's thread after ack.
    wire.app.listener_runner.listener_completion_handler = RefreshHomeAfterChange()
    wire.event("app_home_opened")(on_home_opened)
    wire.action(ids.HOME_REFRESH)(on_refresh)
    for action_id, given in (
        (ids.HOME_RSVP_GOING, Answer.GOING),
        (ids.HOME_RSVP_MAYBE, Answer.MAYBE),
        (ids.HOME_RSVP_CANT, Answer.NO),
    ):
        wire.action(action_id)(_rsvp_listener(given))
    wire.action(ids.HOME_NUDGES_TOGGLE)(on_nudges_toggle)
    wire.action(ids.HOME_SCHEDULE_MEETING)(on_schedule_meeting)
    wire.action(ids.HOME_PAIRING_ROUND)(on_pairing_round)
    wire.action(ids.HOME_REPORT)(on_report)


class RefreshHomeAfterChange(ListenerCompletionHandler):
    """After any listener, republish the acting person's Home if it now shows
    something else, so an RSVP, a pairing or an answer appears there without
    every feature having to remember to refresh it."""

    def handle(self, request: BoltRequest, response: BoltResponse | None) -> None:
        deps = request.context.get(CONTEXT_KEY)
        user_id = _acting_user(request.body)
        if deps is None or user_id is None:
            return
        try:
            refresh_home(deps, user_id, only_if_changed=True)
        except Exception:  # a stale Home must never turn a success into an error
            log.exception("home refresh after change failed user=%s", user_id)


def _acting_user(body: dict[str, Any]) -> str | None:
    event = body.get("event") or {}
    if event.get("type") == "app_home_opened":
        return None  # that listener publishes the Home itself
    user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
    return str(user) if user else None


def _deps(context: BoltContext) -> Deps:
    deps: Deps = context[CONTEXT_KEY]
    return deps


def _tell(deps: Deps, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    """A DM the person asked for by pressing a button (so sent even if they're excluded)."""
    try:
        deps.notifier.dm(user_id, text, blocks, unsolicited=False)
    except SlackApiError as error:
        log.warning("home answer not sent user=%s error=%s", user_id, error.response.get("error"))


def _organiser(deps: Deps, body: dict[str, Any], action: Action) -> str | None:
    """The presser's id when they may do this; otherwise they're told, and None."""
    user_id = str(body["user"]["id"])
    if deps.may(user_id, action):
        return user_id
    _tell(deps, user_id, ORGANISERS_ONLY)
    return None


def on_home_opened(event: dict[str, Any], context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return  # the Messages tab: nothing to publish
    refresh_home(_deps(context), event["user"])


def on_refresh(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    refresh_home(_deps(context), body["user"]["id"])


ButtonChange = Callable[[Deps, str, str], None]
STALE_BUTTON = "That button is out of date, so I changed nothing; your Home is fresh now."


def _home_button(name: str, change: ButtonChange) -> Any:
    """A Home button: make the change (from the button's value), then republish the
    Home, which is the answer (a Home button has no response_url)."""

    def listener(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        deps = _deps(context)
        user_id = body["user"]["id"]
        change(deps, user_id, str(action.get("value") or ""))
        refresh_home(deps, user_id)

    listener.__name__ = name
    return listener


def _rsvp_listener(given: Answer) -> Any:
    def answer(deps: Deps, user_id: str, value: str) -> None:
        meeting_id = payload.record_id(value)
        if meeting_id is None:
            _tell(deps, user_id, STALE_BUTTON)
            return
        result = rsvp.answer(
            deps.db, meeting_id, user_id, given, deps.clock.now(), deps.settings.reminder_offsets
        )
        if isinstance(result, MeetingProblem):
            _tell(deps, user_id, result.message)
        else:
            meeting_announcements.redraw_announcement(deps, meeting_id)

    return _home_button(f"on_home_rsvp_{given.value}", answer)


def _set_nudges(deps: Deps, user_id: str, wanted: str) -> None:
    # The button says what it does ("on"/"off"), so a double click or a stale Home
    # asks for the same state twice instead of flipping it back.
    if wanted in ("on", "off"):
        nudges.set_nudges(deps.db, user_id, wanted == "on", deps.clock.now())
    else:
        _tell(deps, user_id, STALE_BUTTON)


on_nudges_toggle = _home_button("on_nudges_toggle", _set_nudges)


def on_schedule_meeting(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    deps = _deps(context)
    user_id = _organiser(deps, body, Action.MANAGE_MEETINGS)
    if user_id is None:
        return
    # The meetings feature's own modal; its submission listener does the rest.
    form = meeting_views.ScheduleForm(
        tz=deps.notifier.profile(user_id).tz, channel_id=deps.settings.club_channel
    )
    defaults = meeting_views.offsets_field(deps.settings.reminder_offsets)
    client.views_open(
        trigger_id=body["trigger_id"], view=meeting_views.schedule_modal(form, defaults)
    )


def on_pairing_round(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    deps = _deps(context)
    user_id = _organiser(deps, body, Action.MANAGE_PAIRINGS)
    if user_id is None:
        return
    preview = mentoring_rounds.preview_round(deps.db, user_id, deps.clock.now())
    if preview.round_id is None:
        _tell(deps, user_id, NO_ROUND_NEEDED)
        return
    lines = [f"• <@{p.mentee_id}> → <@{p.mentor_id}> (score {p.score:.2f})" for p in preview.pairs]
    lines += [f"• <@{m}>: no mentor available" for m in preview.unmatched]
    summary = (
        f"{plural(len(preview.pairs), 'offer')}, total score {preview.total_score:.2f}. "
        "Each mentor still accepts or declines; nothing is sent until you press the button."
    )
    # The preview lands in a DM, where "Send these offers" works as in `/club mentor round`.
    blocks = mentoring_views.round_preview_blocks(preview.round_id, lines, summary)
    _tell(deps, user_id, f"Pairing round preview: {plural(len(preview.pairs), 'offer')}", blocks)


def on_report(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    deps = _deps(context)
    user_id = _organiser(deps, body, Action.SEE_REPORTS)
    if user_id is None:
        return
    problem = send_report(deps, user_id)
    if problem is not None:
        _tell(deps, user_id, problem)

