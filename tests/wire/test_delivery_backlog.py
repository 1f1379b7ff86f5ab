"""A backlog far bigger than one run reads (issue 16 item 4): while conversations.open's
Tier 3 bucket is empty, DMs whose channel is known still go at once, wherever they stand
in the queue, and the whole backlog lands in the end, each message exactly once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.delivery import deliverer, outbox
from bot.local import LocalClub
from storage.delivery import pacing
from storage.delivery.models import SENT, Delivery
from tests.wire.conftest import assert_block_ids_unique

BACKLOG = deliverer.BATCH * deliverer.ROUNDS + 200  # more than one run reads


@pytest.fixture
def paced(database_url: str, clock: ManualClock) -> Iterator[LocalClub]:
    with LocalClub(database_url, clock, enforce_tiers=True) as running:
        yield running
        assert_block_ids_unique(running)


def test_known_channels_go_past_a_backlog_waiting_for_tier_3(paced: LocalClub) -> None:
    club = paced
    assert club.db is not None
    strangers = [f"U0S{i:05d}" for i in range(BACKLOG)]
    known = [f"U0K{i:05d}" for i in range(5)]
    for user in strangers + known:
        club.emulator.add_user(user, user.lower(), tz="UTC")
    now = club.clock.now()
    with club.db.transaction() as session:
        for user in known:  # a DM channel conversations.open gave before
            pacing.remember_dm_channel(session, user, club.dm_channel(user))
        for n, user in enumerate(strangers + known):  # the known ones last in the queue
            outbox.enqueue(
                session,
                user,
                f"test.backlog:{user}",
                outbox.Message(f"backlog message {n}"),
                now=now,
                purpose="test.backlog",
                deadline=now + timedelta(hours=1, seconds=n),
            )
    club.tick()
    first = Counter(m["channel"] for m in club.emulator.messages())
    assert all(first[club.dm_channel(user)] == 1 for user in known)
    assert sum(first.values()) < BACKLOG  # the strangers wait for Tier 3
    club.advance(timedelta(minutes=20), step=timedelta(seconds=10))
    delivered = Counter(m["channel"] for m in club.emulator.messages())
    assert delivered == Counter(club.dm_channel(user) for user in strangers + known)
    assert club.emulator.rate_limited_calls() == []
    with club.db.transaction() as session:
        assert {row.status for row in session.query(Delivery)} == {SENT}
