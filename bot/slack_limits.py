"""Slack's Web API rate limits as token buckets: what the deliverer paces itself to, and
what the emulator enforces (both read this table, so a test sees what Slack would do).

Source: the tiers are Slack's "Rate limits" page (docs.slack.dev/apis/web-api/rate-limits):
Tier 1 1+ per minute, Tier 2 20+, Tier 3 50+, Tier 4 100+, "sporadic bursts welcome";
chat.postMessage is a special tier, "generally one message per second per channel, while
also maintaining a workspace-wide limit", short bursts allowed. Which method has which
tier comes from slackapi/java-slack-sdk's metadata/web-api/rate_limit_tiers.json, distilled
into bot/emulator/data/web_api_methods.json (scripts/distill_slack_spec.py);
tests/unit/test_slack_limits.py checks METHOD_TIERS below against it.

Slack publishes no figure for the workspace-wide chat.postMessage limit ("several hundred
a minute" is what integrators report); POST_WORKSPACE is a conservative guess at it.
A bucket holds at most `burst` tokens and gains `per_minute / 60` a second; a call takes one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    per_minute: float
    burst: float

    @property
    def per_second(self) -> float:
        return self.per_minute / 60


TIERS: dict[str, Limit] = {
    "Tier1": Limit(1, 1),
    "Tier2": Limit(20, 20),
    "Tier3": Limit(50, 50),
    "Tier4": Limit(100, 100),
}
POST_MESSAGE = "chat.postMessage"
POST_MESSAGE_TIER = "SpecialTier_chat_postMessage"
# About one a second in each channel (a DM is a channel), with a short burst.
POST_PER_CHANNEL = Limit(60, 10)
# Every chat.postMessage of the app in the workspace, whatever the channel.
POST_WORKSPACE = Limit(300, 100)

# The methods the bot paces (the deliverer's, and the App Home's publish), with their
# documented tier.
METHOD_TIERS: dict[str, str] = {
    POST_MESSAGE: POST_MESSAGE_TIER,
    "chat.update": "Tier3",
    "conversations.open": "Tier3",
    "conversations.history": "Tier3",
    "conversations.replies": "Tier3",
    "views.publish": "Tier4",
}


def method_limit(tier: str | None) -> Limit | None:
    """The workspace-wide bucket of a method of this tier; None: not limited here (special
    tiers other than chat.postMessage's, whose conditions Slack leaves unstated)."""
    if tier == POST_MESSAGE_TIER:
        return POST_WORKSPACE
    return TIERS.get(tier or "")


def method_bucket(method: str) -> str:
    return f"method:{method}"


def channel_bucket(conversation: str) -> str:
    """chat.postMessage's per-channel bucket. The deliverer names a DM by the person's user
    id (one DM channel per person), the emulator by the channel id: the same conversation."""
    return f"channel:{conversation}"
