"""What to do after a failed send: pure rules, no Slack, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.slack_limits import METHOD_TIERS, POST_WORKSPACE, TIERS

OPEN_LIMIT = TIERS[METHOD_TIERS["conversations.open"]]

# The delivery can never succeed: end it after this one try.
PERMANENT = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "account_inactive",
        "user_disabled",
        "cannot_dm_bot",
        # The app lacks a scope (e.g. mpim:write for group DMs) until it is reinstalled.
        "missing_scope",
    }
)
# Slack is busy or broken for a while: honour Retry-After, else back off.
PASSING = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
MAX_ATTEMPTS = 5
# Waiting out rate limits is not failing, but it is bounded too.
MAX_RATE_LIMITED_ATTEMPTS = 20
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class SendFailure:
    """What went wrong, in Slack's words: `error` is Slack's code, or "network"/"timeout"."""

    error: str
    status: int | None = None
    retry_after: float | None = None
    # The request may have reached Slack (a timeout, a connection lost mid-call).
    maybe_sent: bool = False


@dataclass(frozen=True)
class Retry:
    at: datetime


@dataclass(frozen=True)
class GiveUp:
    permanent: bool  # True: organisers hear about it when the row says who should know


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... at most an hour."""
    delay: timedelta = FIRST_BACKOFF * (2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


def after_failure(failure: SendFailure, attempts: int, now: datetime) -> Retry | GiveUp:
    if failure.error in PERMANENT:
        return GiveUp(permanent=True)
    rate_limited = failure.status == 429 or failure.error == "ratelimited"
    if rate_limited and attempts < MAX_RATE_LIMITED_ATTEMPTS:
        # Slack says when (Retry-After); without it, back off as for any passing error.
        if failure.retry_after is None:
            return Retry(now + backoff(attempts))
        return Retry(now + timedelta(seconds=max(failure.retry_after, 1.0)))
    if attempts >= MAX_ATTEMPTS:
        return GiveUp(permanent=False)
    return Retry(now + backoff(attempts))


# A mass send: more than one burst of conversations.open or of chat.postMessage. It is
# planned to start early enough (lead_time) and its organiser sees a progress line.
LEAD_MARGIN = 1.25
LEAD_SLACK = timedelta(minutes=1)


def is_mass(opens: int, posts: int) -> bool:
    return opens > OPEN_LIMIT.burst or posts > POST_WORKSPACE.burst


def lead_time(opens: int, posts: int) -> timedelta:
    """How long before its deadline a send of `posts` messages, `opens` of them to people
    whose DM channel is not known yet, must start at Slack's rates (with a margin for
    the rest of the bot's traffic)."""
    seconds = max(opens / OPEN_LIMIT.per_second, posts / POST_WORKSPACE.per_second)
    return timedelta(seconds=seconds * LEAD_MARGIN) + LEAD_SLACK
