"""`clubbot console` driven by a script on standard input, as demos are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = "2026-12-01T08:00Z"  # a Tuesday morning in London


def run_script(script: str, start: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", *(["--start", start] if start else [])],
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
    assert "(there are no buttons to press yet)" in out
    assert "no such person" in out
    assert "unknown console command :bogus" in out


def test_typing_at_clubbot_is_an_app_mention_answered_in_a_thread() -> None:
    out = run_script("@clubbot what time is lunch?\n")
    # An unknown question in the channel gets silence, but a mention always gets a reply.
    assert "clubbot in #social-media-club in a thread:" in out
    assert "I don't know that one yet" in out


def test_a_wrong_field_name_keeps_the_form_open() -> None:
    out = run_script(":as olivia\n/club faq add\n:submit nonsense=1\n:close\n")
    assert "(the form stays open: no input element for ['nonsense']" in out
    assert "(form closed)" in out


def test_the_demo_tour_shows_every_feature_working() -> None:
    script = (ROOT / "examples" / "demo.txt").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--start", "2026-12-01T08:00Z"],
        input=script,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        check=True,
    )
    out = result.stdout
    # A question answered from the FAQ, with feedback buttons.
    assert "From the club FAQ, entry #" in out and "Helpful" in out
    # A mentor request offered, accepted and introduced in a group DM.
    assert "would like a mentor" in out and "Why you:" in out
    assert "You accepted @nina's request" in out
    assert "clubbot in #mpdm-" in out and "meet @marco" in out
    # A meeting scheduled, the clock moved, and the reminder posted in the channel.
    assert "Scheduled *Book club*" in out
    assert "(club clock: Tue 01 Dec 2026 13:00 UTC)" in out
    assert ":alarm_clock: *Book club* starts" in out
    # RSVPs per occurrence: Nina for today's only, Sam for all; a move is told by DM, and
    # next week's announcement counts only Sam.
    assert "Got it for “Book club” on Tue 1 Dec 2026 10:00 EST: you're going." in out  # Nina's zone
    assert "you're going to every one from now on" in out
    assert "has changed.\n  *When:* Tue 1 Dec 2026 18:00 GMT" in out
    assert "I told 2 people going by DM." in out
    assert "For Tue 8 Dec 2026 18:00 GMT: *1* going" in out and "Going: @sam\n" in out
    # A welcome, and a milestone nudge for a step reached.
    assert "Welcome to the social media club, @priya!" in out
    assert "Read the guidelines.* Nicely done! That's 2 of 10 steps" in out
    # The App Home as text, with the organiser's club health.
    assert "clubbot App Home:" in out and "*Club health*" in out
    # A launch campaign: invited at work, in, the link refused under embargo, the go-live
    # DM at launch, the link counted once, the roundup at close, the organiser's figures.
    assert "The club is helping launch *Aurora 2.0*" in out
    assert "still under embargo until Tue 1 Dec 2026 15:00 CET" in out
    assert "The embargo on *Aurora 2.0* has lifted" in out
    assert "Your post on LinkedIn for *Aurora 2.0* is counted" in out
    assert "That link is already counted" in out
    assert "That's a wrap on *Aurora 2.0*!" in out and "Thank you @marco" in out
    assert "joined *1*" in out and "1 min from launch to the first post" in out
    assert "Traceback" not in result.stderr


def test_press_n_presses_that_very_button_among_those_sharing_an_action_id() -> None:
    # Two meetings on Nina's Home: each has a Going button with the same action id; the
    # second one's is button 6.
    out = run_script(
        ':as olivia\n/club meeting schedule "Book club" 2026-12-02 15:00 weekly remind 2h\n'
        '/club meeting schedule "Photo walk" 2026-12-03 12:00 remind 2h\n'
        ":as nina\n:home\n:press 6\n",
        START,
    )
    after = out[out.rindex("> :press 6"):]
    assert "*Photo walk*" in after and "Going: @nina" in after
    assert "*Book club*" not in after.split("clubbot App Home:")[0]


def test_dates_show_in_the_speakers_time_zone() -> None:
    out = run_script(
        ':as olivia\n/club meeting schedule "Book club" 2026-12-02 15:00 remind 2h\n'
        ":as nina\n:press 1\n",
        START,
    )
    assert "*When:* Wed 2 Dec 2026 15:00 GMT" in out  # Olivia, in London
    assert "Got it for “Book club” on Wed 2 Dec 2026 10:00 EST" in out  # Nina, New York


def test_people_fields_take_only_people_of_the_club() -> None:
    out = run_script(
        ':as olivia\n/club meeting schedule "Book club" 2026-12-01 09:00 remind 2h\n'
        ":clock +2h\n:press 5\n:submit attendees=bob\n:submit attendees=nina,@sam\n",
        START,
    )
    # The announcement's four buttons come first, then the DM's "Mark who came".
    assert "[5] Mark who came" in out
    assert "(the form stays open: no such person bob;" in out
    assert "Thanks! Marked 2 people as having come." in out


def test_press_with_no_buttons_says_so_plainly() -> None:
    out = run_script(":press 1\n")
    assert "(there are no buttons to press yet)" in out
    assert "1–0" not in out


def test_a_report_sent_to_your_dm_can_be_saved_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "club-report.xlsx"
    out = run_script(f":save {target}\n:as olivia\n/club report\n:save {target}\n", START)
    assert "(the bot has not sent you a file yet)" in out
    assert f"to {target}" in out
    from openpyxl import load_workbook

    assert "Questions" in load_workbook(target).sheetnames
