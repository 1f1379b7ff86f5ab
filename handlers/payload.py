"""What a button's value or a form's private_metadata names, read defensively.

Slack hands back what the bot wrote, unless the request was crafted: a value is only a
claim about which record is meant, to be looked up in storage and checked by the policy,
never believed. Anything the bot would not have written reads as nothing (None or {}), so
listeners answer "out of date" instead of failing on a huge number or broken JSON.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

# The largest id an INTEGER primary key holds on PostgreSQL; a larger one names nothing.
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"^[0-9]{1,10}$")


def record_id(value: object) -> int | None:
    """A positive database id from a button value or a metadata field, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.match(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def id_pair(value: object) -> tuple[int, int] | None:
    """Two ids written as "12:34" (a question and an FAQ entry), or None."""
    if not isinstance(value, str):
        return None
    first, colon, second = value.partition(":")
    a, b = record_id(first), record_id(second)
    return (a, b) if colon and a is not None and b is not None else None


def moment(value: object) -> datetime | None:
    """A moment the bot wrote as unix seconds or as ISO 8601 with a zone; else None
    (including a number no calendar has)."""
    try:
        if isinstance(value, str) and _DIGITS.match(value):
            return datetime.fromtimestamp(int(value), UTC)
        if isinstance(value, str):
            found = datetime.fromisoformat(value)
            return found if found.tzinfo is not None else None
    except (ValueError, OverflowError, OSError):
        return None
    return None


def metadata(view: dict[str, Any]) -> dict[str, Any] | None:
    """A view's private_metadata as the bot wrote it: a JSON object ({} when empty), or
    None when it is anything else, which no form of the bot's carries."""
    raw = view.get("private_metadata") or ""
    if not raw:
        return {}
    try:
        data = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def action_value(body: dict[str, Any]) -> str:
    """The pressed button's value ('' when the payload has none)."""
    actions = body.get("actions") or [{}]
    first = actions[0] if isinstance(actions, list) and actions else {}
    value = first.get("value") if isinstance(first, dict) else None
    return value if isinstance(value, str) else ""
