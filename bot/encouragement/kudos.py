"""Kudos: a public thank-you in the club channel, counted for milestones."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from slack_sdk.errors import SlackApiError

from bot.content import escape_mrkdwn
from bot.deps import Deps
from handlers.encouragement.views.kudos import kudos_post
from storage.db import Database
from storage.encouragement import queries as repo

log = logging.getLogger("clubbot.kudos")


class KudosResult(StrEnum):
    POSTED = "posted"
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
    try:
        with deps.db.transaction() as session:
            repo.add_kudos(session, giver, receiver, reason, now)
            total = repo.kudos_received(session, [receiver]).get(receiver, 0)
            # Posted inside the transaction: if Slack refuses, the kudos is not counted.
            deps.client.chat_postMessage(channel=channel, text=kudos_post(giver, ref, reason))
    except SlackApiError as error:
        code = str(error.response.get("error")) if error.response is not None else "unknown"
        log.warning("kudos not posted giver=%s error=%s", giver, code)
        return KudosOutcome(KudosResult.POST_FAILED, channel, slack_error=code)
    log.info("kudos giver=%s receiver=%s", giver, receiver)
    return KudosOutcome(KudosResult.POSTED, channel, total)
