"""Mentoring as a newcomer meets it (issue 14, items 1–4): several offers at once, forms
filled from the command, dates people type, stuck requests, and the human side."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local import MARCO, MEI, NINA, OLIVIA, SAM, LocalClub, Person
from bot.mentoring import mentors as mentoring
from handlers import ids
from storage.mentoring.models import MentorProfileRow, MentorRequestRow
from storage.path import queries as progress
from tests.wire.conftest import duplicate_block_ids
from tests.wire.test_mentoring import (
    accept,
    ask,
    count,
    decline,
    dm_messages,
    has_buttons,
    last_response,
    latest_offer,
    offer_states,
    offers_to,
    opened_views,
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


# --- 2. what people type: signup topics, pause dates --------------------------------------------


def paused_until(club: LocalClub, person: Person) -> datetime | None:
    assert club.db is not None
    with club.db.transaction() as session:
        row = session.get(MentorProfileRow, person.user_id)
        assert row is not None
        moment = row.paused_until
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def test_signup_with_topics_opens_the_form_filled_in(club: LocalClub) -> None:
    club.command(MARCO.user_id, "mentor signup blogging")
    view = opened_views(club)[-1]
    assert view["callback_id"] == ids.MENTOR_SIGNUP_VIEW
    typed = next(b for b in view["blocks"] if b.get("block_id") == "other_topics")
    assert typed["element"]["initial_value"] == "blogging"
    assert count(club, MentorProfileRow) == 0  # nothing until the form is sent
    delivery = club.submit(MARCO.user_id, view, {"capacity": "2"})
    assert delivery.ok and not delivery.body, delivery.body
    assert mentoring.current_settings(club.bot.deps.db, MARCO.user_id) == (
        mentoring.MentorSettings(("blogging",), 2)
    )


def test_signup_with_topics_and_capacity_signs_up_at_once(club: LocalClub) -> None:
    ask(club, NINA, "video")  # waiting: nobody is a mentor yet
    club.command(MARCO.user_id, "mentor signup blogging, video capacity 3")
    assert "Welcome to the social core" in last_response(club)
    assert not [v for v in opened_views(club) if v["callback_id"] == ids.MENTOR_SIGNUP_VIEW]
    assert mentoring.current_settings(club.bot.deps.db, MARCO.user_id) == (
        mentoring.MentorSettings(("blogging", "video"), 3)
    )
    assert "<@U0NINA> would like a mentor" in json.dumps(latest_offer(club, MARCO)["blocks"])


@pytest.mark.parametrize(
    "text", ["mentor signup blogging capacity", "mentor signup video capacity 99"]
)
def test_signup_with_a_bad_capacity_says_why_and_stores_nothing(
    club: LocalClub, text: str
) -> None:
    club.command(MARCO.user_id, text)
    assert "Nothing was saved" in last_response(club)
    assert count(club, MentorProfileRow) == 0 and opened_views(club) == []


ROME_MIDNIGHT = timedelta(hours=-1)  # Europe/Rome is UTC+1 in December


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("until tomorrow", date(2026, 12, 2)),
        ("until friday", date(2026, 12, 4)),  # 1 December 2026 is a Tuesday
        ("until tuesday", date(2026, 12, 8)),  # never today
        ("until next week", date(2026, 12, 7)),  # its Monday
        ("until 2027-01-31", date(2027, 1, 31)),
        ("friday", date(2026, 12, 4)),
    ],
)
def test_pause_understands_the_days_people_type(
    club: LocalClub, typed: str, day: date
) -> None:
    sign_up(club, MARCO, "blogging")
    club.command(MARCO.user_id, f"mentor pause {typed}")
    assert f"Paused until {day.isoformat()}" in last_response(club)
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + ROME_MIDNIGHT
    assert paused_until(club, MARCO) == start


def test_pause_reads_days_in_the_persons_own_zone(club: LocalClub) -> None:
    sign_up(club, MARCO, "blogging")
    sign_up(club, MEI, "podcasts")
    club.clock.advance(timedelta(hours=10))  # 20:00 UTC: Tuesday in Rome, Wednesday in Singapore
    club.command(MARCO.user_id, "mentor pause until tomorrow")
    club.command(MEI.user_id, "mentor pause until tomorrow")
    assert paused_until(club, MARCO) == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # Wed, Rome
    assert paused_until(club, MEI) == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)  # Thu, Singapore


@pytest.mark.parametrize("typed", ["until 2026-11-30", "until someday", "until 2026-02-30"])
def test_a_refused_pause_never_suggests_a_day_in_the_past(club: LocalClub, typed: str) -> None:
    sign_up(club, MARCO, "blogging")
    club.command(MARCO.user_id, f"mentor pause {typed}")
    reply = last_response(club)
    assert "Nothing was changed" in reply and paused_until(club, MARCO) is None
    suggested = [d for d in re.findall(r"\d{4}-\d{2}-\d{2}", reply) if d not in typed]
    shown = [date.fromisoformat(d) for d in suggested]
    assert shown and all(d > date(2026, 12, 1) for d in shown), reply


# --- 3. stuck requests: honest, open, offered again; cancel -------------------------------------

TIMED_OUT = timedelta(hours=24, minutes=2)  # past the offer timeout (24 h in tests)


def nina_stuck_after_marco_timed_out(club: LocalClub, capacity: str = "1") -> None:
    sign_up(club, MARCO, "blogging", capacity=capacity)
    ask(club, NINA, "blogging")
    club.advance(TIMED_OUT, step=timedelta(hours=1))
    assert offer_states(club) == [(MARCO.user_id, "expired")]
    told = dm_messages(club, NINA)[-1]["text"]
    assert "couldn't find you a mentor yet" in told and "stays open" in told
    assert "offer it again" in told and "`/club mentor cancel`" in told


def test_a_stuck_request_stays_open_and_goes_again_to_a_mentor_with_room(
    club: LocalClub,
) -> None:
    nina_stuck_after_marco_timed_out(club)
    club.command(OLIVIA.user_id, "pairings waiting")
    assert "offered again when one has room" in last_response(club)
    club.command(NINA.user_id, "mentor status")
    assert "I'll offer it again" in last_response(club)
    assert count(club, MentorRequestRow, MentorRequestRow.open_for == NINA.user_id) == 1

    sign_up(club, MARCO, "blogging", capacity="2")  # room again: he only timed out
    assert offer_states(club) == [(MARCO.user_id, "expired"), (MARCO.user_id, "pending")]
    first, again = offers_to(club, MARCO)
    assert first["ts"] != again["ts"] and has_buttons(again) and not has_buttons(first)
    accept(club, MARCO, again)
    assert pairings(club) == [(NINA.user_id, MARCO.user_id, "active")]


def test_a_stuck_request_goes_to_a_new_mentor_but_never_back_to_one_who_declined(
    club: LocalClub,
) -> None:
    sign_up(club, MEI, "blogging")
    ask(club, NINA, "blogging")
    decline(club, MEI)
    assert "couldn't find you a mentor yet" in dm_messages(club, NINA)[-1]["text"]
    sign_up(club, MEI, "blogging", capacity="3")  # more room, but she said no to it
    assert offer_states(club) == [(MEI.user_id, "declined")]
    sign_up(club, MARCO, "blogging")  # a new mentor: offered at once
    assert offer_states(club) == [(MEI.user_id, "declined"), (MARCO.user_id, "pending")]


def test_organisers_can_pair_a_mentor_who_only_timed_out_and_rounds_consider_them(
    club: LocalClub,
) -> None:
    nina_stuck_after_marco_timed_out(club, capacity="2")
    club.command(OLIVIA.user_id, "mentor suggest <@U0NINA|nina>")
    assert "<@U0MARCO>" in last_response(club)
    club.command(OLIVIA.user_id, "pair <@U0NINA|nina> <@U0MARCO|marco>")
    assert "Offered <@U0NINA> to <@U0MARCO>" in last_response(club)
    assert offer_states(club) == [(MARCO.user_id, "expired"), (MARCO.user_id, "pending")]
    club.command(OLIVIA.user_id, "pair <@U0NINA|nina> <@U0MARCO|marco>")
    assert "has already been offered" in last_response(club)
    decline(club, MARCO)
    club.command(OLIVIA.user_id, "pair <@U0NINA|nina> <@U0MARCO|marco>")
    assert "and declined it" in last_response(club)

    ask(club, SAM, "blogging")  # MARCO again, who lets it time out too
    club.advance(TIMED_OUT, step=timedelta(hours=1))
    club.command(OLIVIA.user_id, "pairing round")
    preview = [m for m in club.replies() if "Pairing round preview" in m.get("text", "")][-1]
    shown = json.dumps(preview["blocks"], ensure_ascii=False)
    assert "<@U0SAM> → <@U0MARCO>" in shown and "<@U0NINA>: no mentor available" in shown
    club.press(OLIVIA.user_id, preview, ids.MENTOR_ROUND_CONFIRM)
    assert "Sent 1 offer" in last_response(club)
    assert "<@U0SAM> would like a mentor" in json.dumps(latest_offer(club, MARCO)["blocks"])


def test_a_mentee_can_withdraw_a_request_and_the_offer_out_loses_its_buttons(
    club: LocalClub,
) -> None:
    sign_up(club, MARCO, "blogging")
    ask(club, NINA, "blogging")
    offer = latest_offer(club, MARCO)
    club.command(NINA.user_id, "mentor cancel")
    assert "your request for a mentor is withdrawn" in last_response(club)
    assert count(club, MentorRequestRow, MentorRequestRow.open_for == NINA.user_id) == 0
    assert offer_states(club) == [(MARCO.user_id, "cancelled")]
    closed = latest_offer(club, MARCO)
    assert not has_buttons(closed) and "withdrew their request" in closed["text"]
    accept(club, MARCO, offer)  # an old copy of the buttons
    assert "moved on" in last_response(club) and pairings(club) == []
    club.command(NINA.user_id, "mentor cancel")
    assert "no open request" in last_response(club)
    club.command(NINA.user_id, "mentor cancel now")
    assert "Nothing was changed" in last_response(club)
    ask(club, NINA, "blogging")  # she may ask again later: a fresh request
    assert count(club, MentorRequestRow, MentorRequestRow.open_for == NINA.user_id) == 1


# --- 4. the human side: forget me, the path's step ----------------------------------------------


def forget(club: LocalClub, person: Person) -> None:
    club.command(person.user_id, "forget me")
    club.press(person.user_id, club.last_reply(), ids.FORGET_CONFIRM)
    done = [c.args for c in club.emulator.calls_to("response_url")][-1]
    assert "I've deleted what I knew about you" in done["text"]


def test_after_a_mentee_forgets_me_their_mentor_is_told_and_gets_the_next_request(
    club: LocalClub,
) -> None:
    sign_up(club, MARCO, "blogging", capacity="1")
    ask(club, NINA, "blogging")
    accept(club, MARCO)
    ask(club, SAM, "blogging")  # MARCO is full: SAM waits
    forget(club, NINA)
    told = [m["text"] for m in dm_messages(club, MARCO) if "pairing with <@U0NINA>" in m["text"]]
    assert told and "has ended" in told[-1]
    assert pairings(club) == []
    # His place is free again: SAM's waiting request reaches him at once.
    assert "<@U0SAM> would like a mentor" in json.dumps(latest_offer(club, MARCO)["blocks"])


def test_after_a_mentor_forgets_me_their_mentee_is_told_and_may_ask_again(
    club: LocalClub,
) -> None:
    sign_up(club, MARCO, "blogging")
    ask(club, NINA, "blogging")
    accept(club, MARCO)
    ask(club, SAM, "blogging")  # offered to MARCO, the only mentor yet
    assert "<@U0SAM>" in json.dumps(latest_offer(club, MARCO)["blocks"])
    sign_up(club, MEI, "blogging")
    forget(club, MARCO)
    told = dm_messages(club, NINA)[-1]["text"]
    assert "pairing with <@U0MARCO> has ended" in told and "`/club mentor request`" in told
    # SAM's offer, which waited on MARCO, moved on to the next mentor.
    assert offer_states(club) == [(MEI.user_id, "pending")]


def test_worked_with_a_mentor_ticks_when_the_check_in_says_they_met(club: LocalClub) -> None:
    sign_up(club, MARCO, "blogging")
    ask(club, NINA, "blogging")
    accept(club, MARCO)
    assert "worked_with_mentor" not in steps(club, NINA)
    club.advance(timedelta(days=7, hours=1), step=timedelta(hours=6))
    group = [m for m in club.emulator.messages() if "Have you met" in m.get("text", "")][-1]
    club.press(NINA.user_id, group, ids.MENTOR_CHECKIN_NOT_YET)
    assert "worked_with_mentor" not in steps(club, NINA)
    club.advance(timedelta(days=7, hours=1), step=timedelta(hours=6))
    group = [m for m in club.emulator.messages() if "Have you met" in m.get("text", "")][-1]
    club.press(MARCO.user_id, group, ids.MENTOR_CHECKIN_MET)
    assert "worked_with_mentor" in steps(club, NINA)
    assert "worked_with_mentor" not in steps(club, MARCO)


def steps(club: LocalClub, person: Person) -> dict[str, Any]:
    assert club.db is not None
    with club.db.transaction() as session:
        return dict(progress.steps_of(session, person.user_id))
