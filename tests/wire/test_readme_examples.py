"""What README promises a newcomer, on Slack's wire: its flagship question is answered in
the club channel while chatter stays unanswered; and `clubbot report` reads the
database a console session wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.local import CLUB, NINA, LocalClub
from tests.wire.test_faq_answering import posts, questions

ROOT = Path(__file__).resolve().parents[2]


def test_readmes_flagship_question_is_answered_in_the_club_channel(club: LocalClub) -> None:
    delivery = club.say(NINA.user_id, "how do I start a blog?", channel=CLUB.channel_id)
    (reply,) = posts(club, CLUB.channel_id)
    assert reply["thread_ts"] == delivery.payload["event"]["ts"]
    assert "internal platform" in reply["text"]
    (asked,) = questions(club)
    assert asked.status == "answered"


@pytest.mark.parametrize(
    "chatter",
    [
        "lunch today anyone?",
        "anyone going to the meeting later?",
        "I started a blog last week",
        "how do I start a podcast?",
        "great post yesterday!",
        "how do I start?",
    ],
)
def test_chatter_in_the_channel_stays_unanswered(club: LocalClub, chatter: str) -> None:
    club.say(NINA.user_id, chatter, channel=CLUB.channel_id)
    assert posts(club, CLUB.channel_id) == []
    assert [q.status for q in questions(club)] == ["silent"]


def test_clubbot_report_reads_the_database_a_console_session_wrote(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {"PATH": os.environ["PATH"]}
    console = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--database", url,
         "--start", "2026-12-01T08:00Z"],
        input=":in dm\nhow do I start a blog?\n",
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    assert "internal platform" in console.stdout
    out = tmp_path / "club.xlsx"
    report = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**env, "DATABASE_URL": url}, check=True,
    )  # fmt: skip
    assert report.stdout.startswith(f"wrote {out}")
    assert "1 question" in report.stdout, report.stdout

    from openpyxl import load_workbook

    assert load_workbook(out).sheetnames  # a workbook, with the console's data
