"""Block Kit for nudges: the message itself, with the opt-out footer and button."""

from __future__ import annotations

from typing import Any

from bot.content.messages import nudge_footer
from handlers import ids


def nudge_blocks(text: str, user_id: str) -> list[dict[str, Any]]:
    """The nudge with its opt-out button, which names the person it was sent to."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": nudge_footer()}]},
        {
            "type": "actions",
            "block_id": "nudge_opt_out",
            "elements": [
                {
                    "type": "button",
                    "action_id": ids.NUDGES_OFF,
                    "text": {"type": "plain_text", "text": "Stop these nudges"},
                    "value": user_id,
                }
            ],
        },
    ]


def nudge_fallback(text: str) -> str:
    """The notification text: the message and how to stop them."""
    return f"{text}\n{nudge_footer()}"


def nudge_message(text: str, user_id: str) -> tuple[str, list[dict[str, Any]]]:
    """The nudge as the outbox sends it (bot.encouragement.nudges.NudgeView)."""
    return nudge_fallback(text), nudge_blocks(text, user_id)
