"""Mentoring buttons and modals: request and signup forms, Accept / Decline,
check-in answers, and confirming a pairing round."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.content import plural
from bot.deps import CONTEXT_KEY, Deps
from bot.mentoring import (
    mentors as mentoring,
)
from bot.mentoring import (
    offers as mentoring_offers,
)
from bot.mentoring import (
    pairings as mentoring_pairings,
)
from bot.mentoring import (
    rounds as mentoring_rounds,
)
from bot.mentoring.offers import Answer, RequestOutcome, RequestState
from bot.mentoring.pairing import normalise_topic
from bot.mentoring.pairings import CheckinAnswer, CheckinResult
from bot.mentoring.rounds import ConfirmResult
from bot.roles.policy import Action
from handlers import ids, payload
from handlers.mentoring import parsing as mentoring_input
from handlers.mentoring import views
from handlers.mentoring.parsing import BadInput
from handlers.mentoring.sending import finish, said_for
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.mentoring")
Values = dict[str, dict[str, dict[str, Any]]]


def register(wire: Wiring) -> None:
    wire.view(ids.MENTOR_SIGNUP_VIEW)(on_signup_submitted)
    wire.view(ids.MENTOR_REQUEST_VIEW)(on_request_submitted)
    wire.action(ids.MENTOR_REQUEST_OPEN)(on_request_button)
    wire.action(ids.MENTOR_OFFER_ACCEPT)(on_accept)
    wire.action(ids.MENTOR_OFFER_DECLINE)(on_decline)
    wire.action(ids.MENTOR_CHECKIN_MET)(on_checkin)
    wire.action(ids.MENTOR_CHECKIN_NOT_YET)(on_checkin)
    wire.action(ids.MENTOR_CHECKIN_END)(on_checkin)
    wire.action(ids.MENTOR_ROUND_CONFIRM)(on_round_confirm)


def _ephemeral(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def _number(action: dict[str, Any]) -> int | None:
    return payload.record_id(action.get("value"))


# --- modals -----------------------------------------------------------------------------------


def _split_known(labels: list[str], typed: list[str]) -> tuple[list[str], str]:
    """Typed topics that are on the organisers' list are pre-picked; the rest stay text."""
    by_key = {normalise_topic(label): label for label in labels}
    chosen = [by_key[k] for t in typed if (k := normalise_topic(t)) in by_key]
    other = [t for t in typed if normalise_topic(t) not in by_key]
    return chosen, ", ".join(other)


def open_request_modal(
    deps: Deps, client: WebClient, trigger_id: str, user_id: str, typed: list[str]
) -> None:
    labels = mentoring.topic_labels(deps.db)
    chosen, other = _split_known(labels, typed)
    show_repeat = mentoring_offers.has_past_mentors(deps.db, user_id)
    client.views_open(
        trigger_id=trigger_id, view=views.request_modal(labels, chosen, other, show_repeat)
    )


def open_signup_modal(
    deps: Deps,
    client: WebClient,
    trigger_id: str,
    user_id: str,
    capacity: int | None,
    typed: list[str] | None = None,
) -> None:
    """The signup form, filled with what was typed, else the mentor's current details."""
    labels = mentoring.topic_labels(deps.db)
    current = mentoring.current_settings(deps.db, user_id)
    if not typed:
        typed = list(current.topics) if current else []
    chosen, other = _split_known(labels, typed)
    capacity = capacity or (current.capacity if current else mentoring.DEFAULT_CAPACITY)
    client.views_open(
        trigger_id=trigger_id, view=views.signup_modal(labels, chosen, other, capacity)
    )


def _text_value(values: Values, block: str) -> str:
    return str((values.get(block, {}).get(block, {}) or {}).get("value") or "")


def _picked(values: Values, block: str) -> list[str]:
    options = (values.get(block, {}).get(block, {}) or {}).get("selected_options") or []
    return [str(option.get("value")) for option in options]


def _form_topics(values: Values, errors: dict[str, str]) -> list[str]:
    """The topics both forms ask for; a problem is noted in ``errors`` for the form to show."""
    try:
        return mentoring_input.topics(
            _picked(values, "topics"), _text_value(values, "other_topics")
        )
    except BadInput as problem:
        errors["other_topics"] = str(problem)
        return []


