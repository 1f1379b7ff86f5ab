"""Mentoring as a newcomer meets it (issue 14, items 1–4): several offers at once, forms
filled from the command, dates people type, stuck requests, and the human side."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local import MARCO, NINA, SAM, LocalClub, Person
from handlers import ids
from tests.wire.conftest import duplicate_block_ids
from tests.wire.test_mentoring import (
    ask,
    has_buttons,
    last_response,
    latest_offer,
    offer_states,
    pairings,
    sign_up,
)


def home_of(club: LocalClub, person: Person) -> dict[str, Any]:
    view = club.emulator.home_view(person.user_id)
    assert view is not None, f"no Home published for {person.name}"
    return view


def offer_actions(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        b
        for b in blocks
        if b.get("type") == "actions"
        and any(e.get("action_id") == ids.MENTOR_OFFER_ACCEPT for e in b.get("elements", []))
    ]


def only(target: dict[str, Any], block: dict[str, Any]) -> dict[str, Any]:
    """The message or view with just this block, so a press reaches its buttons."""
    return {**target, "blocks": [block]}


# --- 1. unique block ids; offers in the Home ---------------------------------------------------


def test_the_emulator_refuses_repeated_block_ids_as_slack_does(club: LocalClub) -> None:
    blocks = [
        {"type": "actions", "block_id": "offer", "elements": []},
        {"type": "actions", "block_id": "offer", "elements": []},
    ]
    assert duplicate_block_ids({"blocks": blocks}) == ["offer"]
    assert duplicate_block_ids({"view": {"blocks": blocks[:1]}}) == []
    client = WebClient(token=club.emulator.bot_token, base_url=club.emulator.api_url)
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=club.dm_channel(NINA.user_id), text="x", blocks=blocks)
    assert refused.value.response["error"] == "invalid_blocks"
    club.emulator.clear_calls()  # the refusal was the point; the harness check stays quiet


def test_status_with_two_waiting_offers_shows_both_and_either_can_be_answered(
    club: LocalClub,
) -> None:
    sign_up(club, MARCO, "blogging")
    ask(club, NINA, "blogging")
    ask(club, SAM, "blogging")
    club.command(MARCO.user_id, "mentor status")
    reply = club.emulator.calls_to("response_url")[-1]
    assert reply.ok, reply.response  # Slack took it: no duplicate block_id "offer"
    assert "Offers waiting for your answer: 2" in last_response(club)
    status = [m for m in club.replies() if "Offers waiting for your answer: 2" in m["text"]][-1]
    found = offer_actions(status["blocks"])
    assert len({b["block_id"] for b in found}) == 2
    club.press(MARCO.user_id, only(status, found[1]), ids.MENTOR_OFFER_ACCEPT)
    assert pairings(club) == [(SAM.user_id, MARCO.user_id, "active")]
    assert has_buttons(latest_offer(club, MARCO)) is False  # SAM's DM lost its buttons


def test_a_mentors_home_lists_waiting_offers_with_accept_and_decline(club: LocalClub) -> None:
    sign_up(club, MARCO, "blogging")
    club.sender.app_home_opened(MARCO.user_id)
    club.settle()
    ask(club, NINA, "blogging")
    ask(club, SAM, "blogging")
    view = home_of(club, MARCO)  # refreshed as the offers arrived
    text = json.dumps(view["blocks"])
    assert "<@U0NINA> would like a mentor" in text and "<@U0SAM> would like a mentor" in text
    found = offer_actions(view["blocks"])
    assert len(found) == 2
    club.press(MARCO.user_id, only(view, found[0]), ids.MENTOR_OFFER_DECLINE)
    assert offer_states(club) == [(MARCO.user_id, "declined"), (MARCO.user_id, "pending")]
    after = home_of(club, MARCO)
    assert "<@U0NINA> would like" not in json.dumps(after["blocks"])
    club.press(MARCO.user_id, only(after, offer_actions(after["blocks"])[0]),
               ids.MENTOR_OFFER_ACCEPT)  # fmt: skip
    assert pairings(club) == [(SAM.user_id, MARCO.user_id, "active")]
    assert offer_actions(home_of(club, MARCO)["blocks"]) == []
    # Pressing the old Home button again is answered by DM (the Home has no response_url).
    club.press(MARCO.user_id, only(view, found[1]), ids.MENTOR_OFFER_ACCEPT)
    dms = club.replies(club.dm_channel(MARCO.user_id))
    assert "already accepted" in dms[-1]["text"]
    assert pairings(club) == [(SAM.user_id, MARCO.user_id, "active")]

