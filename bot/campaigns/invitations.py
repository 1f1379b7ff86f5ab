"""Inviting the chosen audience: planned once per person per campaign, sent within
the recipient's working hours, never to excluded people or those who said no more.
Answers (I'm in / Not this time) and the campaign opt-out live here too."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.campaigns.manage import CampaignProblem, CampaignSnap, open_campaign, snapshot
from bot.campaigns.rules import invite_due
from storage.campaigns import queries as repo
from storage.campaigns.models import CampaignPerson
from storage.db import Database
from storage.members import queries as members

log = logging.getLogger("clubbot.campaigns")


@dataclass(frozen=True)
class Planned:
    planned: int
    excluded: int
    opted_out: int
    already: int


def plan_invitations(
    db: Database, campaign_id: int, zones: Mapping[str, str], now: datetime
) -> Planned:
    """One invitation row per person not yet reached by this campaign; each falls due at
    the start of the person's next working hours (their zone from `zones`)."""
    with db.transaction() as session:
        row = repo.get(session, campaign_id)
        if row is None or row.status != repo.ACTIVE:
            return Planned(0, 0, 0, 0)
        wanted = [user for user in dict.fromkeys(zones) if user]
        excluded = repo.excluded(session, wanted)
        opted_out = repo.opted_out(session, wanted)
        planned = already = 0
        for user_id in wanted:
            if user_id in excluded or user_id in opted_out:
                continue
            if repo.person(session, campaign_id, user_id) is not None:
                already += 1
                continue
            members.get_or_create(session, user_id, now)
            session.add(CampaignPerson(
                campaign_id=campaign_id, user_id=user_id, invite_status="planned",
                invite_due_at=invite_due(now, zones[user_id]),
            ))
            planned += 1
        session.flush()
    log.info("campaign invitations planned campaign=%s planned=%d excluded=%d opted_out=%d",
             campaign_id, planned, len(excluded), len(opted_out))
    return Planned(planned, len(excluded), len(opted_out), already)


@dataclass(frozen=True)
class InviteNote:
    snap: CampaignSnap
    user_id: str


def claim_due_invitations(
    db: Database, now: datetime, say: Callable[[Session, InviteNote], None] | None = None
) -> list[InviteNote]:
    """Invitations due now, each claimed by one conditional UPDATE, so restarts and
    replicas send each exactly once; `say` writes each one to the outbox in the same
    transaction. Someone excluded or opted out since planning, or a campaign closed
    meanwhile, is skipped."""
    notes: list[InviteNote] = []
    with db.transaction() as session:
        for person_id in repo.due_invites(session, now):
            person = session.get(CampaignPerson, person_id)
            if person is None:
                continue
            campaign = repo.get(session, person.campaign_id)
            user = person.user_id
            stop = (
                user is None or campaign is None or campaign.status != repo.ACTIVE
                or campaign.closes_at <= now or person.answer is not None
                or user in repo.excluded(session, [user]) or user in repo.opted_out(session, [user])
            )
            if not repo.claim_invite(session, person_id, "skipped" if stop else "sent", now):
                continue
            if not stop and campaign is not None and user is not None:
                note = InviteNote(snapshot(campaign), user)
                notes.append(note)
                if say is not None:
                    say(session, note)
    return notes


@dataclass(frozen=True)
class Answered:
    snap: CampaignSnap
    answer: str
    changed: bool


def answer(
    db: Database, campaign_id: int, user_id: str, given: str, now: datetime
) -> Answered | CampaignProblem:
    """I'm in (`in`) or Not this time (`out`), from an invitation or the list; pressing
    again changes nothing, pressing the other changes the answer."""
    with db.transaction() as session:
        row = open_campaign(
            session, campaign_id, now,
            cancelled="“{title}” was cancelled, so there's nothing to join.",
            closed="“{title}” has closed. Thanks all the same!",
        )
        if isinstance(row, CampaignProblem):
            return row
        person = repo.person(session, campaign_id, user_id)
        if person is None:
            members.get_or_create(session, user_id, now)
            person = CampaignPerson(campaign_id=campaign_id, user_id=user_id, invite_status="none")
            session.add(person)
        changed = person.answer != given
        if changed:
            person.answer = given
            person.answered_at = now
            if person.invite_status == "planned":
                person.invite_status = "skipped"  # they answered from the list already
        session.flush()
        return Answered(snapshot(row), given, changed)


def set_invites(db: Database, user_id: str, off: bool, now: datetime) -> bool:
    """`/club campaigns off|on` and the No more campaign invites button; True when it
    changed. Turning off also drops invitations still waiting to be sent."""
    with db.transaction() as session:
        members.get_or_create(session, user_id, now)
        changed = repo.set_opt_out(session, user_id, off, now)
        if off:
            repo.skip_planned_invites(session, user_id)
    return changed


def invites_off(db: Database, user_id: str) -> bool:
    with db.transaction() as session:
        return bool(repo.opted_out(session, [user_id]))


def withdraw_invitations(db: Database, user_id: str) -> int:
    """Someone asked for "exclude me": invitations still waiting for them never go."""
    with db.transaction() as session:
        return repo.skip_planned_invites(session, user_id)
