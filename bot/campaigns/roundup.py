"""The roundup at close: claimed once per campaign (a conditional UPDATE closes it),
the participants' thanks counted in their kudos in the same transaction."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.campaigns.manage import CampaignSnap, snapshot
from storage.campaigns import queries as repo
from storage.db import Database
from storage.encouragement import queries as encouragement

log = logging.getLogger("clubbot.campaigns")

THANKS_REASON = "taking part in the launch of {title}"


@dataclass(frozen=True)
class RoundupNote:
    snap: CampaignSnap
    by_network: dict[str, int]
    named: tuple[str, ...]  # participants who agreed to be named
    others: int  # participants not named (they said no, or were forgotten)
    practice: int


def claim_roundups(
    db: Database, now: datetime, say: Callable[[Session, RoundupNote], None] | None = None
) -> list[RoundupNote]:
    """Close each campaign due to close, once; `say` writes its roundup to the outbox in
    the same transaction as the close and the kudos."""
    notes: list[RoundupNote] = []
    with db.transaction() as session:
        for campaign_id in repo.closing_ids(session, now):
            if not repo.claim_roundup(session, campaign_id, now):
                continue  # another replica (or an earlier run) has it
            campaign = repo.get(session, campaign_id)
            assert campaign is not None
            posts = repo.posts(session, campaign_id)
            external = [post for post in posts if not post.practice]
            by_network = dict(Counter(post.network for post in external).most_common())
            participants = list(dict.fromkeys(post.user_id for post in posts if post.user_id))
            named = tuple(dict.fromkeys(
                post.user_id for post in posts if post.user_id and post.named))
            anonymous = len({post.id for post in posts if not post.user_id})
            others = len([p for p in participants if p not in named]) + anonymous
            giver = campaign.created_by or "clubbot"
            for user in participants:
                encouragement.add_kudos(session, giver, user,
                                        THANKS_REASON.format(title=campaign.title), now)
            note = RoundupNote(snapshot(campaign), by_network, named, others,
                               len(posts) - len(external))
            notes.append(note)
            if say is not None:
                say(session, note)
            log.info("campaign roundup claimed campaign=%s posts=%d participants=%d",
                     campaign_id, len(posts), len(participants))
    return notes
