"""Sending direct messages: open the DM once, then post."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient


def open_dm(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])


def dm(client: WebClient, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None,
       ) -> dict[str, Any]:
    """Post `text` (the notification fallback) and optional blocks in the person's DM."""
    channel = open_dm(client, user_id)
    kwargs: dict[str, Any] = {"channel": channel, "text": text}
    if blocks:
        kwargs["blocks"] = blocks
    response = client.chat_postMessage(**kwargs)
    return dict(response.data) if isinstance(response.data, dict) else {}
