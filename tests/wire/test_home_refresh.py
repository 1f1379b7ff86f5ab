"""The App Home follows changes made anywhere, without republishing needlessly."""

from __future__ import annotations

import json

from bot.local import NINA, SAM, LocalClub


def publishes_for(club: LocalClub, user_id: str) -> list[str]:
    return [
        json.dumps(call.args.get("view"))
        for call in club.emulator.calls_to("views.publish")
        if call.args.get("user_id") == user_id and call.ok
    ]


def test_a_question_asked_in_a_dm_appears_on_an_opened_home(club: LocalClub) -> None:
    club.event(
        {
            "type": "app_home_opened",
            "user": NINA.user_id,
            "tab": "home",
            "channel": club.dm_channel(NINA.user_id),
            "event_ts": "1.000001",
        }
    )
    assert len(publishes_for(club, NINA.user_id)) == 1

    club.dm(NINA.user_id, "how do I start a blog?")
    homes = publishes_for(club, NINA.user_id)
    assert len(homes) == 2
    assert "start a blog" in homes[-1]


def test_nothing_changed_means_no_republish(club: LocalClub) -> None:
    club.command(NINA.user_id, "help")  # her first command in the club channel: "joined"
    club.event(
        {
            "type": "app_home_opened",
            "user": NINA.user_id,
            "tab": "home",
            "channel": club.dm_channel(NINA.user_id),
            "event_ts": "1.000001",
        }
    )
    club.command(NINA.user_id, "help")
    assert len(publishes_for(club, NINA.user_id)) == 1


def test_a_person_who_never_opened_the_home_gets_none_published(club: LocalClub) -> None:
    club.dm(SAM.user_id, "how do I start a blog?")
    assert publishes_for(club, SAM.user_id) == []
