"""`/club exclude me` by a mentor with an offer waiting for their answer: the offer is withdrawn
at once and the request moves on, as on a timeout (mentoring listens through Wiring.on_exclude).
The withdrawn offer's DM loses its buttons by an update in place; nothing new reaches the
mentor, who asked to be left alone."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from bot.local import CLUB, MARCO, MEI, MENTORS, NINA, OLIVIA, LocalClub, Person
from handlers import ids
from tests.wire.test_include_me import STALLED, offer_dms_to
from tests.wire.test_mentoring import (
    accept,
    ask,
    dm_messages,
    has_buttons,
    last_response,
    latest_offer,
    mentors_ready,
    offer_states,
    offers_to,
    old_offer_with_buttons,
    pairings,
    sign_up,
)

WITHDRAWN = "no longer open"


def posts_to(club: LocalClub, channel: str) -> list[dict[str, Any]]:
    """New messages the bot posted in a channel (chat.postMessage), not updates."""
    calls = club.emulator.calls_to("chat.postMessage")
    return [c.args for c in calls if c.ok and c.args.get("channel") == channel]


def updates_in(club: LocalClub, channel: str) -> list[dict[str, Any]]:
    calls = club.emulator.calls_to("chat.update")
    return [c.args for c in calls if c.ok and c.args.get("channel") == channel]


def marco_has_nina_s_offer(club: LocalClub) -> None:
    """MARCO (blogging, video) is the best fit for NINA's request; MEI (blogging) comes next."""
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    assert has_buttons(latest_offer(club, MARCO))
    assert offers_to(club, MEI) == []


def exclude(club: LocalClub, person: Person) -> None:
    club.command(person.user_id, "exclude me")
    assert "I won't contact you" in last_response(club)


def test_exclude_me_withdraws_the_offer_and_the_request_moves_to_the_next_mentor(
    club: LocalClub,
) -> None:
    marco_has_nina_s_offer(club)
    marco_dm = club.dm_channel(MARCO.user_id)
    others = (club.dm_channel(NINA.user_id), CLUB.channel_id, MENTORS.channel_id)
    posts_to_marco = len(posts_to(club, marco_dm))
    posts_to_others = [len(posts_to(club, channel)) for channel in others]

    exclude(club, MARCO)

    # The offer's DM is updated in place and loses its buttons; nothing new is sent to MARCO.
    (withdrawn,) = offers_to(club, MARCO)
    assert not has_buttons(withdrawn)
    assert WITHDRAWN in withdrawn["text"] and "asked me not to contact you" in withdrawn["text"]
    (update,) = updates_in(club, marco_dm)
    assert update["ts"] == withdrawn["ts"]
    assert not any(block.get("type") == "actions" for block in update["blocks"])
    assert len(posts_to(club, marco_dm)) == posts_to_marco
    # The request goes straight on to the next mentor, with one offer DM.
    assert len(offer_dms_to(club, MEI.user_id)) == 1
    assert has_buttons(latest_offer(club, MEI))
    assert offer_states(club) == [(MARCO.user_id, "excluded"), (MEI.user_id, "pending")]
    # NINA's request simply carries on: she is told nothing, nor are the channels.
    assert [len(posts_to(club, channel)) for channel in others] == posts_to_others
    club.command(NINA.user_id, "mentor request")
    assert "a mentor is considering it now" in last_response(club)

    # Asking again changes nothing and moves nothing.
    club.command(MARCO.user_id, "exclude me")
    assert "already excluded" in last_response(club)
    assert offer_states(club) == [(MARCO.user_id, "excluded"), (MEI.user_id, "pending")]
    assert len(offer_dms_to(club, MEI.user_id)) == 1

    accept(club, MEI)
    assert pairings(club) == [(NINA.user_id, MEI.user_id, "active")]


def test_the_withdrawn_offers_old_accept_button_says_it_is_no_longer_open(
    club: LocalClub,
) -> None:
    marco_has_nina_s_offer(club)
    old = old_offer_with_buttons(club, MARCO)  # a client that still shows the buttons
    exclude(club, MARCO)

    for action in (ids.MENTOR_OFFER_ACCEPT, ids.MENTOR_OFFER_DECLINE):
        club.press(MARCO.user_id, old, action)
        post = club.emulator.calls_to("response_url")[-1].args
        assert WITHDRAWN in post["text"] and "`/club include me`" in post["text"]
        assert post["response_type"] == "ephemeral" and post["replace_original"] is False
    assert pairings(club) == []
    assert offer_states(club) == [(MARCO.user_id, "excluded"), (MEI.user_id, "pending")]
    assert len(offer_dms_to(club, MEI.user_id)) == 1


