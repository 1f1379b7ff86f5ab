"""`clubbot run` with SLACK_APP_TOKEN: the real process on the emulator over Socket Mode."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.emulator import SlackEmulator

ROOT = Path(__file__).resolve().parents[1]
WAIT = 10.0  # generous: a cold child process imports Bolt, SQLAlchemy and every feature


@dataclass
class Running:
    process: subprocess.Popen[str]
    startup_log: list[str]


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator(app_token="xapp-1-A0CLUB-socket") as emu:
        emu.add_user("U0NINA", "nina", tz="America/New_York")
        emu.add_channel("C0CLUB", "club", members=["U0NINA"])
        yield emu


@pytest.fixture
def clubbot(tmp_path: Path, emulator: SlackEmulator) -> Iterator[Running]:
    env = {
        "PATH": os.environ["PATH"],
        "SLACK_BOT_TOKEN": emulator.bot_token,
        "SLACK_APP_TOKEN": emulator.workspace.me.app_token,
        "SLACK_API_URL": emulator.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'club.db'}",
        "CLUB_CHANNEL": "C0CLUB",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stderr is not None
        seen: list[str] = []
        for line in process.stderr:  # wait for the log line, not for a clock
            seen.append(line)
            if "connected to Slack in Socket Mode" in line:
                break
        assert any("connected to Slack in Socket Mode" in line for line in seen), "".join(seen)
        yield Running(process, seen)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=WAIT)


def _stop(running: Running) -> tuple[int, str, float]:
    """SIGTERM, then (exit code, the rest of stderr, seconds it took to exit)."""
    started = time.monotonic()
    running.process.send_signal(signal.SIGTERM)
    _, rest = running.process.communicate(timeout=WAIT)
    return running.process.returncode, rest, time.monotonic() - started


def _slash_command(emulator: SlackEmulator, text: str) -> dict[str, Any]:
    # What Slack puts in a slash_commands envelope's payload: the HTTP form's fields.
    return {
        "token": "emulator-verification-token",
        "team_id": emulator.team_id,
        "team_domain": "clubbot-emulator",
        "channel_id": "C0CLUB",
        "channel_name": "club",
        "user_id": "U0NINA",
        "user_name": "nina",
        "command": "/club",
        "text": text,
        "api_app_id": "A0CLUB",
        "is_enterprise_install": "false",
        "response_url": emulator.new_response_url("C0CLUB"),
        "trigger_id": emulator.new_trigger_id(),
    }


def test_run_connects_in_socket_mode_and_answers_a_slash_command(
    emulator: SlackEmulator, clubbot: Running
) -> None:
    assert emulator.socket_connected(WAIT)
    (opened,) = emulator.calls_to("apps.connections.open")
    assert opened.ok
    envelope_id = emulator.send_envelope(
        "slash_commands", _slash_command(emulator, "help"), accepts_response_payload=True
    )
    assert emulator.wait_for_ack(envelope_id, WAIT) == {"envelope_id": envelope_id}
    (answer,) = emulator.wait_for_calls("response_url", count=1, timeout=WAIT)
    assert answer.ok
    assert "what you can ask me" in answer.args["text"]
    assert answer.args["response_type"] == "ephemeral"
    code, rest, _ = _stop(clubbot)
    assert code == 0, "".join(clubbot.startup_log) + rest
    assert "Traceback" not in rest


def test_run_acks_events_and_ignores_its_own_messages(
    emulator: SlackEmulator, clubbot: Running
) -> None:
    assert emulator.socket_connected(WAIT)
    # Slack echoes the bot's own channel messages back as events; Bolt acks and drops them.
    event = {
        "type": "message",
        "channel": "C0CLUB",
        "user": emulator.bot_user_id,
        "bot_id": "B0BOT",
        "text": "Welcome to the club!",
        "ts": emulator.next_ts(),
        "channel_type": "channel",
    }
    envelope = {
        "token": "emulator-verification-token",
        "team_id": emulator.team_id,
        "api_app_id": "A0CLUB",
        "event": event,
        "type": "event_callback",
        "event_id": "Ev0SELF",
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": emulator.team_id, "user_id": emulator.bot_user_id, "is_bot": True}
        ],
    }
    envelope_id = emulator.send_envelope("events_api", envelope)
    assert emulator.wait_for_ack(envelope_id, WAIT) == {"envelope_id": envelope_id}
    code, rest, _ = _stop(clubbot)
    assert code == 0, rest
    assert emulator.messages() == []  # nothing said in reply to itself


def test_sigterm_stops_the_process_cleanly(emulator: SlackEmulator, clubbot: Running) -> None:
    assert emulator.socket_connected(WAIT)
    code, rest, took = _stop(clubbot)
    assert code == 0, rest
    assert "stopping" in rest
    assert "Traceback" not in rest
    assert took < WAIT


def test_run_executes_a_resent_command_once_and_ignores_chatter_quietly(
    emulator: SlackEmulator, clubbot: Running
) -> None:
    assert emulator.socket_connected(WAIT)
    command = _slash_command(emulator, "help")
    first = emulator.send_envelope("slash_commands", command, accepts_response_payload=True)
    assert emulator.wait_for_ack(first, WAIT) == {"envelope_id": first}
    emulator.wait_for_calls("response_url", count=1, timeout=WAIT)
    # The same payload again (same trigger_id) in a new envelope: acked, not executed.
    again = emulator.send_envelope("slash_commands", command, accepts_response_payload=True)
    assert emulator.wait_for_ack(again, WAIT) is not None
    chatter = {
        "token": "emulator-verification-token",
        "team_id": emulator.team_id,
        "api_app_id": "A0CLUB",
        "event": {"type": "message", "channel": "C0OTHER", "user": "U0NINA",
                  "text": "lunch?", "ts": emulator.next_ts(), "channel_type": "channel"},
        "type": "event_callback",
        "event_id": "Ev0CHATTER",
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": emulator.team_id, "user_id": emulator.bot_user_id, "is_bot": True}
        ],
    }
    ignored = emulator.send_envelope("events_api", chatter)
    assert emulator.wait_for_ack(ignored, WAIT) == {"envelope_id": ignored}
    code, rest, _ = _stop(clubbot)
    assert code == 0, rest
    assert len(emulator.calls_to("response_url")) == 1
    assert "Unhandled request" not in rest
    assert "WARNING" not in rest, rest


def test_sigterm_stops_promptly_while_a_call_waits_out_a_long_retry_after(
    emulator: SlackEmulator, clubbot: Running
) -> None:
    """A listener asleep on Slack's Retry-After (ten minutes here) does not hold the
    stopping process: the wait ends with the stop and the 429 is its answer."""
    assert emulator.socket_connected(WAIT)
    emulator.rate_limit_next("users.info", retry_after=600)  # the asker's profile
    envelope_id = emulator.send_envelope(
        "slash_commands", _slash_command(emulator, "help"), accepts_response_payload=True
    )
    assert emulator.wait_for_ack(envelope_id, WAIT) is not None
    (refused,) = emulator.wait_for_calls("users.info", count=1, timeout=WAIT)
    assert refused.status == 429  # and the listener now waits out the Retry-After
    code, rest, took = _stop(clubbot)
    assert code == 0, rest
    assert took < WAIT, rest
    assert len(emulator.calls_to("users.info")) == 1  # not retried once stopping
