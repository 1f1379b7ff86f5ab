"""Managing the FAQ in Slack: `/club faq add|edit|remove|list`, and "Save to FAQ"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import CONTEXT_KEY, Deps
from bot.faq import manage as faq_admin
from bot.faq import mentors as faq_mentors
from bot.faq.fields import EntryFields, is_tag, split_lines, split_tags, validate_entry
from bot.faq.mentors import Outcome
from bot.roles.policy import Action, who_may
from handlers import ids, payload
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.faq import views
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.faq")

GROUP = "FAQ"
_FIELD_BLOCKS = {
    "question": views.QUESTION,
    "alternatives": views.ALTERNATIVES,
    "answer": views.ANSWER,
    "tags": views.TAGS,
}


def register(wire: Wiring, router: CommandRouter) -> None:
    for name, usage, summary, run, action in (
        ("faq list", "faq list [tag]", "the FAQ's entries", _list, Action.USE_BOT),
        ("faq add", "faq add", "add an FAQ entry", _add, Action.EDIT_FAQ),
        ("faq edit", "faq edit <id>", "change an FAQ entry", _edit, Action.EDIT_FAQ),
        ("faq remove", "faq remove <id>", "remove an FAQ entry", _remove, Action.EDIT_FAQ),
    ):
        router.add(Subcommand(name, usage, summary, run, action, GROUP))
    wire.action(ids.FAQ_LIST_PAGE)(on_list_page)
    wire.action(ids.FAQ_LIST_PREVIOUS)(on_list_page)
    wire.action(ids.FAQ_REMOVE_CONFIRM)(on_remove_confirmed)
    wire.action(ids.FAQ_REMOVE_CANCEL)(on_remove_cancelled)
    wire.action(ids.FAQ_SAVE)(on_save_pressed)
    wire.view(ids.FAQ_ENTRY_MODAL)(on_entry_submitted)


def deps_from(context: BoltContext) -> Deps:
    """The FAQ listeners' dependencies (handlers.faq.answering uses this one too)."""
    deps: Deps = context[CONTEXT_KEY]
    return deps


def _ephemeral(respond: Respond, text: str, **extra: Any) -> None:
    respond(text=text, response_type="ephemeral", **extra)


# ------------------------------------------------------------------ commands


def _list(call: CommandCall) -> None:
    tag = call.args.strip().lower() or None
    if tag is not None and not is_tag(tag):
        # Never an entry's tag, and echoed whole it made a reply Slack refused (41 000
        # characters): say what a tag looks like instead.
        _ephemeral(call.respond, "`/club faq list` takes a tag: up to 30 letters, digits and "
                   "dashes, like `mentoring`, and that isn't one. `/club faq list` alone shows "
                   "every entry.")
        return
    entries = faq_admin.list_entries(call.deps.db, tag, call.deps.clock.now())
    text, blocks = views.list_page(entries, 1, tag)
    _ephemeral(call.respond, text, blocks=blocks)


