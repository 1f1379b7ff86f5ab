"""Kudos: a public thank-you in the club channel, counted for milestones.

The kudos and its post commit together (the post through the outbox); a post Slack
refuses for good takes the kudos back out of the counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from uuid import uuid4

from sqlalchemy.orm import Session

from bot.content import escape_mrkdwn
from bot.content.kudos import kudos_post
from bot.delivery import deliverer, outbox
from bot.delivery.deliverer import Job
from bot.deps import Deps
from storage.db import Database
from storage.encouragement import queries as repo
from storage.encouragement.models import Kudos

log = logging.getLogger("clubbot.kudos")

PURPOSE = "encouragement.kudos"


class KudosResult(StrEnum):
    POSTED = "posted"
    QUEUED = "queued"  # Slack is busy: the outbox posts it shortly
    SELF = "self"
    BOT = "bot"
    NO_REASON = "no_reason"
    NO_CLUB_CHANNEL = "no_club_channel"
    POST_FAILED = "post_failed"


@dataclass(frozen=True)
class KudosOutcome:
    result: KudosResult
    channel: str | None = None
    received_total: int = 0
    slack_error: str | None = None


@dataclass(frozen=True)
class KudosCounts:
    received: dict[str, int]
    given: dict[str, int]
    total_ever: int
    """Kudos ever given, including those of people since forgotten."""


def kudos_counts(db: Database) -> KudosCounts:
    with db.transaction() as session:
        return KudosCounts(
            received=repo.kudos_received(session),
            given=repo.kudos_given(session),
            total_ever=repo.counters(session).get(repo.KUDOS_GIVEN, 0),
        )


def give_kudos(deps: Deps, giver: str, receiver: str, reason: str) -> KudosOutcome:
    """Post "<giver> thanks <receiver> for ..." in the club channel and count it."""
    reason = reason.strip()
    if receiver == giver:
        return KudosOutcome(KudosResult.SELF)
    if not reason:
        return KudosOutcome(KudosResult.NO_REASON)
    channel = deps.settings.club_channel
    if channel is None:
        return KudosOutcome(KudosResult.NO_CLUB_CHANNEL)
    profile = deps.notifier.profile(receiver)
    if profile.is_bot:
        return KudosOutcome(KudosResult.BOT)
    # Someone who asked to be left alone is thanked by name, without a ping.
    excluded = deps.notifier.is_excluded(receiver)
    ref = escape_mrkdwn(profile.name) if excluded else f"<@{receiver}>"
    now = deps.clock.now()
    with deps.db.transaction() as session:
        kudos = repo.add_kudos(session, giver, receiver, reason, now)
        total = repo.kudos_received(session, [receiver]).get(receiver, 0)
        # Not the id alone: SQLite reuses the id of a kudos taken back (a refused post).
        key = f"{PURPOSE}:{kudos.id}:{uuid4().hex}"
        outbox.enqueue(
            session,
            channel,
            key,
            outbox.Message(kudos_post(giver, ref, reason)),
            now=now,
            purpose=PURPOSE,
            ref=str(kudos.id),
            about="a kudos post",
        )
    deps.deliver()  # at once, so the giver hears how it went
    sent = outbox.outcome(deps.db, key)
    if sent is not None and sent.status == "failed":
        log.warning("kudos not posted giver=%s error=%s", giver, sent.error)
        return KudosOutcome(KudosResult.POST_FAILED, channel, slack_error=sent.error)
    log.info("kudos giver=%s receiver=%s", giver, receiver)
    posted = sent is not None and sent.status == "sent"
    return KudosOutcome(KudosResult.POSTED if posted else KudosResult.QUEUED, channel, total)


def _not_posted(session: Session, job: Job, _error: str) -> None:
    """The post failed for good: the kudos is not counted (as if never given)."""
    kudos = session.get(Kudos, int(job.ref or 0))
    if kudos is not None:
        session.delete(kudos)
        repo.count(session, repo.KUDOS_GIVEN, by=-1)


deliverer.on_failed(PURPOSE, _not_posted)
