"""Who the nudge rules could reach now, asked of the database in one query.

The rules (bot.encouragement.rules) hold back everyone excluded, opted out, nudged within
the cap period, or outside their local working hours (blackout days included). Planning
at 10 000 members used to build every person's state and let the rules say "not now" to
most of them, every 10 minutes; these queries leave the held people in the database, so
only the few the rules could send to are loaded (storage/members/models.Member has the
zone; the planner computes which zones are at work now, in Python: there are few).

What someone has *earned* stays the rules' to decide: a person found here may still
get nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from storage.encouragement.models import NudgeSetting, SentNudge
from storage.members.models import Member
from storage.path.models import PathStepReached


def _contactable(
    now: datetime, cap_period: timedelta, also: Collection[str]
) -> ColumnElement[bool]:
    """On the path (or in `also`: mentors with a request waiting), not excluded, not
    opted out, and not nudged within `cap_period` (the rules' `now - last < cap`)."""
    on_path: ColumnElement[bool] = exists().where(PathStepReached.user_id == Member.user_id)
    if also:
        on_path = or_(on_path, Member.user_id.in_(sorted(also)))
    opted_out = exists().where(
        NudgeSetting.user_id == Member.user_id, NudgeSetting.opted_out.is_(True)
    )
    capped = exists().where(
        SentNudge.user_id == Member.user_id, SentNudge.sent_at > now - cap_period
    )
    return and_(on_path, Member.excluded.is_(False), ~opted_out, ~capped)


def zones_in_use(session: Session) -> list[str]:
    """Every time zone stored for a member (a handful, however big the club)."""
    return list(session.scalars(select(Member.tz).distinct()))


def reachable(
    session: Session,
    now: datetime,
    cap_period: timedelta,
    open_zones: Collection[str],
    also: Collection[str] = (),
) -> list[str]:
    """People the rules of contact let through now, sorted (in Python: collations differ):
    contactable, their zone known (fetched from Slack at least once), one of `open_zones`."""
    if not open_zones:
        return []
    query = select(Member.user_id).where(
        _contactable(now, cap_period, also),
        Member.profile_fetched_at.is_not(None),
        Member.tz.in_(sorted(open_zones)),
    )
    return sorted(session.scalars(query))


def zones_to_fetch(
    session: Session,
    now: datetime,
    cap_period: timedelta,
    max_age: timedelta,
    limit: int,
    also: Collection[str] = (),
) -> list[str]:
    """Up to `limit` contactable people whose zone was never fetched (first) or is older
    than `max_age`: the planner asks Slack for these few, never for everyone at once."""
    query = (
        select(Member.user_id)
        .where(
            _contactable(now, cap_period, also),
            or_(
                Member.profile_fetched_at.is_(None),
                Member.profile_fetched_at < now - max_age,
            ),
        )
        .order_by(Member.profile_fetched_at.is_not(None), Member.profile_fetched_at, Member.user_id)
        .limit(limit)
    )
    return list(session.scalars(query))
