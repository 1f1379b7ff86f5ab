"""Whom a campaign invites: its audience resolved (the club channel's members come
from Slack, the rest from the database), each person's zone looked up, and one
invitation planned per person. Runs after the campaign was saved, outside any
transaction."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.campaigns import invitations
from bot.campaigns.manage import CampaignSnap
from bot.campaigns.rules import Audience, steps_from
from bot.deps import Deps
from storage.campaigns import queries as repo

log = logging.getLogger("clubbot.campaigns")

# Enough for a large club; conversations.members pages at most 1000 at a time.
CHANNEL_PAGE = 500
MAX_INVITED = 5000


def channel_members(deps: Deps, channel: str | None) -> list[str]:
    if not channel:
        return []
    found: list[str] = []
    cursor = None
    try:
        while len(found) < MAX_INVITED:
            kwargs = {"channel": channel, "limit": CHANNEL_PAGE}
            if cursor:
                kwargs["cursor"] = cursor
            page = deps.client.conversations_members(**kwargs)
            found += [str(user) for user in page.get("members") or []]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    except SlackApiError as error:
        log.warning("club channel members not read channel=%s error=%s", channel,
                    error.response.get("error"))
    return found[:MAX_INVITED]


def audience_of(deps: Deps, snap: CampaignSnap) -> list[str]:
    if snap.audience is Audience.CHANNEL:
        return channel_members(deps, deps.settings.club_channel)
    with deps.db.transaction() as session:
        if snap.audience is Audience.PATH:
            return repo.people_at_or_past(session, steps_from(snap.audience_step or ""))
        if snap.audience is Audience.MENTORS:
            return repo.mentors(session)
        return repo.people_with_topics(session, snap.audience_topics)


def invite(deps: Deps, snap: CampaignSnap, *, skip: str | None = None) -> int:
    """Plan invitations for everyone in the audience not yet reached; how many."""
    people = [user for user in audience_of(deps, snap) if user != skip]
    with deps.db.transaction() as session:
        reached = {p.user_id for p in repo.people(session, snap.id)}
        leave_out = repo.excluded(session, people) | repo.opted_out(session, people) | reached
    zones: dict[str, str] = {}
    for user in people:
        if user in leave_out:
            continue
        profile = deps.notifier.profile(user)  # cached in members; Slack only when stale
        if not profile.is_bot:
            zones[user] = profile.tz
    return invitations.plan_invitations(deps.db, snap.id, zones, deps.clock.now()).planned
