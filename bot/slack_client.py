"""The Web API client: Slack's base URL (or the emulator's) and retries on 429."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Settings


def make_client(settings: Settings) -> WebClient:
    # slack-sdk retries only connection errors by default; Slack's 429s carry
    # Retry-After and must be honoured, not surfaced to the person.
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=4),
        ],
    )
