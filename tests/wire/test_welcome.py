"""Welcome: a newcomer to the club channel gets one DM, ever."""

from __future__ import annotations

from datetime import timedelta

from bot.local import CLUB, NINA, RANDOM, SAM, LocalClub
from storage.encouragement.models import ClubCounter, WelcomeSent
from storage.meetings.models import Meeting
from storage.members import queries as members
from storage.path import queries as progress


def dms(club: LocalClub, user: str) -> list[str]:
    return [m.get("text", "") for m in club.replies(club.dm_channel(user))]


def welcomes(club: LocalClub, user: str) -> list[str]:
    return [text for text in dms(club, user) if "Welcome to the social media club" in text]


def steps(club: LocalClub, user: str) -> set[str]:
    assert club.db is not None
    with club.db.transaction() as session:
        return set(progress.steps_of(session, user))


def test_joining_the_club_channel_sends_one_welcome_and_ticks_joined(club: LocalClub) -> None:
    club._settled(lambda: club.sender.member_joined_channel(NINA.user_id, CLUB.channel_id))
    (text,) = welcomes(club, NINA.user_id)
    assert f"<@{NINA.user_id}>" in text
    assert "guidelines" in text and "/club mentor request" in text
    assert f"<#{CLUB.channel_id}>" in text  # no meeting yet: where it will be announced
    assert steps(club, NINA.user_id) == {"joined"}


def test_a_retried_event_and_a_rejoin_never_welcome_twice(club: LocalClub) -> None:
    first = club._settled(
        lambda: club.sender.member_joined_channel(NINA.user_id, CLUB.channel_id)
    )
    club.redeliver(first, retry_num=1)
    club.advance(timedelta(days=3), step=timedelta(hours=6))
    club._settled(lambda: club.sender.member_joined_channel(NINA.user_id, CLUB.channel_id))
    assert len(welcomes(club, NINA.user_id)) == 1
    assert club.db is not None
    with club.db.transaction() as session:
        assert session.query(WelcomeSent).count() == 1
        assert session.get(ClubCounter, "welcomes_sent").value == 1  # type: ignore[union-attr]


def test_joining_another_channel_is_not_welcomed(club: LocalClub) -> None:
    club._settled(lambda: club.sender.member_joined_channel(SAM.user_id, RANDOM.channel_id))
    assert welcomes(club, SAM.user_id) == []
    assert steps(club, SAM.user_id) == set()


def test_the_welcome_names_the_next_meeting(club: LocalClub) -> None:
    assert club.db is not None
    now = club.clock.now()
    with club.db.transaction() as session:
        session.add(
            Meeting(
                title="Blogging <basics> & coffee",
                organiser_id="U0OLIVIA",
                channel_id=CLUB.channel_id,
                tz="Europe/London",
                start_local="2026-12-08T16:00:00",
                repeat="none",
                created_at=now,
                updated_at=now,
                reminders_checked_until=now,
            )
        )
    club._settled(lambda: club.sender.member_joined_channel(NINA.user_id, CLUB.channel_id))
    (text,) = welcomes(club, NINA.user_id)
    assert "*Next meeting:* *Blogging &lt;basics&gt; &amp; coffee*" in text
    assert "<!date^1796745600^" in text  # 2026-12-08 16:00 London = 16:00 UTC


def test_an_excluded_person_is_not_welcomed(club: LocalClub) -> None:
    club.command(NINA.user_id, "exclude me")
    club._settled(lambda: club.sender.member_joined_channel(NINA.user_id, CLUB.channel_id))
    assert welcomes(club, NINA.user_id) == []
    assert steps(club, NINA.user_id) == {"joined"}


def test_a_failed_welcome_is_retried_by_the_outbox_and_sent_once(club: LocalClub) -> None:
    club.emulator.fail_next("chat.postMessage", "internal_error")
    club._settled(lambda: club.sender.member_joined_channel(NINA.user_id, CLUB.channel_id))
    assert welcomes(club, NINA.user_id) == []
    assert club.db is not None
    with club.db.transaction() as session:
        assert session.query(WelcomeSent).count() == 1  # decided; the DM waits in the outbox
    club._settled(lambda: club.sender.member_joined_channel(NINA.user_id, CLUB.channel_id))
    assert welcomes(club, NINA.user_id) == []  # a rejoin is not a second welcome
    club.advance(timedelta(minutes=1))  # past the backoff: the tick sends it
    assert len(welcomes(club, NINA.user_id)) == 1
    club.advance(timedelta(minutes=10))
    assert len(welcomes(club, NINA.user_id)) == 1


def test_the_bot_joining_is_not_welcomed(club: LocalClub) -> None:
    bot = club.emulator.bot_user_id
    club._settled(lambda: club.sender.member_joined_channel(bot, CLUB.channel_id))
    assert club.replies(club.dm_channel(NINA.user_id)) == []
    assert club.db is not None
    with club.db.transaction() as session:
        assert members.granted_roles(session, bot) == []
        assert session.query(WelcomeSent).count() == 0
