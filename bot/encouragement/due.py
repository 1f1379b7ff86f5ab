"""When the nudge planner next has something to send: the earliest `next_nudge_at` over
the people it considers, on the planner's own 10-minute rhythm (a plan claims its slot
at most every PLAN_EVERY, so that is when a run would find it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.delivery.notify import PROFILE_MAX_AGE
from bot.encouragement.next_nudge import next_nudge_at
from bot.encouragement.nudges import PLAN_EVERY, load_states
from bot.encouragement.rules import NudgePolicy
from storage.db import Database
from storage.encouragement.models import NudgeSchedule
from storage.members.models import Member


def next_due(db: Database, now: datetime, policy: NudgePolicy) -> datetime | None:
    states, blackout = load_states(db, now)
    if not states:
        return None
    with db.transaction() as session:
        rows = session.execute(
            select(Member.user_id, Member.profile_fetched_at).where(
                Member.user_id.in_([state.user_id for state in states])
            )
        )
        fetched = {user_id: at for user_id, at in rows}
        schedule = session.get(NudgeSchedule, 1)
        last_planned = schedule.last_planned_at if schedule is not None else None
    times = []
    for state in states:
        at = fetched.get(state.user_id)
        # A zone is the one the run will use only while its cached profile is fresh.
        fresh_until = at + PROFILE_MAX_AGE if at is not None else None
        zone_known = fresh_until is not None and now < fresh_until
        when = next_nudge_at(state, policy, now, blackout, zone_known=zone_known)
        if when is not None:
            times.append(min(when, fresh_until) if zone_known and fresh_until else when)
    if not times:
        return None
    return _on_the_planning_rhythm(min(times), now, last_planned)


def _on_the_planning_rhythm(
    wanted: datetime, now: datetime, last_planned: datetime | None
) -> datetime:
    """The first planning slot at or after `wanted`: slots open PLAN_EVERY after the last
    plan, and every PLAN_EVERY after that while ticks keep coming."""
    if last_planned is None:
        return wanted
    first = max(last_planned + PLAN_EVERY, now)
    if wanted <= first:
        return first
    waited = -(-(wanted - first) // PLAN_EVERY)  # whole slots, rounded up
    return first + waited * PLAN_EVERY
