"""When a person could next be nudged: pure rules, no database and no Slack.

The nudge rules (bot.encouragement.rules) say what may be sent *now*. This says the
earliest time a plan could send this person anything, if nothing else happens first:
the moment something is earned (a quiet spell passes `inactive_after`, a month in the
club, a request waiting on a mentor for a day), pushed past the cap and into their
working hours. It is a lower bound: a plan at that time may still find nothing (the
person became active again), never the reverse. The local club jumps its clock by it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.encouragement.rules import MONTH, NudgePolicy, PersonState, candidate_nudges
from bot.quiet_hours import next_working_time

_JUST_AFTER = timedelta(microseconds=1)  # "quiet for more than", not "at least"


def next_nudge_at(
    person: PersonState,
    policy: NudgePolicy,
    now: datetime,
    blackout: frozenset[date],
    *,
    zone_known: bool = True,
) -> datetime | None:
    """The earliest time a nudge plan could send `person` something; None when nothing
    will come due for them until they (or someone) act. Without a known zone the working
    hours are not applied: the real run asks Slack for it, and may find it earlier."""
    if person.excluded or person.opted_out:
        return None
    earned = _next_earned(person, policy, now)
    if earned is None:
        return None
    if person.last_nudge_at is not None:
        earned = max(earned, person.last_nudge_at + policy.cap_period)
    if not zone_known:
        return earned
    return next_working_time(earned, person.tz, policy.hours, blackout)


def _next_earned(person: PersonState, policy: NudgePolicy, now: datetime) -> datetime | None:
    if candidate_nudges(person, policy, now):
        return now
    sent = person.sent_keys
    times = [
        offered_at + policy.mentor_waiting_after
        for request_id, offered_at in person.waiting_requests
        if f"mentor_waiting:{request_id}:{_utc_day(offered_at)}" not in sent
    ]
    last = person.last_active_at or person.joined_at
    if f"inactive:{_utc_day(last)}" not in sent:
        times.append(last + policy.inactive_after + _JUST_AFTER)
    if "milestone:month_active" not in sent and person.last_active_at is not None:
        times.append(person.joined_at + MONTH)
    future = [at for at in times if at > now]
    return min(future, default=None)


def _utc_day(at: datetime) -> str:
    return at.astimezone(UTC).date().isoformat()
