"""Block Kit for mentor pairing: pure functions from data to Slack JSON.

People's free text (topics, goals, times) is escaped and clipped here; the
ranking's reasons are generated text and need no escaping.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.content import escape_mrkdwn
from bot.content.mentoring import stalled_for_mentors
from bot.content.messages import TOPIC_MAX_CHARS, TOPICS_MAX, mentor_intro, slack_date
from bot.mentoring.messages import Checkin, Introduction, OfferNote
from handlers import blocks as kit
from handlers import ids

Block = dict[str, Any]
SECTION_MAX = 3000
FREE_TEXT_SHOWN = 500
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")  # never cut "&amp;" in half


def _text(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_MAX]}}


def section(text: str) -> Block:
    return _text(text)


def context(text: str) -> Block:
    return kit.context(text)



def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": _plain(text),
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def free(text: str, limit: int = FREE_TEXT_SHOWN) -> str:
    """A person's text, escaped and clipped, ready for mrkdwn."""
    text = " ".join(text.split())
    escaped = escape_mrkdwn(text)
    if len(escaped) <= limit:
        return escaped
    return _PARTIAL_ENTITY.sub("", escaped[: limit - 1]).rstrip() + "…"


def topic_list(topics: Sequence[str]) -> str:
    shown = [free(t, TOPIC_MAX_CHARS) for t in topics if t.strip()][:TOPICS_MAX]
    return ", ".join(shown) if shown else "no particular topic"


def when(moment: datetime) -> str:
    """A moment Slack shows in each reader's own time zone."""
    return slack_date(int(moment.timestamp()), f"{moment:%a %d %b %Y %H:%M} UTC")


def duration_text(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours and hours % 24 == 0:
        days = hours // 24
        return f"{days} day{'s' if days != 1 else ''}"
    if hours:
        return f"{hours} h"
    return f"{int(delta.total_seconds() // 60)} min"


# --- the "Find me a mentor" button (for the FAQ's escalation and the App Home) ---------


def request_mentor_button(label: str = "Find me a mentor") -> dict[str, Any]:
    """A button element that opens the mentor request form."""
    return _button(label, ids.MENTOR_REQUEST_OPEN, "request", "primary")


def request_mentor_block(label: str = "Find me a mentor") -> Block:
    """An actions block holding just that button."""
    return {
        "type": "actions",
        "block_id": "mentor_request",
        "elements": [request_mentor_button(label)],
    }


# --- modals ----------------------------------------------------------------------------------


def _options(labels: Sequence[str]) -> list[dict[str, Any]]:
    return [{"text": _plain(label[:75]), "value": label[:150]} for label in labels[:100]]


def _topics_inputs(
    labels: Sequence[str], chosen: Sequence[str], other: str, other_hint: str
) -> list[Block]:
    blocks: list[Block] = []
    if labels:  # a menu needs at least one option: without a list there is only free text
        element: dict[str, Any] = {
            "type": "multi_static_select",
            "action_id": "topics",
            "placeholder": _plain("Pick topics"),
            "options": _options(labels),
        }
        initial = [o for o in _options(labels) if o["value"] in set(chosen)]
        if initial:
            element["initial_options"] = initial
        blocks.append(
            {
                "type": "input",
                "block_id": "topics",
                "optional": True,
                "label": _plain("Topics"),
                "element": element,
            }
        )
    other_element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "other_topics",
        "max_length": 600,
        "placeholder": _plain("Comma-separated, e.g. video, podcasts"),
    }
    if other:
        other_element["initial_value"] = other[:600]
    blocks.append(
        {
            "type": "input",
            "block_id": "other_topics",
            "optional": True,
            "label": _plain("Other topics" if labels else "Topics"),
            "hint": _plain(other_hint),
            "element": other_element,
        }
    )
    return blocks


