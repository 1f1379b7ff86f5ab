"""Campaign due work runs exactly once with two replicas on one database (issue 15
item 7): both tick at the same moments, each invitation, go-live DM and roundup is
sent once."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from bot.app import create_app
from bot.local import CLUB, NINA, PRIYA, LocalClub
from handlers import ids
from schedules import jobs
from tests.wire.test_campaign_invitations import invitations
from tests.wire.test_campaigns import create


def both_tick(club: LocalClub, other: object, moment: datetime) -> None:
    club.clock.set(moment)
    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(jobs.run_due_work, deps)
                     for deps in (club.bot.deps, other.deps)]:  # type: ignore[attr-defined]
            done.result()
    club.settle()


def test_two_replicas_send_each_invitation_golive_and_roundup_once(
    club: LocalClub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="clubbot.jobs")
    assert club.db is not None
    replica = create_app(club.settings, db=club.db, clock=club.clock)
    campaign_id = create(club, launch_date="2026-12-01", launch_time="16:00",
                         close_date="2026-12-01", close_time="18:00")
    for hour in (10, 11, 14):
        both_tick(club, replica, datetime(2026, 12, 1, hour, 0, tzinfo=UTC))
    assert len(invitations(club, PRIYA.user_id)) == 1
    assert len(invitations(club, NINA.user_id)) == 1
    club.sender.block_action(NINA.user_id, ids.CAMPAIGN_JOIN, value=str(campaign_id),
                             channel_id=club.dm_channel(NINA.user_id))
    club.settle()
    for minute in (0, 1):
        both_tick(club, replica, datetime(2026, 12, 1, 16, minute, tzinfo=UTC))
    dms = club.replies(club.dm_channel(NINA.user_id))
    assert len([m for m in dms if "embargo on" in m.get("text", "")]) == 1
    for minute in (0, 1):
        both_tick(club, replica, datetime(2026, 12, 1, 18, minute, tzinfo=UTC))
    # Nobody posted: the roundup still goes out, once, thanking those who got ready.
    wraps = [m for m in club.replies(CLUB.channel_id) if "has closed" in m.get("text", "")]
    assert len(wraps) == 1
    # Both replicas really ran every tick: neither failed (a failure would hide a double).
    assert not [r for r in caplog.records if "due work failed" in r.getMessage()]
