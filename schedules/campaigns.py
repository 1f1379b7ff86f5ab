"""Due work for launch campaigns on every tick: invitations whose working hours have
come, go-live DMs when an embargo lifts, and the roundup at close.

The claims happen in bot.campaigns (committed before anything is sent); this module
only says it in Slack, through handlers.campaigns.sending.
"""

from __future__ import annotations

import logging

from bot.campaigns import embargo, invitations, roundup
from bot.content import campaigns as say
from bot.deps import Deps
from handlers.campaigns import views
from handlers.campaigns.sending import post_in_channel, send_dm

log = logging.getLogger("clubbot.campaigns")


def send_due_invitations(deps: Deps) -> None:
    now = deps.clock.now()
    for note in invitations.claim_due_invitations(deps.db, now):
        text, blocks = views.invitation(note.snap, now)
        send_dm(deps, note.user_id, text, blocks, kind="invitation")


def send_golive(deps: Deps) -> None:
    for note in embargo.claim_golive(deps.db, deps.clock.now()):
        text, blocks = views.golive(note.snap)
        # They asked to hear the moment it lifts: not held for working hours.
        send_dm(deps, note.user_id, text, blocks, kind="go-live")


def post_roundups(deps: Deps) -> None:
    channel = deps.settings.club_channel
    for note in roundup.claim_roundups(deps.db, deps.clock.now()):
        text = say.roundup(note.snap.title, note.by_network, note.named, note.others,
                           note.practice)
        if channel is None:
            log.warning("campaign roundup not posted campaign=%s: no CLUB_CHANNEL", note.snap.id)
            continue
        post_in_channel(deps, channel, text, kind="roundup")
