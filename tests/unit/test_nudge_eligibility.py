"""The planning run reads only who the rules could reach (storage.encouragement.eligibility)
and plans exactly what reading everyone and applying every rule in Python would."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.encouragement.nudges import ZONE_FETCHES_PER_RUN, load_reachable, load_states
from bot.encouragement.rules import Nudge, NudgePolicy, plan_nudges
from storage.db import Database
from storage.encouragement.models import NudgeSetting, SentNudge
from storage.meetings.models import Holiday
from storage.members.models import Member
from storage.mentoring.models import MentorOffer, MentorRequestRow
from storage.path.models import PathStepReached

BASE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # a Tuesday
HOLIDAY = date(2026, 12, 3)
ZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Pacific/Auckland", "")
STEPS = ("joined", "read_guidelines", "intro", "first_question")
POLICY = NudgePolicy()
MOMENTS = (
    BASE,  # Tuesday noon UTC: Europe at work, New York not yet
    BASE + timedelta(hours=3),  # 15:00 UTC: New York at work too
    BASE + timedelta(hours=10),  # 22:00 UTC: Auckland's Wednesday morning
    BASE + timedelta(days=2),  # the club's holiday: nobody at all
    BASE + timedelta(days=2, hours=10),  # still the holiday but in Auckland, at work there
    BASE + timedelta(days=4),  # Saturday
    BASE + timedelta(days=6, hours=-3),  # Monday 09:00 UTC, exactly the start of the day
)


def populate(db: Database, people: int, seed: int = 7) -> list[str]:
    """A varied club: every rule of contact holds someone back at some moment."""
    rng = random.Random(seed)
    users = [f"U{n:05d}" for n in range(people)]
    with db.transaction() as session:
        session.add(Holiday(day=HOLIDAY, name="Club day", added_by=None, added_at=BASE))
        for user in users:
            session.add(
                Member(
                    user_id=user,
                    tz=rng.choice(ZONES),
                    first_seen_at=BASE - timedelta(days=rng.randint(1, 90)),
                    last_active_at=rng.choice(
                        (None, BASE - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23)))
                    ),
                    profile_fetched_at=BASE - timedelta(days=1),
                    excluded=rng.random() < 0.1,
                )
            )
        session.flush()
        for user in users:
            if rng.random() < 0.15:
                session.add(
                    NudgeSetting(user_id=user, opted_out=rng.random() < 0.7, changed_at=BASE)
                )
            if rng.random() < 0.9:  # the rest are mentors only, or not on the path
                for step in STEPS[: rng.randint(1, len(STEPS))]:
                    at = BASE - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
                    session.add(
                        PathStepReached(user_id=user, step=step, reached_at=at, source="self")
                    )
            if rng.random() < 0.4:
                # Around the cap's end: just inside the 7 days or just past, at every moment.
                days = rng.choice((1, 5, 6, 7, 8, 9, 30))
                ago = timedelta(days=days, hours=rng.randint(-12, 12))
                key = rng.choice(("milestone:month_active", "step:read_guidelines", "inactive:x"))
                session.add(SentNudge(user_id=user, key=key, kind="milestone", sent_at=BASE - ago))
        for n, mentor in enumerate(rng.sample(users, 12)):
            session.add(MentorRequestRow(id=n + 1, mentee_id=users[n], created_at=BASE))
            session.flush()
            session.add(
                MentorOffer(
                    request_id=n + 1,
                    mentor_id=mentor,
                    status="pending" if n % 4 else "declined",
                    offered_at=BASE - timedelta(days=rng.randint(0, 3)),
                    expires_at=BASE + timedelta(days=3),
                )
            )
    return users


def keys(nudges: list[Nudge]) -> list[tuple[str, str, dict[str, str]]]:
    return [(n.user_id, n.key, dict(n.details)) for n in nudges]


def full_plan(db: Database, now: datetime) -> list[Nudge]:
    states, blackout = load_states(db, now)
    return plan_nudges(states, POLICY, now, blackout)[0]


def reachable_plan(db: Database, now: datetime) -> list[Nudge]:
    states, blackout = load_reachable(db, now, POLICY, None)
    return plan_nudges(states, POLICY, now, blackout)[0]


@pytest.mark.parametrize("now", MOMENTS, ids=lambda m: m.strftime("%a-%H%M"))
def test_the_reachable_few_get_exactly_the_nudges_the_full_rules_give(
    db: Database, now: datetime
) -> None:
    populate(db, 240)
    expected = full_plan(db, now)
    assert keys(reachable_plan(db, now)) == keys(expected)


def test_the_population_exercises_every_rule(db: Database) -> None:
    # Guards the test above against a population where every answer is "nobody".
    populate(db, 240)
    reasons: set[str] = set()
    planning = 0
    for now in MOMENTS:
        states, blackout = load_states(db, now)
        planned, skipped = plan_nudges(states, POLICY, now, blackout)
        planning += bool(planned)
        reasons |= {skip.reason.split(" ")[0].rstrip(":") for skip in skipped}
    assert planning >= 4
    assert {"excluded", "opted", "cap", "outside", "blackout", "one"} <= reasons


def test_after_a_run_nobody_sent_to_is_reachable_again_within_the_cap(db: Database) -> None:
    populate(db, 240)
    now = BASE + timedelta(hours=3)
    sent = reachable_plan(db, now)
    assert sent
    with db.transaction() as session:
        for nudge in sent:
            session.add(SentNudge(user_id=nudge.user_id, key=nudge.key, kind="x", sent_at=now))
    later = now + timedelta(minutes=10)
    assert {n.user_id for n in sent}.isdisjoint(n.user_id for n in reachable_plan(db, later))
    assert keys(reachable_plan(db, later)) == keys(full_plan(db, later))


def test_zones_are_fetched_a_few_per_run_and_unknown_zones_wait(db: Database) -> None:
    users = populate(db, 60)
    stale = users[30]
    with db.transaction() as session:
        for member in session.query(Member).filter(Member.user_id.in_(users[:25])):
            member.profile_fetched_at = None
        member = session.get(Member, stale)
        assert member is not None
        member.profile_fetched_at, member.excluded = BASE - timedelta(days=8), False
        session.query(NudgeSetting).filter_by(user_id=stale).delete()
        session.query(SentNudge).filter_by(user_id=stale).delete()
        session.query(PathStepReached).filter_by(user_id=stale).delete()
        session.add(PathStepReached(user_id=stale, step="joined", reached_at=BASE, source="self"))
    now = BASE + timedelta(hours=3)
    full = full_plan(db, now)  # zones as stored: the fetch below keeps them
    unknown = set(users[:25])
    asked: list[str] = []

    def fetch_zone(user: str) -> str:
        asked.append(user)
        with db.transaction() as session:
            member = session.get(Member, user)
            assert member is not None
            member.profile_fetched_at = now
            return member.tz

    states, blackout = load_reachable(db, now, POLICY, fetch_zone)
    assert len(asked) == ZONE_FETCHES_PER_RUN
    assert set(asked) <= unknown  # never fetched goes before a week old
    # Those just fetched are planned in this very run; the others wait for their zone.
    still_unknown = unknown - set(asked)
    planned = plan_nudges(states, POLICY, now, blackout)[0]
    assert keys(planned) == keys([n for n in full if n.user_id not in still_unknown])
    assert any(n.user_id in asked for n in planned)
    for _ in range(3):
        load_reachable(db, now, POLICY, fetch_zone)
    assert stale in asked  # a week-old zone is refreshed once the unknown are known
    assert len(asked) == len(set(asked))  # nobody asked twice
    with db.transaction() as session:  # only people the rules could reach are asked about
        assert not any(session.get(Member, user).excluded for user in asked)  # type: ignore[union-attr]
