"""`clubbot console` driven by a script on standard input, as demos are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_script(script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=True,
    )
    return result.stdout


def test_a_piped_script_shows_the_help_reply() -> None:
    out = run_script("/club help\n")
    assert "[nina in #social-media-club]> /club help" in out
    assert "Here's what you can ask me" in out
    assert "/club organiser list" in out
    assert "/club organiser add" not in out  # Nina is a member, not an organiser


def test_switching_person_mentions_and_the_clock() -> None:
    out = run_script(
        ":as olivia\n/club organiser add @mei\n:clock +1h\n:press 99\n:as nobody\n:bogus\n"
    )
    assert "(you are now Olivia Organiser, Europe/London)" in out
    assert "@mei is now an organiser" in out
    assert "clubbot in DM with mei:" in out
    assert "(club clock:" in out
    assert "there is no button 99" in out
    assert "no such person" in out
    assert "unknown console command :bogus" in out
