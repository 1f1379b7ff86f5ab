"""`/club mentor ...`, `/club pair`, `/club pairings`, `/club pairing round`.

Listeners parse, call one service, and render with handlers.mentoring.views;
buttons and modals are in handlers.mentoring.actions.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.content import plural
from bot.deps import Deps
from bot.mentoring import leaving
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
from bot.mentoring.offers import CancelResult, RequestState
from bot.mentoring.pairing import normalise_topic
from bot.mentoring.pairings import EndResult, ManualResult
from bot.roles.policy import Action
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.mentoring import actions as mentoring_actions
from handlers.mentoring import parsing as mentoring_input
from handlers.mentoring import views
from handlers.mentoring.parsing import BadInput
from handlers.mentoring.sending import finish, said_for
from handlers.parsing import user_mentions
from handlers.wiring import Wiring

GROUP = "Mentoring"
ORGANISERS = "Mentoring (organisers)"
LIST_STATUSES = ("waiting", "active", "ended")
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def register(wire: Wiring, router: CommandRouter) -> None:
    for name, usage, summary, run, action, group in (
        ("mentor request", "mentor request [topics]", "ask for a mentor", _request,
         Action.USE_BOT, GROUP),
        ("mentor signup", "mentor signup [topics] [capacity N]",
         "become a mentor (or change your topics and capacity)", _signup, Action.USE_BOT, GROUP),
        ("mentor status", "mentor status", "your mentoring at a glance", _status,
         Action.USE_BOT, GROUP),
        ("mentor pause", "mentor pause [until tomorrow|friday|next week|YYYY-MM-DD]",
         "pause new mentoring offers",
         _pause, Action.USE_BOT, GROUP),
        ("mentor resume", "mentor resume", "receive mentoring offers again", _resume,
         Action.USE_BOT, GROUP),
        ("mentor end", "mentor end [@person]", "end a mentoring pairing", _end,
         Action.USE_BOT, GROUP),
        ("mentor change", "mentor change", "ask for a different mentor", _change,
         Action.USE_BOT, GROUP),
        ("mentor cancel", "mentor cancel", "withdraw your open request for a mentor", _cancel,
         Action.USE_BOT, GROUP),
        ("mentor topics", "mentor topics", "the topics mentors help with", _topics_list,
         Action.USE_BOT, GROUP),
        ("mentor topics add", "mentor topics add <topic>", "add a mentoring topic",
         _topics_add, Action.MANAGE_PAIRINGS, ORGANISERS),
        ("mentor topics remove", "mentor topics remove <topic>", "remove a mentoring topic",
         _topics_remove, Action.MANAGE_PAIRINGS, ORGANISERS),
        ("mentor suggest", "mentor suggest @mentee", "the best mentors for someone, with reasons",
         _suggest, Action.MANAGE_PAIRINGS, ORGANISERS),
        ("pair", "pair @mentee @mentor", "offer a mentee to a mentor you choose", _pair,
         Action.MANAGE_PAIRINGS, ORGANISERS),
        ("pairings", "pairings [waiting|active|ended]", "requests and pairings", _pairings,
         Action.MANAGE_PAIRINGS, ORGANISERS),
        ("pairing round", "pairing round", "pair every waiting request at once (with preview)",
         _round, Action.MANAGE_PAIRINGS, ORGANISERS),
    ):  # fmt: skip
        router.add(Subcommand(name, usage, summary, run, action, group))
    mentoring_actions.register(wire)
    wire.on_include(_offer_waiting)
    wire.on_exclude(_withdraw_offers)
    wire.on_forget(_before_forget)


def _say(call: CommandCall, text: str, blocks: list[views.Block] | None = None) -> None:
    if blocks:
        call.respond(text=text, blocks=blocks, response_type="ephemeral")
    else:
        call.respond(text=text, response_type="ephemeral")


# --- members --------------------------------------------------------------------------------


def _request(call: CommandCall) -> None:
    try:
        typed = mentoring_input.topics([], call.args)
    except BadInput as problem:
        _say(call, f"{problem} Nothing was saved.")
        return
    current = mentoring_offers.current_request(call.deps.db, call.user_id)
    if current is not None:
        _say(call, mentoring_actions.current_request_text(current))
        return
    mentoring_actions.open_request_modal(
        call.deps, call.client, call.trigger_id, call.user_id, typed
    )


def _signup(call: CommandCall) -> None:
    try:
        given = mentoring_input.signup_args(call.args)
    except BadInput as problem:
        _say(call, f"{problem} Nothing was saved.")
        return
    if given.complete and given.capacity is not None:
        mentoring_actions.finish_signup(
            call.deps, call.user_id, given.topics, given.capacity, lambda text: _say(call, text)
        )
        return
    mentoring_actions.open_signup_modal(
        call.deps, call.client, call.trigger_id, call.user_id, given.capacity, given.topics
    )


def _status(call: CommandCall) -> None:
    deps = call.deps
    deps.notifier.profile(call.user_id)
    state = mentoring.status(deps.db, call.user_id, deps.clock.now())
    current = mentoring_offers.current_request(deps.db, call.user_id)
    lines: list[str] = []
    if state.mentor is not None:
        m = state.mentor
        taken = f"{len(m.active_mentees)} of {m.capacity}"
        lines.append(f"*You're a mentor* for: {views.topic_list(m.topics)}. Places taken: {taken}.")
        if m.active_mentees:
            lines.append("Mentoring: " + ", ".join(f"<@{u}>" for u in m.active_mentees) + ".")
        if m.pending_offers:
            lines.append(
                f"Offers waiting for your answer: {m.pending_offers} "
                "(see your DMs, or answer below)."
            )
        if m.paused_until is not None:
            lines.append(
                f"Paused until {views.when(m.paused_until)}; `/club mentor resume` "
                "to come back sooner."
            )
        elif m.paused:
            lines.append("Paused: no new offers until you `/club mentor resume`.")
    if state.mentors:
        lines.append("Your mentor: " + ", ".join(f"<@{u}>" for u in state.mentors) + ".")
    elif current is not None and current.state is RequestState.ALREADY_OPEN:
        lines.append(mentoring_actions.current_request_text(current))
    if not lines:
        lines.append(
            "You're not mentoring or being mentored right now. "
            "`/club mentor request` finds you a mentor; `/club mentor signup` "
            "makes you one."
        )
    blocks = [views.section("\n".join(lines))]
    for note in mentoring_offers.pending_offer_notes(deps.db, call.user_id)[:5]:
        blocks += [{"type": "divider"}, *views.offer_message(note)[1]]  # answer from here too
    _say(call, "\n".join(lines), blocks)


def _pause(call: CommandCall) -> None:
    deps = call.deps
    tz = deps.notifier.profile(call.user_id).tz
    now = deps.clock.now()
    try:
        until = mentoring_input.pause_until(call.args, tz, now)
    except BadInput as problem:
        _say(call, f"{problem} Nothing was changed.")
        return
    result = mentoring.pause(deps.db, call.user_id, until, now)
    if result is mentoring.PauseResult.NOT_MENTOR:
        _say(
            call,
            "You aren't a mentor, so there is nothing to pause. "
            "`/club mentor signup` if you'd like to become one.",
        )
        return
    when = (
        f"until {until:%Y-%m-%d} ({until:%A}, where you are)"
        if until
        else "until you `/club mentor resume`"
    )
    _say(
        call,
        f":palm_tree: Paused {when}: I won't offer you new requests. "
        "Your current mentees and any offer already sent stay as they are.",
    )


def _resume(call: CommandCall) -> None:
    deps = call.deps
    said = said_for(deps)
    result = mentoring.resume(
        deps.db, call.user_id, deps.clock.now(), deps.settings.offer_timeout, said
    )
    _say(
        call,
        {
            mentoring.PauseResult.NOT_MENTOR: "You aren't a mentor yet: `/club mentor signup`.",
            mentoring.PauseResult.NOT_PAUSED: "You weren't paused; new requests can reach you.",
            mentoring.PauseResult.RESUMED: ":wave: Welcome back! New requests can reach you again.",
        }[result],
    )
    finish(deps, said)


def _offer_waiting(deps: Deps, user_id: str) -> None:
    """Back after `/club exclude me`: a mentor is offered what waited, as on `resume`."""
    now, timeout = deps.clock.now(), deps.settings.offer_timeout
    said = said_for(deps)
    mentoring.offer_waiting(deps.db, user_id, now, timeout, said)
    finish(deps, said)


def _withdraw_offers(deps: Deps, user_id: str) -> None:
    """After `/club exclude me`: offers waiting for the mentor's answer move on now rather
    than when they time out; their DMs are updated in place, nothing new is sent to them."""
    now, timeout = deps.clock.now(), deps.settings.offer_timeout
    said = said_for(deps)
    mentoring_offers.withdraw_offers_of(deps.db, user_id, now, timeout, said)
    finish(deps, said)


def _before_forget(deps: Deps, user_id: str) -> Callable[[], None]:
    """`forget me`: who the person worked with is read now; once their data is gone, those
    people are told the pairing ended and what waited on the person moves on."""
    plan = leaving.before_forget(deps.db, user_id)

    def after() -> None:
        now, timeout = deps.clock.now(), deps.settings.offer_timeout
        said = said_for(deps)
        leaving.after_forget(deps.db, plan, now, timeout, said)
        finish(deps, said)

    return after


def _end(call: CommandCall) -> None:
    mentioned = user_mentions(call.args)
    if call.args.strip() and len(mentioned) != 1:
        _say(
            call,
            "Type `/club mentor end`, or `/club mentor end @person` when you have "
            "several pairings. Nothing was changed.",
        )
        return
    said = said_for(call.deps)
    outcome = mentoring_pairings.end_for(
        call.deps.db,
        call.user_id,
        mentioned[0] if mentioned else None,
        call.deps.clock.now(),
        call.deps.settings.offer_timeout,
        said,
    )
    if outcome.result is EndResult.WHICH_ONE:
        people = ", ".join(f"<@{p}>" for p in outcome.choices)
        _say(call, f"You have several pairings ({people}). Say which: `/club mentor end @person`.")
        return
    if outcome.result is not EndResult.ENDED:
        _say(call, "You have no active pairing to end.")
        return
    _say(call, f"Done: your pairing with <@{outcome.other}> has ended. Thank you!")
    finish(call.deps, said)


def _change(call: CommandCall) -> None:
    deps = call.deps
    said = said_for(deps)
    outcome = mentoring_pairings.change_mentor(
        deps.db, call.user_id, deps.clock.now(), deps.settings.offer_timeout, said
    )
    if outcome.ended.result is not EndResult.ENDED or outcome.request is None:
        _say(call, "You don't have a mentor right now; `/club mentor request` asks for one.")
        return
    finish(deps, said)
    _say(
        call,
        f"Done: your pairing with <@{outcome.ended.other}> has ended, and I'm finding "
        "you a different mentor with the same topics and goal. I'll tell you when "
        "someone accepts.",
    )


def _cancel(call: CommandCall) -> None:
    if call.args.strip():
        _say(call, "Type just `/club mentor cancel` to withdraw your request. Nothing was changed.")
        return
    deps = call.deps
    said = said_for(deps)
    result = mentoring_offers.cancel_request(deps.db, call.user_id, deps.clock.now(), said)
    _say(
        call,
        {
            CancelResult.CANCELLED: "Done: your request for a mentor is withdrawn, and no mentor "
            "will be asked about it. `/club mentor request` whenever you'd like one.",
            CancelResult.PAIRED: "You have a mentor already, so there's no request to withdraw. "
            "`/club mentor end` ends a pairing.",
            CancelResult.NONE_OPEN: "You have no open request for a mentor; nothing to withdraw.",
        }[result],
    )
    finish(deps, said)


def _topics_list(call: CommandCall) -> None:
    if call.args.strip().lower() not in ("", "list"):
        _say(
            call,
            "Type `/club mentor topics` to see the list; organisers add or remove "
            "with `/club mentor topics add <topic>` / `remove <topic>`.",
        )
        return
    labels = mentoring.topic_labels(call.deps.db)
    listed = ", ".join(views.free(label, 80) for label in labels) or "none yet"
    _say(call, f"Mentoring topics: {listed}. Anyone can also type their own topics in the forms.")


def _topic_arg(call: CommandCall, verb: str) -> str | None:
    label = " ".join(call.args.split())
    if not label or normalise_topic(label) is None:
        _say(call, f"Say which topic, like `/club mentor topics {verb} video`.")
        return None
    if len(label) > mentoring.TOPIC_LABEL_MAX:
        _say(
            call,
            f"Please keep a topic under {mentoring.TOPIC_LABEL_MAX} characters. Nothing was saved.",
        )
        return None
    return label


def _topics_add(call: CommandCall) -> None:
    label = _topic_arg(call, "add")
    if label is None:
        return
    result = mentoring.add_topic(call.deps.db, label, call.user_id, call.deps.clock.now())
    shown = views.free(label, 80)
    _say(
        call,
        {
            mentoring.TopicChange.ADDED: f"Added “{shown}” to the mentoring topics.",
            mentoring.TopicChange.ALREADY: f"“{shown}” is already on the list; nothing changed.",
            mentoring.TopicChange.FULL: "The list holds 100 topics at most; remove one first.",
        }.get(result, "I couldn't add that topic."),
    )


def _topics_remove(call: CommandCall) -> None:
    label = _topic_arg(call, "remove")
    if label is None:
        return
    result = mentoring.remove_topic(call.deps.db, label)
    shown = views.free(label, 80)
    _say(
        call,
        f"Removed “{shown}” from the list. Mentors who chose it keep it."
        if result is mentoring.TopicChange.REMOVED
        else f"“{shown}” isn't on the list; nothing changed.",
    )


# --- organisers ------------------------------------------------------------------------------


def _mentioned(call: CommandCall, count: int, usage: str) -> list[str] | None:
    mentioned = user_mentions(call.args)
    leftovers = _MENTION.sub("", call.args).strip()
    if len(mentioned) != count or leftovers:
        _say(
            call,
            f"I need {'one person' if count == 1 else 'two people'} mentioned with @, "
            f"like `/club {usage}`. Nothing was changed.",
        )
        return None
    return mentioned


def _suggest(call: CommandCall) -> None:
    mentioned = _mentioned(call, 1, "mentor suggest @mentee")
    if mentioned is None:
        return
    mentee = mentioned[0]
    call.deps.notifier.profile(mentee)
    found = mentoring_pairings.suggest(call.deps.db, mentee, call.deps.clock.now())
    basis = (
        "their open request"
        if found.has_open_request
        else "no open request, so their last topics if any"
    )
    lines = [
        f"{n}. <@{r.user_id}>, score {r.score:.2f}: {r.summary()}"
        for n, r in enumerate(found.ranked, 1)
    ] or ["Nobody is available: every mentor is full, paused, or already asked."]
    title = f"Best mentors for <@{mentee}> ({views.topic_list(found.topics)}; {basis})"
    blocks = views.lines_to_blocks(title, lines)
    blocks.append(views.context("Nothing was sent. `/club pair @mentee @mentor` offers it."))
    _say(call, f"Best mentors for <@{mentee}>", blocks)


def _pair(call: CommandCall) -> None:
    mentioned = _mentioned(call, 2, "pair @mentee @mentor")
    if mentioned is None:
        return
    mentee, mentor = mentioned
    deps = call.deps
    deps.notifier.profile(mentee)
    deps.notifier.profile(mentor)
    said = said_for(deps)
    outcome = mentoring_pairings.manual_pair(
        deps.db, call.user_id, mentee, mentor, deps.clock.now(), deps.settings.offer_timeout, said
    )
    text = {
        ManualResult.OFFERED: f"Offered <@{mentee}> to <@{mentor}>. I'll tell you here if "
        "they decline or don't answer; `/club pairings` shows where it stands.",
        ManualResult.SAME_PERSON: "Mentee and mentor must be two different people.",
        ManualResult.NOT_A_MENTOR: f"<@{mentor}> isn't a mentor; they can join with "
        "`/club mentor signup`.",
        ManualResult.ALREADY_PAIRED: f"<@{mentee}> already has a mentor.",
        ManualResult.PAST_PAIR: f"<@{mentor}> has mentored <@{mentee}> before. I only repeat a "
        "pair when the mentee asks for it in their request.",
        ManualResult.ALREADY_OFFERED: f"<@{mentor}> has already been offered <@{mentee}>'s "
        "request" + (" and declined it." if outcome.detail == "declined" else "."),
        ManualResult.UNAVAILABLE: f"<@{mentor}> {outcome.detail}, so I can't offer them "
        "someone new right now.",
    }[outcome.result]
    if outcome.result is not ManualResult.OFFERED:
        text += " Nothing was changed."
    _say(call, text)
    finish(deps, said)


def _pairings(call: CommandCall) -> None:
    status = call.args.strip().lower() or "waiting"
    if status not in LIST_STATUSES:
        _say(
            call,
            "Type `/club pairings waiting`, `/club pairings active` or `/club pairings ended`.",
        )
        return
    db = call.deps.db
    if status == "waiting":
        lines = []
        for w in mentoring_pairings.waiting(db):
            where = (
                f"offered to <@{w.offered_to}> until {views.when(w.offer_expires_at)}"
                if w.offered_to and w.offer_expires_at
                else "every mentor who fits has declined, not answered or is full: offered "
                "again when one has room"
                if w.stalled
                else "waiting for a round"
            )
            lines.append(f"• <@{w.mentee_id}> since {views.when(w.since)}: {where}")
    else:
        lines = []
        for p in mentoring_pairings.pairings(db, status):
            line = f"• <@{p.mentee_id}> with <@{p.mentor_id}> since {views.when(p.started_at)}"
            if status == "active":
                line += ", met" if p.met else ", not met yet"
            elif p.ended_at:
                by = f" by <@{p.ended_by}>" if p.ended_by else ""
                line += f", ended {views.when(p.ended_at)}{by}"
            lines.append(line)
    title = f"{status.capitalize()} ({len(lines)})"
    _say(call, title, views.lines_to_blocks(title, lines or ["None."]))


def _round(call: CommandCall) -> None:
    deps = call.deps
    preview = mentoring_rounds.preview_round(deps.db, call.user_id, deps.clock.now())
    if preview.round_id is None:
        _say(call, "Nobody is waiting for a mentor without an offer out; no round needed.")
        return
    lines = [f"• <@{p.mentee_id}> → <@{p.mentor_id}> (score {p.score:.2f})" for p in preview.pairs]
    lines += [f"• <@{m}>: no mentor available" for m in preview.unmatched]
    summary = (
        f"{plural(len(preview.pairs), 'offer')}, total score {preview.total_score:.2f} "
        f"(one at a time, best first, would give {preview.greedy_score:.2f}). "
        "Each mentor still accepts or declines."
    )
    blocks = views.round_preview_blocks(preview.round_id, lines, summary)
    _say(call, f"Pairing round preview: {plural(len(preview.pairs), 'offer')}", blocks)
