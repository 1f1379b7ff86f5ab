"""`/club exclude me`, `/club include me`, `/club forget me`: data gone, counts kept."""

from __future__ import annotations

from bot.local import CLUB, MEI, NINA, OLIVIA, PRIYA, LocalClub
from handlers import ids
from storage.encouragement.models import ClubCounter, Kudos, NudgeSetting, SentNudge, WelcomeSent
from storage.members.models import Member, RoleGrant
from storage.path import queries as progress
from storage.path.models import PathStepReached
from storage.privacy import forget_person


def rows_about(club: LocalClub, user: str) -> dict[str, int]:
    assert club.db is not None
    with club.db.transaction() as session:
        return {
            "member": session.query(Member).filter_by(user_id=user).count(),
            "roles": session.query(RoleGrant).filter_by(user_id=user).count(),
            "steps": session.query(PathStepReached).filter_by(user_id=user).count(),
            "nudges": session.query(SentNudge).filter_by(user_id=user).count(),
            "settings": session.query(NudgeSetting).filter_by(user_id=user).count(),
            "welcome": session.query(WelcomeSent).filter_by(user_id=user).count(),
            "kudos": session.query(Kudos)
            .filter((Kudos.giver_id == user) | (Kudos.receiver_id == user))
            .count(),
        }


def counter(club: LocalClub, name: str) -> int:
    assert club.db is not None
    with club.db.transaction() as session:
        row = session.get(ClubCounter, name)
        return row.value if row else 0


def a_full_life(club: LocalClub, user: str) -> None:
    """Welcomed, on the path, nudged, thanked and thanking, nudges off."""
    club._settled(lambda: club.sender.member_joined_channel(user, CLUB.channel_id))
    club.command(user, "progress")
    club.press(user, club.last_reply(), ids.PROGRESS_TICK_PREFIX + "read_guidelines")
    club.command(user, f"kudos <@{MEI.user_id}|mei> for the help")
    club.command(MEI.user_id, f"kudos <@{user}|x> for the questions")
    club.command(user, "nudges off")


def test_forget_me_asks_first_then_deletes_everything_and_keeps_counts(club: LocalClub) -> None:
    a_full_life(club, PRIYA.user_id)
    before = rows_about(club, PRIYA.user_id)
    assert before == {  # a member (no role rows), two steps (joined, read_guidelines), a nudge
        "member": 1, "roles": 0, "steps": 2, "nudges": 1, "settings": 1, "welcome": 1, "kudos": 2,
    }
    club.command(PRIYA.user_id, "forget me")
    question = club.last_reply()
    assert "Forget you?" in question["text"]
    assert rows_about(club, PRIYA.user_id) == before  # nothing yet

    club.press(PRIYA.user_id, question, ids.FORGET_CONFIRM)
    assert "I've deleted what I knew about you" in club.last_reply()["text"]
    assert set(rows_about(club, PRIYA.user_id).values()) == {0}
    assert counter(club, "kudos_given") == 2
    assert counter(club, "welcomes_sent") == 1
    assert counter(club, "nudges_sent") == 1
    assert counter(club, "people_forgotten") == 1
    assert rows_about(club, MEI.user_id)["kudos"] == 0  # the kudos between them are gone


def test_cancel_keeps_everything(club: LocalClub) -> None:
    a_full_life(club, PRIYA.user_id)
    before = rows_about(club, PRIYA.user_id)
    club.command(PRIYA.user_id, "forget me")
    club.press(PRIYA.user_id, club.last_reply(), ids.FORGET_CANCEL)
    assert "Cancelled" in club.last_reply()["text"]
    assert rows_about(club, PRIYA.user_id) == before


def test_someone_else_cannot_confirm_my_forget(club: LocalClub) -> None:
    a_full_life(club, PRIYA.user_id)
    club.command(PRIYA.user_id, "forget me")
    club.press(NINA.user_id, club.last_reply(), ids.FORGET_CONFIRM)
    assert "Only the person who asked" in club.last_reply()["text"]
    assert rows_about(club, PRIYA.user_id)["steps"] == 2


def test_the_last_organiser_cannot_be_forgotten(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "forget me")
    assert "last organiser" in club.last_reply()["text"]
    assert rows_about(club, OLIVIA.user_id)["roles"] == 1
    club.command(OLIVIA.user_id, f"organiser add <@{MEI.user_id}|mei>")
    club.command(OLIVIA.user_id, "forget me")
    club.press(OLIVIA.user_id, club.last_reply(), ids.FORGET_CONFIRM)
    assert rows_about(club, OLIVIA.user_id)["roles"] == 0


def test_forget_person_deletes_the_core_rows_and_ours(club: LocalClub) -> None:
    a_full_life(club, NINA.user_id)
    assert club.db is not None
    with club.db.transaction() as session:
        forget_person(session, NINA.user_id)
    assert set(rows_about(club, NINA.user_id).values()) == {0}


def test_exclude_me_stops_contact_and_survives_forget(club: LocalClub) -> None:
    club.command(PRIYA.user_id, "exclude me")
    assert "I won't contact you" in club.last_reply()["text"]
    club.command(PRIYA.user_id, "exclude me")
    assert "already excluded" in club.last_reply()["text"]
    club.command(PRIYA.user_id, "forget me")
    club.press(PRIYA.user_id, club.last_reply(), ids.FORGET_CONFIRM)
    assert club.bot.deps.notifier.is_excluded(PRIYA.user_id)
    assert club.db is not None
    with club.db.transaction() as session:
        progress.record_step(session, PRIYA.user_id, "read_guidelines", club.clock.now())
    club._settled(lambda: club.sender.member_joined_channel(PRIYA.user_id, CLUB.channel_id))
    club.tick()
    assert club.replies(club.dm_channel(PRIYA.user_id)) == []
    club.command(PRIYA.user_id, "include me")
    assert "Welcome back" in club.last_reply()["text"]
    club.command(PRIYA.user_id, "include me")
    assert "weren't excluded" in club.last_reply()["text"]


def test_privacy_commands_only_take_me(club: LocalClub) -> None:
    for verb in ("exclude", "include", "forget"):
        club.command(NINA.user_id, f"{verb} <@{PRIYA.user_id}|priya>")
        assert f"It's `/club {verb} me`" in club.last_reply()["text"]
        club.command(NINA.user_id, verb)
        assert f"It's `/club {verb} me`" in club.last_reply()["text"]
    assert not club.bot.deps.notifier.is_excluded(PRIYA.user_id)
