"""Launch campaigns: the brief, who was invited and answered, and the links posted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Campaign(Base):
    """One launch the club amplifies. Times are stored in UTC; `tz` is the zone the
    creator picked them in, so the form shows them back the same way."""

    __tablename__ = "campaigns"
    __table_args__ = (
        Index("ix_campaigns_launch", "status", "launch_at"),
        Index("ix_campaigns_close", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    brief: Mapped[str] = mapped_column(Text, default="")
    # One key message per line, as typed.
    key_messages: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="")
    hashtags: Mapped[str] = mapped_column(String(500), default="")
    disclosure: Mapped[str] = mapped_column(Text, default="")
    launch_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    # channel | path | mentors | topics, with the step or the topics it needs.
    audience: Mapped[str] = mapped_column(String(12), default="channel")
    audience_step: Mapped[str | None] = mapped_column(String(40), default=None)
    audience_topics: Mapped[str] = mapped_column(String(500), default="")
    # active | cancelled | closed (the roundup was claimed).
    status: Mapped[str] = mapped_column(String(12), default="active")
    # NULL once its creator asked to be forgotten.
    created_by: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The roundup was claimed at this moment (exactly once, by a conditional UPDATE).
    roundup_at: Mapped[datetime | None] = mapped_column(default=None)


class CampaignPerson(Base):
    """Someone a campaign reached: invited (or not), and their answer. Unique per
    campaign, so nobody is invited twice; a forgotten person's row stays, nameless,
    so the counts stay right."""

    __tablename__ = "campaign_people"
    __table_args__ = (
        UniqueConstraint("campaign_id", "user_id"),
        Index("ix_campaign_people_invite_due", "invite_status", "invite_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(String(32))
    # planned (waiting for working hours) | sent | skipped | none (joined unasked).
    invite_status: Mapped[str] = mapped_column(String(10), default="planned")
    invite_due_at: Mapped[datetime | None] = mapped_column(default=None)
    invited_at: Mapped[datetime | None] = mapped_column(default=None)
    # None (no answer yet) | in | out.
    answer: Mapped[str | None] = mapped_column(String(4), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    # The launch moment this person's go-live DM was claimed for (a moved launch
    # gets its own).
    golive_for: Mapped[datetime | None] = mapped_column(default=None)


class CampaignPost(Base):
    """A link someone published for a campaign, normalised so it counts once."""

    __tablename__ = "campaign_posts"
    __table_args__ = (UniqueConstraint("campaign_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(String(1000))
    network: Mapped[str] = mapped_column(String(20))
    # The internal platform: practice, not an external post.
    practice: Mapped[bool] = mapped_column(default=False)
    # May the roundup name them? Asked when they submit; yes unless they say no.
    named: Mapped[bool] = mapped_column(default=True)
    posted_at: Mapped[datetime]


class CampaignOptOut(Base):
    """People who pressed "No more campaign invites" or ran `/club campaigns off`."""

    __tablename__ = "campaign_opt_outs"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    opted_out_at: Mapped[datetime]
