"""When a person could next be nudged (bot.encouragement.next_nudge): never later than
the rules would send, and exact for the common cases."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.encouragement.next_nudge import next_nudge_at
from bot.encouragement.rules import PersonState, plan_nudges
from tests.domain.test_nudges import DAY, NOW, POLICY, member

# NOW is Tuesday 2026-03-03 10:00 UTC: 11:00 in Berlin, 05:00 in New York; `member` is a
# settled member (joined 20 days ago, active yesterday), as in the rules' own tests.
SLOT = timedelta(minutes=10)  # the planner's rhythm (PLAN_EVERY)


def test_a_quiet_member_is_due_when_the_quiet_spell_passes_in_their_working_hours() -> None:
    person = member(last_active_at=NOW - 13 * DAY - timedelta(hours=20))  # 14 days: 14:00 UTC
    expected = NOW + timedelta(hours=4)  # quiet for 14 days at 14:00 UTC, 15:00 in Berlin
    assert next_nudge_at(person, POLICY, NOW, frozenset()) == expected + timedelta(microseconds=1)


def test_in_new_york_the_same_spell_waits_for_their_morning() -> None:
    person = member(tz="America/New_York", last_active_at=NOW - 14 * DAY - timedelta(hours=3))
    # Already quiet for 14 days, but it is 05:00 there: 09:00 New York is 14:00 UTC.
    assert next_nudge_at(person, POLICY, NOW, frozenset()) == NOW + timedelta(hours=4)


def test_the_cap_pushes_it_past_the_last_nudge() -> None:
    person = member(last_active_at=NOW - 20 * DAY, last_nudge_at=NOW - 2 * DAY)
    # Earned now; the cap ends in 5 days, on Sunday: Monday 09:00 in Berlin is 08:00 UTC.
    expected = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert next_nudge_at(person, POLICY, NOW, frozenset()) == expected


def test_nothing_comes_for_people_left_alone_or_already_told() -> None:
    assert next_nudge_at(member(excluded=True), POLICY, NOW, frozenset()) is None
    assert next_nudge_at(member(opted_out=True), POLICY, NOW, frozenset()) is None
    quiet = member(last_active_at=NOW - 20 * DAY, joined_at=NOW - 40 * DAY)
    told = replace(quiet, sent_keys=frozenset({"inactive:2026-02-11", "milestone:month_active"}))
    assert next_nudge_at(told, POLICY, NOW, frozenset()) is None


def test_without_a_known_zone_working_hours_are_not_assumed() -> None:
    person = member(tz="America/New_York", last_active_at=NOW - 15 * DAY)
    assert next_nudge_at(person, POLICY, NOW, frozenset(), zone_known=False) == NOW


def test_it_is_never_later_than_the_rules_would_send_and_exact_when_sure() -> None:
    zones = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland")
    quiet_for = (DAY, 13 * DAY + timedelta(hours=5), 16 * DAY)
    joined = (20 * DAY, 29 * DAY + timedelta(hours=7), 45 * DAY)
    nudged = (None, 3 * DAY, 8 * DAY)
    blackout = frozenset({date(2026, 3, 5)})
    for tz, quiet, ago, last in itertools.product(zones, quiet_for, joined, nudged):
        person = member(
            tz=tz,
            joined_at=NOW - ago,
            last_active_at=NOW - quiet,
            last_nudge_at=None if last is None else NOW - last,
            waiting_requests=((7, NOW - timedelta(hours=20)),) if tz == "Asia/Kolkata" else (),
        )
        predicted = next_nudge_at(person, POLICY, NOW, blackout)
        actual = _first_nudge_with_blackout(person, blackout)
        if actual is None:
            continue
        assert predicted is not None, person
        assert predicted <= actual, (person, predicted, actual)
        # Sure of it: the very slot the planner would use.
        assert actual - predicted < SLOT, (person, predicted, actual)


def _first_nudge_with_blackout(person: PersonState, blackout: frozenset[date]) -> datetime | None:
    at = NOW
    while at <= NOW + 21 * DAY:
        planned, _ = plan_nudges([person], POLICY, at, blackout)
        if planned:
            return at
        at += SLOT
    return None