def on_list_page(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    deps = deps_from(context)
    page_text, colon, tag = payload.action_value(body).partition(":")
    page = payload.record_id(page_text)
    if page is None or not colon:
        _ephemeral(respond, "That page button is out of date; `/club faq list` shows the "
                   "FAQ afresh.", replace_original=False)
        return
    entries = faq_admin.list_entries(deps.db, tag or None, deps.clock.now())
    text, blocks = views.list_page(entries, page, tag or None)
    _ephemeral(respond, text, blocks=blocks, replace_original=True)


def _add(call: CommandCall) -> None:
    view = views.entry_modal("Add an FAQ entry", None,
                             {"mode": "add", "channel": call.channel_id})
    call.client.views_open(trigger_id=call.trigger_id, view=view)


def _entry_from_args(call: CommandCall, verb: str) -> faq_admin.EntryView | None:
    entry_id = faq_admin.parse_entry_id(call.args)
    if entry_id is None:
        shown = f" (`{views.clip(call.args.strip(), 40)}` isn't one)" if call.args.strip() else ""
        _ephemeral(call.respond, f"Tell me which entry to {verb} by its number, like "
                   f"`/club faq {verb} 12`{shown}. `/club faq list` shows the numbers.")
        return None
    entry = faq_admin.get_entry(call.deps.db, entry_id, call.deps.clock.now())
    if entry is None:
        _ephemeral(call.respond, f"There's no FAQ entry #{entry_id}; nothing changed. "
                   "`/club faq list` shows the entries.")
    return entry


def _edit(call: CommandCall) -> None:
    entry = _entry_from_args(call, "edit")
    if entry is None:
        return
    fields = EntryFields(entry.question, entry.alternatives, entry.answer, entry.tags)
    view = views.entry_modal(f"Edit FAQ entry #{entry.id}", fields,
                             {"mode": "edit", "entry_id": entry.id, "channel": call.channel_id})
    call.client.views_open(trigger_id=call.trigger_id, view=view)


def _remove(call: CommandCall) -> None:
    entry = _entry_from_args(call, "remove")
    if entry is None:
        return
    text, blocks = views.remove_confirmation(entry)
    _ephemeral(call.respond, text, blocks=blocks)


def _may_edit(deps: Deps, user_id: str) -> bool:
    return deps.may(user_id, Action.EDIT_FAQ)


def _refuse_edit(respond: Respond) -> None:
    _ephemeral(respond, f":no_entry: Only {who_may(Action.EDIT_FAQ)} can change the FAQ. "
               "Ask an organiser if you think you should.", replace_original=False)


def on_remove_confirmed(ack: Ack, body: dict[str, Any], respond: Respond,
                        context: BoltContext) -> None:
    ack()
    deps = deps_from(context)
    user = body["user"]["id"]
    if not _may_edit(deps, user):
        _refuse_edit(respond)
        return
    entry_id = payload.record_id(payload.action_value(body))
    if entry_id is None:
        _ephemeral(respond, _STALE_REMOVAL, replace_original=False)
        return
    removed = faq_admin.remove_entry(deps.db, entry_id, user)
    text = (f"Removed FAQ entry #{entry_id}." if removed is not None
            else f"FAQ entry #{entry_id} was already removed; nothing changed.")
    _ephemeral(respond, text, replace_original=True)


_STALE_REMOVAL = "That button doesn't name an FAQ entry; `/club faq list` shows the numbers."


def on_remove_cancelled(ack: Ack, body: dict[str, Any], respond: Respond,
                        context: BoltContext) -> None:
    ack()
    deps = deps_from(context)
    if not _may_edit(deps, body["user"]["id"]):
        _refuse_edit(respond)
        return
    entry_id = payload.record_id(payload.action_value(body))
    if entry_id is None or faq_admin.get_entry(deps.db, entry_id, deps.clock.now()) is None:
        _ephemeral(respond, _STALE_REMOVAL, replace_original=False)
        return
    _ephemeral(respond, f"Kept FAQ entry #{entry_id}; nothing changed.", replace_original=True)


# ------------------------------------------------------------------ Save to FAQ


def on_save_pressed(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                    context: BoltContext) -> None:
    ack()
    deps = deps_from(context)
    if not _may_edit(deps, body["user"]["id"]):
        _refuse_edit(respond)
        return
    question_id = payload.record_id(payload.action_value(body))
    pending = faq_mentors.pending(deps.db, question_id) if question_id is not None else None
    if pending is None or not pending.escalated or not pending.mentor_answer:
        _ephemeral(respond, "There's no answer to save for that question.",
                   replace_original=False)
        return
    if pending.saved_entry_id is not None:
        _ephemeral(respond, f"That answer is already in the FAQ as entry "
                   f"#{pending.saved_entry_id}.", replace_original=False)
        return
    # The asker's own words stay as a phrasing even if the question is reworded here.
    fields = EntryFields(pending.text, (pending.text,), pending.mentor_answer, ())
    view = views.entry_modal("Save to the FAQ", fields, {
        "mode": "save", "question_id": pending.question_id,
        "channel": deps.settings.mentors_channel or "",
    })
    client.views_open(trigger_id=body["trigger_id"], view=view)


# ------------------------------------------------------------------ the entry modal


def _value(values: dict[str, Any], block_id: str) -> str:
    return str(values.get(block_id, {}).get(block_id, {}).get("value") or "")


def on_entry_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                       client: WebClient, context: BoltContext) -> None:
    deps = deps_from(context)
    user = body["user"]["id"]
    meta = payload.metadata(view) or {}  # unreadable: no mode, so the form is stale
    values = view["state"]["values"]
    fields, errors = validate_entry(
        _value(values, views.QUESTION),
        split_lines(_value(values, views.ALTERNATIVES)),
        _value(values, views.ANSWER),
        split_tags(_value(values, views.TAGS)),
    )
    if not _may_edit(deps, user):
        ack(response_action="errors", errors={
            views.QUESTION: f"Only {who_may(Action.EDIT_FAQ)} can change the FAQ."})
        return
    stale = _stale_form(deps, meta)
    if stale:
        ack(response_action="errors", errors={views.QUESTION: stale})
        return
    if errors or fields is None:
        ack(response_action="errors",
            errors={_FIELD_BLOCKS[name]: message.capitalize() + "."
                    for name, message in errors.items()})
        return
    ack()
    now = deps.clock.now()
    mode = meta.get("mode")
    if mode == "edit":
        entry_id = payload.record_id(meta.get("entry_id")) or 0
        changed = faq_admin.edit_entry(deps.db, entry_id, fields, user, now)
        text = {
            True: f":white_check_mark: FAQ entry #{entry_id} is updated.",
            False: f"FAQ entry #{entry_id} already said exactly that; nothing changed.",
            None: f"FAQ entry #{entry_id} was removed meanwhile; nothing changed.",
        }[changed]
    elif mode == "save":
        result = faq_mentors.save_to_faq(
            deps.db, payload.record_id(meta.get("question_id")) or 0, fields, user, now
        )
        if result.outcome is Outcome.DONE:
            text = (f":white_check_mark: Saved to the FAQ as entry #{result.entry_id}. "
                    "The next person who asks gets this answer straight away.")
            _note_in_thread(deps, client, result, user)
        elif result.outcome is Outcome.ALREADY:
            text = f"That answer was already saved as FAQ entry #{result.entry_id}."
        else:
            text = "That question is gone, so I couldn't link it; nothing was saved."
    else:
        entry_id = faq_admin.add_entry(deps.db, fields, user, now)
        text = f":white_check_mark: Added FAQ entry #{entry_id}."
    _tell(deps, client, str(meta.get("channel") or ""), user, text)


