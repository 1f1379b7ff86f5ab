"""When launch campaigns next have due work: an invitation whose working hours come, an
embargo that lifts (or joiners of a lifted one still to be told), a campaign that closes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select

from storage.campaigns import queries as repo
from storage.campaigns.models import Campaign, CampaignPerson
from storage.db import Database


def next_due(db: Database, now: datetime) -> datetime | None:
    active = Campaign.status == repo.ACTIVE
    with db.transaction() as session:
        untold = session.scalar(
            select(CampaignPerson.id)
            .join(Campaign, Campaign.id == CampaignPerson.campaign_id)
            .where(
                active,
                Campaign.launch_at <= now,
                Campaign.closes_at > now,
                CampaignPerson.answer == "in",
                CampaignPerson.user_id.is_not(None),
                or_(
                    CampaignPerson.golive_for.is_(None),
                    CampaignPerson.golive_for != Campaign.launch_at,
                ),
            )
            .limit(1)
        )
        if untold is not None:
            return now
        times = [
            session.scalar(
                select(func.min(CampaignPerson.invite_due_at)).where(
                    CampaignPerson.invite_status == "planned"
                )
            ),
            session.scalar(
                select(func.min(Campaign.launch_at)).where(active, Campaign.launch_at > now)
            ),
            session.scalar(select(func.min(Campaign.closes_at)).where(active)),
        ]
    return min((at for at in times if at is not None), default=None)
