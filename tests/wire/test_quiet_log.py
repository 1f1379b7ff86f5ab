"""A normal simulated day's log at INFO: no warning, and no line every second (the
scheduler's tick runs through APScheduler's own executor code, as in `clubbot run`)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.executors.base import run_job

from bot import logs
from bot.local import CLUB, NINA, OLIVIA, SAM, LocalClub
from handlers import ids
from schedules.scheduler import build_scheduler
from tests.wire.test_meetings import announcement, schedule

# The libraries and our own code; the emulator (the test's Slack) is not the bot's log.
BOT_LOGGERS = ("clubbot", "apscheduler", "slack_bolt", "slack_sdk", "alembic", "root")


def ours(record: logging.LogRecord) -> bool:
    return record.name == "root" or record.name.split(".")[0] in BOT_LOGGERS


def test_a_normal_day_logs_no_warning_and_nothing_per_second(
    club: LocalClub, caplog: pytest.LogCaptureFixture
) -> None:
    logs.quiet_libraries("INFO")
    caplog.set_level(logging.INFO)
    scheduler = build_scheduler(club.bot.deps)  # not started: its tick job is run below
    tick = scheduler.get_job("tick")
    assert tick is not None

    meeting_id = schedule(club, '"Book club" 2026-12-02 15:00 weekly <#C0CLUB|c>')
    club.press(NINA.user_id, announcement(club, meeting_id), ids.MEETING_GOING)
    club.dm(SAM.user_id, "how do I start a blog?")
    club.say(SAM.user_id, "lovely weather for a photo walk")  # chat the bot ignores
    club.event({"type": "reaction_added", "user": SAM.user_id, "reaction": "tada",
                "item": {"type": "message", "channel": CLUB.channel_id, "ts": "1.2"}})
    club.event({"type": "user_typing", "user": SAM.user_id, "channel": CLUB.channel_id})
    club.event({"type": "app_home_opened", "user": NINA.user_id, "tab": "home"})
    club.command(OLIVIA.user_id, f"kudos <@{NINA.user_id}> for the photo walk")
    for _second in range(120):  # two minutes of the one-second tick
        club.clock.advance(timedelta(seconds=1))
        # APScheduler checks the run time against the real clock (misfires).
        run_job(tick, "default", [datetime.now(UTC)], logs.PER_TICK_LOGGER)
    club.advance(timedelta(hours=30), step=timedelta(minutes=10))  # reminders, the meeting
    club.settle()

    records = [r for r in caplog.records if ours(r)]
    warned = [f"{r.name}: {r.getMessage()}" for r in records if r.levelno >= logging.WARNING]
    assert warned == []
    per_tick = [r for r in records if r.name.startswith("apscheduler.executors")]
    assert per_tick == []
    repeated = Counter(r.getMessage() for r in records if r.levelno == logging.INFO)
    assert max(repeated.values()) < 60, repeated.most_common(3)  # nothing once a second
    assert any(r.name.startswith("clubbot") for r in records)  # the day was logged


def test_the_per_tick_lines_are_there_at_debug(
    club: LocalClub, caplog: pytest.LogCaptureFixture
) -> None:
    logs.quiet_libraries("DEBUG")
    try:
        caplog.set_level(logging.DEBUG)
        tick = build_scheduler(club.bot.deps).get_job("tick")
        assert tick is not None
        run_job(tick, "default", [datetime.now(UTC)], logs.PER_TICK_LOGGER)
        assert any("executed successfully" in r.getMessage() for r in caplog.records)
    finally:
        logs.quiet_libraries("INFO")


def test_bolt_does_not_warn_that_the_token_from_the_environment_is_unused(
    database_url: str, clock: object, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    caplog.set_level(logging.INFO)
    with LocalClub(database_url, clock) as club:  # type: ignore[arg-type]
        club.command(NINA.user_id, "help")
    assert not [r for r in caplog.records if "will be unused" in r.getMessage()]