def _stale_form(deps: Deps, meta: dict[str, Any]) -> str | None:
    """What the form's private_metadata names, looked up: the entry being edited, or the
    answered question being saved. None when it still exists in a state to act on."""
    mode = meta.get("mode")
    if mode == "add":
        return None
    if mode == "edit":
        entry_id = payload.record_id(meta.get("entry_id"))
        if entry_id is None or faq_admin.get_entry(deps.db, entry_id, deps.clock.now()) is None:
            return "That FAQ entry no longer exists; close this form and see `/club faq list`."
        return None
    if mode == "save":
        question_id = payload.record_id(meta.get("question_id"))
        pending = faq_mentors.pending(deps.db, question_id) if question_id else None
        if pending is None or not pending.escalated or not pending.mentor_answer:
            return "There's no mentor's answer to save for that question."
        if pending.saved_entry_id is not None:
            return f"That answer is already in the FAQ as entry #{pending.saved_entry_id}."
        return None
    return "This form is out of date; close it and start again."


def _note_in_thread(deps: Deps, client: WebClient, result: faq_mentors.Result,
                    user: str) -> None:
    mentors = deps.settings.mentors_channel
    if mentors and result.pending and result.pending.mentors_post_ts:
        client.chat_postMessage(
            channel=mentors, thread_ts=result.pending.mentors_post_ts,
            text=f"<@{user}> saved this to the FAQ as entry #{result.entry_id}.",
        )


def _tell(deps: Deps, client: WebClient, channel: str, user: str, text: str) -> None:
    """A private note after a modal: in the channel it started from, else in a DM."""
    if channel and not channel.startswith("D"):
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        except SlackApiError:  # not in that channel: a DM always works
            log.info("ephemeral note failed channel=%s; sending a DM", channel)
    deps.notifier.dm(user, text, unsolicited=False)
