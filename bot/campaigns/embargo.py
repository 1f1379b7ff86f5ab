"""The embargo: the go-live DM to those who joined when it lifts, and the links they
post afterwards (never before), each counted once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.campaigns.links import Link, NotALink, parse_link
from bot.campaigns.manage import NOT_FOUND, CampaignProblem, CampaignSnap, snapshot
from bot.campaigns.rules import FIRST_EXTERNAL_POST
from storage.campaigns import queries as repo
from storage.campaigns.models import CampaignPerson, CampaignPost
from storage.db import Database
from storage.members import queries as members
from storage.path import queries as path

log = logging.getLogger("clubbot.campaigns")


@dataclass(frozen=True)
class GoLiveNote:
    snap: CampaignSnap
    user_id: str


def claim_golive(
    db: Database, now: datetime, say: Callable[[Session, GoLiveNote], None] | None = None
) -> list[GoLiveNote]:
    """Everyone who joined a campaign whose embargo has lifted, not yet told for this
    launch moment: claimed per person, so exactly once; `say` writes each DM to the
    outbox in the same transaction. Not held for working hours: they asked to hear the
    moment it lifts."""
    notes: list[GoLiveNote] = []
    with db.transaction() as session:
        for campaign_id in repo.launched_ids(session, now):
            campaign = repo.get(session, campaign_id)
            assert campaign is not None
            snap = snapshot(campaign)
            excluded = repo.excluded(session, repo.joined(session, campaign_id))
            for person_id in repo.golive_pending(session, campaign_id, campaign.launch_at):
                if not repo.claim_golive(session, person_id, campaign.launch_at):
                    continue
                person = session.get(CampaignPerson, person_id)
                if person is not None and person.user_id and person.user_id not in excluded:
                    note = GoLiveNote(snap, person.user_id)
                    notes.append(note)
                    if say is not None:
                        say(session, note)
    return notes


class Posted(StrEnum):
    COUNTED = "counted"
    ALREADY = "already"  # this link was counted for the campaign before
    EMBARGOED = "embargoed"  # before launch: nothing counted
    NOT_A_LINK = "not_a_link"
    CLOSED = "closed"


@dataclass(frozen=True)
class PostOutcome:
    result: Posted
    snap: CampaignSnap | None = None
    link: Link | None = None
    message: str = ""
    # The person's first link outside the firewall: the path step was ticked.
    first_external: bool = False


def submit_link(
    db: Database, campaign_id: int, user_id: str, text: str, named: bool, now: datetime
) -> PostOutcome | CampaignProblem:
    parsed = parse_link(text)
    with db.transaction() as session:
        row = repo.get(session, campaign_id)
        if row is None:
            return CampaignProblem(NOT_FOUND)
        snap = snapshot(row)
        if row.status == repo.CANCELLED:
            return CampaignProblem(f"“{row.title}” was cancelled, so no links are collected.")
        if now < row.launch_at:
            return PostOutcome(Posted.EMBARGOED, snap)
        if row.status != repo.ACTIVE or row.closes_at <= now:
            return PostOutcome(Posted.CLOSED, snap)
        if isinstance(parsed, NotALink):
            return PostOutcome(Posted.NOT_A_LINK, snap, message=parsed.message)
        if repo.post_with_url(session, campaign_id, parsed.url) is not None:
            return PostOutcome(Posted.ALREADY, snap, parsed)
        members.get_or_create(session, user_id, now)
        first_external = not parsed.practice and not repo.has_external_post(session, user_id)
        try:
            with session.begin_nested():  # a double click racing this one loses here
                session.add(CampaignPost(
                    campaign_id=campaign_id, user_id=user_id, url=parsed.url,
                    network=parsed.network.value, practice=parsed.practice, named=named,
                    posted_at=now,
                ))
        except IntegrityError:  # the unique (campaign, url) key: counted by the other
            return PostOutcome(Posted.ALREADY, snap, parsed)
        person = repo.person(session, campaign_id, user_id)
        if person is None:
            session.add(CampaignPerson(campaign_id=campaign_id, user_id=user_id,
                                       invite_status="none", answer="in", answered_at=now,
                                       golive_for=row.launch_at))
        ticked = first_external and path.record_step(session, user_id, FIRST_EXTERNAL_POST, now)
        session.flush()
    log.info("campaign link counted campaign=%s user=%s network=%s", campaign_id, user_id,
             parsed.network.value)
    return PostOutcome(Posted.COUNTED, snap, parsed, first_external=ticked)
