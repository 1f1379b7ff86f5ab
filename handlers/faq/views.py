"""Block Kit for FAQ answers, escalations, modals and lists. Pure functions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.content import FAQ_ANSWER_MAX_CHARS, escape_mrkdwn
from bot.content.messages import dont_know_yet
from bot.faq.asking import Reply, Suggestion
from bot.faq.fields import PHRASING_MAX_CHARS, QUESTION_MAX_CHARS, EntryFields
from bot.faq.learning import Learned
from bot.faq.manage import EntryView
from bot.faq.mentors import Pending
from bot.faq.small_talk import SmallTalk
from handlers import ids
from handlers.mentoring.views import request_mentor_button

Block = dict[str, Any]
LIST_PAGE_SIZE = 20  # 20 entries + header + buttons stay well under 50 blocks
BUTTON_TEXT_MAX = 75
QUOTE_MAX = 600

# Modal block and action ids (the same string for both keeps lookups simple).
QUESTION = "faq_question"
ALTERNATIVES = "faq_alternatives"
ANSWER = "faq_answer_text"
TAGS = "faq_tags"
MENTOR_ANSWER = "faq_mentor_answer"
# An answer that tells people to type this gets the button that does it.
MENTOR_REQUEST_COMMAND = "/club mentor request"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quote(text: str, limit: int = QUOTE_MAX) -> str:
    """A person's words, escaped, clipped, as a mrkdwn block quote."""
    escaped = escape_mrkdwn(clip(" ".join(text.split()), limit))
    return "&gt; " + escaped


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, 3000)}]}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, BUTTON_TEXT_MAX), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def vote_value(question_id: int, entry_id: int) -> str:
    return f"{question_id}:{entry_id}"


def parse_pair(value: str) -> tuple[int, int] | None:
    first, _, second = (value or "").partition(":")
    if first.isdigit() and second.isdigit():
        return int(first), int(second)
    return None


# ------------------------------------------------------------------ answers


def _find_me_a_mentor() -> Block:
    """The mentoring feature's "Find me a mentor" button, as a secondary choice here."""
    button = request_mentor_button()
    button.pop("style", None)  # "Ask a mentor" or the vote stays the main action
    return button


def _escalate_actions(question_id: int, *, find_a_mentor: bool) -> Block:
    elements = [_button(":raising_hand: Ask a mentor", ids.FAQ_ASK_MENTOR, str(question_id),
                        "primary")]
    if find_a_mentor:
        elements.append(_find_me_a_mentor())
    return {"type": "actions", "block_id": "faq_escalate", "elements": elements}


def answer_message(reply: Reply) -> tuple[str, list[Block]]:
    value = vote_value(reply.question_id, reply.entry_id or 0)
    buttons = [
        _button(":thumbsup: Helpful", ids.FAQ_HELPFUL, value),
        _button(":thumbsdown: Not helpful", ids.FAQ_NOT_HELPFUL, value),
    ]
    if MENTOR_REQUEST_COMMAND in reply.answer:
        buttons.append(_find_me_a_mentor())
    blocks = [
        _section(reply.answer),
        _context(
            f"From the club FAQ, entry #{reply.entry_id}: "
            f"_{escape_mrkdwn(reply.entry_question)}_"
        ),
        {"type": "actions", "block_id": f"faq_vote_{reply.question_id}", "elements": buttons},
    ]
    if reply.related:
        blocks.append(_context("*Related:*"))
        blocks.extend(_show_answer_rows(reply.question_id, reply.related, "faq_related"))
    return clip(reply.answer, 3000), blocks


def _show_answer_rows(question_id: int, entries: Sequence[Suggestion],
                      block_prefix: str) -> list[Block]:
    """One row per entry, its question beside a Show answer button (one button a block:
    Slack wants action ids unique within a block)."""
    return [
        {
            "type": "section",
            "block_id": f"{block_prefix}_{n}",
            "text": {"type": "mrkdwn", "text": escape_mrkdwn(entry.question)},
            "accessory": _button("Show answer", ids.FAQ_SUGGESTION,
                                 vote_value(question_id, entry.entry_id)),
        }
        for n, entry in enumerate(entries, start=1)
    ]


