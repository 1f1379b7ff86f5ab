"""`/club kudos @someone for ...`: thanked in the club channel, counted, and told by DM."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.encouragement import kudos
from bot.local import CLUB, MARCO, NINA, OLIVIA, SAM, LocalClub
from storage.encouragement.models import Kudos


def kudos_rows(club: LocalClub) -> int:
    assert club.db is not None
    with club.db.transaction() as session:
        return session.query(Kudos).count()


def kudos_posts(club: LocalClub) -> list[dict[str, object]]:
    """The thank-you posts in the club channel (not answers through response_url)."""
    return [
        m for m in club.replies(CLUB.channel_id)
        if "thanks <@" in str(m.get("text", "")) and not m.get("response_url")
    ]


def test_kudos_are_posted_in_the_club_channel_and_counted(club: LocalClub) -> None:
    club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the <!channel> & tips",
                 channel="D0NINA")
    (post,) = [m for m in club.replies(CLUB.channel_id) if "thanks" in m.get("text", "")]
    assert post["text"] == (
        f":raised_hands: <@{NINA.user_id}> thanks <@{MARCO.user_id}> for the !channel &amp; tips"
    )
    said = [call.args["text"] for call in club.emulator.calls_to("response_url")]
    assert any("Thanks posted in <#C0CLUB>" in text for text in said)
    (told,) = club.replies(club.dm_channel(MARCO.user_id))
    # At once, saying who thanked him, for what and where.
    assert f"<@{NINA.user_id}> sends you kudos for the &lt;!channel&gt; &amp; tips!" in (
        told["text"]
    )  # escaped: no ping
    assert "(<#C0CLUB>)" in told["text"]
    counts = kudos.kudos_counts(club.bot.deps.db)
    assert counts.received == {MARCO.user_id: 1}
    assert counts.given == {NINA.user_id: 1}
    assert counts.total_ever == 1


def kudos_dms(club: LocalClub, user: str) -> list[dict[str, object]]:
    return [m for m in club.replies(club.dm_channel(user)) if "sends you kudos" in m["text"]]


def test_every_kudos_tells_the_person_thanked_at_once_with_the_tally(club: LocalClub) -> None:
    club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the tour")
    club.advance(timedelta(hours=12))  # Rome, 23:00: a colleague's thanks is no nudge
    club.command(SAM.user_id, f"kudos <@{MARCO.user_id}|marco> for the photos")
    club.command(SAM.user_id, f"kudos <@{MARCO.user_id}|marco> for the photos")  # said twice
    first, second, third = (str(m["text"]) for m in kudos_dms(club, MARCO.user_id))
    assert f"<@{NINA.user_id}> sends you kudos for the tour!" in first
    assert "That's" not in first
    assert f"<@{SAM.user_id}> sends you kudos for the photos! That's 2 kudos" in second
    assert "That's 3 kudos" in third
    # One DM per kudos, never a second one from the nudges later.
    club.advance(timedelta(days=8), step=timedelta(hours=1))
    assert len(kudos_dms(club, MARCO.user_id)) == 3


def test_nudges_off_means_no_kudos_dm_but_the_kudos_still_counts(club: LocalClub) -> None:
    club.command(MARCO.user_id, "nudges off")
    club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the tour")
    assert len(kudos_posts(club)) == 1
    assert kudos_dms(club, MARCO.user_id) == []
    assert kudos.kudos_counts(club.bot.deps.db).received == {MARCO.user_id: 1}


def test_a_kudos_dm_slack_refuses_once_is_sent_later_exactly_once(club: LocalClub) -> None:
    club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the tour")  # warm up
    club.emulator.fail_next("chat.postMessage", "internal_error")  # the post passes first
    club.command(SAM.user_id, f"kudos <@{MARCO.user_id}|marco> for the photos")
    club.advance(timedelta(minutes=2))
    assert len(kudos_posts(club)) == 2
    assert len(kudos_dms(club, MARCO.user_id)) == 2
    club.advance(timedelta(minutes=30))
    assert len(kudos_dms(club, MARCO.user_id)) == 2
    assert kudos.kudos_counts(club.bot.deps.db).total_ever == 2


def test_self_kudos_are_refused(club: LocalClub) -> None:
    club.command(NINA.user_id, f"kudos <@{NINA.user_id}|nina> for being great")
    assert "Kudos are for thanking someone else" in club.last_reply()["text"]
    assert kudos_rows(club) == 0


def test_missing_mention_or_reason_is_explained(club: LocalClub) -> None:
    cases = {
        "kudos": "Whom would you like to thank?",
        "kudos marco for the tour": "Whom would you like to thank?",
        f"kudos <@{MARCO.user_id}|marco>": "Say what you're thanking them for",
        f"kudos <@{MARCO.user_id}|marco> for": "Say what you're thanking them for",
        f"kudos <@{MARCO.user_id}|marco> <@{NINA.user_id}|nina> for x": "One person at a time",
    }
    for text, expected in cases.items():
        club.command(NINA.user_id, text)
        assert expected in club.last_reply()["text"], text
    assert kudos_rows(club) == 0


def test_kudos_for_the_bot_are_declined(club: LocalClub) -> None:
    bot = club.emulator.bot_user_id
    club.command(NINA.user_id, f"kudos <@{bot}|clubbot> for the answers")
    assert "bots don't need them" in club.last_reply()["text"]
    assert kudos_rows(club) == 0


def test_when_slack_refuses_the_post_nothing_is_counted(club: LocalClub) -> None:
    club.emulator.fail_next("chat.postMessage", "not_in_channel")
    club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the tour")
    assert "Slack said `not_in_channel`" in club.last_reply()["text"]
    assert kudos_rows(club) == 0
    assert club.replies(club.dm_channel(MARCO.user_id)) == []  # no thanks that nobody saw
    assert kudos.kudos_counts(club.bot.deps.db).total_ever == 0


def test_a_refused_post_tells_the_organisers_once(club: LocalClub) -> None:
    workspace = club.emulator.workspace
    with workspace.lock:  # someone removed the bot from the club channel
        workspace.channel(CLUB.channel_id).members.remove(club.emulator.bot_user_id)
    club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the tour")
    club.command(SAM.user_id, f"kudos <@{MARCO.user_id}|marco> for the photos")
    assert kudos_rows(club) == 0
    told = [m for m in club.replies(club.dm_channel(OLIVIA.user_id)) if "kudos" in m["text"]]
    assert len(told) == 1
    assert "couldn't deliver a kudos post to <#C0CLUB>" in told[0]["text"]
    assert "invite me" in told[0]["text"]


def test_a_busy_slack_posts_the_kudos_a_little_later_and_counts_it_once(club: LocalClub) -> None:
    club.emulator.fail_next("chat.postMessage", "internal_error")
    club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the tour")
    said = [call.args["text"] for call in club.emulator.calls_to("response_url")]
    assert any("your thanks will appear in <#C0CLUB> shortly" in text for text in said)
    assert kudos_posts(club) == []
    assert club.replies(club.dm_channel(MARCO.user_id)) == []  # not before the post is up
    club.advance(timedelta(minutes=1))
    assert len(kudos_posts(club)) == 1
    club.advance(timedelta(minutes=10))
    assert len(kudos_posts(club)) == 1
    assert kudos.kudos_counts(club.bot.deps.db).total_ever == 1
    assert len(kudos_dms(club, MARCO.user_id)) == 1


def test_an_excluded_colleague_is_thanked_by_name_without_a_ping(club: LocalClub) -> None:
    club.command(MARCO.user_id, "exclude me")
    club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the tour")
    (post,) = [m for m in club.replies(CLUB.channel_id) if "thanks" in m.get("text", "")]
    assert f"<@{MARCO.user_id}>" not in post["text"]
    assert "thanks marco for the tour" in post["text"]
    assert club.replies(club.dm_channel(MARCO.user_id)) == []


def test_the_home_shows_kudos_given_and_received_and_organisers_see_the_month(
    club: LocalClub,
) -> None:
    from bot.local import OLIVIA, SAM

    club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the tour")
    club.command(SAM.user_id, f"kudos <@{MARCO.user_id}|marco> for the tips")
    club.command(MARCO.user_id, f"kudos <@{NINA.user_id}|nina> for asking")
    for person in (MARCO, OLIVIA):
        club.sender.app_home_opened(person.user_id)
    club.settle()
    marco = json.dumps(club.emulator.home_view(MARCO.user_id))
    assert "Kudos: 2 received, 1 given" in marco
    assert "Kudos this month" not in marco  # club figures are for organisers
    olivia = json.dumps(club.emulator.home_view(OLIVIA.user_id))
    assert "Kudos this month*\\n3" in olivia
    assert "Thanked most this month*\\n<@U0MARCO> (2), <@U0NINA> (1)" in olivia
