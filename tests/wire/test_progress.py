"""`/club progress`: my path, ticking my own steps, detected steps, organisers' views."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.local import CLUB, NINA, OLIVIA, PRIYA, LocalClub
from handlers import ids
from storage.path import queries as progress


def last_response(club: LocalClub) -> dict[str, Any]:
    posts = [call.args for call in club.emulator.calls_to("response_url")]
    assert posts, "no answer through response_url"
    return posts[-1]


def response_text(club: LocalClub) -> str:
    post = last_response(club)
    return post.get("text", "") + json.dumps(post.get("blocks", []))


def steps(club: LocalClub, user: str) -> dict[str, Any]:
    assert club.db is not None
    with club.db.transaction() as session:
        return progress.steps_of(session, user)


def reach(club: LocalClub, user: str, *keys: str) -> None:
    """Another feature (or the welcome) detected these steps."""
    assert club.db is not None
    with club.db.transaction() as session:
        for key in keys:
            progress.record_step(session, user, key, club.clock.now())


def dms(club: LocalClub, user: str) -> list[str]:
    return [m.get("text", "") for m in club.replies(club.dm_channel(user))]


def test_progress_shows_the_ten_steps_with_buttons_for_self_ticked_ones(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined")
    club.command(PRIYA.user_id, "progress")
    post = last_response(club)
    assert post["response_type"] == "ephemeral"
    assert "1 of 10 steps done" in post["text"]
    blocks = post["blocks"]
    assert len(blocks) == 12
    buttons = [b["accessory"]["action_id"] for b in blocks if "accessory" in b]
    assert buttons == [
        ids.PROGRESS_TICK_PREFIX + key
        for key in ("read_guidelines", "first_internal_post", "commented", "first_external_post")
    ]
    assert ":white_check_mark: ~1. Joined the club channel~" in json.dumps(blocks)
    assert "(your next step)" in blocks[2]["text"]["text"]


def test_ticking_my_own_step_updates_the_view_and_congratulates(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined")  # Priya is in Kolkata: 15:30 on a Tuesday
    club.command(PRIYA.user_id, "progress")
    club.press(PRIYA.user_id, club.last_reply(), ids.PROGRESS_TICK_PREFIX + "read_guidelines")
    assert "read_guidelines" in steps(club, PRIYA.user_id)
    updated = last_response(club)
    assert updated["replace_original"] is True
    assert "2 of 10 steps done" in updated["text"]
    (congratulation,) = [t for t in dms(club, PRIYA.user_id) if "2 of 10 steps" in t]
    assert "Ask one question in the club channel" in congratulation  # next step's how-to
    assert "/club nudges off" in congratulation


def test_pressing_twice_ticks_once_and_congratulates_once(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined")
    club.command(PRIYA.user_id, "progress")
    view = club.last_reply()
    club.press(PRIYA.user_id, view, ids.PROGRESS_TICK_PREFIX + "read_guidelines")
    club.press(PRIYA.user_id, view, ids.PROGRESS_TICK_PREFIX + "read_guidelines")
    assert len([t for t in dms(club, PRIYA.user_id) if "2 of 10 steps" in t]) == 1
    assert list(steps(club, PRIYA.user_id)).count("read_guidelines") == 1


def test_someone_else_pressing_my_button_is_refused(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined")
    club.command(PRIYA.user_id, "progress")
    club.press(NINA.user_id, club.last_reply(), ids.PROGRESS_TICK_PREFIX + "read_guidelines")
    assert "only they can tick it" in last_response(club)["text"]
    assert last_response(club)["replace_original"] is False
    assert set(steps(club, PRIYA.user_id)) == {"joined"}
    assert set(steps(club, NINA.user_id)) == set()


def test_a_forged_tick_of_a_detected_step_is_refused(club: LocalClub) -> None:
    club.sender.block_action(
        PRIYA.user_id, ids.PROGRESS_TICK_PREFIX + "became_mentor",
        value=f"{PRIYA.user_id}:became_mentor", channel_id=CLUB.channel_id,
    )
    club.settle()
    assert "can't be ticked by hand" in last_response(club)["text"]
    assert steps(club, PRIYA.user_id) == {}


def test_a_detected_step_ticks_itself_and_is_congratulated_on_the_next_run(
    club: LocalClub,
) -> None:
    reach(club, PRIYA.user_id, "joined")
    club.advance(timedelta(minutes=10))
    reach(club, PRIYA.user_id, "first_question")  # the FAQ feature saw her first question
    club.advance(timedelta(minutes=10))
    # Step 3 of the path, and her second step done: the count is of steps done.
    (text,) = [t for t in dms(club, PRIYA.user_id) if "Asked a first question" in t]
    assert "2 of 10 steps" in text
    assert "Read the" in text  # her next step: the guidelines


def test_organisers_record_the_course_and_members_may_not(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined")
    club.command(NINA.user_id, f"progress record <@{PRIYA.user_id}|priya> course")
    assert "Only organisers can use `/club progress record`" in response_text(club)
    assert "course_or_certified" not in steps(club, PRIYA.user_id)

    club.command(OLIVIA.user_id, f"progress record <@{PRIYA.user_id}|priya> course")
    assert "Recorded step 9" in response_text(club)
    assert "course_or_certified" in steps(club, PRIYA.user_id)
    assert any(
        "community-development course" in t and "2 of 10 steps" in t
        for t in dms(club, PRIYA.user_id)
    )

    club.command(OLIVIA.user_id, f"progress record <@{PRIYA.user_id}|priya> certified")
    assert "already has step 9" in response_text(club)


def test_progress_record_with_bad_input_explains_the_form(club: LocalClub) -> None:
    for text in ("progress record", "progress record course",
                 f"progress record <@{PRIYA.user_id}|priya>",
                 f"progress record <@{PRIYA.user_id}|priya> blogging"):
        club.command(OLIVIA.user_id, text)
        assert "Tell me whom and what" in response_text(club)
    assert steps(club, PRIYA.user_id) == {}


def test_progress_with_extra_words_says_so(club: LocalClub) -> None:
    club.command(NINA.user_id, "progress <!channel>")
    text = last_response(club)["text"]
    assert "takes nothing after it" in text and "&lt;!channel&gt;" in text


def test_organisers_see_the_club_distribution(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined", "read_guidelines")
    reach(club, NINA.user_id, "joined")
    club.command(NINA.user_id, "progress club")
    assert "Only organisers" in response_text(club)
    # From her DM: using a command in the club channel would count Olivia as joined too.
    club.command(OLIVIA.user_id, "progress club", channel=club.dm_channel(OLIVIA.user_id))
    text = last_response(club)["text"]
    assert "(2 people on it, 0 walked it all)" in text
    assert "1. Joined the club channel: *2* reached, 0 have it as their next step" in text
    assert "2. Read the guidelines: *1* reached, 1 have it as their next step" in text
    assert "3. Asked a first question: *0* reached, 1 have it" in text


def steps_of(club: LocalClub, user: str) -> set[str]:
    assert club.db is not None
    with club.db.transaction() as session:
        return set(progress.steps_of(session, user))


def test_someone_active_in_the_club_channel_has_joined_it(club: LocalClub) -> None:
    # People who were in the channel before clubbot never send member_joined_channel.
    club.command(NINA.user_id, "help", channel=club.dm_channel(NINA.user_id))
    assert "joined" not in steps_of(club, NINA.user_id)
    club.command(NINA.user_id, "help", channel=CLUB.channel_id)
    assert "joined" in steps_of(club, NINA.user_id)
    club.say(PRIYA.user_id, "what should my first post be about?", channel=CLUB.channel_id)
    assert "joined" in steps_of(club, PRIYA.user_id)
    assert not any("Welcome to the social media club" in m.get("text", "") for m in club.replies())
