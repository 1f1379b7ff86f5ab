"""Due work for launch campaigns on every tick: invitations whose working hours have
come, go-live DMs when an embargo lifts, and the roundup at close.

The claims happen in bot.campaigns; each message is written to the shared outbox
(bot.delivery) in the claiming transaction, and the deliverer sends it after commit
(the tick's last task), per recipient, once, with retries.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.campaigns import due as campaigns_due
from bot.campaigns import embargo, invitations, roundup
from bot.campaigns.embargo import GoLiveNote
from bot.campaigns.invitations import InviteNote
from bot.campaigns.roundup import RoundupNote
from bot.content import campaigns as say
from bot.delivery import outbox
from bot.deps import Deps
from handlers.campaigns import views

log = logging.getLogger("clubbot.campaigns")


def send_due_invitations(deps: Deps) -> None:
    now = deps.clock.now()

    def write(session: Session, note: InviteNote) -> None:
        text, blocks = views.invitation(note.snap, now)
        outbox.enqueue(
            session, note.user_id, f"campaigns.invite:{note.snap.id}:{note.user_id}",
            outbox.Message(text, blocks, unsolicited=True), now=now,
            purpose="campaigns.invite", ref=str(note.snap.id), not_after=note.snap.closes_at,
        )

    invitations.claim_due_invitations(deps.db, now, write)


def send_golive(deps: Deps) -> None:
    now = deps.clock.now()

    def write(session: Session, note: GoLiveNote) -> None:
        text, blocks = views.golive(note.snap)
        # They asked to hear the moment it lifts: not held for working hours.
        launch = int(note.snap.launch_at.timestamp())
        outbox.enqueue(
            session, note.user_id, f"campaigns.golive:{note.snap.id}:{launch}:{note.user_id}",
            outbox.Message(text, blocks, unsolicited=True), now=now,
            purpose="campaigns.golive", ref=str(note.snap.id), not_after=note.snap.closes_at,
        )

    embargo.claim_golive(deps.db, now, write)


def post_roundups(deps: Deps) -> None:
    channel = deps.settings.club_channel
    now = deps.clock.now()

    def write(session: Session, note: RoundupNote) -> None:
        if channel is None:
            log.warning("campaign roundup not posted campaign=%s: no CLUB_CHANNEL", note.snap.id)
            return
        text = say.roundup(note.snap.title, note.by_network, note.named, note.others,
                           note.practice)
        outbox.enqueue(
            session, channel, f"campaigns.roundup:{note.snap.id}", outbox.Message(text),
            now=now, purpose="campaigns.roundup", ref=str(note.snap.id),
            about=f"the roundup of campaign {note.snap.id}",
        )

    roundup.claim_roundups(deps.db, now, write)


def next_due(deps: Deps) -> datetime | None:
    """When an invitation, a go-live DM or a roundup next falls due."""
    return campaigns_due.next_due(deps.db, deps.clock.now())
