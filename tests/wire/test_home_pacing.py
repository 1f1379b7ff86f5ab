"""The App Home within views.publish's tier (Tier 4: 100 at once, then 100 a minute),
against an emulator that enforces it on the bot's controlled clock: a burst of
app_home_opened events loses no Home, gets no 429, and a 429 Slack does send is
waited out by the tick, not by a sleeping thread."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import slack_client
from bot.app import create_app
from bot.clock import ManualClock
from bot.local import NINA, LocalClub
from bot.slack_limits import TIERS
from schedules import jobs
from storage.home.models import WaitingHome
from tests.wire.conftest import assert_block_ids_unique

TIER4 = TIERS["Tier4"]


@pytest.fixture
def paced(database_url: str, clock: ManualClock) -> Iterator[LocalClub]:
    with LocalClub(database_url, clock, enforce_tiers=True) as running:
        yield running
        assert_block_ids_unique(running)


@pytest.fixture
def no_sleeping(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Any wait on Retry-After in the app's client is recorded (and not waited)."""
    slept: list[float] = []
    monkeypatch.setattr(slack_client, "wait_out", lambda _stopping, s: bool(slept.append(s)))
    return slept


def people(club: LocalClub, n: int) -> list[str]:
    users = [f"U0H{i:05d}" for i in range(n)]
    for user in users:
        club.emulator.add_user(user, user.lower(), tz="UTC")
    return users


def published(club: LocalClub) -> list[str]:
    return [
        str(c.args["user_id"]) for c in club.emulator.calls_to("views.publish") if c.ok
    ]


def waiting(club: LocalClub) -> int:
    assert club.db is not None
    with club.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(WaitingHome)) or 0)


def open_all(club: LocalClub, users: list[str]) -> None:
    with ThreadPoolExecutor(8) as pool:
        for done in [pool.submit(club.sender.app_home_opened, u, tab="home") for u in users]:
            assert done.result().status == 200
    club.settle()


def test_a_burst_of_opens_past_the_tier_loses_no_home_and_gets_no_429(
    paced: LocalClub, no_sleeping: list[float]
) -> None:
    club = paced
    users = people(club, int(TIER4.burst) + 30)
    open_all(club, users)
    # The clock stands still: the burst's worth goes at once, the rest wait their turn.
    assert len(published(club)) == TIER4.burst
    assert waiting(club) == 30
    assert club.emulator.rate_limited_calls() == []
    club.advance(timedelta(seconds=30), step=timedelta(seconds=1))
    assert club.emulator.rate_limited_calls() == []
    assert sorted(published(club)) == sorted(users)  # each one Home, none lost, none twice
    assert all(club.emulator.home_view(u) is not None for u in users)
    assert waiting(club) == 0
    assert no_sleeping == []


def test_opening_again_while_waiting_is_one_publish(
    paced: LocalClub, no_sleeping: list[float]
) -> None:
    club = paced
    open_all(club, people(club, int(TIER4.burst)))  # the bucket is empty now
    for _ in range(5):
        club.sender.app_home_opened(NINA.user_id, tab="home")
    club.settle()
    assert waiting(club) == 1
    club.advance(timedelta(seconds=5), step=timedelta(seconds=1))
    assert published(club).count(NINA.user_id) == 1
    assert club.emulator.home_view(NINA.user_id) is not None
    assert club.emulator.rate_limited_calls() == []


def test_a_429_is_waited_out_by_the_tick_for_as_long_as_retry_after_says(
    paced: LocalClub, no_sleeping: list[float]
) -> None:
    club = paced
    club.emulator.rate_limit_next("views.publish", retry_after=3)
    club.sender.app_home_opened(NINA.user_id, tab="home")
    club.settle()
    attempts: list[Any] = club.emulator.calls_to("views.publish")
    assert [c.status for c in attempts] == [429]
    assert waiting(club) == 1
    club.advance(timedelta(seconds=2), step=timedelta(seconds=1))
    assert len(club.emulator.calls_to("views.publish")) == 1  # not before Retry-After
    club.advance(timedelta(seconds=1), step=timedelta(seconds=1))
    assert [c.status for c in club.emulator.calls_to("views.publish")] == [429, 200]
    assert club.emulator.home_view(NINA.user_id) is not None
    assert waiting(club) == 0
    assert no_sleeping == []  # no listener thread slept on it


def test_two_replicas_share_views_publish_limit(
    paced: LocalClub, no_sleeping: list[float]
) -> None:
    club = paced
    assert club.db is not None
    other = create_app(club.settings, db=club.db, clock=club.clock)
    users = people(club, int(TIER4.burst) + 40)
    open_all(club, users)
    assert waiting(club) == 40
    club.clock.advance(timedelta(seconds=12))  # 20 tokens' worth, for both together
    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(jobs.run_due_work, deps) for deps in (club.bot.deps, other.deps)]:
            done.result()
    club.settle()
    assert len(published(club)) == TIER4.burst + 20
    assert len(set(published(club))) == len(published(club))
    assert club.emulator.rate_limited_calls() == []
    other.executor.shutdown(wait=True)
