"""Welcoming newcomers to the club channel: one DM per person, ever (through the outbox)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from bot.content import messages
from bot.delivery import outbox
from bot.deps import Deps
from storage.db import Database
from storage.encouragement import queries as repo
from storage.members.models import Member
from storage.path import queries as steps_repo

log = logging.getLogger("clubbot.welcome")

PURPOSE = "encouragement.welcome"


class WelcomeResult(StrEnum):
    SENT = "sent"
    ALREADY_WELCOMED = "already_welcomed"
    NOT_THE_CLUB = "not_the_club"
    EXCLUDED = "excluded"
    BOT = "bot"


# (title, start) of the club's next meeting after `now`, or None: the meetings feature's
# answer, handed in by the listener (handlers/wiring.py, `next_meeting`).
NextMeeting = Callable[[Database, datetime], tuple[str, datetime] | None]


def next_meeting_line(deps: Deps, now: datetime, next_meeting: NextMeeting) -> str | None:
    meeting = next_meeting(deps.db, now)
    if meeting is None:
        return None
    title, starts_at = meeting
    fallback = starts_at.strftime("%a %d %B %Y, %H:%M UTC")
    return messages.meeting_line(title, int(starts_at.timestamp()), fallback)


def welcome(
    deps: Deps, user_id: str, channel_id: str, next_meeting: NextMeeting
) -> WelcomeResult:
    """Someone joined a channel: if it is the club channel, welcome them once."""
    club = deps.settings.club_channel
    if club is None or channel_id != club:
        return WelcomeResult.NOT_THE_CLUB
    if deps.notifier.profile(user_id).is_bot:
        return WelcomeResult.BOT
    now = deps.clock.now()
    # The step stands even if the DM fails: they did join.
    with deps.db.transaction() as session:
        steps_repo.record_step(session, user_id, "joined", now)
    text = messages.welcome_text(user_id, club, next_meeting_line(deps, now, next_meeting))
    # The claim and the DM's outbox row commit together; the deliverer sends it after.
    with deps.db.transaction() as session:
        member = session.get(Member, user_id)
        if member is not None and member.excluded:
            log.info("welcome not sent, person excluded user=%s", user_id)
            return WelcomeResult.EXCLUDED  # no claim: welcomed if they come back included
        if not repo.claim_welcome(session, user_id, now):
            return WelcomeResult.ALREADY_WELCOMED
        outbox.enqueue(
            session,
            user_id,
            f"{PURPOSE}:{user_id}",
            outbox.Message(text, unsolicited=True),
            now=now,
            purpose=PURPOSE,
        )
        repo.count(session, repo.WELCOMES_SENT)
    deps.deliver()
    log.info("welcomed user=%s", user_id)
    return WelcomeResult.SENT



def mark_joined(deps: Deps, user_ids: list[str]) -> int:
    """People already in the club channel (read from Slack at start) have joined it: the
    path's first step is ticked for them, so no nudge ever asks them to join. No welcome DM:
    they are not new. How many were newly ticked."""
    now = deps.clock.now()
    for _attempt in range(3):
        ticked = 0
        try:
            with deps.db.transaction() as session:
                for user_id in dict.fromkeys(user_ids):
                    ticked += bool(steps_repo.record_step(session, user_id, "joined", now))
        except IntegrityError:
            # A replica starting at the same moment ticked some first: look again.
            continue
        log.info("club channel members marked joined count=%d newly=%d", len(user_ids), ticked)
        return ticked
    raise RuntimeError("could not mark the club channel's members joined")
