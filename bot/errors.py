"""The one error handler: log the traceback with an id, tell the person briefly."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

log = logging.getLogger("clubbot.errors")


def new_error_id() -> str:
    return "E-" + secrets.token_hex(3).upper()


def apology(error_id: str) -> str:
    return (
        ":warning: Sorry, something went wrong on my side and I couldn't finish that. "
        f"Please try again in a moment; if it keeps happening, tell an organiser and "
        f"quote error id `{error_id}`."
    )


def report_error(error: BaseException, body: dict[str, Any], client: WebClient) -> str:
    """Log `error` with a fresh id and tell whoever triggered it. Never raises."""
    error_id = new_error_id()
    kind = body.get("type") or body.get("command") or "request"
    log.error("listener failed error_id=%s kind=%s", error_id, kind, exc_info=error)
    try:
        _tell_person(body, client, apology(error_id))
    except Exception:  # the apology itself must never take the bot down
        log.exception("could not deliver apology error_id=%s", error_id)
    return error_id


def _tell_person(body: dict[str, Any], client: WebClient, text: str) -> None:
    response_url = body.get("response_url") or _first_response_url(body)
    if response_url:
        WebhookClient(response_url).send(
            text=text, response_type="ephemeral", replace_original=False
        )
        return
    event = body.get("event") or {}
    user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
    channel = (
        body.get("channel_id") or (body.get("channel") or {}).get("id") or event.get("channel")
    )
    if not user:
        return
    if channel and not str(channel).startswith("D"):
        client.chat_postEphemeral(channel=channel, user=user, text=text)
        return
    dm = client.conversations_open(users=user)["channel"]["id"]
    client.chat_postMessage(channel=dm, text=text)


def _first_response_url(body: dict[str, Any]) -> str | None:
    urls = body.get("response_urls") or []
    return urls[0].get("response_url") if urls else None
