"""`/club include me` by a mentor: what waited while they were excluded is offered to them,
as `/club mentor resume` does (mentoring listens through Wiring.on_include)."""

from __future__ import annotations

import json
import threading

from bot.local import CLUB, MARCO, NINA, LocalClub
from tests.wire.test_mentoring import (
    accept,
    ask,
    dm_messages,
    has_buttons,
    last_response,
    offer_states,
    offers_to,
    pairings,
    sign_up,
)

STALLED = "couldn't find you a mentor yet"


def excluded_while_nina_asks(club: LocalClub, *, paused: bool = False) -> None:
    """MARCO mentors blogging but asked not to be contacted; NINA asks for blogging help."""
    sign_up(club, MARCO, "blogging")
    if paused:
        club.command(MARCO.user_id, "mentor pause")
    club.command(MARCO.user_id, "exclude me")
    assert "I won't contact you" in last_response(club)
    ask(club, NINA, "blogging")
    assert offers_to(club, MARCO) == []
    assert STALLED in dm_messages(club, NINA)[-1]["text"]  # her request waits


def offer_dms_to(club: LocalClub, user_id: str) -> list[str]:
    """Offers as the bot posted them (chat.postMessage), not as the emulator stored them."""
    dm = club.dm_channel(user_id)
    posted = [c.args for c in club.emulator.calls_to("chat.postMessage") if c.ok]
    texts = [str(args.get("text", "")) for args in posted if args.get("channel") == dm]
    return [text for text in texts if "would like a mentor" in text]


def test_include_me_offers_a_mentor_the_request_that_waited_once(club: LocalClub) -> None:
    excluded_while_nina_asks(club)

    club.command(MARCO.user_id, "include me")
    assert "Welcome back" in last_response(club)
    assert len(offer_dms_to(club, MARCO.user_id)) == 1
    (offer,) = offers_to(club, MARCO)
    assert has_buttons(offer) and "<@U0NINA> would like a mentor" in json.dumps(offer["blocks"])
    assert offer_states(club) == [(MARCO.user_id, "pending")]

    club.command(MARCO.user_id, "include me")
    assert "nothing changed" in last_response(club)
    assert len(offer_dms_to(club, MARCO.user_id)) == 1
    assert offer_states(club) == [(MARCO.user_id, "pending")]

    accept(club, MARCO, offer)  # the offer's buttons work like any other offer's
    assert pairings(club) == [(NINA.user_id, MARCO.user_id, "active")]


def test_include_me_offers_nothing_to_a_paused_mentor_until_resume(club: LocalClub) -> None:
    excluded_while_nina_asks(club, paused=True)

    club.command(MARCO.user_id, "include me")
    assert "Welcome back" in last_response(club)
    assert offers_to(club, MARCO) == [] and offer_states(club) == []

    club.command(MARCO.user_id, "mentor resume")
    assert len(offer_dms_to(club, MARCO.user_id)) == 1
    assert offer_states(club) == [(MARCO.user_id, "pending")]


def test_two_include_me_at_once_offer_what_waited_once(club: LocalClub) -> None:
    excluded_while_nina_asks(club)
    barrier = threading.Barrier(2)

    def include() -> None:
        barrier.wait()
        club.sender.command("include me", user_id=MARCO.user_id, channel_id=CLUB.channel_id)

    threads = [threading.Thread(target=include) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    club.settle()
    answers = [str(c.args.get("text", "")) for c in club.emulator.calls_to("response_url")][-2:]
    assert sorted("nothing changed" in text for text in answers) == [False, True]
    assert len(offer_dms_to(club, MARCO.user_id)) == 1
    assert offer_states(club) == [(MARCO.user_id, "pending")]