def unknown_message(reply: Reply) -> tuple[str, list[Block]]:
    blocks: list[Block] = [_section(dont_know_yet())]
    if reply.suggestions:
        blocks.append(_context("*Did you mean one of these?*"))
        blocks.extend(_show_answer_rows(reply.question_id, reply.suggestions, "faq_suggest"))
    # dont_know_yet() mentions `/club mentor request`: the button saves typing it.
    blocks.append(_escalate_actions(reply.question_id, find_a_mentor=True))
    return "I don't know that one yet. A mentor can help: press Ask a mentor.", blocks


def not_helpful_followup(question_id: int) -> tuple[str, list[Block]]:
    text = "Sorry that didn't help. Shall I ask the club's mentors? They answer here."
    return text, [_section(text), _escalate_actions(question_id, find_a_mentor=False)]


# What the asker's Helpful did to their wording, told honestly: it waits for review.
LEARNED_NOTE = {
    Learned.WAITING: " I've suggested your wording for this answer; once an FAQ editor "
    "approves it, I'll recognise it for everyone.",
    Learned.CONFIRMED: " Someone else asked it the same way, so I'll recognise that "
    "wording for everyone from now on.",
}


def small_talk_reply(kind: SmallTalk, user_id: str) -> str:
    """A short human reply to "hi", "thanks", "help" or keyboard noise: no FAQ lookup,
    no escalation."""
    if kind is SmallTalk.THANKS:
        return "You're welcome! :blush: Ask me anything else about the club any time."
    if kind is SmallTalk.HELP:
        return help_reply(user_id)
    if kind is SmallTalk.NOISE:
        return (
            "Sorry, I didn't catch that. :thinking_face: Ask me a question about blogging, "
            "posting or the club in your own words, like _how do I start a blog?_, or type "
            "`help` to see what I can do."
        )
    return (
        f":wave: Hi <@{user_id}>! Ask me anything about the club in your own words, like "
        "_how do I start a blog?_, and I'll answer from the club FAQ. "
        "`/club help` lists everything else I can do."
    )


def help_reply(user_id: str) -> str:
    """What the bot does for a member, in the words of the club rather than a command list
    (`/club help` has that, tailored to the person's roles)."""
    return (
        f":wave: Hi <@{user_id}>! I'm clubbot, the social media club's assistant. "
        "Here's how I can help:\n"
        "• *Questions*: ask me anything about blogging, posting or the club's guidelines, "
        "right here in your own words, like _how do I start a blog?_ If the FAQ has no "
        "answer yet, I can pass your question to the mentors.\n"
        "• *A mentor*: `/club mentor request` pairs you with an experienced colleague.\n"
        "• *Meetups*: `/club meeting list` shows the club's next meetings.\n"
        "• *Your progress*: `/club progress` shows where you are on the club's path.\n"
        "`/club help` lists every command you can use."
    )


def where_asked(pending: Pending) -> str:
    if pending.via == "command" or pending.channel.startswith("D"):
        return "in a DM"
    return f"in <#{pending.channel}>"


def mentors_post(pending: Pending, raised_again: bool = False) -> tuple[str, list[Block]]:
    intro = (
        f":hourglass: Still waiting for an answer since yesterday: <@{pending.asker}> asked "
        if raised_again
        else f":raising_hand: <@{pending.asker}> asked "
    )
    head = f"{intro}{where_asked(pending)}, and the FAQ has no answer yet:"
    blocks = [
        _section(f"{head}\n{quote(pending.text)}"),
        {
            "type": "actions",
            "block_id": f"faq_mentor_{pending.question_id}",
            "elements": [
                _button("Answer", ids.FAQ_ANSWER, str(pending.question_id), "primary")
            ],
        },
    ]
    return f"{intro}a question the FAQ can't answer yet.", blocks


def mentors_answered(pending: Pending) -> tuple[str, list[Block]]:
    answer = pending.mentor_answer or ""
    blocks = [
        _section(
            f"<@{pending.asker}> asked {where_asked(pending)}:\n{quote(pending.text)}\n"
            f":white_check_mark: <@{pending.answered_by}> answered:\n{clip(answer, 2000)}"
        ),
        {
            "type": "actions",
            "block_id": f"faq_mentor_{pending.question_id}",
            "elements": [_button("Save to FAQ", ids.FAQ_SAVE, str(pending.question_id))],
        },
    ]
    return f"<@{pending.answered_by}> answered <@{pending.asker}>'s question.", blocks


