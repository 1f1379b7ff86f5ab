"""Checks a raw HTTP request from Slack before anything parses it.

Bolt parses the body before it verifies the signature, so a crafted body got a 500
and a traceback. Here the order is: the signature over the raw bytes first (401 for
anyone without the signing secret, whatever they sent), then the shape of a signed
body (400 for what Slack never sends). Pure: headers, bytes and the time in, a verdict out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

#: Slack refuses requests older than this itself; so do we (replay protection).
TIMESTAMP_TOLERANCE_SECONDS = 5 * 60

#: The largest body Slack sends is far below this (a 40 000-character message is
#: at most ~250 kB as JSON); anything bigger is not from Slack.
MAX_BODY_BYTES = 1024 * 1024

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def signed_by_slack(
    headers: Mapping[str, str], body: bytes, secret: str, now: float
) -> Refusal | None:
    """None when the request carries Slack's valid, fresh signature."""
    signature = _header(headers, "X-Slack-Signature")
    timestamp = _header(headers, "X-Slack-Request-Timestamp")
    if not signature or timestamp is None or not secret:
        return Refusal(401, "unsigned")
    base = b"v0:" + timestamp.encode("utf-8", "replace") + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return Refusal(401, "bad signature")
    if not timestamp.isascii() or not timestamp.isdigit():
        return Refusal(400, "timestamp is not a number")
    if abs(now - int(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS:
        return Refusal(401, "stale timestamp")
    return None


def well_formed(content_type: str | None, body: bytes) -> Refusal | None:
    """None when the body is what Slack sends: a JSON object, or form data whose
    `payload` (interactivity) is a JSON object."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "body is not UTF-8")
    kind = media_type(content_type)
    if kind == JSON_TYPE:
        return None if _json_object(text) else Refusal(400, "body is not a JSON object")
    if kind != FORM_TYPE:
        return Refusal(400, "body is neither JSON nor form data")
    try:
        form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (ValueError, UnicodeDecodeError):
        return Refusal(400, "malformed form data")
    payloads = form.get("payload")
    if payloads is not None and (len(payloads) != 1 or not _json_object(payloads[0])):
        return Refusal(400, "payload is not a JSON object")
    return None


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than Python's stack
        return False


def check(
    headers: Mapping[str, str], content_type: str | None, body: bytes, secret: str, now: float
) -> Refusal | None:
    """The verdict on one request to the events endpoint: None lets it through."""
    if len(body) > MAX_BODY_BYTES:
        return Refusal(413, "body too large")
    return signed_by_slack(headers, body, secret, now) or well_formed(content_type, body)
