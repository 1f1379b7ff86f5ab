"""What a mentoring use case wants said, collected inside its transaction and
delivered to Slack after it commits (bot.mentoring.delivery).

Keeping Slack calls out of transactions means a slow or failing Slack never
holds a database lock, and nothing is announced that was then rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class OfferNote:
    """A new offer to DM to its mentor, with Accept / Decline."""

    offer_id: int
    mentor_id: str
    mentee_id: str
    topics: tuple[str, ...]
    goal: str
    preferred_times: str
    reasons: str
    expires_at: datetime
    source: str
    offered_by: str | None


@dataclass(frozen=True)
class StaleOffer:
    """An offer that is over: its DM is updated and loses its buttons."""

    offer_id: int
    mentor_id: str
    mentee_id: str
    channel_id: str | None
    message_ts: str | None
    # declined, expired, withdrawn, excluded (the mentor asked not to be contacted), full,
    # cancelled
    why: str


@dataclass(frozen=True)
class Stalled:
    """Nobody is left to offer a request to: tell the mentee and the organisers."""

    request_id: int
    mentee_id: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Introduction:
    """A new pairing: group DM, introduction, and both people told."""

    pairing_id: int
    mentor_id: str
    mentee_id: str
    topics: tuple[str, ...]
    goal: str
    preferred_times: str
    offer_channel: str | None
    offer_ts: str | None


@dataclass(frozen=True)
class Checkin:
    """A week after pairing: "Have you met?" in the pairing's group DM."""

    pairing_id: int
    mentor_id: str
    mentee_id: str
    channel_id: str | None


@dataclass
class Outbox:
    offers: list[OfferNote] = field(default_factory=list)
    stale: list[StaleOffer] = field(default_factory=list)
    stalled: list[Stalled] = field(default_factory=list)
    introductions: list[Introduction] = field(default_factory=list)
    checkins: list[Checkin] = field(default_factory=list)
    # (user_id, text): DMs people expect, such as "your pairing ended".
    dms: list[tuple[str, str]] = field(default_factory=list)
    # (channel_id, text): posts in a pairing's group DM.
    posts: list[tuple[str, str]] = field(default_factory=list)
    # People whose App Home now shows something else, besides the person acting (whose
    # Home the completion hook refreshes): the other side of a new or ended pairing.
    homes: list[str] = field(default_factory=list)

    def extend(self, other: Outbox) -> None:
        self.offers += other.offers
        self.stale += other.stale
        self.stalled += other.stalled
        self.introductions += other.introductions
        self.checkins += other.checkins
        self.dms += other.dms
        self.posts += other.posts
        self.homes += other.homes
