"""The bot on Slack's wire: signatures, retries, help, refusals, errors, rate limits."""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta
from typing import Any

import pytest

from bot import slack_client
from bot.clock import ManualClock
from bot.local import CLUB, MEI, NINA, OLIVIA, LocalClub
from bot.roles import grants as roles
from storage.members.models import Member


def response_posts(club: LocalClub) -> list[dict[str, Any]]:
    return [call.args for call in club.emulator.calls_to("response_url")]


def last_response_text(club: LocalClub) -> str:
    posts = response_posts(club)
    assert posts, "the bot did not answer through response_url"
    post = posts[-1]
    return post.get("text", "") + json.dumps(post.get("blocks", []))


def member_rows(club: LocalClub) -> int:
    assert club.db is not None
    with club.db.transaction() as session:
        return session.query(Member).count()


def test_a_forged_signature_is_refused_and_changes_nothing(club: LocalClub) -> None:
    before = member_rows(club)
    delivery = club.sender.command("help", user_id=NINA.user_id, channel_id=CLUB.channel_id)
    forged = club.sender.deliver(
        delivery.sent,
        delivery.content_type,
        {**delivery.sent_headers, "X-Slack-Signature": "v0=" + "0" * 64},
        sign=False,
    )
    club.settle()
    assert forged.status == 401
    calls_before = len(response_posts(club))
    assert calls_before == 1  # only the genuine one was answered
    assert member_rows(club) == before + 1


def test_an_unsigned_request_is_refused(club: LocalClub) -> None:
    before = member_rows(club)
    delivery = club.sender.deliver(
        b"token=x&command=%2Fclub&text=help", "application/x-www-form-urlencoded", sign=False
    )
    club.settle()
    assert delivery.status == 401
    assert response_posts(club) == []
    assert member_rows(club) == before


def test_a_timestamp_older_than_five_minutes_is_refused(club: LocalClub) -> None:
    import time

    stale = str(int(time.time()) - 6 * 60)
    delivery = club.sender.deliver(
        b"command=%2Fclub&text=help&user_id=U0NINA&channel_id=C0CLUB",
        "application/x-www-form-urlencoded",
        timestamp=stale,
    )
    club.settle()
    assert delivery.status == 401
    assert response_posts(club) == []


def test_url_verification_is_answered(club: LocalClub) -> None:
    delivery = club.sender.url_verification("challenge-xyz")
    assert delivery.status == 200
    assert "challenge-xyz" in delivery.body


def test_the_same_event_retried_is_handled_once_even_after_a_restart(club: LocalClub) -> None:
    # A listener of the test's own, on an event no feature uses, isolates the dedup middleware.
    seen: list[str] = []

    def record(event: dict[str, Any]) -> None:
        seen.append(event["reaction"])

    reaction = {
        "type": "reaction_added", "user": NINA.user_id, "reaction": "tada",
        "item": {"type": "message", "channel": CLUB.channel_id, "ts": "1.000001"},
        "event_ts": "1.000002",
    }
    club.bot.bolt.event("reaction_added")(record)
    first = club.event(reaction)
    club.redeliver(first, retry_num=1)
    assert seen == ["tada"]

    club.restart()
    club.bot.bolt.event("reaction_added")(record)
    retry = club.redeliver(first, retry_num=2)
    assert retry.status == 200
    assert seen == ["tada"]

    club.event(reaction)  # a new event id is a new event
    assert seen == ["tada", "tada"]


def test_help_lists_only_what_the_caller_may_use(club: LocalClub) -> None:
    club.command(NINA.user_id, "help")
    member_help = last_response_text(club)
    assert response_posts(club)[-1].get("response_type") == "ephemeral"
    assert "organiser list" in member_help
    assert "organiser add" not in member_help

    club.command(OLIVIA.user_id, "help")
    organiser_help = last_response_text(club)
    assert "organiser add" in organiser_help


def test_an_empty_command_shows_help(club: LocalClub) -> None:
    club.command(NINA.user_id, "")
    assert "what you can ask me" in last_response_text(club)


def test_an_unknown_subcommand_suggests_the_closest(club: LocalClub) -> None:
    club.command(NINA.user_id, "halp")
    text = last_response_text(club)
    assert "I don't know `/club halp`" in text
    assert "Did you mean `/club help`" in text


def test_an_organiser_command_by_a_member_is_refused_and_changes_nothing(club: LocalClub) -> None:
    club.command(NINA.user_id, f"organiser add <@{MEI.user_id}|mei>")
    assert "Only organisers can use `/club organiser add`" in last_response_text(club)
    assert club.bot is not None
    assert roles.roles_for(club.bot.deps.db, MEI.user_id) == roles.roles_for(
        club.bot.deps.db, "U0NOBODY"
    )


