"""Block Kit's small pieces, written once for every feature's views.

Texts are cut at Slack's section limit here; the client fits whole messages and views
(bot/edge/limits.py) on the way out as well.
"""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]
SECTION_MAX = 3000


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_MAX]}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_MAX]}]}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    """A button; `style` "primary" or "danger", or Slack's default."""
    made: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
    }
    if style:
        made["style"] = style
    return made
