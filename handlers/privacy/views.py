"""Block Kit for `/club forget me`: the confirmation with its two buttons."""

from __future__ import annotations

from typing import Any

from handlers import ids

FORGET_QUESTION = (
    "*Forget you?* I'll delete everything I keep about you: your place on the path, "
    "your nudge settings and history, kudos you gave or received, your roles and "
    "your cached profile, and what other club features stored about you. Only "
    "anonymous totals stay. This can't be undone."
)


def forget_confirmation(user_id: str) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": FORGET_QUESTION}},
        {
            "type": "actions",
            "block_id": "forget_me",
            "elements": [
                {
                    "type": "button",
                    "action_id": ids.FORGET_CONFIRM,
                    "text": {"type": "plain_text", "text": "Yes, forget me"},
                    "style": "danger",
                    "value": user_id,
                },
                {
                    "type": "button",
                    "action_id": ids.FORGET_CANCEL,
                    "text": {"type": "plain_text", "text": "Cancel"},
                    "value": user_id,
                },
            ],
        },
    ]
