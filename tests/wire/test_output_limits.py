"""Oversized output gets a clear answer instead of Slack's silent refusal.

`/club faq list <41 000-character tag>` echoed the tag and Slack refused the reply
(msg_too_long): the person saw nothing. Every message, response_url post and view now
passes bot/edge/limits.py on the way out, and the emulator (which enforces Slack's
limits) must accept all of them.
"""

from __future__ import annotations

from typing import Any

from bot.edge import limits
from bot.emulator.blockkit import check_message_blocks, check_view
from bot.local import CLUB, NINA, OLIVIA, LocalClub
from bot.slack_client import FittingRespond

HUGE_TAG = "blogging" * 5125  # 41 000 characters


def refused(club: LocalClub) -> list[tuple[str, Any]]:
    """Every call Slack (the emulator) refused."""
    return [(c.method, c.response.get("error")) for c in club.emulator.calls if not c.ok]


def responses(club: LocalClub) -> list[dict[str, Any]]:
    return [c.args for c in club.emulator.calls_to("response_url")]


def test_faq_list_with_a_huge_tag_says_what_a_tag_is(club: LocalClub) -> None:
    club.command(NINA.user_id, f"faq list {HUGE_TAG}")
    assert refused(club) == []
    (answer,) = responses(club)
    assert "takes a tag: up to 30 letters" in answer["text"]
    assert answer["response_type"] == "ephemeral"


def test_an_unknown_huge_subcommand_is_answered(club: LocalClub) -> None:
    club.command(NINA.user_id, HUGE_TAG)
    assert refused(club) == []
    (answer,) = responses(club)
    assert answer["text"].startswith("I don't know /club bloggingblogging")
    assert len(answer["text"]) < 1000


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_a_message_over_every_limit_is_shortened_with_a_note(club: LocalClub) -> None:
    client = club.bot.deps.client
    blocks = [_section("blogging " * 600) for _ in range(60)]  # 60 blocks of 5 400 chars
    client.chat_postMessage(channel=CLUB.channel_id, text="blogging " * 5000, blocks=blocks)
    assert refused(club) == []
    sent = club.emulator.calls_to("chat.postMessage")[-1].args
    assert len(sent["text"]) <= limits.TEXT_MAX and sent["text"].endswith(limits.CUT)
    assert len(sent["blocks"]) == limits.MESSAGE_BLOCKS_MAX
    assert "and 11 more not shown" in sent["blocks"][-1]["elements"][0]["text"]
    assert all(len(b["text"]["text"]) <= limits.SECTION_TEXT_MAX for b in sent["blocks"][:-1])
    assert check_message_blocks(sent["blocks"]) == []


def test_a_response_url_post_over_the_limits_is_shortened(club: LocalClub) -> None:
    url = club.emulator.new_response_url(CLUB.channel_id)
    respond = FittingRespond(response_url=url)
    respond(text="x" * 50_000, blocks=[_section("y" * 4000)] * 55, response_type="ephemeral")
    assert refused(club) == []
    (sent,) = responses(club)
    assert len(sent["text"]) <= limits.TEXT_MAX and len(sent["blocks"]) == 50


def test_a_home_view_over_100_blocks_is_shortened(club: LocalClub) -> None:
    view = {"type": "home", "blocks": [_section(f"line {i}") for i in range(130)]}
    club.bot.deps.client.views_publish(user_id=NINA.user_id, view=view)
    assert refused(club) == []
    sent = club.emulator.calls_to("views.publish")[-1].args["view"]
    assert len(sent["blocks"]) == limits.VIEW_BLOCKS_MAX
    assert check_view(sent, allowed_types=("home",)) == []


def test_every_modal_the_commands_open_limits_its_text_inputs(club: LocalClub) -> None:
    for text in ("faq add", "faq edit 1", "meeting schedule", "mentor signup", "mentor request"):
        club.command(OLIVIA.user_id, text)
    opened = [c.args["view"] for c in club.emulator.calls_to("views.open") if c.ok]
    assert len(opened) == 5, refused(club)
    inputs = [
        block["element"] for view in opened for block in view["blocks"]
        if block.get("type") == "input" and block["element"]["type"] == "plain_text_input"
    ]
    assert inputs and all(0 < e.get("max_length", 0) <= limits.INPUT_MAX_LENGTH for e in inputs)
    assert all(len(e.get("initial_value", "")) <= e["max_length"] for e in inputs)


# ------------------------------------------------------------------ pure parts


def test_clip_never_cuts_an_entity_or_a_link_in_half() -> None:
    assert limits.clip("short", 10) == "short"
    cut = limits.clip("a" * 22 + "&amp;" + "b" * 100, 60)  # the cut falls in "&amp;"
    assert cut == "a" * 22 + limits.CUT and len(cut) <= 60
    link = limits.clip("see <https://example.com/" + "p" * 100 + "|the page> now", 80)
    assert "<" not in link and link.startswith("see")


def test_an_input_without_max_length_gets_slacks_maximum() -> None:
    view = {"type": "modal", "blocks": [
        {"type": "input", "element": {"type": "plain_text_input", "initial_value": "z" * 4000}},
    ]}
    element = limits.fit_view(view)["blocks"][0]["element"]
    assert element["max_length"] == 3000 and len(element["initial_value"]) == 3000