def on_signup_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    deps: Deps = context[CONTEXT_KEY]
    values: Values = view["state"]["values"]
    errors: dict[str, str] = {}
    topics = _form_topics(values, errors)
    try:
        capacity = mentoring_input.capacity(_text_value(values, "capacity"))
    except BadInput as problem:
        errors["capacity"] = str(problem)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    user_id = body["user"]["id"]
    finish_signup(
        deps, user_id, topics, capacity,
        lambda text: deps.notifier.dm(user_id, text, unsolicited=False),
    )  # fmt: skip


def finish_signup(
    deps: Deps, user_id: str, topics: list[str], capacity: int, tell: Callable[[str], object]
) -> None:
    """Sign up (from the form, or straight from `/club mentor signup <topics> capacity N`):
    ``tell`` the mentor first, then offer them the requests waiting for someone like them."""
    deps.notifier.profile(user_id)  # time zone for the ranking's working-hours overlap
    said = said_for(deps)
    new = mentoring.sign_up(
        deps.db, user_id, topics, capacity, deps.clock.now(), deps.settings.offer_timeout, said
    )
    intro = (
        ":sparkles: Welcome to the social core!"
        if new
        else "Your mentor details are updated."
    )
    tell(
        f"{intro} Topics: {views.topic_list(topics)}. Up to {capacity} mentee"
        f"{'s' if capacity != 1 else ''} at once. I'll DM you offers you can accept or "
        "decline; `/club mentor pause` any time you need a break."
    )
    finish(deps, said)  # after the welcome: offers of requests waiting for them


def on_request_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    deps: Deps = context[CONTEXT_KEY]
    values: Values = view["state"]["values"]
    errors: dict[str, str] = {}
    topics = _form_topics(values, errors)
    goal = " ".join(_text_value(values, "goal").split())
    if not goal:
        errors["goal"] = "Tell your mentor-to-be what you'd like to reach, in a line or two."
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    user_id = body["user"]["id"]
    deps.notifier.profile(user_id)
    said = said_for(deps)
    outcome = mentoring_offers.create_request(
        deps.db,
        user_id,
        topics,
        goal[:1000],
        _text_value(values, "times").strip()[:300],
        bool(_picked(values, "repeat")),
        deps.clock.now(),
        deps.settings.offer_timeout,
        said,
    )
    finish(deps, said)
    if outcome.state is RequestState.CREATED:
        if said.offered:
            deps.notifier.dm(
                user_id,
                ":mag: Thanks! I've asked a mentor from the social core who fits your topics. "
                "I'll introduce you as soon as they accept.",
                unsolicited=False,
            )
        return
    deps.notifier.dm(user_id, current_request_text(outcome), unsolicited=False)


def current_request_text(outcome: RequestOutcome) -> str:
    """What someone sees when they ask for a mentor but already have a request or a mentor."""
    if outcome.state is RequestState.ALREADY_PAIRED:
        return (
            f"You already have a mentor: <@{outcome.paired_with}>. Would a different mentor "
            "suit you better? `/club mentor change`."
        )
    request = outcome.request
    if request is None:
        return "You have an open request for a mentor."
    if request.offered_to:
        where = "a mentor is considering it now"
    elif request.stalled:
        where = (
            "every mentor who fits has said no, not answered in time, or is full; I'll "
            "offer it again as soon as one has room or a new one signs up"
        )
    else:
        where = "it's waiting for the next pairing round"
    goal = f" Goal: {views.free(request.goal, 300)}." if request.goal.strip() else ""
    return (
        f"You already have an open request (since {views.when(request.created_at)}; topics: "
        f"{views.topic_list(request.topics)}).{goal} Where it stands: {where}. "
        "One request at a time keeps things simple for the mentors; "
        "`/club mentor cancel` withdraws it."
    )


