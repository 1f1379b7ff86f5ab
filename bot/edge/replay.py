"""A signed request is executed once, however often it is sent.

Slack signs the timestamp with the body, and we refuse timestamps older than five
minutes; within those five minutes a captured request could be sent again word for
word (a `/club kudos` counted six times). So we remember what makes a request unique:
its signature (HTTP) and its `trigger_id` (commands and interactions, in both HTTP and
Socket Mode). They live in the database next to the event ids, so every replica sees
them, and the tick prunes them with the event ids (kept a day, well past the window).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse

from bot import events
from bot.deps import CONTEXT_KEY, Deps

log = logging.getLogger("clubbot.edge")


def request_keys(headers: Mapping[str, Sequence[str]], body: Mapping[str, Any]) -> list[str]:
    """What identifies this request among all others Slack ever sends (64 chars each)."""
    keys: list[str] = []
    signature = next(iter(headers.get("x-slack-signature") or ()), None)
    if signature:
        keys.append("sig:" + hashlib.sha256(signature.encode()).hexdigest()[:60])
    trigger_id = body.get("trigger_id")
    if isinstance(trigger_id, str) and trigger_id:
        keys.append("trg:" + hashlib.sha256(trigger_id.encode()).hexdigest()[:60])
    return keys


def refuse_replays(
    request: BoltRequest, body: dict[str, Any], context: BoltContext,
    next: Callable[[], BoltResponse],
) -> BoltResponse | None:
    """Bolt middleware: let a request through the first time only; a replay gets a
    plain 200 (Slack's own retries of events carry a new signature and go on to the
    event-id check)."""
    keys = request_keys(request.headers, body)
    if not keys:
        return next()
    deps: Deps = context[CONTEXT_KEY]
    if events.first_delivery_of_all(deps.db, keys, deps.clock.now()):
        return next()
    log.info("replayed request ignored type=%s", body.get("type") or body.get("command"))
    return BoltResponse(status=200, body="")
