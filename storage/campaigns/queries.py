"""Queries about campaigns, the people they reach and the links posted for them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from storage.campaigns.models import Campaign, CampaignOptOut, CampaignPerson, CampaignPost
from storage.members.models import Member, RoleGrant
from storage.mentoring.models import MentorProfileRow, MentorRequestRow
from storage.path.models import PathStepReached
from storage.privacy import forgets

ACTIVE = "active"
CANCELLED = "cancelled"
CLOSED = "closed"


def get(session: Session, campaign_id: int) -> Campaign | None:
    return session.get(Campaign, campaign_id)


def open_and_upcoming(session: Session, now: datetime) -> list[Campaign]:
    """Active campaigns that have not closed yet, soonest launch first."""
    query = (
        select(Campaign)
        .where(Campaign.status == ACTIVE, Campaign.closes_at > now)
        .order_by(Campaign.launch_at, Campaign.id)
    )
    return list(session.scalars(query))


def recent(session: Session, limit: int = 10) -> list[Campaign]:
    query = select(Campaign).order_by(Campaign.launch_at.desc(), Campaign.id.desc()).limit(limit)
    return list(session.scalars(query))


def person(session: Session, campaign_id: int, user_id: str) -> CampaignPerson | None:
    return session.scalar(
        select(CampaignPerson).where(
            CampaignPerson.campaign_id == campaign_id, CampaignPerson.user_id == user_id
        )
    )


def people(session: Session, campaign_id: int) -> list[CampaignPerson]:
    query = select(CampaignPerson).where(CampaignPerson.campaign_id == campaign_id)
    return list(session.scalars(query.order_by(CampaignPerson.id)))


def joined(session: Session, campaign_id: int) -> list[str]:
    query = select(CampaignPerson.user_id).where(
        CampaignPerson.campaign_id == campaign_id,
        CampaignPerson.answer == "in",
        CampaignPerson.user_id.is_not(None),
    )
    return [user for user in session.scalars(query.order_by(CampaignPerson.id)) if user]


def posts(session: Session, campaign_id: int) -> list[CampaignPost]:
    query = select(CampaignPost).where(CampaignPost.campaign_id == campaign_id)
    return list(session.scalars(query.order_by(CampaignPost.posted_at, CampaignPost.id)))


def post_with_url(session: Session, campaign_id: int, url: str) -> CampaignPost | None:
    return session.scalar(
        select(CampaignPost).where(CampaignPost.campaign_id == campaign_id, CampaignPost.url == url)
    )


def has_external_post(session: Session, user_id: str) -> bool:
    query = select(CampaignPost.id).where(
        CampaignPost.user_id == user_id, CampaignPost.practice.is_(False)
    )
    return session.scalar(query.limit(1)) is not None


def opted_out(session: Session, user_ids: Iterable[str]) -> set[str]:
    wanted = list(user_ids)
    if not wanted:
        return set()
    query = select(CampaignOptOut.user_id).where(CampaignOptOut.user_id.in_(wanted))
    return set(session.scalars(query))


def excluded(session: Session, user_ids: Iterable[str]) -> set[str]:
    wanted = list(user_ids)
    if not wanted:
        return set()
    query = select(Member.user_id).where(Member.user_id.in_(wanted), Member.excluded.is_(True))
    return set(session.scalars(query))


def set_opt_out(session: Session, user_id: str, off: bool, now: datetime) -> bool:
    """True when this call changed the setting."""
    existing = session.get(CampaignOptOut, user_id)
    if off and existing is None:
        session.add(CampaignOptOut(user_id=user_id, opted_out_at=now))
        session.flush()
        return True
    if not off and existing is not None:
        session.delete(existing)
        session.flush()
        return True
    return False


def skip_planned_invites(session: Session, user_id: str) -> int:
    """Invitations still waiting for someone who said no more: never sent."""
    result = session.execute(
        update(CampaignPerson)
        .where(CampaignPerson.user_id == user_id, CampaignPerson.invite_status == "planned")
        .values(invite_status="skipped")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def skip_campaign_invites(session: Session, campaign_id: int) -> int:
    """A cancelled campaign sends no more invitations."""
    result = session.execute(
        update(CampaignPerson)
        .where(CampaignPerson.campaign_id == campaign_id, CampaignPerson.invite_status == "planned")
        .values(invite_status="skipped")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def people_at_or_past(session: Session, step_keys: Iterable[str]) -> list[str]:
    """Who reached any of these path steps (the chosen one or a later one)."""
    keys = list(step_keys)
    query = select(PathStepReached.user_id).where(PathStepReached.step.in_(keys)).distinct()
    return sorted(session.scalars(query))


def people_with_role(session: Session, role: str) -> list[str]:
    query = select(RoleGrant.user_id).where(RoleGrant.role == role)
    return sorted(session.scalars(query))


def mentors(session: Session) -> list[str]:
    """Everyone who signed up to mentor, or holds the mentor role."""
    signed = set(session.scalars(select(MentorProfileRow.user_id)))
    return sorted(signed | set(people_with_role(session, "mentor")))


def people_with_topics(session: Session, wanted: Iterable[str]) -> list[str]:
    """Mentors offering, and members asking for help with, any of these topics (words
    compared without case)."""
    words = {word.strip().lower() for word in wanted if word.strip()}
    found: set[str] = set()
    rows = [*session.execute(select(MentorProfileRow.user_id, MentorProfileRow.topics)),
            *session.execute(select(MentorRequestRow.mentee_id, MentorRequestRow.topics))]
    for user_id, topics in rows:
        if any(str(topic).strip().lower() in words for topic in topics or []):
            found.add(user_id)
    return sorted(found)


def due_invites(session: Session, now: datetime, limit: int = 200) -> list[int]:
    query = (
        select(CampaignPerson.id)
        .where(CampaignPerson.invite_status == "planned", CampaignPerson.invite_due_at <= now)
        .order_by(CampaignPerson.invite_due_at, CampaignPerson.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def claim_invite(session: Session, person_id: int, status: str, now: datetime) -> bool:
    """Move one planned invitation on (sent or skipped); True only for the claimer, so
    two replicas never send the same invitation."""
    result = session.execute(
        update(CampaignPerson)
        .where(CampaignPerson.id == person_id, CampaignPerson.invite_status == "planned")
        .values(invite_status=status, invited_at=now if status == "sent" else None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def launched_ids(session: Session, now: datetime) -> list[int]:
    """Active campaigns whose embargo has lifted and which are not closed."""
    query = select(Campaign.id).where(
        Campaign.status == ACTIVE, Campaign.launch_at <= now, Campaign.closes_at > now
    )
    return list(session.scalars(query.order_by(Campaign.launch_at)))


def claim_golive(session: Session, person_id: int, launch_at: datetime) -> bool:
    """Claim one joiner's go-live DM for this launch moment; True only once."""
    result = session.execute(
        update(CampaignPerson)
        .where(
            CampaignPerson.id == person_id,
            CampaignPerson.answer == "in",
            or_(CampaignPerson.golive_for.is_(None), CampaignPerson.golive_for != launch_at),
        )
        .values(golive_for=launch_at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def golive_pending(session: Session, campaign_id: int, launch_at: datetime) -> list[int]:
    query = select(CampaignPerson.id).where(
        CampaignPerson.campaign_id == campaign_id,
        CampaignPerson.answer == "in",
        CampaignPerson.user_id.is_not(None),
        or_(CampaignPerson.golive_for.is_(None), CampaignPerson.golive_for != launch_at),
    )
    return list(session.scalars(query.order_by(CampaignPerson.id)))


def closing_ids(session: Session, now: datetime) -> list[int]:
    query = select(Campaign.id).where(Campaign.status == ACTIVE, Campaign.closes_at <= now)
    return list(session.scalars(query.order_by(Campaign.closes_at)))


def claim_roundup(session: Session, campaign_id: int, now: datetime) -> bool:
    """Close the campaign; True only for the one transaction that did it."""
    result = session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.status == ACTIVE, Campaign.closes_at <= now)
        .values(status=CLOSED, roundup_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CampaignReportRow:
    """One campaign in the organisers' workbook; counts only, no names."""

    campaign_id: int
    title: str
    status: str
    launch_at: datetime
    closes_at: datetime
    invited: int
    joined: int
    declined: int
    posted: int  # people with at least one link
    external_posts: int
    practice_posts: int
    minutes_to_first_post: int | None


def report_rows(session: Session) -> list[CampaignReportRow]:
    rows = []
    for campaign in session.scalars(select(Campaign).order_by(Campaign.launch_at, Campaign.id)):
        reached = people(session, campaign.id)
        links = posts(session, campaign.id)
        external = [post for post in links if not post.practice]
        first = external[0].posted_at if external else None
        rows.append(CampaignReportRow(
            campaign.id, campaign.title, campaign.status, campaign.launch_at, campaign.closes_at,
            invited=sum(1 for p in reached if p.invite_status == "sent"),
            joined=sum(1 for p in reached if p.answer == "in"),
            declined=sum(1 for p in reached if p.answer == "out"),
            posted=len({post.user_id or f"anon:{post.id}" for post in links}),
            external_posts=len(external),
            practice_posts=len(links) - len(external),
            minutes_to_first_post=(
                max(0, int((first - campaign.launch_at).total_seconds() // 60))
                if first else None),
        ))
    return rows


@forgets
def forget_campaigns(session: Session, user_id: str) -> None:
    """Who was invited, answered and posted loses its name; the rows stay, so the
    counts stay. The opt-out goes (a forgotten person is invited like anyone new)."""
    session.execute(
        update(CampaignPerson)
        .where(CampaignPerson.user_id == user_id)
        .values(user_id=None)
        .execution_options(synchronize_session=False)
    )
    # A link names its author, so it goes too; its network and time stay for the counts.
    for post in session.scalars(select(CampaignPost).where(CampaignPost.user_id == user_id)):
        post.user_id = None
        post.url = f"forgotten:{post.id}"
        post.named = False
    session.flush()
    session.execute(delete(CampaignOptOut).where(CampaignOptOut.user_id == user_id))
