"""People already in the club channel when the bot starts have joined (issue 14, item 8)."""

from __future__ import annotations

from bot.encouragement.rules import next_step
from bot.local import CLUB, MARCO, NINA, OLIVIA, PEOPLE, PRIYA, SAM, LocalClub
from schedules.encouragement import mark_channel_members_joined
from storage.path import queries as progress


def steps(club: LocalClub, user_id: str) -> frozenset[str]:
    assert club.db is not None
    with club.db.transaction() as session:
        return frozenset(progress.steps_of(session, user_id))


def test_members_already_in_the_club_channel_have_joined_at_start(club: LocalClub) -> None:
    club.emulator.add_user("U0ZOE", "zoe", "Zoe Elsewhere", tz="Europe/Paris")  # not in it
    assert "joined" not in steps(club, NINA.user_id)
    ticked = mark_channel_members_joined(club.bot.deps)  # what `clubbot run` does at start
    assert ticked == len(PEOPLE)
    members = club.emulator.calls_to("conversations.members")
    assert members and members[-1].args["channel"] == CLUB.channel_id
    for person in PEOPLE:
        assert "joined" in steps(club, person.user_id)
        assert next_step(steps(club, person.user_id)) != "joined"  # never nudged to join
    assert "joined" not in steps(club, "U0ZOE")
    assert "joined" not in steps(club, club.emulator.bot_user_id)
    # No welcome DM: they are not new. A second start ticks nothing twice.
    assert not any("Welcome" in m.get("text", "") for m in club.replies(
        club.dm_channel(NINA.user_id)))  # fmt: skip
    assert mark_channel_members_joined(club.bot.deps) == 0


def test_a_failed_read_of_the_channel_is_logged_and_changes_nothing(club: LocalClub) -> None:
    club.emulator.fail_next("conversations.members", "missing_scope")
    assert mark_channel_members_joined(club.bot.deps) == 0
    assert "joined" not in steps(club, OLIVIA.user_id)
    club.emulator.clear_calls()


def test_after_a_failed_read_people_have_joined_on_first_sight(club: LocalClub) -> None:
    club.emulator.fail_next("conversations.members", "ratelimited", status=429, times=5)
    assert mark_channel_members_joined(club.bot.deps) == 0
    # A thread reply, a mention and a command in the club channel each show they are in it.
    club.say(NINA.user_id, "Good morning, club!", channel=CLUB.channel_id, ts="1700000000.000100")
    club.say(OLIVIA.user_id, "Morning!", channel=CLUB.channel_id,
             thread_ts="1700000000.000100")
    club.mention(SAM.user_id, "where are the guidelines?")
    club.command(MARCO.user_id, "help", channel=CLUB.channel_id)
    for person in (NINA, OLIVIA, SAM, MARCO):
        assert "joined" in steps(club, person.user_id), person.name
        assert next_step(steps(club, person.user_id)) != "joined"
    # Not new, so no welcome; and a reply in a DM thread proves nothing about the channel.
    assert not any("Welcome" in m.get("text", "") for m in club.replies())
    dm = club.dm_channel(PRIYA.user_id)
    club.say(PRIYA.user_id, "thanks", channel=dm, thread_ts="1700000000.000200")
    assert "joined" not in steps(club, PRIYA.user_id)