def on_request_button(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()
    deps: Deps = context[CONTEXT_KEY]
    user_id = body["user"]["id"]
    current = mentoring_offers.current_request(deps.db, user_id)
    if current is None:
        open_request_modal(deps, client, body["trigger_id"], user_id, [])
        return
    text = current_request_text(current)
    if body.get("response_url"):
        _ephemeral(respond, text)
    else:  # the App Home has no response_url
        deps.notifier.dm(user_id, text, unsolicited=False)


# --- offers -------------------------------------------------------------------------------------


def _answer_text(answer: Answer, mentor_id: str | None) -> str | None:
    return {
        Answer.NOT_YOURS: f"This offer is for <@{mentor_id}>; only they can answer it.",
        Answer.ALREADY_ACCEPTED: "You've already accepted this one; the group DM is in your "
        "sidebar.",
        Answer.ALREADY_DECLINED: "You've already declined this one; it has moved on.",
        Answer.MOVED_ON: "This offer has moved on: the request went to another mentor or "
        "no longer needs one.",
        Answer.GONE: "This offer has moved on: the request no longer exists.",
        Answer.EXCLUDED: "This offer is no longer open: I withdrew it when you asked me not "
        "to contact you. `/club include me` lets new offers reach you again.",
        Answer.FULL: "You're at your capacity now, so I've passed this request on. "
        "Thank you all the same!",
    }.get(answer)


def _on_offer(
    accept: bool,
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    context: BoltContext,
) -> None:
    ack()
    deps: Deps = context[CONTEXT_KEY]
    offer_id = _number(action)
    if offer_id is None:
        if body.get("response_url"):
            _ephemeral(respond, "This offer has moved on.")
        return
    answer = mentoring_offers.accept_offer if accept else mentoring_offers.decline_offer
    said = said_for(deps)
    outcome = answer(
        deps.db, offer_id, body["user"]["id"], deps.clock.now(), deps.settings.offer_timeout, said
    )
    reply = _answer_text(outcome.answer, outcome.mentor_id)
    if reply and body.get("response_url"):
        _ephemeral(respond, reply)
    elif reply:  # pressed in the App Home, which has no response_url
        deps.notifier.dm(body["user"]["id"], reply, unsolicited=False)
    finish(deps, said)


def on_accept(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    _on_offer(True, ack, body, action, respond, context)


def on_decline(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    _on_offer(False, ack, body, action, respond, context)


# --- check-ins -----------------------------------------------------------------------------------

_CHECKIN_ANSWERS = {
    ids.MENTOR_CHECKIN_MET: CheckinAnswer.MET,
    ids.MENTOR_CHECKIN_NOT_YET: CheckinAnswer.NOT_YET,
    ids.MENTOR_CHECKIN_END: CheckinAnswer.END,
}


def on_checkin(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
) -> None:
    ack()
    deps: Deps = context[CONTEXT_KEY]
    pairing_id = _number(action)
    presser = body["user"]["id"]
    answer = _CHECKIN_ANSWERS[action["action_id"]]
    if pairing_id is None:
        _ephemeral(respond, "This check-in is no longer current.")
        return
    said = said_for(deps)
    outcome = mentoring_pairings.answer_checkin(
        deps.db, pairing_id, presser, answer, deps.clock.now(), deps.settings.offer_timeout, said
    )
    if outcome.result is CheckinResult.NOT_YOURS:
        _ephemeral(respond, "This check-in is for the two people in this pairing.")
        return
    if outcome.result in (CheckinResult.ALREADY_ENDED, CheckinResult.GONE):
        _ephemeral(respond, "This pairing has already ended.")
        return
    if outcome.result is CheckinResult.NOT_ASKED:
        _ephemeral(respond, "There's no check-in waiting for this pairing.")
        return
    text = views.checkin_answered_text(presser, answer.value, outcome.next_checkin)
    # Only the check-in message the bot stored; the payload's container is not believed.
    if outcome.channel_id and outcome.message_ts:
        client.chat_update(
            channel=outcome.channel_id,
            ts=outcome.message_ts,
            text=text,
            blocks=[views.section(text)],
        )
    finish(deps, said)


# --- rounds ---------------------------------------------------------------------------------------


def on_round_confirm(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext
) -> None:
    ack()
    deps: Deps = context[CONTEXT_KEY]
    presser = body["user"]["id"]
    if not deps.may(presser, Action.MANAGE_PAIRINGS):
        _ephemeral(respond, "Only organisers can send a pairing round's offers.")
        return
    round_id = _number(action)
    if round_id is None:
        _ephemeral(respond, "This round preview is no longer current.")
        return
    said = said_for(deps)
    outcome = mentoring_rounds.confirm_round(
        deps.db, round_id, presser, deps.clock.now(), deps.settings.offer_timeout, said
    )
    if outcome.result is not ConfirmResult.SENT:
        _ephemeral(
            respond,
            "This round was already sent; nothing was sent twice."
            if outcome.result is ConfirmResult.ALREADY
            else "This round no longer exists.",
        )
        return
    skipped = (
        " Skipped (things changed since the preview): "
        + ", ".join(f"<@{m}>" for m in outcome.skipped)
        + "."
        if outcome.skipped
        else ""
    )
    respond(
        text=f":outbox_tray: Sent {plural(outcome.sent, 'offer')}.{skipped}",
        response_type="ephemeral",
        replace_original=True,
    )
    finish(deps, said)
