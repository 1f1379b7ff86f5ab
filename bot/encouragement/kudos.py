"""Kudos: a public thank-you in the club channel, and a DM telling the person thanked.

The kudos and its post commit together (the post through the outbox); a post Slack
refuses for good takes the kudos back out of the counts. Once the post is up, the person
thanked gets a DM saying who thanked them and for what (never before: a post Slack
refused is no kudos), unless they asked the bot to leave them alone or turned nudges off.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from uuid import uuid4

from sqlalchemy.orm import Session

from bot.content import escape_mrkdwn
from bot.content.kudos import kudos_post
from bot.content.messages import milestone_text
from bot.delivery import deliverer, outbox
from bot.delivery.deliverer import Job, Posted
from bot.deps import Deps
from storage.db import Database
from storage.encouragement import queries as repo
from storage.encouragement.models import Kudos
from storage.members.models import Member

log = logging.getLogger("clubbot.kudos")

PURPOSE = "encouragement.kudos"
DM_PURPOSE = "encouragement.kudos_dm"


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
    if sent is not None and sent.status == "sent":
        deps.deliver(_dm_key(key))  # the thank-you DM the post's delivery just queued
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


def _dm_key(post_key: str) -> str:
    return f"{DM_PURPOSE}:{post_key.removeprefix(PURPOSE + ':')}"


def _tell_the_person_thanked(session: Session, job: Job, posted: Posted) -> None:
    """The post is up: queue the DM that says who thanked them and for what."""
    kudos = session.get(Kudos, int(job.ref or 0))
    if kudos is None:
        return
    member = session.get(Member, kudos.receiver_id)
    if member is None or member.excluded or repo.is_opted_out(session, kudos.receiver_id):
        return
    total = repo.kudos_received(session, [kudos.receiver_id]).get(kudos.receiver_id, 0)
    text = milestone_text(
        "kudos_received",
        user_id=kudos.receiver_id,
        from_id=kudos.giver_id,
        reason=kudos.reason,
        count=total,
    )
    outbox.enqueue(
        session,
        kudos.receiver_id,
        _dm_key(job.key),
        outbox.Message(f"{text} (<#{posted.channel}>)", unsolicited=True),
        now=kudos.given_at,
        purpose=DM_PURPOSE,
        ref=str(kudos.id),
    )


deliverer.on_failed(PURPOSE, _not_posted)
deliverer.on_sent(PURPOSE, _tell_the_person_thanked)
