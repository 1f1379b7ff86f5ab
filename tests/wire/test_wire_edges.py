"""The edges of the wire: what reaches the events endpoint that is not a normal request.

Unsigned or badly signed → 401; signed but not what Slack sends → 400; ignored events →
200 and silence; a failing listener → 200 and an apology; a replay → executed once.
None of it leaves a traceback or a warning in the log.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta
from typing import Any

import pytest

from bot import events
from bot.edge import replay
from bot.emulator.sender import FORM, JSON
from bot.encouragement import kudos
from bot.faq import asking as faq
from bot.local import CLUB, MARCO, MENTORS, NINA, RANDOM, LocalClub
from storage.encouragement.models import Kudos
from storage.members.models import ProcessedEvent


def kudos_rows(club: LocalClub) -> int:
    assert club.db is not None
    with club.db.transaction() as session:
        return session.query(Kudos).count()


def request_keys(club: LocalClub) -> list[str]:
    assert club.db is not None
    with club.db.transaction() as session:
        ids = [row.event_id for row in session.query(ProcessedEvent)]
    return [i for i in ids if i.startswith(("sig:", "trg:"))]


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert "Traceback" not in caplog.text


SIGNED_BUT_MALFORMED = {
    "not JSON": (b"hello{", JSON),
    "a JSON list": (b"[1, 2, 3]", JSON),
    "a JSON string": (b'"event_callback"', JSON),
    "invalid UTF-8 in JSON": (b'{"type": "\xff\xfe"}', JSON),
    "invalid UTF-8 in a form": (b"command=%2Fclub&text=%FF%FE", FORM),
    "form data that is not form data": (b"\x00\x01garbage", FORM),
    "a payload that is not JSON": (b"payload=%7Bnope", FORM),
    "a payload that is a JSON list": (b"payload=%5B1%5D", FORM),
    "neither JSON nor form": (b"type=event_callback", "text/plain"),
    "JSON nested too deep": (b"[" * 100_000 + b"]" * 100_000, JSON),
}


@pytest.mark.parametrize("case", list(SIGNED_BUT_MALFORMED))
def test_a_signed_body_slack_never_sends_gets_400_without_a_traceback(
    club: LocalClub, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    body, content_type = SIGNED_BUT_MALFORMED[case]
    with caplog.at_level(logging.INFO):
        delivery = club.sender.deliver(body, content_type)
        club.settle()
    assert delivery.status == 400, delivery.body
    no_tracebacks(caplog)
    assert club.emulator.calls_to("chat.postMessage") == []


def test_a_timestamp_that_is_not_a_number_gets_400(
    club: LocalClub, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        delivery = club.sender.deliver(b'{"type": "event_callback"}', JSON, timestamp="soon")
    assert delivery.status == 400
    no_tracebacks(caplog)


@pytest.mark.parametrize("case", list(SIGNED_BUT_MALFORMED))
def test_the_same_bodies_unsigned_get_401(
    club: LocalClub, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    body, content_type = SIGNED_BUT_MALFORMED[case]
    with caplog.at_level(logging.INFO):
        unsigned = club.sender.deliver(body, content_type, sign=False)
        forged = club.sender.deliver(
            body, content_type, {"X-Slack-Signature": "v0=" + "ab" * 32}, sign=False
        )
    assert (unsigned.status, forged.status) == (401, 401)
    no_tracebacks(caplog)


def test_a_forged_signature_with_a_word_for_a_timestamp_gets_401(club: LocalClub) -> None:
    delivery = club.sender.deliver(
        b"{}", JSON, {"X-Slack-Signature": "v0=" + "0" * 64}, sign=False, timestamp="soon"
    )
    assert delivery.status == 401


def test_fields_of_the_wrong_type_get_400_not_500(
    club: LocalClub, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        delivery = club.sender.deliver(
            json.dumps({"type": "event_callback", "authorizations": 7, "event": "x"}).encode(),
            JSON,
        )
        club.settle()
    assert delivery.status in (200, 400)
    no_tracebacks(caplog)


def test_a_body_larger_than_slack_ever_sends_is_refused(club: LocalClub) -> None:
    delivery = club.sender.deliver(b'{"text": "' + b"x" * (2 * 1024 * 1024) + b'"}', JSON)
    assert delivery.status == 413


# ------------------------------------------------------------------ ignored events


def test_events_the_bot_ignores_get_200_and_no_warning(
    club: LocalClub, caplog: pytest.LogCaptureFixture
) -> None:
    bot = club.emulator.bot_user_id
    with caplog.at_level(logging.INFO):
        answers = [
            club.say(NINA.user_id, "see you all at the meetup", channel=MENTORS.channel_id),
            club.say(NINA.user_id, "lunch anyone?", channel=RANDOM.channel_id),
            club.say(NINA.user_id, "a thread reply", channel=CLUB.channel_id, thread_ts="1.2"),
            club.event({"type": "reaction_added", "user": NINA.user_id, "reaction": "tada",
                        "item": {"type": "message", "channel": CLUB.channel_id, "ts": "1.2"},
                        "event_ts": "1.3"}),
            club.event({"type": "message", "subtype": "message_changed",
                        "channel": CLUB.channel_id, "channel_type": "channel",
                        "message": {"text": "edited", "user": NINA.user_id}, "ts": "1.4"}),
            club.event({"type": "message", "subtype": "bot_message", "bot_id": "B0OTHER",
                        "text": "beep", "channel": CLUB.channel_id, "ts": "1.5",
                        "channel_type": "channel"}),
            club.event({"type": "message", "user": bot, "text": "my own words",
                        "channel": CLUB.channel_id, "ts": "1.6", "channel_type": "channel"}),
        ]
    assert [a.status for a in answers] == [200] * len(answers)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert "Unhandled request" not in caplog.text
    assert club.emulator.calls_to("chat.postMessage") == []


def test_an_unknown_kind_of_interaction_gets_200_and_no_warning(
    club: LocalClub, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        delivery = club.sender.block_action(NINA.user_id, "no_such_button", value="1",
                                            channel_id=CLUB.channel_id)
        club.settle()
    assert delivery.status == 200
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


# ------------------------------------------------------------------ failures after ack


def test_a_dm_answer_that_fails_after_ack_gets_200_and_the_apology(
    club: LocalClub, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("matcher on fire")

    monkeypatch.setattr(faq, "ask", explode)
    with caplog.at_level(logging.ERROR, logger="clubbot.errors"):
        delivery = club.dm(NINA.user_id, "how do I start a blog?")
    assert delivery.status == 200
    (apology,) = club.replies(club.dm_channel(NINA.user_id))
    assert "Sorry, something went wrong" in apology["text"]
    error_id = apology["text"].split("error id `")[1].split("`")[0]
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_button_that_fails_after_ack_gets_200_and_the_apology(
    club: LocalClub, monkeypatch: pytest.MonkeyPatch
) -> None:
    club.dm(NINA.user_id, "how do I start a blog?")
    (answer,) = club.replies(club.dm_channel(NINA.user_id))

    def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("votes on fire")

    monkeypatch.setattr(faq, "vote", explode)
    delivery = club.press(NINA.user_id, answer, "faq_helpful")
    assert delivery.status == 200
    said = [c.args.get("text", "") for c in club.emulator.calls_to("response_url")]
    assert any("Sorry, something went wrong" in text for text in said)


def test_a_form_that_fails_before_its_ack_gets_200_at_once_and_the_apology(
    club: LocalClub,
) -> None:
    def explode(ack: Any) -> None:
        raise RuntimeError("form on fire")  # before ack(), as a submission handler would

    club.bot.bolt.view("edges_boom")(explode)
    started = time.monotonic()
    delivery = club.sender.view_submission(NINA.user_id, "edges_boom", {})
    club.settle()
    assert delivery.status == 200
    assert time.monotonic() - started < 3  # not Bolt's 3-second wait for an ack
    (apology,) = club.replies(club.dm_channel(NINA.user_id))
    assert "Sorry, something went wrong" in apology["text"]


# ------------------------------------------------------------------ replays


def _kudos(club: LocalClub) -> Any:
    return club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the tour")


def test_a_replayed_signed_command_is_executed_once(club: LocalClub) -> None:
    first = _kudos(club)
    assert first.status == 200 and kudos_rows(club) == 1
    for _ in range(5):  # the captured bytes and headers, word for word
        again = club.sender.deliver(first.sent, first.content_type, first.sent_headers,
                                    sign=False)
        club.settle()
        assert again.status == 200
    assert kudos_rows(club) == 1
    assert kudos.kudos_counts(club.bot.deps.db).received == {MARCO.user_id: 1}


def test_the_same_trigger_id_signed_again_is_executed_once(club: LocalClub) -> None:
    first = _kudos(club)
    later = str(int(time.time()) - 30)  # another valid signature over the same body
    again = club.sender.deliver(first.sent, first.content_type, timestamp=later)
    club.settle()
    assert again.status == 200
    assert kudos_rows(club) == 1


def test_a_replay_is_refused_by_another_replica_too(club: LocalClub) -> None:
    first = _kudos(club)
    club.restart()  # a new process on the same database, as a second replica would be
    club.sender.deliver(first.sent, first.content_type, first.sent_headers, sign=False)
    club.settle()
    assert kudos_rows(club) == 1


def test_replayed_button_presses_count_once(club: LocalClub) -> None:
    club.dm(NINA.user_id, "how do I start a blog?")
    (answer,) = club.replies(club.dm_channel(NINA.user_id))
    press = club.press(NINA.user_id, answer, "faq_helpful")
    votes_before = len(club.emulator.calls_to("response_url"))
    club.sender.deliver(press.sent, press.content_type, press.sent_headers, sign=False)
    club.settle()
    assert len(club.emulator.calls_to("response_url")) == votes_before


def test_remembered_requests_expire_with_the_event_ids(club: LocalClub) -> None:
    _kudos(club)
    assert len(request_keys(club)) == 2  # its signature and its trigger_id
    club.clock.advance(timedelta(days=2))
    events.prune_processed_events(club.bot.deps.db, club.clock.now())  # the daily job
    assert request_keys(club) == []


def test_request_keys_name_the_signature_and_the_trigger() -> None:
    keys = replay.request_keys({"x-slack-signature": ["v0=abc"]}, {"trigger_id": "1.2.x"})
    assert [k[:4] for k in keys] == ["sig:", "trg:"]
    assert all(len(k) == 64 for k in keys)
    assert replay.request_keys({}, {"type": "event_callback"}) == []
