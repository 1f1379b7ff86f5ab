"""The Web API client: Slack's base URL (or the emulator's), retries on 429, and every
message and view fitted within Slack's limits on the way out (bot/edge/limits.py)."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.web import SlackResponse
from slack_sdk.webhook import WebhookResponse

from bot.config import Settings
from bot.edge import limits

MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage"}
)
VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})


class FittingWebClient(WebClient):
    """A WebClient whose messages and views never break Slack's size limits: what would
    be refused (and so never seen) is shortened with a note instead."""

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        body = kwargs.get("json")
        if isinstance(body, dict):
            if api_method in MESSAGE_METHODS:
                kwargs["json"] = limits.fit_message(body)
            elif api_method in VIEW_METHODS and isinstance(body.get("view"), dict):
                kwargs["json"] = {**body, "view": limits.fit_view(body["view"])}
        return super().api_call(api_method, **kwargs)


class FittingRespond(Respond):
    """Bolt's respond(), with the message fitted like FittingWebClient's."""

    def __call__(self, text: str | dict[str, Any] = "", **kwargs: Any) -> WebhookResponse:  # type: ignore[override]
        if isinstance(text, dict):
            return super().__call__(limits.fit_message(text))
        fitted = limits.fit_message({"text": text, **kwargs})
        return super().__call__(**fitted)


def fit_responses(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
    """Bolt middleware: listeners get a respond() that fits what they say."""
    if context.response_url:
        context["respond"] = FittingRespond(
            response_url=context.response_url, proxy=context.client.proxy,
            ssl=context.client.ssl,
        )
    return next()


def wait_out(stopping: threading.Event, seconds: float) -> bool:
    """Wait `seconds` unless the process stops first; True: it is stopping."""
    return stopping.wait(seconds)


class StoppableRateLimitHandler(RateLimitErrorRetryHandler):
    """slack-sdk's 429 handler (wait Retry-After, then retry), except that the wait ends
    when the process is stopping, and then the 429 is the answer: a thread asleep on
    Retry-After would otherwise hold a stopping replica for as long as Slack said."""

    def __init__(self, stopping: threading.Event, max_retry_count: int = 4) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.stopping = stopping

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return not self.stopping.is_set() and super()._can_retry(
            state=state, request=request, response=response, error=error
        )

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            assert error is not None
            raise error
        headers = {k.lower(): v for k, v in response.headers.items()}
        retry_after = headers.get("retry-after")
        seconds = (int(retry_after[0]) if retry_after else 1) + random.random()
        stopped = wait_out(self.stopping, seconds)
        state.next_attempt_requested = not stopped
        state.increment_current_attempt()


def make_client(settings: Settings, stopping: threading.Event | None = None) -> WebClient:
    # slack-sdk retries only connection errors by default; Slack's 429s carry
    # Retry-After and must be honoured, not surfaced to the person.
    return FittingWebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            StoppableRateLimitHandler(stopping or threading.Event(), max_retry_count=4),
        ],
    )
