"""Text inside a request, cleaned once before any listener reads it.

Slack passes on whatever a person (or a crafted request) typed, including NUL and other
control characters. PostgreSQL refuses NUL in text ("A string literal cannot contain NUL
characters") and SQLite stores it silently, so one message behaved differently on each
backend; lone surrogates (valid in JSON as "\\ud800", not in UTF-8) fail on both. None of
them is anything a person meant to say, so they are removed from every string in the body,
keys included. Tab, line feed and carriage return are text and stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

# C0 controls but \t \n \r, DEL, C1 controls, and UTF-16 surrogates.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """`text` without NUL, other control characters and lone surrogates."""
    return _UNWANTED.sub("", text)


def unescape_slack(text: str) -> str:
    """A person's message or command text as typed: Slack sends `&`, `<` and `>` as
    `&amp;`, `&lt;` and `&gt;` (its own `<@U1>`, `<#C1>` and `<https://…>` stay as they
    are). Done once where that text comes in; everything shown is escaped once on the
    way out (bot.content.escape_mrkdwn), so "Q&A" is neither "Q&amp;amp;A" nor a
    `<!channel>` typed by someone a real ping. Form (modal) values are never escaped by
    Slack and must not pass through here."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clean(value: Any) -> Any:
    """Every string in a parsed JSON value cleaned; dicts and lists are changed in place
    (Bolt hands the same body object to every listener), the value is also returned."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = clean(item)
    elif isinstance(value, dict):
        for key in list(value):
            item = clean(value[key])
            new_key = strip_controls(key) if isinstance(key, str) else key
            if new_key != key:
                del value[key]
            value[new_key] = item
    return value


def clean_request(
    req: BoltRequest, body: dict[str, Any], next: Callable[[], BoltResponse]
) -> BoltResponse | None:
    """Bolt middleware, first after the signature check, so it runs before any handler
    on HTTP and Socket Mode alike."""
    clean(body)
    return next()
