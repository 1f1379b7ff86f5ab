"""Mentoring's messages on their way out through the outbox: a mentor Slack no longer
knows is tried once per offer, organisers are told once, and the requests still move on;
a passing error is retried and the offer lands once; an organiser who chose the mentor
hears when the offer ends without a pairing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.local import MARCO, MEI, NINA, OLIVIA, SAM, LocalClub, Person
from storage.delivery.models import Delivery
from tests.wire.test_mentoring import (
    ask,
    decline,
    dm_messages,
    mentors_ready,
    offers_to,
    sign_up,
)

GHOST = Person("U0GHOST", "ghost", "Ghost Mentor", "UTC")


def _offer_rows(club: LocalClub) -> list[tuple[str, int, str | None]]:
    assert club.db is not None
    with club.db.transaction() as session:
        rows = session.scalars(select(Delivery).where(Delivery.purpose == "mentoring.offer"))
        return [(row.status, row.attempts, row.last_error) for row in rows]


def test_offers_to_a_mentor_slack_no_longer_knows_are_tried_once_and_organisers_told_once(
    club: LocalClub,
) -> None:
    club.emulator.add_user(GHOST.user_id, GHOST.name)
    sign_up(club, GHOST, "blogging")
    with club.emulator.workspace.lock:  # they left the company: Slack no longer knows them
        del club.emulator.workspace.users[GHOST.user_id]
    club.emulator.clear_calls()
    ask(club, NINA, "blogging")
    ask(club, SAM, "blogging")
    club.advance(timedelta(hours=25), step=timedelta(minutes=30))  # past the offers' timeout
    # One try per offer: user_not_found is permanent.
    assert _offer_rows(club) == [("failed", 1, "user_not_found")] * 2
    told = [m for m in dm_messages(club, OLIVIA) if "couldn't deliver" in m["text"]]
    assert len(told) == 1, told
    assert "a mentoring offer" in told[0]["text"] and f"<@{GHOST.user_id}>" in told[0]["text"]
    assert "Slack doesn't know that person" in told[0]["text"]
    # The offers still timed out and moved on: with nobody else, both mentees hear it.
    for mentee in (NINA, SAM):
        said = [m["text"] for m in dm_messages(club, mentee)]
        assert sum("couldn't find you a mentor" in text for text in said) == 1, said


def test_an_offer_slack_refused_for_a_passing_reason_lands_once_after_a_backoff(
    club: LocalClub,
) -> None:
    sign_up(club, MEI, "blogging")
    club.emulator.fail_next("chat.postMessage", "internal_error")
    ask(club, NINA, "blogging")
    assert offers_to(club, MEI) == []
    club.advance(timedelta(minutes=2), step=timedelta(seconds=10))
    assert len(offers_to(club, MEI)) == 1


def test_an_organiser_who_paired_by_hand_hears_when_the_offer_ends_without_a_pairing(
    club: LocalClub,
) -> None:
    """`/club pair` answers "I'll tell you here if they decline or don't answer": they are."""
    mentors_ready(club)
    ask(club, NINA, "blogging, video")
    club.command(OLIVIA.user_id, f"pair <@{NINA.user_id}|nina> <@{MEI.user_id}|mei>")
    decline(club, MEI)
    club.command(OLIVIA.user_id, f"pair <@{SAM.user_id}|sam> <@{MARCO.user_id}|marco>")
    club.advance(timedelta(hours=25), step=timedelta(minutes=30))  # MARCO never answers

    def told(mentee: Person, mentor: Person) -> list[str]:
        start = f"Your offer of <@{mentee.user_id}> to <@{mentor.user_id}> has ended"
        return [m["text"] for m in dm_messages(club, OLIVIA) if m["text"].startswith(start)]

    assert [("they declined" in text) for text in told(NINA, MEI)] == [True]
    assert [("didn't answer in time" in text) for text in told(SAM, MARCO)] == [True]
    # The ranked offer MARCO had for NINA, withdrawn by the organiser's choice: no notice.
    assert told(NINA, MARCO) == []
