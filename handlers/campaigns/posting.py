"""Turning a submitted link into what the person is told, for the I posted form and
`/club campaign post`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.campaigns import embargo
from bot.campaigns.embargo import Posted
from bot.campaigns.manage import CampaignProblem
from bot.content import campaigns as say
from bot.deps import Deps


@dataclass(frozen=True)
class PostAnswer:
    text: str
    # A problem with the link itself: shown on the form's field instead of a DM.
    inline: bool = False


def answer_post(deps: Deps, campaign_id: int, user_id: str, text: str, named: bool) -> PostAnswer:
    outcome = embargo.submit_link(deps.db, campaign_id, user_id, text, named, deps.clock.now())
    if isinstance(outcome, CampaignProblem):
        return PostAnswer(outcome.message)
    snap = outcome.snap
    assert snap is not None
    if outcome.result is Posted.EMBARGOED:
        lift = say.slack_time(snap.launch_at, snap.tz)
        return PostAnswer(say.embargoed(snap.title, lift))
    if outcome.result is Posted.CLOSED:
        return PostAnswer(say.closed(snap.title))
    if outcome.result is Posted.NOT_A_LINK:
        return PostAnswer(outcome.message, inline=True)
    if outcome.result is Posted.ALREADY:
        return PostAnswer(say.already_counted(snap.title))
    assert outcome.link is not None
    return PostAnswer(say.counted(snap.title, outcome.link.network.value,
                                  outcome.first_external, outcome.link.practice))