def test_organisers_add_and_remove_organisers_but_never_the_last(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, f"organiser add <@{MEI.user_id}|mei>")
    assert "is now an organiser" in last_response_text(club)
    told = club.emulator.calls_to("chat.postMessage")[-1].args
    assert "made you an organiser" in told["text"]

    club.command(OLIVIA.user_id, f"organiser add <@{MEI.user_id}|mei>")
    assert "already an organiser" in last_response_text(club)

    club.command(MEI.user_id, f"organiser remove <@{OLIVIA.user_id}|olivia>")
    assert "no longer an organiser" in last_response_text(club)

    club.command(MEI.user_id, f"organiser remove <@{MEI.user_id}|mei>")
    assert "the last organiser" in last_response_text(club)
    assert roles.organisers(club.bot.deps.db) == [MEI.user_id]


def test_organiser_add_without_a_person_explains_the_form(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "organiser add mei")
    assert "Tell me whom to add" in last_response_text(club)
    assert roles.organisers(club.bot.deps.db) == [OLIVIA.user_id]


def test_an_exception_in_a_handler_apologises_with_an_error_id(
    club: LocalClub, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(roles, "add_organiser", explode)
    with caplog.at_level(logging.ERROR, logger="clubbot.errors"):
        delivery = club.command(OLIVIA.user_id, f"organiser add <@{MEI.user_id}|mei>")
    assert delivery.status == 200  # Slack was acknowledged before the failure
    text = last_response_text(club)
    assert "Sorry, something went wrong" in text
    error_id = text.split("error id `")[1].split("`")[0]
    record = next(r for r in caplog.records if error_id in r.getMessage())
    assert record.exc_info is not None
    assert "database on fire" in str(record.exc_info[1])


def test_a_rate_limited_call_is_retried_after_retry_after_and_delivered_once(
    club: LocalClub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A direct call that must be immediate (views.open with a trigger_id, which expires
    in seconds) waits out Retry-After in the client. (The App Home's views.publish waits
    in the database instead: tests/wire/test_home_pacing.py.)"""
    waited: list[float] = []
    monkeypatch.setattr(slack_client, "wait_out", lambda _stopping, s: bool(waited.append(s)))
    club.emulator.rate_limit_next("views.open", retry_after=3)
    club.command(OLIVIA.user_id, "meeting schedule")
    attempts = club.emulator.calls_to("views.open")
    assert [call.ok for call in attempts] == [False, True]
    assert len(waited) == 1 and waited[0] >= 3


def test_a_rate_limited_outbox_message_is_sent_after_retry_after_once(
    club: LocalClub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The organiser's notice goes through the outbox: no thread sleeps; the row waits
    as long as Retry-After says and is then sent once."""
    waited: list[float] = []
    monkeypatch.setattr(slack_client, "wait_out", lambda _stopping, s: bool(waited.append(s)))
    club.emulator.rate_limit_next("chat.postMessage", retry_after=3)
    club.command(OLIVIA.user_id, f"organiser add <@{MEI.user_id}|mei>")
    assert [call.ok for call in club.emulator.calls_to("chat.postMessage")] == [False]
    club.advance(timedelta(seconds=2), step=timedelta(seconds=1))
    assert [call.ok for call in club.emulator.calls_to("chat.postMessage")] == [False]
    club.advance(timedelta(seconds=2), step=timedelta(seconds=1))
    assert [call.ok for call in club.emulator.calls_to("chat.postMessage")] == [False, True]
    assert waited == []
    delivered = [m for m in club.replies() if "made you an organiser" in m.get("text", "")]
    assert len(delivered) == 1


def test_a_health_check_answers_when_the_database_does(club: LocalClub) -> None:
    import urllib.request

    url = club.sender.app_url.replace("/slack/events", "/healthz")
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read())["database"] == "up"


def test_a_stopped_club_leaves_no_threads_behind(database_url: str, clock: ManualClock) -> None:
    """Tests, the console and restarts start and stop the bot's server many times: every
    thread it started (waitress workers included) must end with it."""
    before = set(threading.enumerate())
    with LocalClub(database_url, clock) as club:
        club.command(NINA.user_id, "help")
        club.restart()
        club.command(NINA.user_id, "help")
    left = [t.name for t in set(threading.enumerate()) - before if t.is_alive()]
    assert left == []
