"""Answering questions: DMs, @mentions and the club channel; votes; the mentors' loop.

Where it answers: a DM or an @mention always gets a reply (a mention in its thread);
a top-level question in CLUB_CHANNEL gets a thread reply only when the bot is sure,
otherwise silence. Never bots, itself, edits or other subtypes, and never one message
twice (see bot.faq.asking.ask).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import events
from bot.delivery import outbox
from bot.deps import Deps
from bot.edge.text import unescape_slack
from bot.faq import asking as faq
from bot.faq import mentors as faq_mentors
from bot.faq.asking import Asked, Refusal, Reply
from bot.faq.fields import safe_answer
from bot.faq.mentors import Outcome, Pending
from bot.faq.small_talk import small_talk
from bot.roles.policy import Action, who_may
from handlers import ids, payload
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.faq import files as faq_files
from handlers.faq import learned as faq_learned
from handlers.faq import manage as faq_manage
from handlers.faq import posts as faq_posts
from handlers.faq import verify as faq_verify
from handlers.faq import views
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.faq")

# Message subtypes that are not someone asking something.
_QUESTION_SUBTYPES = frozenset({None})


def register(wire: Wiring, router: CommandRouter) -> None:
    faq_manage.register(wire, router)
    faq_learned.register(wire, router)
    faq_verify.register(wire)
    router.add(Subcommand("ask", "ask <question>", "ask the club FAQ", _ask, Action.USE_BOT,
                          faq_manage.GROUP))
    wire.event("app_mention")(on_mention)
    wire.event("message", matchers=[is_question_for_faq])(on_message)
    wire.action(ids.FAQ_HELPFUL)(on_helpful)
    wire.action(ids.FAQ_NOT_HELPFUL)(on_not_helpful)
    wire.action(ids.FAQ_SUGGESTION)(on_suggestion)
    wire.action(ids.FAQ_ASK_MENTOR)(on_ask_mentor)
    wire.action(ids.FAQ_ANSWER)(on_answer_pressed)
    wire.view(ids.FAQ_ANSWER_MODAL)(on_answer_submitted)


def _from_a_person(event: dict[str, Any], context: BoltContext) -> bool:
    user = event.get("user")
    return bool(user) and not event.get("bot_id") and user != context.bot_user_id


# ------------------------------------------------------------------ questions in


def is_question_for_faq(event: dict[str, Any], context: BoltContext) -> bool:
    """A DM from a person (a question or a shared file), or a top-level question in the
    club channel that does not mention the bot (app_mention answers those)."""
    if not _from_a_person(event, context):
        return False
    subtype = event.get("subtype")
    if event.get("channel_type") == "im":
        return subtype in _QUESTION_SUBTYPES or subtype == "file_share"
    club = faq_manage.deps_from(context).settings.club_channel
    mentions_me = f"<@{context.bot_user_id}>" in (event.get("text") or "")
    return (
        subtype in _QUESTION_SUBTYPES
        and event.get("channel") == club
        and not event.get("thread_ts")
        and not mentions_me
    )


def on_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = faq_manage.deps_from(context)
    if event.get("subtype") == "file_share":
        faq_files.import_shared_file(deps, client, event)
        return
    in_dm = event.get("channel_type") == "im"
    if not in_dm:
        events.touch_member(deps.db, event["user"], deps.clock.now(), in_club_channel=True)
    _answer(
        deps,
        client,
        Asked(
            channel=event["channel"],
            message_ts=event["ts"],
            # DMs: reply where they wrote (top level, or the thread they wrote in).
            reply_thread_ts=event.get("thread_ts") if in_dm else event["ts"],
            asker=event["user"],
            text=faq.question_text(unescape_slack(event.get("text") or "")),
            via="dm" if in_dm else "channel",
        ),
    )


def on_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if not _from_a_person(event, context) or event.get("subtype"):
        return
    deps = faq_manage.deps_from(context)
    text = faq.question_text(unescape_slack(event.get("text") or ""))
    in_dm = event["channel"].startswith("D")
    if event["channel"] == deps.settings.club_channel:
        events.touch_member(deps.db, event["user"], deps.clock.now(), in_club_channel=True)
    if in_dm and small_talk(text) is not None:
        return  # message.im brings the same words and replies; small talk keeps no claim
    # In a DM, reply as message.im would (Slack sends both events; the first one wins).
    thread = event.get("thread_ts") if in_dm else event.get("thread_ts") or event["ts"]
    if not text:
        client.chat_postMessage(
            channel=event["channel"],
            thread_ts=thread,
            text="Ask me a question after the mention, like "
            "`@clubbot how do I start a blog?`, and I'll answer here.",
        )
        return
    _answer(
        deps,
        client,
        Asked(event["channel"], event["ts"], thread, event["user"], text,
              "dm" if in_dm else "mention"),
    )


def _answer(deps: Deps, client: WebClient, asked: Asked) -> None:
    if not asked.text:
        return
    kind = small_talk(asked.text)
    if kind is not None:
        # "hi" / "thanks" are not questions: no FAQ lookup, no row, no path step. In the
        # club channel nobody addressed the bot, so it stays out of the conversation.
        if asked.via != "channel":
            client.chat_postMessage(channel=asked.channel, thread_ts=asked.reply_thread_ts,
                                    text=views.small_talk_reply(kind, asked.asker))
        return

    reply = faq.ask(deps.db, asked, deps.clock.now(), _render)
    if reply is not None and reply.delivery_key:
        deps.deliver(reply.delivery_key)  # now, after commit; the tick if this fails


def _render(reply: Reply) -> tuple[str, list[dict[str, Any]]]:
    return views.answer_message(reply) if reply.answered else views.unknown_message(reply)


def _ask(call: CommandCall) -> None:
    """`/club ask <question>`: the answer comes back privately, with the same buttons."""
    text = faq.question_text(call.args)
    if not text:
        call.respond(text="Type your question after the command, like "
                     "`/club ask how do I start a blog?`", response_type="ephemeral")
        return
    kind = small_talk(text)
    if kind is not None:
        call.respond(text=views.small_talk_reply(kind, call.user_id), response_type="ephemeral")
        return

    asked = Asked(call.channel_id, f"cmd-{call.trigger_id}", None, call.user_id, text,
                  "command")
    reply = faq.ask(call.deps.db, asked, call.deps.clock.now(), render=None)
    if reply is not None:
        rendered, blocks = _render(reply)
        call.respond(text=rendered, blocks=blocks, response_type="ephemeral")


# ------------------------------------------------------------------ feedback


# Why a button on an answer was not taken, said to the person who pressed it.
REFUSED = {
    Refusal.MISSING: "That answer is no longer in the FAQ, so I can't take that.",
    Refusal.NOT_ASKER: "These buttons are for the person who asked; ask me yourself and "
    "you'll get your own.",
    Refusal.NOT_OFFERED: "That button doesn't match what I answered here; ask me again and "
    "I'll answer afresh.",
}


def _refuse(respond: Respond, refusal: Refusal) -> None:
    respond(text=REFUSED[refusal], response_type="ephemeral", replace_original=False)


def _vote(body: dict[str, Any], respond: Respond, context: BoltContext, helpful: bool) -> None:
    deps = faq_manage.deps_from(context)
    pair = payload.id_pair(payload.action_value(body))
    user = body["user"]["id"]
    if pair is None:
        _refuse(respond, Refusal.MISSING)
        return
    outcome = faq.vote(deps.db, pair[0], pair[1], user, helpful, deps.clock.now())
    if isinstance(outcome, Refusal):
        _refuse(respond, outcome)
        return
    if helpful:
        text = "Thanks! Glad it helped. :blush:" + views.LEARNED_NOTE.get(outcome.learned, "")
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    text, blocks = views.not_helpful_followup(pair[0])
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)


def on_helpful(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    _vote(body, respond, context, helpful=True)


def on_not_helpful(ack: Ack, body: dict[str, Any], respond: Respond,
                   context: BoltContext) -> None:
    ack()
    _vote(body, respond, context, helpful=False)


def on_suggestion(ack: Ack, body: dict[str, Any], respond: Respond,
                  context: BoltContext) -> None:
    ack()
    deps = faq_manage.deps_from(context)
    pair = payload.id_pair(payload.action_value(body))

    # An ephemeral answer's buttons answer ephemerally; any other goes where the question
    # was asked (stored), never where the payload says, through the outbox.
    ephemeral = bool(body.get("container", {}).get("is_ephemeral"))
    render = None if ephemeral else views.answer_message
    reply = (
        faq.suggested_answer(deps.db, *pair, body["user"]["id"], deps.clock.now(), render)
        if pair else Refusal.MISSING
    )
    if isinstance(reply, Reply):
        if reply.delivery_key:
            deps.deliver(reply.delivery_key)
        else:
            text, blocks = views.answer_message(reply)
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    elif reply is Refusal.MISSING:
        respond(text="That FAQ entry was removed meanwhile. Press *Ask a mentor* instead.",
                response_type="ephemeral", replace_original=False)
    elif isinstance(reply, Refusal):
        _refuse(respond, reply)


# ------------------------------------------------------------------ mentors


def on_ask_mentor(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                  context: BoltContext) -> None:
    ack()
    deps = faq_manage.deps_from(context)
    mentors = deps.settings.mentors_channel
    value = payload.action_value(body)
    if mentors is None:
        respond(text="The club has no mentors channel set up yet, so I can't pass this on. "
                "Try `/club mentor request`, or ask an organiser.",
                response_type="ephemeral", replace_original=False)
        return

    now = deps.clock.now()
    post = faq_posts.question_poster(mentors, now)
    question_id = payload.record_id(value)
    result = (
        faq_mentors.escalate(deps.db, question_id, body["user"]["id"], now, post)
        if question_id is not None else faq_mentors.Result(Outcome.MISSING)
    )
    deps.deliver()
    if result.outcome is Outcome.MISSING:
        text = "I can't find that question any more. Please ask it again."
    elif result.outcome is Outcome.NOT_YOURS:
        text = ("Only the person who asked can pass their question to the mentors. Ask me "
                "yourself, and you'll get your own *Ask a mentor* button.")
    elif result.outcome is Outcome.ALREADY and result.pending and result.pending.answered_by:
        text = f"<@{result.pending.answered_by}> from the mentors already answered this one."
    elif result.outcome is Outcome.ALREADY:
        text = "The mentors already have this question; their answer will come here."
    else:
        where = "in your DM" if result.pending and result.pending.via == "command" else "here"
        text = (":raising_hand: I've asked the club's mentors. Their answer will come "
                f"{where}, usually within a day.")
    respond(text=text, response_type="ephemeral", replace_original=False)


def may_answer(deps: Deps, user_id: str) -> bool:
    return deps.may(user_id, Action.ANSWER_QUESTIONS)


def on_answer_pressed(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                      context: BoltContext) -> None:
    ack()
    deps = faq_manage.deps_from(context)
    user = body["user"]["id"]
    if not may_answer(deps, user):
        respond(text=f":no_entry: Only {who_may(Action.ANSWER_QUESTIONS)} can answer club "
                "questions here. Ask an organiser if you'd like to become a mentor.",
                response_type="ephemeral", replace_original=False)
        return
    question_id = payload.record_id(payload.action_value(body))
    pending = faq_mentors.pending(deps.db, question_id) if question_id is not None else None
    if pending is None or not pending.escalated:
        respond(text="That question is gone (the asker may have left the club).",
                response_type="ephemeral", replace_original=False)
        return
    if pending.answered_by:
        respond(text=f"<@{pending.answered_by}> already answered this one. Thank you anyway!",
                response_type="ephemeral", replace_original=False)
        return
    client.views_open(trigger_id=body["trigger_id"], view=views.answer_modal(pending))


def on_answer_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                        client: WebClient, context: BoltContext) -> None:
    deps = faq_manage.deps_from(context)
    user = body["user"]["id"]
    question_id = payload.record_id((payload.metadata(view) or {}).get("question_id")) or 0
    values = view["state"]["values"]
    raw = (values.get(views.MENTOR_ANSWER, {}).get(views.MENTOR_ANSWER, {}).get("value") or "")
    text = safe_answer(raw.strip())
    pending = faq_mentors.pending(deps.db, question_id)
    problem = None
    if not text:
        problem = "Write an answer first."
    elif len(text) > 3000 - 400:
        problem = "That answer is too long for one Slack message; please shorten it."
    elif not may_answer(deps, user):
        problem = f"Only {who_may(Action.ANSWER_QUESTIONS)} can answer club questions."
    elif pending is None or not pending.escalated:
        problem = "That question is gone (the asker may have left the club)."
    elif pending.answered_by:
        problem = f"<@{pending.answered_by}> answered this question already."
    if problem:
        ack(response_action="errors", errors={views.MENTOR_ANSWER: problem})
        return
    ack()

    now = deps.clock.now()

    def deliver(session: Session, answered: Pending) -> None:
        """The answer goes back where they asked: their DM, or the question's thread."""
        message = views.mentor_answer_for_asker(answered)
        by_dm = answered.via == "command"
        outbox.enqueue(
            session,
            answered.asker if by_dm else answered.channel,
            f"faq.mentor_answer:{answered.question_id}",
            outbox.Message(message, thread_ts=None if by_dm else answered.reply_thread_ts),
            now=now,
            purpose="faq.mentor_answer",
            ref=str(answered.question_id),
            about="a mentor's answer",
        )

    result = faq_mentors.answer(deps.db, question_id, user, text, now, deliver)
    deps.deliver()
    mentors = deps.settings.mentors_channel
    if result.outcome is Outcome.ALREADY and result.pending:
        deps.notifier.dm(user, f"<@{result.pending.answered_by}> answered that question just "
                         "before you, so I didn't send yours. Thank you anyway!",
                         unsolicited=False)
        return
    if result.outcome is Outcome.DONE and mentors:
        # The asker has the answer now; if Slack refuses this, the tick tries again.
        faq_mentors.show_answer_to_mentors(deps.db, question_id, now,
                                           faq_posts.answer_shower(client, mentors))