def test_with_no_other_mentor_the_request_waits_and_include_me_offers_it_back(
    club: LocalClub,
) -> None:
    sign_up(club, MARCO, "blogging")
    ask(club, NINA, "blogging")
    marco_dm = club.dm_channel(MARCO.user_id)
    posts_to_marco = len(posts_to(club, marco_dm))

    exclude(club, MARCO)
    (withdrawn,) = offers_to(club, MARCO)
    assert not has_buttons(withdrawn) and WITHDRAWN in withdrawn["text"]
    assert len(posts_to(club, marco_dm)) == posts_to_marco
    assert offer_states(club) == [(MARCO.user_id, "excluded")]
    # Nobody is left: the usual "waiting" message, once, to NINA and the mentors channel.
    assert sum(STALLED in m["text"] for m in dm_messages(club, NINA)) == 1
    assert "<@U0NINA> is waiting for a mentor" in club.replies(MENTORS.channel_id)[-1]["text"]

    # Back in, MARCO never said no to it: the request that waited is offered to him again.
    club.command(MARCO.user_id, "include me")
    assert "Welcome back" in last_response(club)
    assert len(offer_dms_to(club, MARCO.user_id)) == 2  # the first offer and this one
    offer = latest_offer(club, MARCO)
    assert has_buttons(offer) and offer["ts"] != withdrawn["ts"]
    # A new offer row: its own id, so its DM and delivery key are its own.
    assert offer_states(club) == [(MARCO.user_id, "excluded"), (MARCO.user_id, "pending")]
    assert not has_buttons(offers_to(club, MARCO)[0])

    accept(club, MARCO, offer)
    assert pairings(club) == [(NINA.user_id, MARCO.user_id, "active")]
    assert offer_states(club) == [(MARCO.user_id, "excluded"), (MARCO.user_id, "accepted")]


def test_an_offer_withdrawn_on_exclude_can_reach_the_mentor_again_after_a_decline(
    club: LocalClub,
) -> None:
    marco_has_nina_s_offer(club)
    exclude(club, MARCO)
    club.command(MARCO.user_id, "include me")
    assert len(offer_dms_to(club, MARCO.user_id)) == 1  # the request is with MEI meanwhile

    club.press(MEI.user_id, latest_offer(club, MEI), ids.MENTOR_OFFER_DECLINE)
    assert offer_states(club) == [
        (MARCO.user_id, "excluded"),
        (MEI.user_id, "declined"),
        (MARCO.user_id, "pending"),
    ]
    assert has_buttons(latest_offer(club, MARCO))
    assert len(offer_dms_to(club, MARCO.user_id)) == 2


# How long after `exclude me` the Accept is pressed: both orders happen, and close races.
@pytest.mark.parametrize("press_after", [0.0, 0.005, 0.01, 0.015, 0.02, 0.04])
def test_exclude_me_and_accept_at_once_end_in_a_pairing_or_a_withdrawal(
    club: LocalClub, press_after: float
) -> None:
    marco_has_nina_s_offer(club)
    offer = latest_offer(club, MARCO)
    barrier = threading.Barrier(2)

    def exclude_me() -> None:
        barrier.wait()
        club.sender.command("exclude me", user_id=MARCO.user_id, channel_id=CLUB.channel_id)

    def press_accept() -> None:
        barrier.wait()
        time.sleep(press_after)
        club.sender.press(MARCO.user_id, offer, ids.MENTOR_OFFER_ACCEPT)

    threads = [threading.Thread(target=exclude_me), threading.Thread(target=press_accept)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    club.settle()

    states = offer_states(club)
    if states == [(MARCO.user_id, "accepted")]:  # Accept won: the exclusion found no offer
        assert pairings(club) == [(NINA.user_id, MARCO.user_id, "active")]
        assert offers_to(club, MEI) == []
    else:  # the withdrawal won: the Accept finds the offer closed and the request moved on
        assert states == [(MARCO.user_id, "excluded"), (MEI.user_id, "pending")]
        assert pairings(club) == []
        assert len(offer_dms_to(club, MEI.user_id)) == 1
        answers = [str(c.args.get("text", "")) for c in club.emulator.calls_to("response_url")]
        assert any(WITHDRAWN in text for text in answers)
    assert not has_buttons(offers_to(club, MARCO)[0])


def test_pair_tells_the_organiser_a_mentor_asked_not_to_be_contacted(club: LocalClub) -> None:
    marco_has_nina_s_offer(club)
    pair_with_mei = f"pair <@{NINA.user_id}|nina> <@{MEI.user_id}|mei>"

    club.command(MEI.user_id, "mentor pause")
    club.command(OLIVIA.user_id, pair_with_mei)
    assert "<@U0MEI> is paused" in last_response(club)

    exclude(club, MEI)  # paused as well: the organiser hears only what stops the offer
    club.command(OLIVIA.user_id, pair_with_mei)
    answer = last_response(club)
    assert "<@U0MEI> has asked me not to contact them" in answer
    assert "paused" not in answer and "Nothing was changed" in answer
    assert offer_states(club) == [(MARCO.user_id, "pending")]
    assert offers_to(club, MEI) == []

    club.command(MEI.user_id, "include me")
    club.command(OLIVIA.user_id, pair_with_mei)
    assert "<@U0MEI> is paused" in last_response(club)