def mentor_answer_for_asker(pending: Pending) -> str:
    return clip(
        f"<@{pending.asker}>, <@{pending.answered_by}> from the club's mentors answered "
        f"your question:\n{quote(pending.text, 300)}\n\n{pending.mentor_answer}",
        3000,
    )


# ------------------------------------------------------------------ modals


def _modal(callback_id: str, title: str, submit: str, blocks: list[Block],
           metadata: dict[str, Any]) -> Block:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": clip(title, 24)},
        "submit": {"type": "plain_text", "text": submit},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def _text_input(
    block_id: str, label: str, initial: str, max_length: int, *, multiline: bool,
    optional: bool = False, hint: str | None = None,
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": block_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def answer_modal(pending: Pending) -> Block:
    blocks = [
        _section(f"<@{pending.asker}> asked {where_asked(pending)}:\n{quote(pending.text)}"),
        _text_input(
            MENTOR_ANSWER, "Your answer", "", FAQ_ANSWER_MAX_CHARS, multiline=True,
            hint="Slack formatting and links work. It goes to them, credited to you.",
        ),
    ]
    return _modal(ids.FAQ_ANSWER_MODAL, "Answer a question", "Send answer", blocks,
                  {"question_id": pending.question_id})


def entry_modal(
    title: str, fields: EntryFields | None, metadata: dict[str, Any], submit: str = "Save"
) -> Block:
    blocks = [
        _text_input(QUESTION, "Question", fields.question if fields else "",
                    QUESTION_MAX_CHARS, multiline=False),
        _text_input(
            ALTERNATIVES, "Other ways people ask it",
            "\n".join(fields.alternatives) if fields else "", 3000, multiline=True,
            optional=True, hint=f"One per line, up to {PHRASING_MAX_CHARS} characters each.",
        ),
        _text_input(ANSWER, "Answer", fields.answer if fields else "", FAQ_ANSWER_MAX_CHARS,
                    multiline=True, hint="Slack formatting: *bold*, _italic_, <https://…|links>."),
        _text_input(TAGS, "Tags", ", ".join(fields.tags) if fields else "", 200,
                    multiline=False, optional=True, hint="Comma-separated, e.g. blogging, time"),
    ]
    return _modal(ids.FAQ_ENTRY_MODAL, title, submit, blocks, metadata)


# ------------------------------------------------------------------ management


def remove_confirmation(entry: EntryView) -> tuple[str, list[Block]]:
    text = f"Remove FAQ entry #{entry.id}? It can't be undone."
    blocks = [
        _section(f"Remove FAQ entry *#{entry.id}*?\n{quote(entry.question)}\n"
                 "People will no longer get this answer. This can't be undone."),
        {
            "type": "actions",
            "block_id": "faq_remove",
            "elements": [
                _button("Remove", ids.FAQ_REMOVE_CONFIRM, str(entry.id), "danger"),
                _button("Keep it", ids.FAQ_REMOVE_CANCEL, str(entry.id)),
            ],
        },
    ]
    return text, blocks


def list_page(entries: Sequence[EntryView], page: int, tag: str | None) -> tuple[str, list[Block]]:
    pages = max(1, -(-len(entries) // LIST_PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = entries[(page - 1) * LIST_PAGE_SIZE : page * LIST_PAGE_SIZE]
    scope = f" tagged `{escape_mrkdwn(tag)}`" if tag else ""
    if not entries:
        text = f"No FAQ entries{scope} yet."
        return text, [_section(text)]
    head = f"*FAQ entries{scope}*: {len(entries)} in all, page {page} of {pages}."
    blocks: list[Block] = [_section(head)]
    for entry in shown:
        tags = f"  _{', '.join(entry.tags)}_" if entry.tags else ""
        blocks.append(
            _section(
                f"`#{entry.id}` {escape_mrkdwn(clip(entry.question, 300))}{tags}\n"
                f":mag: used {entry.times_used}×  :thumbsup: {entry.helpful_count}  "
                f":thumbsdown: {entry.not_helpful_count}"
            )
        )
    buttons = []
    if page > 1:
        buttons.append(_button("Previous", ids.FAQ_LIST_PREVIOUS, f"{page - 1}:{tag or ''}"))
    if page < pages:
        buttons.append(_button("Next", ids.FAQ_LIST_PAGE, f"{page + 1}:{tag or ''}"))
    if buttons:
        blocks.append({"type": "actions", "block_id": "faq_list_pages", "elements": buttons})
    return head, blocks
