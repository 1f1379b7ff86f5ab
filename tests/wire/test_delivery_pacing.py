"""Delivery paced to Slack's rate limits (issue 16 item 2), against an emulator that
enforces them: it answers 429 past a method's tier and past chat.postMessage's
one-a-second per channel, on the same controlled clock as the bot."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from bot.app import ClubApp, create_app
from bot.clock import ManualClock
from bot.delivery import outbox
from bot.local import NINA, OLIVIA, LocalClub
from schedules import jobs
from storage.meetings.models import Rsvp
from tests.wire.conftest import assert_block_ids_unique
from tests.wire.test_meetings import HOUR_BEFORE, schedule


@pytest.fixture
def paced(database_url: str, clock: ManualClock) -> Iterator[LocalClub]:
    """A club whose Slack enforces the tiers."""
    with LocalClub(database_url, clock, enforce_tiers=True) as running:
        yield running
        assert_block_ids_unique(running)


def crowd(club: LocalClub, meeting_id: int, n: int) -> list[str]:
    """n more people going to every occurrence, stored as if each had pressed *All future
    ones* (n presses would only slow the test; test_meetings presses them)."""
    users = [f"U0P{i:05d}" for i in range(n)]
    for user in users:
        club.emulator.add_user(user, user.lower(), tz="UTC")
    assert club.db is not None
    with club.db.transaction() as session:
        for user in users:
            session.add(
                Rsvp(
                    meeting_id=meeting_id,
                    user_id=user,
                    answer="going",
                    answered_at=club.clock.now(),
                )
            )
    return users


def reminder_dms(club: LocalClub) -> list[dict[str, Any]]:
    return [m for m in club.emulator.messages() if m.get("text", "").endswith("starts soon")]


def both_tick(club: LocalClub, other: ClubApp) -> None:
    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(jobs.run_due_work, deps) for deps in (club.bot.deps, other.deps)]:
            done.result()
    club.settle()


def test_two_replicas_together_stay_within_one_limit(paced: LocalClub) -> None:
    club = paced
    meeting_id = schedule(club)
    users = crowd(club, meeting_id, 120)
    assert club.db is not None
    replica = create_app(club.settings, db=club.db, clock=club.clock)
    club.clock.set(HOUR_BEFORE + timedelta(seconds=1))
    started = club.clock.now()
    while len(reminder_dms(club)) < len(users) and club.clock.now() < started + timedelta(
        minutes=5
    ):
        both_tick(club, replica)
        club.clock.advance(timedelta(seconds=2))
    assert club.emulator.rate_limited_calls() == []
    dms = reminder_dms(club)
    assert sorted(m["channel"] for m in dms) == sorted(club.dm_channel(u) for u in users)
    # conversations.open is Tier 3: 50 at once, then 50 a minute, for both replicas together.
    opens = [c for c in club.emulator.calls_to("conversations.open") if c.ok]
    assert len(opens) == len(users)
    took = club.clock.now() - started
    assert timedelta(seconds=70 / 50 * 60 - 4) <= took <= timedelta(seconds=70 / 50 * 60 + 6)


def test_the_emulator_refuses_a_burst_past_the_tier(paced: LocalClub) -> None:
    """What the pacing spares the bot: Slack's own answer to the 51st open in a minute."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token=paced.emulator.bot_token, base_url=paced.emulator.api_url)
    for i in range(50):
        paced.emulator.add_user(f"U0B{i:03d}", f"b{i}")
        client.conversations_open(users=f"U0B{i:03d}")
    with pytest.raises(SlackApiError) as refused:
        client.conversations_open(users="U0B000")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "2"  # 1.2 s to the next token
    paced.clock.advance(timedelta(seconds=2))
    client.conversations_open(users="U0B000")
    # chat.postMessage: a burst of 10 in one channel, then one a second.
    channel = paced.dm_channel(NINA.user_id)
    for _ in range(10):
        client.chat_postMessage(channel=channel, text="hi")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=channel, text="hi")
    client.chat_postMessage(channel=paced.dm_channel(OLIVIA.user_id), text="another channel")


def test_the_queue_goes_by_deadline(paced: LocalClub) -> None:
    """Rows without a deadline (nudges) that waited longer still go after a reminder
    due sooner, when the limits let only some go now."""
    club = paced
    meeting_id = schedule(club)
    users = crowd(club, meeting_id, 10)
    assert club.db is not None
    club.clock.set(HOUR_BEFORE - timedelta(minutes=5))
    fillers = [f"U0F{i:03d}" for i in range(60)]
    with club.db.transaction() as session:
        for user in fillers:
            club.emulator.add_user(user, user.lower(), tz="UTC")
            outbox.enqueue(
                session, user, f"test.nudge:{user}", outbox.Message("Keep going!"),
                now=club.clock.now(), purpose="encouragement.nudge",
            )  # fmt: skip
    club.clock.set(HOUR_BEFORE + timedelta(seconds=1))
    club.tick()
    posted = [str(c.args.get("text")) for c in club.emulator.calls_to("chat.postMessage")]
    # 50 conversations.open at once: the reminder's 10 DMs first, then 40 of the nudges.
    reminders = [i for i, text in enumerate(posted) if text == "Book club starts soon"]
    nudges = [i for i, text in enumerate(posted) if text == "Keep going!"]
    assert len(reminders) == 10 and len(nudges) == 40
    assert max(reminders) < min(nudges)
    club.advance(timedelta(minutes=1), step=timedelta(seconds=5))
    assert len([m for m in club.replies() if m.get("text") == "Keep going!"]) == 60
    assert club.emulator.rate_limited_calls() == []
    assert {m["channel"] for m in reminder_dms(club)} == {club.dm_channel(u) for u in users}


