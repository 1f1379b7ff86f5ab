"""Mentor pairing on Slack's wire: signup, requests, offers, pairings, check-ins, rounds.

Helpers first (sign up, ask, find offers, read the database), then the stories.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.local import CLUB, MARCO, MEI, MENTORS, NINA, OLIVIA, PRIYA, SAM, LocalClub, Person
from bot.mentoring import mentors as mentoring
from bot.mentoring.messages import Said
from bot.privacy import choices as privacy
from bot.roles import grants as roles
from bot.roles.policy import Role
from handlers import ids
from handlers.mentoring.sending import said_for
from handlers.mentoring.views import request_mentor_block
from storage.delivery.models import Delivery
from storage.members.models import Member
from storage.mentoring.models import (
    MentorOffer,
    MentorProfileRow,
    MentorRequestRow,
    MentorTopic,
    Pairing,
    PairingRound,
)
from storage.path import queries as progress


def opened_views(club: LocalClub) -> list[dict[str, Any]]:
    return [call.response["view"] for call in club.emulator.calls_to("views.open") if call.ok]


def last_response(club: LocalClub) -> str:
    posts = [call.args for call in club.emulator.calls_to("response_url")]
    assert posts, "the bot did not answer through response_url"
    return posts[-1].get("text", "") + json.dumps(posts[-1].get("blocks", []))


def sign_up(club: LocalClub, person: Person, topics: str, capacity: str = "2") -> None:
    club.command(person.user_id, "mentor signup")
    view = opened_views(club)[-1]
    assert view["callback_id"] == ids.MENTOR_SIGNUP_VIEW
    delivery = club.submit(person.user_id, view, {"other_topics": topics, "capacity": capacity})
    assert delivery.ok and not delivery.body, delivery.body


def ask(
    club: LocalClub, person: Person, topics: str, goal: str = "Publish my first post", **more: Any
) -> Any:
    club.command(person.user_id, f"mentor request {topics}".strip())
    view = opened_views(club)[-1]
    assert view["callback_id"] == ids.MENTOR_REQUEST_VIEW
    return club.submit(person.user_id, view, {"goal": goal, **more})


def dm_messages(club: LocalClub, person: Person) -> list[dict[str, Any]]:
    return club.replies(club.dm_channel(person.user_id))


def offers_to(club: LocalClub, mentor: Person) -> list[dict[str, Any]]:
    """Offer DMs as they stand now (updates applied), oldest first."""
    channel = club.dm_channel(mentor.user_id)
    found = []
    for message in dm_messages(club, mentor):
        if "would like a mentor" not in message.get("text", ""):
            continue
        stored = club.emulator.stored_message(channel, message["ts"])
        found.append({**(stored or message), "channel": channel})
    return found


def latest_offer(club: LocalClub, mentor: Person) -> dict[str, Any]:
    offers = offers_to(club, mentor)
    assert offers, f"{mentor.name} was offered nothing"
    return offers[-1]


def has_buttons(message: dict[str, Any]) -> bool:
    return any(block.get("type") == "actions" for block in message.get("blocks") or [])


def accept(club: LocalClub, mentor: Person, offer: dict[str, Any] | None = None) -> None:
    club.press(mentor.user_id, offer or latest_offer(club, mentor), ids.MENTOR_OFFER_ACCEPT)


def decline(club: LocalClub, mentor: Person, offer: dict[str, Any] | None = None) -> None:
    club.press(mentor.user_id, offer or latest_offer(club, mentor), ids.MENTOR_OFFER_DECLINE)


def count(club: LocalClub, model: Any, *where: Any) -> int:
    assert club.db is not None
    with club.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def pairings(club: LocalClub) -> list[tuple[str, str, str]]:
    assert club.db is not None
    with club.db.transaction() as session:
        rows = session.scalars(select(Pairing).order_by(Pairing.id))
        return [(p.mentee_id, p.mentor_id, p.status) for p in rows]


def offer_states(club: LocalClub) -> list[tuple[str, str]]:
    assert club.db is not None
    with club.db.transaction() as session:
        rows = session.scalars(select(MentorOffer).order_by(MentorOffer.id))
        return [(o.mentor_id, o.status) for o in rows]


def stored_counts(club: LocalClub) -> tuple[int, int, int, int]:
    return (
        count(club, MentorProfileRow),
        count(club, MentorRequestRow),
        count(club, MentorOffer),
        count(club, Pairing),
    )


# --- the stories -------------------------------------------------------------------------------


def mentors_ready(club: LocalClub) -> None:
    """MARCO (Rome) knows blogging and video; MEI (Singapore) blogging and podcasts."""
    sign_up(club, MARCO, "blogging, video")
    sign_up(club, MEI, "blogging, podcasts")


def test_signup_opens_a_form_grants_the_role_and_records_the_step(club: LocalClub) -> None:
    sign_up(club, MEI, "Blogging, podcasts", capacity="3")
    assert roles.roles_for(club.bot.deps.db, MEI.user_id) >= {Role.MENTOR}
    assert club.db is not None
    with club.db.transaction() as session:
        assert "became_mentor" in progress.steps_of(session, MEI.user_id)
        profile = session.get(MentorProfileRow, MEI.user_id)
        assert profile is not None and profile.capacity == 3
        assert profile.topics == ["Blogging", "podcasts"]
        assert session.get(Member, MEI.user_id).tz == "Asia/Singapore"  # from users.info
    assert "Welcome to the social core" in dm_messages(club, MEI)[-1]["text"]

    sign_up(club, MEI, "blogging", capacity="1")  # signing up again updates
    assert count(club, MentorProfileRow) == 1
    assert "updated" in dm_messages(club, MEI)[-1]["text"]


@pytest.mark.parametrize("capacity", ["eleven", "0", "11", "-2", "2.5", ""])
def test_a_bad_capacity_is_refused_in_the_form_and_nothing_is_stored(
    club: LocalClub, capacity: str
) -> None:
    club.command(MEI.user_id, "mentor signup")
    view = opened_views(club)[-1]
    delivery = club.submit(MEI.user_id, view, {"other_topics": "blogging", "capacity": capacity})
    answer = delivery.json()
    assert answer["response_action"] == "errors"
    assert "1 to 10" in answer["errors"]["capacity"]
    assert stored_counts(club) == (0, 0, 0, 0)
    assert Role.MENTOR not in roles.roles_for(club.bot.deps.db, MEI.user_id)


def test_too_many_topics_in_a_form_are_refused(club: LocalClub) -> None:
    club.command(MEI.user_id, "mentor signup")
    many = ", ".join(f"topic {n}" for n in range(9))
    delivery = club.submit(
        MEI.user_id, opened_views(club)[-1], {"other_topics": many, "capacity": "2"}
    )
    assert "at most 8 topics" in delivery.json()["errors"]["other_topics"]
    assert stored_counts(club) == (0, 0, 0, 0)


def test_organisers_manage_the_topic_list_the_forms_offer(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "mentor topics add Blogging")
    assert "Added" in last_response(club)
    club.command(OLIVIA.user_id, "mentor topics add blogging")
    assert "already on the list" in last_response(club)
    club.command(OLIVIA.user_id, "mentor topics add Video")
    club.command(NINA.user_id, "mentor topics")
    assert "Blogging, Video" in last_response(club)
    club.command(NINA.user_id, "mentor topics add Memes")
    assert "Only organisers" in last_response(club)

    club.command(MEI.user_id, "mentor signup")
    view = opened_views(club)[-1]
    menu = next(b for b in view["blocks"] if b.get("block_id") == "topics")["element"]
    assert [o["value"] for o in menu["options"]] == ["Blogging", "Video"]
    club.submit(
        MEI.user_id, view, {"topics": ["Video"], "other_topics": "podcasts", "capacity": "2"}
    )
    with club.db.transaction() as session:  # type: ignore[union-attr]
        assert session.get(MentorProfileRow, MEI.user_id).topics == ["Video", "podcasts"]

    club.command(OLIVIA.user_id, "mentor topics remove video")
    assert "Removed" in last_response(club)
    club.command(NINA.user_id, "mentor topics list")
    assert "Blogging." in last_response(club)


def test_a_request_is_offered_to_the_best_mentor_with_the_reasons(club: LocalClub) -> None:
    mentors_ready(club)
    delivery = ask(club, NINA, "blogging, video", goal="Start an <!channel> blog", times="Mornings")
    assert delivery.ok and not delivery.body
    offer = latest_offer(club, MARCO)
    shown = json.dumps(offer["blocks"])
    assert "<@U0NINA> would like a mentor" in shown
    assert "2 of 2 topics" in shown and "0 of 2 places taken" in shown
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown  # free text escaped
    assert "Mornings" in shown
    assert has_buttons(offer)
    assert offers_to(club, MEI) == []
    assert "I've asked a mentor" in dm_messages(club, NINA)[-1]["text"]
    assert offer_states(club) == [(MARCO.user_id, "pending")]


def test_accept_introduces_both_in_a_group_dm(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video", goal="Write a first post")
    accept(club, MARCO)

    opened = [
        c for c in club.emulator.calls_to("conversations.open") if "," in str(c.args.get("users"))
    ]
    assert len(opened) == 1
    assert set(str(opened[0].args["users"]).split(",")) == {MARCO.user_id, NINA.user_id}
    group = opened[0].response["channel"]["id"]
    intro = club.replies(group)[-1]
    assert "meet <@U0MARCO>" in intro["text"] and "First steps" in intro["text"]
    assert "Write a first post" in intro["text"]
    offer = latest_offer(club, MARCO)
    assert not has_buttons(offer) and "You accepted" in offer["text"]
    assert "will be your mentor" in dm_messages(club, NINA)[-1]["text"]
    assert pairings(club) == [(NINA.user_id, MARCO.user_id, "active")]
    with club.db.transaction() as session:  # type: ignore[union-attr]
        # Not yet: the step ticks when the check-in says they met.
        assert "worked_with_mentor" not in progress.steps_of(session, NINA.user_id)


def test_decline_moves_the_request_to_the_next_mentor(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    decline(club, MARCO)
    old = latest_offer(club, MARCO)
    assert not has_buttons(old) and "You declined" in old["text"]
    assert has_buttons(latest_offer(club, MEI))
    assert offer_states(club) == [(MARCO.user_id, "declined"), (MEI.user_id, "pending")]

    accept(club, MARCO, old_offer_with_buttons(club, MARCO))  # an old copy of the message
    assert "already declined" in last_response(club)
    assert pairings(club) == []


def as_first_posted(club: LocalClub, channel: str, contains: str) -> dict[str, Any]:
    """The latest such message as first posted (buttons and all): what a stale client shows."""
    call = [
        c
        for c in club.emulator.calls_to("chat.postMessage")
        if c.ok and c.context.get("channel") == channel and contains in c.args.get("text", "")
    ][-1]
    return {**call.args, "channel": channel, "ts": call.context["ts"]}


def old_offer_with_buttons(club: LocalClub, mentor: Person) -> dict[str, Any]:
    return as_first_posted(club, club.dm_channel(mentor.user_id), "would like a mentor")


def test_no_answer_within_the_timeout_moves_on(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    club.advance(timedelta(hours=23, minutes=58))
    assert offers_to(club, MEI) == []
    club.advance(timedelta(minutes=3))
    assert has_buttons(latest_offer(club, MEI))
    stale = latest_offer(club, MARCO)
    assert not has_buttons(stale) and "moved on" in stale["text"]
    assert "24 h" in stale["text"] or "1 day" in stale["text"]

    accept(club, MARCO, old_offer_with_buttons(club, MARCO))
    assert "This offer has moved on" in last_response(club)
    assert pairings(club) == []


def test_only_the_offered_mentor_can_answer(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    offer = latest_offer(club, MARCO)
    for intruder in (NINA, MEI, OLIVIA):
        club.press(intruder.user_id, offer, ids.MENTOR_OFFER_ACCEPT)
        post = club.emulator.calls_to("response_url")[-1].args
        assert "only they can answer" in post["text"]
        assert post["response_type"] == "ephemeral" and post["replace_original"] is False
    club.press(MEI.user_id, offer, ids.MENTOR_OFFER_DECLINE)
    assert pairings(club) == []
    assert offer_states(club) == [(MARCO.user_id, "pending")]


def press_together(club: LocalClub, presses: list[tuple[Person, dict[str, Any], str]]) -> None:
    barrier = threading.Barrier(len(presses))

    def press(person: Person, target: dict[str, Any], action_id: str) -> None:
        barrier.wait()
        club.sender.press(person.user_id, target, action_id)

    threads = [threading.Thread(target=press, args=p) for p in presses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    club.settle()


def group_dms(club: LocalClub) -> list[str]:
    return [
        c.response["channel"]["id"]
        for c in club.emulator.calls_to("conversations.open")
        if c.ok and "," in str(c.args.get("users"))
    ]


def test_a_double_click_on_accept_makes_exactly_one_pairing(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    offer = latest_offer(club, MARCO)
    press_together(club, [(MARCO, offer, ids.MENTOR_OFFER_ACCEPT)] * 4)
    assert pairings(club) == [(NINA.user_id, MARCO.user_id, "active")]
    assert len(group_dms(club)) == 1
    texts = [c.args["text"] for c in club.emulator.calls_to("response_url")]
    assert sum("already accepted" in t for t in texts) == 3


def test_the_stale_and_the_new_offer_accepted_at_once_make_one_pairing(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    club.advance(timedelta(hours=24, minutes=1))
    stale = old_offer_with_buttons(club, MARCO)
    current = latest_offer(club, MEI)
    press_together(
        club, [(MARCO, stale, ids.MENTOR_OFFER_ACCEPT), (MEI, current, ids.MENTOR_OFFER_ACCEPT)]
    )
    assert pairings(club) == [(NINA.user_id, MEI.user_id, "active")]
    assert len(group_dms(club)) == 1


def test_two_offers_accepted_at_once_by_a_mentor_with_one_place_left(club: LocalClub) -> None:
    sign_up(club, MARCO, "blogging, video", capacity="2")
    ask(club, NINA, "blogging")
    ask(club, SAM, "video")
    first, second = offers_to(club, MARCO)
    sign_up(club, MEI, "blogging, video")
    sign_up(club, MARCO, "blogging, video", capacity="1")  # room for one now
    press_together(
        club, [(MARCO, first, ids.MENTOR_OFFER_ACCEPT), (MARCO, second, ids.MENTOR_OFFER_ACCEPT)]
    )
    active = [p for p in pairings(club) if p[1] == MARCO.user_id]
    assert len(active) == 1
    assert "at your capacity" in last_response(club) or any(
        "at your capacity" in c.args.get("text", "") for c in club.emulator.calls_to("response_url")
    )
    assert has_buttons(latest_offer(club, MEI))  # the other request moved on


def test_nobody_left_tells_the_mentee_honestly_and_the_organisers(club: LocalClub) -> None:
    sign_up(club, MARCO, "blogging")
    ask(club, NINA, "blogging")
    decline(club, MARCO)
    assert "couldn't find you a mentor yet" in dm_messages(club, NINA)[-1]["text"]
    post = club.replies(MENTORS.channel_id)[-1]
    assert "<@U0NINA> is waiting for a mentor" in post["text"]
    club.command(OLIVIA.user_id, "pairings waiting")
    assert "offered again when one has room" in last_response(club)
    # Still one open request, and asking again shows it rather than opening a second.
    club.command(NINA.user_id, "mentor request")
    assert "You already have an open request" in last_response(club)
    assert count(club, MentorRequestRow) == 1


def test_a_paused_mentor_gets_no_offers_until_the_pause_ends(club: LocalClub) -> None:
    mentors_ready(club)
    club.command(MARCO.user_id, "mentor pause until 2026-12-10")
    assert "Paused until 2026-12-10" in last_response(club)
    ask(club, NINA, "blogging, video")
    assert offers_to(club, MARCO) == []
    assert has_buttons(latest_offer(club, MEI))
    decline(club, MEI)
    assert offers_to(club, MARCO) == []  # still paused: nobody left

    club.command(MARCO.user_id, "mentor pause")
    club.command(MARCO.user_id, "mentor status")
    assert "Paused: no new offers" in last_response(club)
    club.command(MARCO.user_id, "mentor resume")
    assert "Welcome back" in last_response(club)
    # The request that waited meanwhile reaches him at once, without an organiser.
    assert has_buttons(latest_offer(club, MARCO))
    assert offer_states(club) == [(MEI.user_id, "declined"), (MARCO.user_id, "pending")]


def test_a_pause_with_a_date_ends_by_itself(club: LocalClub) -> None:
    sign_up(club, MARCO, "blogging")
    club.command(MARCO.user_id, "mentor pause until 2026-12-03")
    club.clock.advance(timedelta(days=2))  # 2026-12-03 10:00 UTC, past midnight in Rome
    ask(club, NINA, "blogging")
    assert has_buttons(latest_offer(club, MARCO))


def test_a_dated_pause_that_runs_out_offers_what_waited_once(club: LocalClub) -> None:
    sign_up(club, MARCO, "blogging")
    club.command(MARCO.user_id, "mentor pause until 2026-12-03")  # ends 2026-12-02 23:00 UTC
    ask(club, NINA, "blogging")
    assert offers_to(club, MARCO) == []
    assert "couldn't find you a mentor yet" in dm_messages(club, NINA)[-1]["text"]

    club.advance(timedelta(days=1, hours=12, minutes=59), step=timedelta(hours=1))  # 2nd, 22:59
    assert offers_to(club, MARCO) == []  # still paused in Rome
    club.advance(timedelta(minutes=2))  # midnight in Rome has passed
    offer = latest_offer(club, MARCO)
    assert has_buttons(offer) and "<@U0NINA> would like a mentor" in json.dumps(offer["blocks"])

    club.advance(timedelta(hours=3), step=timedelta(minutes=30))
    club.restart()
    club.advance(timedelta(hours=3), step=timedelta(minutes=30))
    assert len(offers_to(club, MARCO)) == 1
    assert offer_states(club) == [(MARCO.user_id, "pending")]
    club.command(MARCO.user_id, "mentor status")
    assert "Paused" not in last_response(club)


def test_two_bots_ending_the_same_pause_offer_once(club: LocalClub) -> None:
    sign_up(club, MARCO, "blogging")
    club.command(MARCO.user_id, "mentor pause until 2026-12-03")
    ask(club, NINA, "blogging")
    club.clock.advance(timedelta(days=2))  # no tick yet: both bots find the pause run out
    assert club.db is not None
    barrier = threading.Barrier(2)
    saids: list[Said] = []

    def tick() -> None:
        said = said_for(club.bot.deps)
        barrier.wait()
        mentoring.offer_after_ended_pauses(club.db, club.clock.now(), timedelta(hours=24), said)
        saids.append(said)

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(said.offered) for said in saids) == [0, 1]
    assert offer_states(club) == [(MARCO.user_id, "pending")]
    assert count(club, Delivery, Delivery.purpose == "mentoring.offer") == 1  # one DM queued


def test_one_open_request_per_person_and_the_button_shows_it(club: LocalClub) -> None:
    mentors_ready(club)
    in_channel = {
        "text": "Need help?",
        "blocks": [request_mentor_block()],
        "channel": CLUB.channel_id,
    }
    app_home = {"type": "home", "blocks": [request_mentor_block()]}
    club.press(NINA.user_id, in_channel, ids.MENTOR_REQUEST_OPEN)
    view = opened_views(club)[-1]
    assert view["callback_id"] == ids.MENTOR_REQUEST_VIEW
    club.submit(NINA.user_id, view, {"other_topics": "video", "goal": "Film a vlog"})
    assert count(club, MentorRequestRow) == 1

    views_before = len(opened_views(club))
    club.press(NINA.user_id, in_channel, ids.MENTOR_REQUEST_OPEN)
    assert "You already have an open request" in last_response(club)
    club.press(NINA.user_id, app_home, ids.MENTOR_REQUEST_OPEN)  # no response_url: a DM
    assert "You already have an open request" in dm_messages(club, NINA)[-1]["text"]
    club.command(NINA.user_id, "mentor request blogging")
    assert "You already have an open request" in last_response(club)
    assert "Film a vlog" in last_response(club)
    assert len(opened_views(club)) == views_before
    # A form opened earlier and submitted twice still makes one request.
    club.submit(NINA.user_id, view, {"other_topics": "video", "goal": "Film a vlog"})
    assert count(club, MentorRequestRow) == 1
    assert count(club, MentorOffer) == 1


def test_the_same_pair_is_never_made_twice_unless_the_mentee_asks(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    accept(club, MARCO)
    club.command(NINA.user_id, "mentor end")
    assert "has ended" in last_response(club)

    ask(club, NINA, "blogging, video")
    assert has_buttons(latest_offer(club, MEI))
    decline(club, MEI)
    assert len(offers_to(club, MARCO)) == 1  # never offered NINA again
    club.command(OLIVIA.user_id, f"pair <@{NINA.user_id}|nina> <@{MARCO.user_id}|marco>")
    assert "mentored <@U0NINA> before" in last_response(club)
    assert len(offers_to(club, MARCO)) == 1


def test_a_mentee_may_ask_for_a_past_mentor_again(club: LocalClub) -> None:
    sign_up(club, MARCO, "blogging, video")
    ask(club, NINA, "blogging")
    accept(club, MARCO)
    club.command(MARCO.user_id, "mentor end")
    club.command(NINA.user_id, "mentor request")
    view = opened_views(club)[-1]
    assert any(b.get("block_id") == "repeat" for b in view["blocks"])
    club.submit(
        NINA.user_id, view, {"other_topics": "video", "goal": "More video", "repeat": ["yes"]}
    )
    offer = latest_offer(club, MARCO)
    assert has_buttons(offer) and "mentored you before" in json.dumps(offer["blocks"])


def paired(club: LocalClub) -> str:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    accept(club, MARCO)
    return group_dms(club)[-1]


def checkins(club: LocalClub, group: str) -> list[dict[str, Any]]:
    return [
        {**(club.emulator.stored_message(group, m["ts"]) or m), "channel": group}
        for m in club.replies(group)
        if "Have you met" in m.get("text", "")
    ]


def test_a_week_after_pairing_the_bot_asks_if_they_have_met(club: LocalClub) -> None:
    group = paired(club)
    club.advance(timedelta(days=6, hours=23), step=timedelta(hours=1))
    assert checkins(club, group) == []
    club.advance(timedelta(hours=2), step=timedelta(hours=1))
    (checkin,) = checkins(club, group)
    assert has_buttons(checkin)

    club.press(PRIYA.user_id, checkin, ids.MENTOR_CHECKIN_MET)
    assert "for the two people in this pairing" in last_response(club)
    club.press(NINA.user_id, checkin, ids.MENTOR_CHECKIN_MET)
    (answered,) = checkins(club, group)
    assert not has_buttons(answered) and "says you've met" in answered["text"]
    club.advance(timedelta(days=8), step=timedelta(hours=6))
    assert len(checkins(club, group)) == 1  # met: no more check-ins


def test_not_yet_asks_again_a_week_later_and_end_pairing_ends_it(club: LocalClub) -> None:
    group = paired(club)
    club.advance(timedelta(days=7, hours=1), step=timedelta(hours=6))
    club.press(MARCO.user_id, checkins(club, group)[-1], ids.MENTOR_CHECKIN_NOT_YET)
    assert "says not yet" in checkins(club, group)[-1]["text"]
    club.advance(timedelta(days=7, hours=1), step=timedelta(hours=6))
    assert len(checkins(club, group)) == 2
    club.press(NINA.user_id, checkins(club, group)[-1], ids.MENTOR_CHECKIN_END)
    assert pairings(club) == [(NINA.user_id, MARCO.user_id, "ended")]
    assert "ended this pairing" in club.replies(group)[-1]["text"]
    club.press(MARCO.user_id, as_first_posted(club, group, "Have you met"), ids.MENTOR_CHECKIN_MET)
    assert "already ended" in last_response(club)


def test_a_mentee_can_ask_for_a_different_mentor(club: LocalClub) -> None:
    group = paired(club)
    club.command(NINA.user_id, "mentor change")
    assert "finding you a different mentor" in last_response(club)
    assert "ended this pairing" in club.replies(group)[-1]["text"]
    assert has_buttons(latest_offer(club, MEI))
    assert [p[2] for p in pairings(club)] == ["ended"]


def test_either_side_can_end_and_status_tells_where_things_stand(club: LocalClub) -> None:
    paired(club)
    club.command(MARCO.user_id, "mentor status")
    assert "Places taken: 1 of 2" in last_response(club) and "<@U0NINA>" in last_response(club)
    club.command(NINA.user_id, "mentor status")
    assert "Your mentor: <@U0MARCO>" in last_response(club)
    club.command(NINA.user_id, "mentor request")
    assert "You already have a mentor" in last_response(club)
    club.command(MARCO.user_id, f"mentor end <@{NINA.user_id}|nina>")
    assert "has ended" in last_response(club)
    club.command(NINA.user_id, "mentor end")
    assert "no active pairing" in last_response(club)


def test_organisers_see_suggestions_with_reasons_and_nothing_is_sent(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    sent_before = len(club.emulator.calls_to("chat.postMessage"))
    club.command(OLIVIA.user_id, f"mentor suggest <@{NINA.user_id}|nina>")
    text = last_response(club)
    assert "1. <@U0MEI>" in text  # MARCO already has the offer, so MEI is next
    assert "1 of 2 topics" in text and "Nothing was sent" in text
    club.command(OLIVIA.user_id, f"mentor suggest <@{SAM.user_id}|sam>")
    assert "no open request" in last_response(club)
    assert len(club.emulator.calls_to("chat.postMessage")) == sent_before


def test_an_organiser_pairs_by_hand_and_the_mentor_still_accepts(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    club.command(OLIVIA.user_id, f"pair <@{NINA.user_id}|nina> <@{MEI.user_id}|mei>")
    assert "Offered <@U0NINA> to <@U0MEI>" in last_response(club)
    withdrawn = latest_offer(club, MARCO)
    assert not has_buttons(withdrawn) and "organiser found" in withdrawn["text"]
    offer = latest_offer(club, MEI)
    assert "<@U0OLIVIA> thought of you" in json.dumps(offer["blocks"])
    assert pairings(club) == []
    accept(club, MEI)
    assert pairings(club) == [(NINA.user_id, MEI.user_id, "active")]
    club.command(OLIVIA.user_id, "pairings active")
    assert "<@U0NINA> with <@U0MEI>" in last_response(club)

    # Someone with no request yet: the organiser's pairing opens one for them.
    club.command(OLIVIA.user_id, f"pair <@{SAM.user_id}|sam> <@{MARCO.user_id}|marco>")
    assert has_buttons(latest_offer(club, MARCO))
    assert count(club, MentorRequestRow, MentorRequestRow.mentee_id == SAM.user_id) == 1


@pytest.mark.parametrize(
    "text",
    [
        "pair <@U0NINA|nina> <@U0MEI|mei>",
        "pairings",
        "pairings ended",
        "pairing round",
        "mentor suggest <@U0NINA|nina>",
        "mentor topics add Memes",
        "mentor topics remove Memes",
    ],
)
def test_members_are_refused_organiser_commands(club: LocalClub, text: str) -> None:
    mentors_ready(club)
    before = stored_counts(club)
    club.command(SAM.user_id, text)
    assert "Only organisers can use" in last_response(club)
    assert stored_counts(club) == before
    assert count(club, PairingRound) == 0 and count(club, MentorTopic) == 0


@pytest.mark.parametrize(
    ("user", "text", "says"),
    [
        (OLIVIA, "pair @nina @mei", "two people mentioned with @"),
        (OLIVIA, "pair <@U0NINA|nina> mei", "two people mentioned with @"),
        (OLIVIA, "pair <@U0NINA|nina>", "two people mentioned with @"),
        (OLIVIA, "pair <@U0NINA|nina> <@U0NINA|nina>", "two different people"),
        (OLIVIA, "pair <@U0NINA|nina> <@U0SAM|sam>", "isn't a mentor"),
        (OLIVIA, "mentor suggest nina", "one person mentioned with @"),
        (OLIVIA, "pairings everything", "pairings waiting"),
        (MARCO, "mentor pause until 2026-13-45", "isn't a date"),
        (MARCO, "mentor pause until 31/12/2026", "pause until tomorrow"),
        (MARCO, "mentor pause until someday", "pause until tomorrow"),
        (MARCO, "mentor pause until 2026-11-30", "pick a later day"),
        (MARCO, "mentor pause until 2028-01-01", "at most a year"),
        (NINA, "mentor request " + ", ".join(f"t{n}" for n in range(9)), "at most 8 topics"),
        (NINA, "mentor request " + "x" * 81, "under 80 characters"),
        (MEI, "mentor signup capacity 11", "1 to 10"),
        (MEI, "mentor signup capacity lots", "1 to 10"),
        (MEI, "mentor signup blogging capacity", "how many mentees after `capacity`"),
        (NINA, "mentor end nina", "/club mentor end @person"),
    ],
)
def test_bad_command_text_gets_a_clear_message_and_stores_nothing(
    club: LocalClub, user: Person, text: str, says: str
) -> None:
    sign_up(club, MARCO, "blogging")
    before = stored_counts(club)
    with club.db.transaction() as session:  # type: ignore[union-attr]
        pause_before = session.get(MentorProfileRow, MARCO.user_id).paused_until
    views_before = len(opened_views(club))
    club.command(user.user_id, text)
    assert says in last_response(club)
    assert stored_counts(club) == before
    assert len(opened_views(club)) == views_before
    with club.db.transaction() as session:  # type: ignore[union-attr]
        assert session.get(MentorProfileRow, MARCO.user_id).paused_until == pause_before


def test_pause_and_resume_need_a_mentor(club: LocalClub) -> None:
    club.command(NINA.user_id, "mentor pause")
    assert "aren't a mentor" in last_response(club)
    club.command(NINA.user_id, "mentor resume")
    assert "aren't a mentor" in last_response(club)
    assert stored_counts(club) == (0, 0, 0, 0)


def test_a_restart_keeps_pending_offers_and_their_timeouts(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    club.advance(timedelta(hours=12), step=timedelta(hours=1))
    club.restart()
    club.advance(timedelta(hours=11), step=timedelta(hours=1))
    assert offers_to(club, MEI) == []
    club.advance(timedelta(hours=1, minutes=1))
    assert has_buttons(latest_offer(club, MEI))
    club.restart()
    accept(club, MEI)  # the offer's buttons work across restarts too
    assert pairings(club) == [(NINA.user_id, MEI.user_id, "active")]


def stalled_requests(club: LocalClub) -> None:
    """Two mentors with one place each asked not to be contacted; NINA and SAM ask meanwhile.
    Back in without `/club include me`, which would offer them what waited (as `resume` and a
    pause running out do; test_include_me.py), both have room while the requests still wait:
    a round for the organisers."""
    sign_up(club, MARCO, "blogging, video", capacity="1")
    sign_up(club, MEI, "blogging", capacity="1")
    for mentor in (MARCO, MEI):
        club.command(mentor.user_id, "exclude me")
    ask(club, NINA, "blogging")
    ask(club, SAM, "video")
    assert club.db is not None
    for mentor in (MARCO, MEI):
        privacy.set_excluded(club.db, mentor.user_id, False, club.clock.now())
    club.advance(timedelta(hours=1))  # the tick task offers nothing on its own
    assert count(club, MentorOffer) == 0


def test_a_pairing_round_previews_then_sends_offers_once(club: LocalClub) -> None:
    stalled_requests(club)
    club.command(OLIVIA.user_id, "pairing round")
    preview = [m for m in club.replies() if "Pairing round preview" in m.get("text", "")][-1]
    shown = json.dumps(preview["blocks"], ensure_ascii=False)
    # The optimum gives video to MARCO and blogging to MEI (greedy would give MARCO to NINA).
    assert "<@U0NINA> → <@U0MEI>" in shown and "<@U0SAM> → <@U0MARCO>" in shown
    assert offers_to(club, MARCO) == [] and offers_to(club, MEI) == []

    club.press(SAM.user_id, preview, ids.MENTOR_ROUND_CONFIRM)
    assert "Only organisers" in last_response(club)
    assert count(club, MentorOffer) == 0

    answered_before = len(club.emulator.calls_to("response_url"))
    press_together(club, [(OLIVIA, preview, ids.MENTOR_ROUND_CONFIRM)] * 2)
    assert count(club, MentorOffer) == 2
    assert len(offers_to(club, MARCO)) == 1 and len(offers_to(club, MEI)) == 1
    texts = [c.args["text"] for c in club.emulator.calls_to("response_url")[answered_before:]]
    assert sorted("already sent" in t for t in texts) == [False, True]  # one sent, one refused

    club.command(OLIVIA.user_id, "pairing round")
    assert "Nobody is waiting" in last_response(club)


def test_a_mentor_can_answer_a_pending_offer_from_status(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    club.command(MARCO.user_id, "mentor status")
    status = [m for m in club.replies() if "Offers waiting for your answer: 1" in m["text"]][-1]
    club.press(MARCO.user_id, status, ids.MENTOR_OFFER_ACCEPT)
    assert pairings(club) == [(NINA.user_id, MARCO.user_id, "active")]
    assert not has_buttons(latest_offer(club, MARCO))  # the DM copy is updated too


def test_when_slack_refuses_the_group_dm_both_are_introduced_one_to_one(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    club.emulator.fail_next("conversations.open", "missing_scope")
    accept(club, MARCO)
    assert pairings(club) == [(NINA.user_id, MARCO.user_id, "active")]
    club.tick()  # the group DM's delivery ended at once; the one-to-one copies go next
    for person in (NINA, MARCO):
        assert any("meet <@U0MARCO>" in m["text"] for m in dm_messages(club, person))
    group = [c for c in club.emulator.calls_to("conversations.open") if "," in str(c.args["users"])]
    assert len(group) == 1  # a refused scope is not retried


# --- a freed place, both Homes, forgetting ------------------------------------------------------


def test_a_mentor_with_room_again_gets_the_oldest_waiting_request_they_fit(club: LocalClub) -> None:
    sign_up(club, MEI, "blogging", capacity="1")
    ask(club, NINA, "blogging")
    decline(club, MEI)  # nobody else: NINA waits
    ask(club, SAM, "blogging")  # MEI's one place now holds SAM's offer
    ask(club, PRIYA, "blogging")  # nobody has room: PRIYA waits too
    assert "couldn't find you a mentor yet" in dm_messages(club, PRIYA)[-1]["text"]
    assert len(offers_to(club, MEI)) == 2

    sign_up(club, MEI, "blogging", capacity="2")  # more room: PRIYA, not NINA whom she declined
    offer = latest_offer(club, MEI)
    assert has_buttons(offer) and "<@U0PRIYA> would like a mentor" in json.dumps(offer["blocks"])
    assert "1 of 2 places taken" in json.dumps(offer["blocks"])  # the reasons, as ranked

    sign_up(club, MARCO, "blogging, video")  # a new mentor: the oldest request still waiting
    offer = latest_offer(club, MARCO)
    assert has_buttons(offer) and "<@U0NINA> would like a mentor" in json.dumps(offer["blocks"])
    assert offer_states(club) == [
        (MEI.user_id, "declined"),
        (MEI.user_id, "pending"),
        (MEI.user_id, "pending"),
        (MARCO.user_id, "pending"),
    ]
    club.command(OLIVIA.user_id, "pairings waiting")
    assert "nobody left" not in last_response(club)


def test_a_place_freed_by_an_ended_pairing_goes_to_whoever_waits(club: LocalClub) -> None:
    sign_up(club, MARCO, "blogging, video", capacity="1")
    ask(club, NINA, "blogging")
    accept(club, MARCO)
    ask(club, SAM, "video")  # MARCO is full: SAM waits
    assert "couldn't find you a mentor yet" in dm_messages(club, SAM)[-1]["text"]
    assert len(offers_to(club, MARCO)) == 1

    club.command(NINA.user_id, "mentor end")
    offer = latest_offer(club, MARCO)
    assert has_buttons(offer) and "<@U0SAM> would like a mentor" in json.dumps(offer["blocks"])
    accept(club, MARCO)
    assert pairings(club) == [
        (NINA.user_id, MARCO.user_id, "ended"),
        (SAM.user_id, MARCO.user_id, "active"),
    ]


def open_home(club: LocalClub, person: Person) -> None:
    club.event(
        {
            "type": "app_home_opened",
            "user": person.user_id,
            "tab": "home",
            "channel": club.dm_channel(person.user_id),
            "event_ts": "1.000001",
        }
    )


def homes_of(club: LocalClub, person: Person) -> list[str]:
    return [
        json.dumps(call.args["view"])
        for call in club.emulator.calls_to("views.publish")
        if call.ok and call.args.get("user_id") == person.user_id
    ]


def test_both_homes_follow_a_pairing_that_starts_and_ends(club: LocalClub) -> None:
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    for person in (NINA, MARCO):
        open_home(club, person)
    assert "Your request for a mentor is open" in homes_of(club, NINA)[-1]

    accept(club, MARCO)  # MARCO acts; NINA's Home must follow too
    assert "Your mentor: <@U0MARCO>" in homes_of(club, NINA)[-1]
    assert "request for a mentor is open" not in homes_of(club, NINA)[-1]
    assert "mentoring <@U0NINA>" in homes_of(club, MARCO)[-1]

    published = len(homes_of(club, NINA)), len(homes_of(club, MARCO))
    club.command(NINA.user_id, "mentor end")  # NINA acts; MARCO's Home must follow too
    assert "mentoring <@U0NINA>" not in homes_of(club, MARCO)[-1]
    assert "Your mentor" not in homes_of(club, NINA)[-1]
    assert (len(homes_of(club, NINA)), len(homes_of(club, MARCO))) == (
        published[0] + 1,
        published[1] + 1,
    )  # once each: nobody's Home republished twice for one change


def test_a_mentee_changing_mentor_updates_the_old_mentors_home(club: LocalClub) -> None:
    paired(club)
    open_home(club, MARCO)
    assert "mentoring <@U0NINA>" in homes_of(club, MARCO)[-1]
    club.command(NINA.user_id, "mentor change")
    assert "mentoring <@U0NINA>" not in homes_of(club, MARCO)[-1]


def test_forget_me_removes_a_mentors_and_mentees_records_and_leaves_others_sensible(
    club: LocalClub,
) -> None:
    sign_up(club, MARCO, "blogging, video")
    sign_up(club, MEI, "blogging, podcasts")
    ask(club, NINA, "blogging, video")
    accept(club, MARCO)  # MARCO mentors NINA
    ask(club, SAM, "video")
    sam_offer = latest_offer(club, MARCO)  # pending with MARCO
    ask(club, MARCO, "podcasts")  # MARCO asks for a mentor himself: offered to MEI
    marco_request_offer = latest_offer(club, MEI)
    assert "<@U0MARCO> would like a mentor" in json.dumps(marco_request_offer["blocks"])

    club.command(MARCO.user_id, "forget me")
    club.press(MARCO.user_id, club.last_reply(), ids.FORGET_CONFIRM)
    assert "I've deleted what I knew about you" in last_response(club)
    assert "pairing with <@U0MARCO> has ended" in dm_messages(club, NINA)[-1]["text"]

    marco = MARCO.user_id
    assert count(club, MentorProfileRow, MentorProfileRow.user_id == marco) == 0
    assert count(club, MentorRequestRow, MentorRequestRow.mentee_id == marco) == 0
    assert count(club, MentorOffer, MentorOffer.mentor_id == marco) == 0
    assert count(club, Pairing, (Pairing.mentor_id == marco) | (Pairing.mentee_id == marco)) == 0
    # MEI's offer of his request went with it; SAM's, which waited on him, moved on to MEI.
    assert offer_states(club) == [(MEI.user_id, "pending")]
    assert "<@U0SAM> would like a mentor" in json.dumps(latest_offer(club, MEI)["blocks"])
    # The others: NINA has no mentor now and may ask again; SAM's request still waits.
    club.command(NINA.user_id, "mentor status")
    assert "Your mentor" not in last_response(club)
    ask(club, NINA, "blogging")
    assert "<@U0NINA> would like" in json.dumps(latest_offer(club, MEI)["blocks"])
    assert count(club, MentorRequestRow, MentorRequestRow.open_for == SAM.user_id) == 1
    club.command(OLIVIA.user_id, "pairings waiting")
    assert "<@U0SAM>" in last_response(club) and "<@U0MARCO>" not in last_response(club)
    # MEI's old DM about MARCO's request answers honestly instead of pairing a ghost.
    accept(club, MEI, marco_request_offer)
    assert "no longer exists" in last_response(club)
    assert pairings(club) == []
    club.press(MARCO.user_id, sam_offer, ids.MENTOR_OFFER_ACCEPT)
    # SQLite may give a deleted offer's id to the next one: then it's MEI's, and refused.
    answer = last_response(club)
    assert any(says in answer for says in ("no longer exists", "moved on", "only they can"))
    assert pairings(club) == []
