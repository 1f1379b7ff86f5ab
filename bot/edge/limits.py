"""What goes back to Slack, fitted within Slack's limits with a note saying so.

Slack refuses a message whose `text` is over 40 000 characters (msg_too_long) or whose
blocks break Block Kit limits (invalid_blocks): the person then sees nothing at all, as
`/club faq list <41 000-character tag>` did. Views build their blocks within the limits;
this is the net under them, applied to every chat.* and views.* call and every
response_url post (bot/slack_client.py): an over-long text is cut
with a note, a message with too many blocks keeps the first ones and says how many more
there were, and every text input gets a `max_length`. Pure: dicts in, fitted copies out.
"""

from __future__ import annotations

import re
from typing import Any

TEXT_MAX = 40_000  # top-level `text` of a message
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100  # a modal or App Home
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000  # a section field, a context element
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
VIEW_TITLE_MAX = 24
INPUT_MAX_LENGTH = 3000  # the most a plain_text_input may allow

CUT = "… _(shortened: too long for Slack)_"
CUT_PLAIN = "…"

# An entity or a `<…>` (link, mention, date) cut in half would show as garbage or break
# the markup after it; a cut backs off to before it.
_OPEN_ENTITY = re.compile(r"&[a-z]{0,4}$")
_OPEN_ANGLE = re.compile(r"<[^>]*$")


def clip(text: str, limit: int, note: str = CUT) -> str:
    """`text` if it fits, else its start and `note` in at most `limit` characters."""
    if len(text) <= limit:
        return text
    if len(note) >= limit:
        note = CUT_PLAIN
    head = text[: limit - len(note)]
    for unfinished in (_OPEN_ANGLE, _OPEN_ENTITY):
        found = unfinished.search(head)
        if found:
            head = head[: found.start()]
    return head.rstrip() + note


def _fit_text_object(obj: Any, limit: int) -> Any:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return obj
    note = CUT if obj.get("type") == "mrkdwn" else CUT_PLAIN
    return {**obj, "text": clip(obj["text"], limit, note)}


def _fit_element(element: Any) -> Any:
    if not isinstance(element, dict):
        return element
    kind = element.get("type")
    if kind == "button":
        return {**element, "text": _fit_text_object(element.get("text"), BUTTON_TEXT_MAX)}
    if kind in ("mrkdwn", "plain_text"):  # a context element
        return _fit_text_object(element, FIELD_TEXT_MAX)
    if kind == "plain_text_input":
        fitted = dict(element)
        limit = min(int(fitted.get("max_length") or INPUT_MAX_LENGTH), INPUT_MAX_LENGTH)
        fitted["max_length"] = limit
        initial = fitted.get("initial_value")
        if isinstance(initial, str) and len(initial) > limit:
            fitted["initial_value"] = initial[:limit]
        return fitted
    return element


def fit_block(block: Any) -> Any:
    """One block with its texts within Block Kit's limits."""
    if not isinstance(block, dict):
        return block
    kind = block.get("type")
    fitted = dict(block)
    if kind == "section":
        if "text" in fitted:
            fitted["text"] = _fit_text_object(fitted["text"], SECTION_TEXT_MAX)
        if isinstance(fitted.get("fields"), list):
            fitted["fields"] = [_fit_text_object(f, FIELD_TEXT_MAX) for f in fitted["fields"]]
        if "accessory" in fitted:
            fitted["accessory"] = _fit_element(fitted["accessory"])
    elif kind == "header":
        fitted["text"] = _fit_text_object(fitted.get("text"), HEADER_TEXT_MAX)
    elif kind in ("actions", "context") and isinstance(fitted.get("elements"), list):
        fitted["elements"] = [_fit_element(e) for e in fitted["elements"]]
    elif kind == "input":
        fitted["element"] = _fit_element(fitted.get("element"))
    return fitted


def fit_blocks(blocks: Any, most: int) -> Any:
    """At most `most` blocks, each fitted; the last says how many more were left out."""
    if not isinstance(blocks, list):
        return blocks
    fitted = [fit_block(b) for b in blocks]
    if len(fitted) <= most:
        return fitted
    left_out = len(fitted) - (most - 1)
    note = {
        "type": "context",
        "elements": [{
            "type": "mrkdwn",
            "text": f"_…and {left_out} more not shown: Slack shows at most {most} "
                    "blocks at once._",
        }],
    }
    return [*fitted[: most - 1], note]


def fit_message(args: dict[str, Any]) -> dict[str, Any]:
    """A chat.* call's or response_url post's arguments within Slack's limits."""
    fitted = dict(args)
    if isinstance(fitted.get("text"), str):
        fitted["text"] = clip(fitted["text"], TEXT_MAX)
    if "blocks" in fitted:
        fitted["blocks"] = fit_blocks(fitted["blocks"], MESSAGE_BLOCKS_MAX)
    return fitted


def fit_view(view: Any) -> Any:
    """A modal or App Home within Slack's limits (private_metadata is the bot's own and
    is kept short where it is written)."""
    if not isinstance(view, dict):
        return view
    fitted = dict(view)
    if "blocks" in fitted:
        fitted["blocks"] = fit_blocks(fitted["blocks"], VIEW_BLOCKS_MAX)
    for key in ("title", "submit", "close"):
        if key in fitted:
            fitted[key] = _fit_text_object(fitted[key], VIEW_TITLE_MAX)
    return fitted