def test_a_known_dm_channel_is_not_opened_again(paced: LocalClub) -> None:
    club = paced
    meeting_id = schedule(club, '"Coffee" 2026-12-03 15:00 weekly <#C0CLUB|social-media-club>')
    users = crowd(club, meeting_id, 30)
    club.clock.set(HOUR_BEFORE + timedelta(seconds=1))
    club.advance(timedelta(minutes=1), step=timedelta(seconds=5))
    assert len(reminder_dms(club)) == 30
    opened = len(club.emulator.calls_to("conversations.open"))
    club.clock.set(HOUR_BEFORE + timedelta(days=7, seconds=1))
    club.advance(timedelta(minutes=1), step=timedelta(seconds=5))
    assert len(reminder_dms(club)) == 60
    assert len(club.emulator.calls_to("conversations.open")) == opened
    assert sorted(m["channel"] for m in reminder_dms(club)[30:]) == sorted(
        club.dm_channel(u) for u in users
    )


def progress_posts(club: LocalClub) -> list[Any]:
    return [
        c
        for c in club.emulator.calls_to("chat.postMessage")
        if "Reminder DMs for" in str(c.args.get("text"))
    ]


def test_300_dms_are_planned_to_land_before_their_due_time_with_no_429(paced: LocalClub) -> None:
    club = paced
    meeting_id = schedule(club)
    users = crowd(club, meeting_id, 300)
    # 300 conversations.open at 50 a minute: about 6 minutes, planned with a margin.
    club.clock.set(HOUR_BEFORE - timedelta(minutes=15))
    club.tick()
    assert reminder_dms(club) == []  # not yet: 15 minutes ahead is earlier than needed
    club.advance(timedelta(minutes=15), step=timedelta(seconds=5))
    dms = reminder_dms(club)
    assert sorted(m["channel"] for m in dms) == sorted(club.dm_channel(u) for u in users)
    assert all(float(m["ts"]) <= HOUR_BEFORE.timestamp() for m in dms)
    first = min(float(m["ts"]) for m in dms)
    assert HOUR_BEFORE.timestamp() - first < 10 * 60  # started as late as was safe
    assert club.emulator.rate_limited_calls() == []
    # The channel's own reminder still comes at its time, and nobody gets a second DM.
    club.advance(timedelta(minutes=2), step=timedelta(seconds=5))
    assert len(reminder_dms(club)) == 300
    assert club.emulator.rate_limited_calls() == []


def test_the_organiser_sees_one_progress_line_updated_not_repeated(paced: LocalClub) -> None:
    club = paced
    meeting_id = schedule(club)
    crowd(club, meeting_id, 120)
    club.clock.set(HOUR_BEFORE - timedelta(minutes=6))
    club.advance(timedelta(minutes=7), step=timedelta(seconds=5))
    posts = progress_posts(club)
    assert len(posts) == 1
    line = posts[0]
    announcement_ts = club.replies()[0]["ts"]
    assert line.args["thread_ts"] == announcement_ts
    assert line.args["text"].endswith("0 of 120 delivered so far.")
    updates = [
        c for c in club.emulator.calls_to("chat.update") if c.args.get("ts") == line.response["ts"]
    ]
    assert len(updates) >= 3
    texts = [str(c.args["text"]) for c in updates]
    assert any(" of 120 delivered so far." in t and "0 of 120" not in t for t in texts)
    assert texts[-1].endswith("120 of 120 delivered.")
    stored = club.emulator.stored_message(line.response["channel"], line.response["ts"])
    assert stored is not None and stored["text"].endswith("120 of 120 delivered.")
    assert club.emulator.rate_limited_calls() == []
    # Done: the line stays as it is.
    club.advance(timedelta(minutes=1), step=timedelta(seconds=5))
    assert len(
        [
            c
            for c in club.emulator.calls_to("chat.update")
            if c.args.get("ts") == line.response["ts"]
        ]
    ) == len(updates)


def test_a_line_counts_thousands_with_a_space() -> None:
    from bot.content.delivery import progress_line

    assert progress_line("Reminder DMs", 1200, 2000, 0) == (
        ":outbox_tray: Reminder DMs: 1 200 of 2 000 delivered so far."
    )
    assert progress_line("Reminder DMs", 1998, 2000, 2).endswith(
        "1 998 of 2 000 delivered, 2 could not be reached."
    )
