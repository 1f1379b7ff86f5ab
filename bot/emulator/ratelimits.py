"""Slack's rate limits in the emulator: past a method's tier (and, for chat.postMessage,
past one channel's share) a call gets 429 `ratelimited` with Retry-After, as Slack answers.

The buckets are those of bot/slack_limits.py and run on the emulator's clock, so a test
that moves its controlled clock sees them refill. Off unless switched on
(`SlackEmulator(enforce_tiers=True)`): most tests send bursts under a clock that stands
still, which real Slack would spread over seconds.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import SlackError
from bot.emulator.spec import methods
from bot.slack_limits import (
    POST_MESSAGE,
    POST_PER_CHANNEL,
    Limit,
    channel_bucket,
    method_bucket,
    method_limit,
)


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class TierLimits:
    def __init__(self, clock: Callable[[], float], *, enabled: bool = False) -> None:
        self.enabled = enabled
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def admit(self, method: str, args: dict[str, Any]) -> None:
        """Take this call's tokens, or raise the 429 Slack would answer (taking none)."""
        if not self.enabled:
            return
        wanted: list[tuple[str, Limit]] = []
        limit = method_limit(methods()[method].tier)
        if limit is not None:
            wanted.append((method_bucket(method), limit))
        if method == POST_MESSAGE and args.get("channel"):
            wanted.append((channel_bucket(str(args["channel"])), POST_PER_CHANNEL))
        with self._lock:
            now = self._clock()
            buckets = [(self._refilled(key, limit, now), limit) for key, limit in wanted]
            wait = max(
                ((1 - bucket.tokens) / limit.per_second for bucket, limit in buckets
                 if bucket.tokens < 1),
                default=0.0,
            )  # fmt: skip
            if wait > 0:
                raise SlackError(
                    "ratelimited", status=429, headers={"Retry-After": str(math.ceil(wait))}
                )
            for bucket, _limit in buckets:
                bucket.tokens -= 1

    def _refilled(self, key: str, limit: Limit, now: float) -> _Bucket:
        bucket = self._buckets.setdefault(key, _Bucket(limit.burst, now))
        if now > bucket.stamp:
            bucket.tokens = min(
                limit.burst, bucket.tokens + (now - bucket.stamp) * limit.per_second
            )
            bucket.stamp = now
        return bucket
