"""Meeting reminders on their way out through the outbox: passing errors retried with
backoff, 429 Retry-After honoured, retries bounded, a timeout that did post not repeated,
nothing sent once the meeting started, and permanent errors tried once with organisers
told once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.error import URLError

import pytest
from sqlalchemy import select

from bot.delivery.rules import MAX_ATTEMPTS
from bot.local import NINA, OLIVIA, LocalClub
from schedules.delivery import sender_for
from storage.meetings.models import Rsvp
from tests.wire.test_meetings import (
    DAY_BEFORE,
    HOUR_BEFORE,
    deliveries,
    press_going,
    reminders_in,
    schedule,
    sent_keys,
)

GHOST = "U0GHOST"


def dms_to(club: LocalClub, user: str) -> list[dict[str, Any]]:
    return club.emulator.messages(club.dm_channel(user))


def reminder_calls(club: LocalClub) -> list[Any]:
    """Every chat.postMessage of a reminder, answered or refused."""
    return [
        c
        for c in club.emulator.calls_to("chat.postMessage")
        if str(c.args.get("text", "")).startswith("Reminder:")
    ]


@pytest.mark.parametrize("error", ["internal_error", "service_unavailable"])
def test_a_passing_slack_error_is_retried_after_a_backoff(club: LocalClub, error: str) -> None:
    meeting_id = schedule(club)
    press_going(club, NINA.user_id, meeting_id)
    club.emulator.fail_next("chat.postMessage", error)
    club.clock.set(HOUR_BEFORE + timedelta(seconds=1))
    club.tick()
    assert reminders_in(club) == []
    # Each recipient is its own delivery: Nina's DM does not wait for the channel post.
    assert len(dms_to(club, NINA.user_id)) == 1
    club.tick()
    assert reminders_in(club) == []  # the backoff (30 s) has not passed
    club.advance(timedelta(seconds=31), step=timedelta(seconds=31))
    assert len(reminders_in(club)) == 1
    club.tick()
    club.restart()
    club.advance(timedelta(minutes=10))
    assert len(reminders_in(club)) == 1
    assert len(dms_to(club, NINA.user_id)) == 1
    assert sorted(outcome for _key, outcome in sent_keys(club)) == ["sent", "skipped"]
    assert [status for _key, status in deliveries(club)] == ["sent", "sent"]


def test_a_429_waits_as_long_as_retry_after_says(club: LocalClub) -> None:
    schedule(club)
    club.emulator.rate_limit_next("chat.postMessage", retry_after=120)
    club.clock.set(DAY_BEFORE + timedelta(seconds=1))
    club.tick()
    club.advance(timedelta(seconds=110), step=timedelta(seconds=10))
    assert reminders_in(club) == []
    club.advance(timedelta(seconds=20), step=timedelta(seconds=10))
    assert len(reminders_in(club)) == 1
    assert len(reminder_calls(club)) == 2  # refused once, then posted: no hidden retries


def test_retries_are_bounded_and_end_quietly(club: LocalClub) -> None:
    schedule(club)
    club.emulator.fail_next("chat.postMessage", "internal_error", times=MAX_ATTEMPTS + 5)
    club.clock.set(DAY_BEFORE + timedelta(seconds=1))
    club.advance(timedelta(hours=3), step=timedelta(minutes=1))
    assert reminders_in(club) == []
    assert len(reminder_calls(club)) == MAX_ATTEMPTS
    assert [status for _key, status in deliveries(club)] == ["failed"]
    # Not a permanent error: nobody can fix it, so organisers are not bothered.
    assert dms_to(club, OLIVIA.user_id) == []


def test_a_refused_connection_is_retried_and_a_timeout_is_checked_before_posting_again(
    club: LocalClub, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule(club)
    client = sender_for(club.bot.deps).client
    real_post = client.chat_postMessage
    posted_then_timed_out: list[str] = []

    def flaky_post(**kwargs: Any) -> Any:
        text = str(kwargs.get("text", ""))
        if text == "Reminder: Book club starts in 24 h" and not posted_then_timed_out:
            posted_then_timed_out.append(text)
            raise URLError(ConnectionRefusedError(111, "refused"))
        if text == "Reminder: Book club starts in 1 h" and len(posted_then_timed_out) == 1:
            posted_then_timed_out.append(text)
            real_post(**kwargs)  # Slack got it; the answer never came back
            raise URLError(TimeoutError())
        return real_post(**kwargs)

    monkeypatch.setattr(client, "chat_postMessage", flaky_post)
    club.clock.set(DAY_BEFORE + timedelta(seconds=1))
    club.advance(timedelta(minutes=2))
    assert len(reminders_in(club)) == 1  # refused: nothing reached Slack, so tried again
    club.clock.set(HOUR_BEFORE + timedelta(seconds=1))
    club.advance(timedelta(minutes=5))
    # Timed out after Slack posted: the next try finds its key in the channel.
    assert len(reminders_in(club)) == 2
    assert len(club.emulator.calls_to("conversations.history")) == 1
    assert [status for _key, status in deliveries(club)] == ["sent", "sent"]


def test_a_timeout_that_did_not_post_is_posted_once(
    club: LocalClub, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule(club)
    client = sender_for(club.bot.deps).client
    real_post = client.chat_postMessage
    failures = [URLError(TimeoutError())]

    def flaky_post(**kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return real_post(**kwargs)

    monkeypatch.setattr(client, "chat_postMessage", flaky_post)
    club.clock.set(DAY_BEFORE + timedelta(seconds=1))
    club.advance(timedelta(minutes=5))
    assert len(reminders_in(club)) == 1


def test_nothing_is_sent_once_the_meeting_has_started(club: LocalClub) -> None:
    schedule(club, '"Book club" 2026-12-03 15:00 <#C0CLUB|social-media-club> remind 1m')
    club.emulator.fail_next("chat.postMessage", "internal_error")
    club.clock.set(datetime(2026, 12, 3, 14, 59, 30, tzinfo=UTC))
    club.tick()
    club.clock.set(datetime(2026, 12, 3, 15, 0, 1, tzinfo=UTC))
    club.tick()
    assert reminders_in(club) == []
    assert [status for _key, status in deliveries(club)] == ["expired"]


def _going_then_gone(club: LocalClub, *meeting_ids: int) -> None:
    """The ghost said Going, then left the company: Slack no longer knows them."""
    club.emulator.add_user(GHOST, "ghost")
    for meeting_id in meeting_ids:
        press_going(club, GHOST, meeting_id)
    with club.emulator.workspace.lock:
        del club.emulator.workspace.users[GHOST]
    assert club.db is not None
    with club.db.transaction() as session:
        going = session.scalars(select(Rsvp).where(Rsvp.user_id == GHOST)).all()
        assert len(going) == len(meeting_ids)


def _calls_for(club: LocalClub, user: str) -> list[Any]:
    return [c for c in club.emulator.calls if user in str(c.args.get("users", ""))]


def test_an_unknown_person_is_tried_once_and_organisers_are_told_once(club: LocalClub) -> None:
    meetings = [
        schedule(club, f'"Book club" 2026-12-{day} 15:00 remind 1h') for day in ("03", "10")
    ]
    for meeting_id in meetings:
        press_going(club, NINA.user_id, meeting_id)
    _going_then_gone(club, *meetings)
    club.emulator.clear_calls()
    club.clock.set(HOUR_BEFORE - timedelta(minutes=1))
    club.advance(timedelta(days=7, hours=1), step=timedelta(minutes=30))
    # Two reminders, one try each: the error is permanent.
    assert len(_calls_for(club, GHOST)) == 2
    assert len(dms_to(club, NINA.user_id)) == 2
    told = [m for m in dms_to(club, OLIVIA.user_id) if "couldn't deliver" in m["text"]]
    assert len(told) == 1, told
    assert f"<@{GHOST}>" in told[0]["text"]
    assert "Slack doesn't know that person" in told[0]["text"]


def test_an_unknown_person_costs_a_bounded_number_of_calls_over_six_days(
    club: LocalClub,
) -> None:
    # A meeting each day at 15:00 for six days; the ghost said Going to every one.
    days = [schedule(club, f'"Stand-up" 2026-12-0{2 + day} 15:00 remind 1h') for day in range(6)]
    _going_then_gone(club, *days)
    club.emulator.clear_calls()
    club.advance(timedelta(days=6, hours=6), step=timedelta(minutes=15))
    calls = _calls_for(club, GHOST)
    assert len(calls) == 6  # one conversations.open per reminder, never retried
    assert all(not c.ok and c.response["error"] == "user_not_found" for c in calls)
    told = [m for m in dms_to(club, OLIVIA.user_id) if "couldn't deliver" in m["text"]]
    assert len(told) == 1


def test_a_who_came_prompt_slack_refused_is_sent_after_a_backoff_once(club: LocalClub) -> None:
    from tests.wire.test_meetings_followups import ENDED, prompts_to

    schedule(club)
    club.clock.set(ENDED - timedelta(minutes=1))
    club.tick()
    club.emulator.fail_next("chat.postMessage", "internal_error")
    club.clock.set(ENDED + timedelta(seconds=1))
    club.tick()
    assert prompts_to(club) == []  # before the outbox, this prompt was lost for good
    club.advance(timedelta(minutes=1), step=timedelta(seconds=10))
    assert len(prompts_to(club)) == 1
    club.advance(timedelta(hours=2), step=timedelta(minutes=10))
    assert len(prompts_to(club)) == 1
    assert [s for _k, s in deliveries(club, "meetings.attendance_prompt")] == ["sent"]