def signup_modal(
    labels: Sequence[str], chosen: Sequence[str], other: str, capacity: int
) -> dict[str, Any]:
    blocks: list[Block] = [
        _text(
            "Thank you for joining the social core! Tell me what you're glad to help with "
            "and how many people you can mentor at once. I'll only ever *offer* you a "
            "request; you accept or decline."
        ),
        *_topics_inputs(labels, chosen, other, f"Up to {TOPICS_MAX} topics in all."),
        {
            "type": "input",
            "block_id": "capacity",
            "label": _plain("Mentees at once"),
            "hint": _plain("A number from 1 to 10. Two is plenty for most people."),
            "element": {
                "type": "plain_text_input",
                "action_id": "capacity",
                "initial_value": str(capacity),
                "max_length": 3,
            },
        },
    ]
    return {
        "type": "modal",
        "callback_id": ids.MENTOR_SIGNUP_VIEW,
        "title": _plain("Become a mentor"),
        "submit": _plain("Sign me up"),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


def request_modal(
    labels: Sequence[str], chosen: Sequence[str], other: str, show_repeat: bool
) -> dict[str, Any]:
    blocks: list[Block] = [
        _text(
            "Tell me a little about what you'd like help with, and I'll introduce you to a "
            "mentor from the social core who fits."
        ),
        *_topics_inputs(labels, chosen, other, f"Up to {TOPICS_MAX} topics in all."),
        {
            "type": "input",
            "block_id": "goal",
            "label": _plain("Your goal"),
            "element": {
                "type": "plain_text_input",
                "action_id": "goal",
                "multiline": True,
                "max_length": 1000,
                "placeholder": _plain("e.g. publish my first post outside the firewall"),
            },
        },
        {
            "type": "input",
            "block_id": "times",
            "optional": True,
            "label": _plain("Preferred times"),
            "element": {
                "type": "plain_text_input",
                "action_id": "times",
                "max_length": 300,
                "placeholder": _plain("e.g. Tuesday or Thursday mornings"),
            },
        },
    ]
    if show_repeat:
        blocks.append(
            {
                "type": "input",
                "block_id": "repeat",
                "optional": True,
                "label": _plain("Past mentors"),
                "element": {
                    "type": "checkboxes",
                    "action_id": "repeat",
                    "options": [
                        {
                            "text": _plain("A mentor I've had before is welcome again"),
                            "value": "yes",
                        }
                    ],
                },
            }
        )
    return {
        "type": "modal",
        "callback_id": ids.MENTOR_REQUEST_VIEW,
        "title": _plain("Find a mentor"),
        "submit": _plain("Ask"),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


# --- offers ----------------------------------------------------------------------------------


def offer_message(note: OfferNote) -> tuple[str, list[Block]]:
    lines = [f"*<@{note.mentee_id}> would like a mentor.*"]
    if note.source == "manual" and note.offered_by:
        lines[0] += f" <@{note.offered_by}> thought of you."
    lines.append(f"*Topics:* {topic_list(note.topics)}")
    if note.goal.strip():
        lines.append(f"*Goal:* {free(note.goal)}")
    if note.preferred_times.strip():
        lines.append(f"*Preferred times:* {free(note.preferred_times, 300)}")
    text = f"<@{note.mentee_id}> would like a mentor: can you help?"
    blocks = [
        _text("\n".join(lines)),
        kit.context(f"Why you: {note.reasons}"),
        kit.context(
            f"Please answer by {when(note.expires_at)}; after that I'll ask another mentor. "
            "Declining is completely fine."
        ),
        {
            "type": "actions",
            # One per offer: `/club mentor status` and the Home show several together.
            "block_id": f"offer_{note.offer_id}",
            "elements": [
                _button("Accept", ids.MENTOR_OFFER_ACCEPT, str(note.offer_id), "primary"),
                _button("Decline", ids.MENTOR_OFFER_DECLINE, str(note.offer_id)),
            ],
        },
    ]
    return text, blocks


def offer_closed_text(why: str, mentee_id: str, timeout: timedelta) -> str:
    """What an offer's DM says once it is over (it loses its buttons)."""
    who = f"<@{mentee_id}>"
    return {
        "declined": f"You declined {who}'s request. Thanks for letting me know; "
        "I've passed it on to another mentor.",
        "expired": f"This offer has moved on: there was no answer within "
        f"{duration_text(timeout)}, so I've asked another mentor to help {who}. No worries!",
        "withdrawn": f"This offer has moved on: an organiser found {who} another mentor.",
        "excluded": f"This offer of {who}'s request is no longer open: you asked me not to "
        "contact you, so I've withdrawn it. `/club include me` lets new offers reach you again.",
        "full": f"This offer has moved on: you're at your capacity now, so I've asked "
        f"another mentor to help {who}.",
        "accepted": f":handshake: You accepted {who}'s request. I've introduced you both "
        "in a group DM.",
        "cancelled": f"This offer is no longer open: {who} withdrew their request. "
        "Thank you for being there!",
    }.get(why, f"This offer for {who} has moved on.")


# --- pairing ----------------------------------------------------------------------------------


def introduction(intro: Introduction) -> tuple[str, list[Block]]:
    text = mentor_intro(intro.mentor_id, intro.mentee_id, list(intro.topics), intro.goal)
    blocks = [_text(text)]
    if intro.preferred_times.strip():
        blocks.append(kit.context(f"Preferred times: {free(intro.preferred_times, 300)}"))
    blocks.append(
        kit.context(
            "Either of you can end the pairing any time with `/club mentor end`; "
            "I'll check in with you in a week."
        )
    )
    return text, blocks


def checkin_message(pairing_id: int, mentor_id: str, mentee_id: str) -> tuple[str, list[Block]]:
    text = f"Have you met yet, <@{mentee_id}> and <@{mentor_id}>?"
    value = str(pairing_id)
    blocks = [
        _text(f":wave: A week on: have you met yet, <@{mentee_id}> and <@{mentor_id}>?"),
        {
            "type": "actions",
            "block_id": "checkin",
            "elements": [
                _button("Yes, we've met", ids.MENTOR_CHECKIN_MET, value, "primary"),
                _button("Not yet", ids.MENTOR_CHECKIN_NOT_YET, value),
                _button("End pairing", ids.MENTOR_CHECKIN_END, value, "danger"),
            ],
        },
    ]
    return text, blocks


def checkin_answered_text(presser: str, answer: str, next_checkin: datetime | None) -> str:
    if answer == "met":
        return f":tada: <@{presser}> says you've met. Lovely! Keep going at your own pace."
    if answer == "not_yet":
        again = f" I'll ask again around {when(next_checkin)}." if next_checkin else ""
        return (
            f"<@{presser}> says not yet. No rush: a half-hour chat whenever suits you both.{again}"
        )
    return f"<@{presser}> ended this pairing."


# --- organisers ---------------------------------------------------------------------------------


def lines_to_blocks(title: str, lines: Sequence[str]) -> list[Block]:
    """A heading and lines, split into sections that respect Slack's 3000 characters."""
    blocks: list[Block] = []
    chunk = f"*{title}*"
    for line in lines:
        if len(chunk) + len(line) + 1 > SECTION_MAX:
            blocks.append(_text(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    blocks.append(_text(chunk))
    return blocks[:45]


def round_preview_blocks(round_id: int, lines: Sequence[str], summary: str) -> list[Block]:
    blocks = lines_to_blocks("Pairing round preview (nothing sent yet)", lines)
    blocks.append(kit.context(summary))
    blocks.append(
        {
            "type": "actions",
            "block_id": "round",
            "elements": [
                _button("Send these offers", ids.MENTOR_ROUND_CONFIRM, str(round_id), "primary")
            ],
        }
    )
    return blocks


class BlockKit:
    """The mentoring messages' Views (bot.mentoring.messages), for the outbox."""

    def offer(self, note: OfferNote) -> tuple[str, list[Block]]:
        return offer_message(note)

    def introduction(self, intro: Introduction) -> tuple[str, list[Block]]:
        return introduction(intro)

    def checkin(self, checkin: Checkin) -> tuple[str, list[Block]]:
        return checkin_message(checkin.pairing_id, checkin.mentor_id, checkin.mentee_id)

    def stalled_for_mentors(self, mentee_id: str, topics: tuple[str, ...]) -> str:
        return stalled_for_mentors(mentee_id, topic_list(topics))


VIEWS = BlockKit()
