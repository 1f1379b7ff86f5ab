"""SlackSender signs and shapes requests the way Slack does."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk.signature import Clock, SignatureVerifier

from bot.emulator import SlackEmulator, SlackSender
from bot.emulator.stub_app import StubApp
from bot.emulator.view_state import state_values

SECRET = "test-signing-secret"
CLOCK = 1_700_000_000.0  # the emu fixture's frozen clock (conftest.NOW)


@pytest.fixture
def sender(emu: SlackEmulator, receiver: StubApp) -> SlackSender:
    return SlackSender(receiver.url, SECRET, emu, clock=lambda: CLOCK)


def form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode()).items()}


def interaction(body: bytes) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(form(body)["payload"])
    return payload


def test_signature_verifies_with_slack_sdk(sender: SlackSender, receiver: StubApp) -> None:
    delivery = sender.message("U1", "hello", "C1")
    assert delivery.status == 200 and delivery.body == "ok"
    (got,) = receiver.requests
    verifier = SignatureVerifier(SECRET, clock=_FixedClock())
    assert verifier.is_valid_request(got.body, got.headers)
    assert not SignatureVerifier("other", clock=_FixedClock()).is_valid_request(
        got.body, got.headers
    )


class _FixedClock(Clock):
    def now(self) -> float:
        return CLOCK


def test_event_envelope_and_retry_headers(
    emu: SlackEmulator, sender: SlackSender, receiver: StubApp
) -> None:
    first = sender.message("U1", "hi", emu.dm_channel_id("U1"), channel_type="im")
    retry = sender.redeliver(first, retry_num=1)
    assert retry.event_id == first.event_id
    sent = json.loads(receiver.requests[0].body)
    assert sent["type"] == "event_callback" and sent["event_id"].startswith("Ev")
    assert sent["authorizations"][0]["user_id"] == "UBOT"
    assert sent["event"]["channel_type"] == "im" and sent["event"]["user"] == "U1"
    assert receiver.requests[1].body == receiver.requests[0].body
    assert receiver.requests[1].headers["X-Slack-Retry-Num"] == "1"
    assert receiver.requests[1].headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert "X-Slack-Retry-Num" not in receiver.requests[0].headers


def test_user_messages_are_stored_for_threads_and_permalinks(
    emu: SlackEmulator, sender: SlackSender
) -> None:
    root = sender.message("U1", "question?", "C1").payload["event"]
    reply = sender.message("U2", "answer", "C1", thread_ts=root["ts"]).payload["event"]
    assert reply["parent_user_id"] == "U1" and reply["ts"] > root["ts"]
    stored = emu.stored_message("C1", root["ts"])
    assert stored is not None and stored["reply_count"] == 1


def test_app_mention_mentions_the_bot(sender: SlackSender) -> None:
    event = sender.app_mention("U1", "help", "C1").payload["event"]
    assert event["type"] == "app_mention" and event["text"] == "<@UBOT> help"


def test_member_joined_channel_updates_the_directory(
    emu: SlackEmulator, sender: SlackSender
) -> None:
    sender.member_joined_channel("U3", "C1")
    assert "U3" in emu.workspace.channel("C1").members


def test_command_is_form_encoded_with_response_url(
    emu: SlackEmulator, sender: SlackSender, receiver: StubApp
) -> None:
    delivery = sender.command("mentor", "U1", "C1")
    sent = form(receiver.requests[0].body)
    assert sent["command"] == "/club" and sent["text"] == "mentor"
    assert sent["user_name"] == "alice" and sent["channel_name"] == "club"
    assert sent["response_url"] == delivery.response_url
    assert delivery.response_url is not None and delivery.response_url.startswith(emu.base_url)
    assert sent["trigger_id"] == delivery.trigger_id


def test_forged_requests(sender: SlackSender, receiver: StubApp) -> None:
    sender.deliver(b"{}", "application/json", sign=False)
    sender.deliver(b"{}", "application/json", timestamp=int(CLOCK) - 600)
    unsigned, old = receiver.requests
    assert "X-Slack-Signature" not in unsigned.headers
    assert old.headers["X-Slack-Request-Timestamp"] == str(int(CLOCK) - 600)


def test_non_2xx_is_returned_not_raised(sender: SlackSender, receiver: StubApp) -> None:
    receiver.status = 401
    assert sender.url_verification("abc").status == 401


def button_message(emu: SlackEmulator) -> dict[str, Any]:
    blocks = [
        {
            "type": "actions",
            "block_id": "pair",
            "elements": [
                {
                    "type": "button",
                    "action_id": "accept",
                    "value": "pairing-7",
                    "text": {"type": "plain_text", "text": "Accept"},
                }
            ],
        }
    ]
    from slack_sdk import WebClient

    WebClient(base_url=emu.api_url, token=emu.bot_token).chat_postMessage(
        channel="C1", text="pair?", blocks=blocks
    )
    return emu.messages("C1")[-1]


def test_press_a_button_in_a_message(
    emu: SlackEmulator, sender: SlackSender, receiver: StubApp
) -> None:
    message = button_message(emu)
    delivery = sender.press("U2", message, "accept")
    payload = interaction(receiver.requests[0].body)
    assert payload["type"] == "block_actions"
    assert payload["actions"][0] | {"action_ts": ""} == {
        "action_id": "accept",
        "block_id": "pair",
        "type": "button",
        "value": "pairing-7",
        "action_ts": "",
    }
    assert payload["container"] == {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": "C1",
        "is_ephemeral": False,
    }
    assert payload["message"]["ts"] == message["ts"] and payload["user"]["username"] == "bob"
    assert payload["response_url"] == delivery.response_url


def test_press_unknown_action_fails_loudly(emu: SlackEmulator, sender: SlackSender) -> None:
    with pytest.raises(ValueError, match="accept"):
        sender.press("U2", button_message(emu), "decline")


FORM_VIEW: dict[str, Any] = {
    "type": "modal",
    "callback_id": "meeting",
    "private_metadata": "club=1",
    "title": {"type": "plain_text", "text": "Meeting"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "T"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "kind",
            "label": {"type": "plain_text", "text": "K"},
            "element": {
                "type": "static_select",
                "action_id": "pick",
                "options": [
                    {"text": {"type": "plain_text", "text": "Talk"}, "value": "talk"},
                    {"text": {"type": "plain_text", "text": "Social"}, "value": "social"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "day",
            "label": {"type": "plain_text", "text": "D"},
            "element": {"type": "datepicker", "action_id": "date", "initial_date": "2024-01-01"},
        },
        {
            "type": "input",
            "block_id": "who",
            "label": {"type": "plain_text", "text": "W"},
            "element": {"type": "multi_users_select", "action_id": "users"},
        },
    ],
}


def test_state_values_follow_slack_shapes() -> None:
    values = state_values(FORM_VIEW, {"title": "Spring social", "pick": "social", "who": "U1"})
    assert values["title"]["value"] == {"type": "plain_text_input", "value": "Spring social"}
    assert values["kind"]["pick"]["selected_option"]["value"] == "social"
    assert values["day"]["date"] == {"type": "datepicker", "selected_date": "2024-01-01"}
    assert values["who"]["users"] == {"type": "multi_users_select", "selected_users": ["U1"]}
    with pytest.raises(ValueError, match="party"):
        state_values(FORM_VIEW, {"kind": "party"})
    with pytest.raises(ValueError, match="titel"):
        state_values(FORM_VIEW, {"titel": "typo"})


def test_submit_a_modal_the_bot_opened(
    emu: SlackEmulator, sender: SlackSender, receiver: StubApp
) -> None:
    from slack_sdk import WebClient

    client = WebClient(base_url=emu.api_url, token=emu.bot_token)
    opened = client.views_open(trigger_id=emu.new_trigger_id(), view=FORM_VIEW)["view"]
    call = emu.last_call("views.open")
    assert call is not None
    sender.submit("U1", call.args["view"], {"title": "AGM", "kind": "talk"})
    payload = interaction(receiver.requests[0].body)
    assert payload["type"] == "view_submission"
    view = payload["view"]
    assert view["id"] == opened["id"] and view["callback_id"] == "meeting"
    assert view["private_metadata"] == "club=1"
    assert view["state"]["values"]["title"]["value"]["value"] == "AGM"
    sender.view_closed("U1", opened)
    assert interaction(receiver.requests[1].body)["type"] == "view_closed"
