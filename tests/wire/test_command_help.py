"""Helpful corrections for `/club` (issue 14, item 10): a typo in a sub-subcommand, a
family named alone, plurals."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.content import plural
from bot.local import MARCO, NINA, OLIVIA, SAM, LocalClub
from handlers import ids
from tests.wire.test_mentoring import ask, sign_up


def answer(club: LocalClub) -> dict[str, Any]:
    posts = [c.args for c in club.emulator.calls_to("response_url")]
    assert posts, "the bot did not answer"
    return posts[-1]


def test_a_typo_in_a_sub_subcommand_suggests_the_right_one(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "meeting shedule Coffee 2026-12-10 15:00")
    reply = answer(club)
    assert "Did you mean `/club meeting schedule" in reply["text"]
    assert "I don't know `/club meeting shedule`" in reply["text"]
    assert "I don't know `/club meeting`." not in reply["text"]
    club.command(NINA.user_id, "mentor stauts")
    assert "Did you mean `/club mentor status`?" in answer(club)["text"]


def test_a_family_alone_lists_its_subcommands(club: LocalClub) -> None:
    club.command(NINA.user_id, "faq")
    reply = answer(club)
    shown = json.dumps(reply["blocks"])
    assert "Here's what `/club faq` can do" in reply["text"]
    assert "/club faq list" in shown and "I don't know" not in shown
    assert "/club faq add" not in shown  # only what a member may use
    club.command(OLIVIA.user_id, "faq")
    assert "/club faq add" in json.dumps(answer(club)["blocks"])


def test_counts_read_right_in_the_singular(club: LocalClub) -> None:
    assert plural(1, "person", "people") == "1 person" and plural(2, "offer") == "2 offers"
    club.command(OLIVIA.user_id, "progress club")
    assert "(1 person on it" in json.dumps(answer(club)["blocks"])
    sign_up(club, MARCO, "blogging")
    ask(club, SAM, "blogging")
    club.advance(timedelta(hours=24, minutes=2), step=timedelta(hours=1))  # MARCO timed out
    club.command(OLIVIA.user_id, "pairing round")
    preview = [m for m in club.replies() if "Pairing round preview" in m.get("text", "")][-1]
    assert "Pairing round preview: 1 offer" in preview["text"]
    assert "1 offer, total score" in json.dumps(preview["blocks"])
    club.press(OLIVIA.user_id, preview, ids.MENTOR_ROUND_CONFIRM)
    assert "Sent 1 offer." in answer(club)["text"]
