"""`clubbot` as a process: settings errors, migrations, and `run` serving Slack over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.emulator import SlackEmulator, SlackSender
from storage import migrate

ROOT = Path(__file__).resolve().parents[1]


def clubbot(*args: str, env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_missing_setting_exits_2_with_one_line_naming_it(tmp_path: Path) -> None:
    result = clubbot("run", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "clubbot: SLACK_BOT_TOKEN: a bot token starting with xoxb-"
    ]
    assert "Traceback" not in result.stderr


def test_a_malformed_setting_exits_2_naming_it(tmp_path: Path) -> None:
    result = clubbot(
        "run",
        env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "eighty"},
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "clubbot: PORT: a TCP port number between 1 and 65535"


def test_db_upgrade_migrates_and_reports_the_revision(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'club.db'}"}
    first = clubbot("db", "upgrade", env=env)
    assert first.returncode == 0, first.stderr
    assert f"database at revision {migrate.head_revision()}" in first.stdout
    assert clubbot("db", "current", env=env).stdout.strip() == migrate.head_revision()


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emu:
        emu.add_user("U0NINA", "nina", tz="America/New_York")
        emu.add_channel("C0CLUB", "club", members=["U0NINA"])
        yield emu


def test_run_serves_slack_over_http_with_a_health_check(
    tmp_path: Path, emulator: SlackEmulator
) -> None:
    import socket

    with socket.socket() as probe:  # a free port for the child process
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "SLACK_BOT_TOKEN": emulator.bot_token,
        "SLACK_SIGNING_SECRET": "process-secret",
        "SLACK_API_URL": emulator.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'club.db'}",
        "PORT": str(port),
        "CLUB_CHANNEL": "C0CLUB",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env={"PATH": os.environ["PATH"], **env},
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # wait for the log line, not for a clock
            seen.append(line)
            if "listening on" in line:
                break
        assert any(f":{port}/slack/events" in line for line in seen), "".join(seen)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200
            assert json.loads(response.read())["ok"] is True
        sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", "process-secret", emulator)
        delivery = sender.command("help", user_id="U0NINA", channel_id="C0CLUB")
        assert delivery.status == 200
        answer = emulator.wait_for_calls("response_url", count=1, timeout=10)[0]
        assert "what you can ask me" in answer.args["text"]
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_run_with_a_token_slack_refuses_exits_1_naming_the_token(
    tmp_path: Path, emulator: SlackEmulator
) -> None:
    result = clubbot(
        "run",
        env={
            "SLACK_BOT_TOKEN": "xoxb-not-this-workspace",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": emulator.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'club.db'}",
        },
    )
    assert result.returncode == 1
    assert _last_line(result) == (
        "clubbot: Slack refused the bot token (invalid_auth): check SLACK_BOT_TOKEN"
    )
    assert "Traceback" not in result.stderr


def test_run_when_slack_cannot_be_reached_exits_1_with_one_line(tmp_path: Path) -> None:
    result = clubbot(
        "run",
        env={
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": "http://127.0.0.1:9/api/",  # the discard port: nobody listens
            "DATABASE_URL": f"sqlite:///{tmp_path / 'club.db'}",
            "LOG_LEVEL": "ERROR",
        },
    )
    assert result.returncode == 1
    assert _last_line(result).startswith("clubbot: cannot reach Slack at http://127.0.0.1:9/api/")
    assert "Traceback" not in result.stderr


def test_run_when_the_database_cannot_be_opened_exits_1_with_one_line() -> None:
    result = clubbot(
        "run",
        env={
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "s",
            "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:9/test",
        },
    )
    assert result.returncode == 1
    assert _last_line(result).startswith("clubbot: cannot open the database (DATABASE_URL)")
    assert "Traceback" not in result.stderr


def test_run_when_the_port_is_taken_exits_1_with_one_line(
    tmp_path: Path, emulator: SlackEmulator
) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = clubbot(
            "run",
            env={
                "SLACK_BOT_TOKEN": emulator.bot_token,
                "SLACK_SIGNING_SECRET": "s",
                "SLACK_API_URL": emulator.api_url,
                "DATABASE_URL": f"sqlite:///{tmp_path / 'club.db'}",
                "PORT": str(port),
            },
        )
    assert result.returncode == 1
    assert _last_line(result).startswith(f"clubbot: cannot listen on port {port} (PORT)")
    assert "Traceback" not in result.stderr


def test_a_failed_start_is_one_line_without_the_clients_retries_or_warnings(
    tmp_path: Path,
) -> None:
    """At the default log level: our line, not the Slack client's errors and retries,
    and no warning (Bolt's "token will be unused" included)."""
    result = clubbot(
        "run",
        env={
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": "http://127.0.0.1:9/api/",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'club.db'}",
        },
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("clubbot: cannot reach Slack at http://127.0.0.1:9/api/")
    assert not [line for line in lines if " WARNING " in line or " ERROR " in line], lines
    assert not [line for line in lines if "slack_sdk" in line], lines
