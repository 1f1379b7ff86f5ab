"""The emulator answers a real slack_sdk WebClient the way Slack would."""

from __future__ import annotations

import json
import random
import urllib.error
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.emulator import SlackEmulator

NOW = 1_700_000_000.0  # the emu fixture's frozen clock (conftest.NOW)


def error_of(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as caught:
        call()
    data: dict[str, Any] = caught.value.response.data
    return data


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_post_message_is_recorded_with_its_ts(emu: SlackEmulator, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="hello", blocks=[section("hello")])
    second = client.chat_postMessage(channel="C1", text="again")

    assert first["ok"] and first["message"]["text"] == "hello"
    assert first["ts"] < second["ts"]  # monotonic even on a frozen clock
    assert first["ts"].startswith(str(int(NOW)))
    call = emu.last_call("chat.postMessage")
    assert call is not None and call.args == {"channel": "C1", "text": "again"}
    assert [m["text"] for m in emu.messages("C1")] == ["hello", "again"]
    assert emu.messages("C1")[0]["ts"] == first["ts"]


def test_unknown_method_is_a_404(emu: SlackEmulator, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.api_call("chat.postMesage")
    assert caught.value.response.status_code == 404
    assert caught.value.response["error"] == "unknown_method"
    assert emu.calls[-1].method == "chat.postMesage" and not emu.calls[-1].ok


def test_missing_required_argument(client: WebClient) -> None:
    data = error_of(lambda: client.api_call("chat.scheduleMessage", json={"text": "x"}))
    assert data["error"] == "invalid_arguments"
    assert data["response_metadata"]["messages"] == [
        "[ERROR] missing required field: channel",
        "[ERROR] missing required field: post_at",
    ]


def test_tokens_are_checked(emu: SlackEmulator) -> None:
    assert error_of(WebClient(base_url=emu.api_url).auth_test)["error"] == "not_authed"
    wrong = WebClient(base_url=emu.api_url, token="xoxb-wrong")
    assert error_of(wrong.auth_test)["error"] == "invalid_auth"
    assert WebClient(base_url=emu.api_url).api_test()["ok"]  # api.test needs no token


def test_message_needs_content(client: WebClient) -> None:
    assert (
        error_of(lambda: client.api_call("chat.postMessage", json={"channel": "C1"}))["error"]
        == "no_text"
    )


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([section("x")] * 51, "/blocks"),
        ([section("x" * 3001)], "/blocks/0/text/text"),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "b" * 76},
                            "action_id": "a",
                        }
                    ],
                }
            ],
            "/blocks/0/elements/0/text/text",
        ),
    ],
)
def test_block_kit_limits_in_messages(client: WebClient, blocks: list[Any], pointer: str) -> None:
    data = error_of(lambda: client.chat_postMessage(channel="C1", text="t", blocks=blocks))
    assert data["error"] == "invalid_blocks"
    assert any(pointer in m for m in data["response_metadata"]["messages"])


def modal(title: str = "Ask", blocks: list[Any] | None = None) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "ask",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": blocks if blocks is not None else [section("hi")],
    }


def test_views_open_needs_a_fresh_trigger(emu: SlackEmulator, client: WebClient) -> None:
    trigger = emu.new_trigger_id()
    opened = client.views_open(trigger_id=trigger, view=modal())
    assert opened["view"]["id"].startswith("V") and opened["view"]["callback_id"] == "ask"
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal()))["error"] == (
        "exchanged_trigger_id"
    )
    bogus = error_of(lambda: client.views_open(trigger_id="123.456", view=modal()))
    assert bogus["error"] == "invalid_trigger_id"

    updated = client.views_update(view_id=opened["view"]["id"], view=modal("Asked"))
    assert updated["view"]["id"] == opened["view"]["id"]
    assert updated["view"]["title"]["text"] == "Asked"


@pytest.mark.parametrize(
    "view", [modal("A title that is too long!"), modal(blocks=[section("x")] * 101)]
)
def test_block_kit_limits_in_views(
    emu: SlackEmulator, client: WebClient, view: dict[str, Any]
) -> None:
    data = error_of(lambda: client.views_open(trigger_id=emu.new_trigger_id(), view=view))
    assert data["error"] == "invalid_arguments"


def test_home_tab_is_published_per_user(emu: SlackEmulator, client: WebClient) -> None:
    home = {"type": "home", "blocks": [section("Welcome")]}
    first = client.views_publish(user_id="U1", view=home)
    again = client.views_publish(user_id="U1", view=home)
    assert first["view"]["id"] == again["view"]["id"]
    assert emu.home_view("U1") is not None
    assert error_of(lambda: client.views_publish(user_id="U9", view=home))["error"] == (
        "user_not_found"
    )


def test_update_and_delete_act_on_stored_messages(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="v1")
    updated = client.chat_update(channel="C1", ts=posted["ts"], text="v2")
    assert updated["message"]["text"] == "v2"
    client.chat_delete(channel="C1", ts=posted["ts"])
    gone = error_of(lambda: client.chat_update(channel="C1", ts=posted["ts"], text="v3"))
    assert gone["error"] == "message_not_found"


def test_ephemeral_only_reaches_channel_members(emu: SlackEmulator, client: WebClient) -> None:
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    outsider = error_of(lambda: client.chat_postEphemeral(channel="C1", user="U3", text="psst"))
    assert outsider["error"] == "user_not_in_channel"
    dm = emu.dm_channel_id("U3")
    assert client.chat_postEphemeral(channel=dm, user="U3", text="psst")["ok"]


def test_rate_limit_is_retried_and_delivered_once(
    emu: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The SDK sleeps Retry-After plus random() seconds; pin the jitter to keep this instant.
    monkeypatch.setattr(random, "random", lambda: 0.0)
    client = WebClient(
        base_url=emu.api_url,
        token=emu.bot_token,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    emu.rate_limit_next("chat.postMessage", retry_after=0)

    assert client.chat_postMessage(channel="C1", text="once")["ok"]

    calls = emu.calls_to("chat.postMessage")
    assert [(c.ok, c.status) for c in calls] == [(False, 429), (True, 200)]
    assert calls[0].response == {"ok": False, "error": "ratelimited"}
    assert [m["text"] for m in emu.messages()] == ["once"]


def test_rate_limit_sends_retry_after(emu: SlackEmulator) -> None:
    emu.rate_limit_next("auth.test", retry_after=7)
    request = urllib.request.Request(
        emu.api_url + "auth.test", b"", {"Authorization": f"Bearer {emu.bot_token}"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    assert caught.value.code == 429 and caught.value.headers["Retry-After"] == "7"


def test_fail_next_fails_that_many_times(emu: SlackEmulator, client: WebClient) -> None:
    emu.fail_next("chat.postMessage", error="fatal_error", times=2)
    for _ in range(2):
        assert error_of(lambda: client.chat_postMessage(channel="C1", text="x"))["error"] == (
            "fatal_error"
        )
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert [c.ok for c in emu.calls_to("chat.postMessage")] == [False, False, True]


def post_json(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_response_url_allows_five_posts(emu: SlackEmulator) -> None:
    url = emu.new_response_url("C1")
    answers = [post_json(url, {"text": f"reply {i}"}) for i in range(6)]
    assert answers[:5] == [(200, {"ok": True})] * 5
    assert answers[5] == (404, {"ok": False, "error": "used_url"})
    calls = emu.calls_to("response_url")
    assert len(calls) == 6 and calls[0].args["response_url"] == url.rsplit("/", 1)[1]
    assert [m["text"] for m in emu.messages("C1")] == [f"reply {i}" for i in range(5)]


def test_files_upload_v2_round_trip(emu: SlackEmulator, client: WebClient) -> None:
    result = client.files_upload_v2(
        channel="C1", content=b"name,when\n", filename="export.csv", title="Export"
    )
    assert result["file"]["name"] == "export.csv"
    (uploaded,) = emu.files()
    assert (uploaded.name, uploaded.title, uploaded.channels) == ("export.csv", "Export", ["C1"])
    assert uploaded.content == b"name,when\n"


def test_users_info_time_zone_follows_the_clock() -> None:
    summer = 1_719_000_000.0  # June 2024
    with SlackEmulator(clock=lambda: summer) as emu:
        emu.add_user("U1", "alice", tz="Europe/London")
        user = WebClient(base_url=emu.api_url, token=emu.bot_token).users_info(user="U1")["user"]
    assert (user["tz"], user["tz_offset"], user["tz_label"]) == (
        "Europe/London",
        3600,
        "British Summer Time",
    )


def test_users_info_in_winter_and_unknown_user(client: WebClient) -> None:
    user = client.users_info(user="U2")["user"]
    assert (user["tz"], user["tz_offset"]) == ("America/New_York", -5 * 3600)
    assert user["profile"]["display_name"] == "bob"
    assert error_of(lambda: client.users_info(user="U404"))["error"] == "user_not_found"


def test_conversations_open_gives_stable_ids(emu: SlackEmulator, client: WebClient) -> None:
    dm = client.conversations_open(users="U1")["channel"]["id"]
    assert dm.startswith("D") and client.conversations_open(users=["U1"])["channel"]["id"] == dm
    assert client.conversations_open(users="U2")["channel"]["id"] != dm
    group = client.conversations_open(users="U1,U2")["channel"]["id"]
    assert client.conversations_open(users="U2,U1")["channel"]["id"] == group
    members = client.conversations_members(channel=group)["members"]
    assert set(members) == {"U1", "U2", emu.bot_user_id}


def test_conversations_info_and_members(client: WebClient) -> None:
    assert client.conversations_info(channel="C1")["channel"]["name"] == "club"
    assert client.conversations_members(channel="C1")["members"] == ["U1", "U2", "UBOT"]
    page = client.conversations_members(channel="C1", limit=2)
    rest = client.conversations_members(
        channel="C1", cursor=page["response_metadata"]["next_cursor"]
    )
    assert page["members"] + rest["members"] == ["U1", "U2", "UBOT"]
    assert error_of(lambda: client.conversations_info(channel="C404"))["error"] == (
        "channel_not_found"
    )


def test_scheduled_messages(emu: SlackEmulator, client: WebClient) -> None:
    scheduled = client.chat_scheduleMessage(channel="C1", post_at=int(NOW) + 600, text="soon")
    assert emu.scheduled_messages("C1")[0]["text"] == "soon"
    past = error_of(lambda: client.chat_scheduleMessage(channel="C1", post_at=1, text="x"))
    assert past["error"] == "time_in_past"
    client.chat_deleteScheduledMessage(
        channel="C1", scheduled_message_id=scheduled["scheduled_message_id"]
    )
    assert emu.scheduled_messages() == []


def test_wait_for_calls_times_out_with_what_it_saw(emu: SlackEmulator) -> None:
    with pytest.raises(TimeoutError, match=r"views\.open"):
        emu.wait_for_calls("views.open", timeout=0.01)


def test_response_url_can_replace_the_original(emu: SlackEmulator, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="pick one")
    url = emu.new_response_url("C1", posted["ts"])
    assert post_json(url, {"replace_original": True, "text": "picked"}) == (200, {"ok": True})
    stored = emu.stored_message("C1", posted["ts"])
    assert stored is not None and stored["text"] == "picked"
    assert post_json(url, {"delete_original": True}) == (200, {"ok": True})
    assert emu.stored_message("C1", posted["ts"]) is None
    assert post_json(url, {"text": "t", "blocks": "nope"})[1]["error"] == "invalid_blocks"


def test_sender_messages_support_permalinks_and_reactions(
    emu: SlackEmulator, client: WebClient
) -> None:
    person = emu.add_message("C1", {"type": "message", "user": "U1", "text": "hi"})
    link = client.chat_getPermalink(channel="C1", message_ts=person["ts"])["permalink"]
    assert link.endswith("/archives/C1/p" + person["ts"].replace(".", ""))
    client.reactions_add(channel="C1", name="wave", timestamp=person["ts"])
    again = error_of(
        lambda: client.reactions_add(channel="C1", name="wave", timestamp=person["ts"])
    )
    assert again["error"] == "already_reacted"
    assert error_of(lambda: client.chat_delete(channel="C1", ts=person["ts"]))["error"] == (
        "cant_delete_message"
    )


def test_posting_needs_membership(emu: SlackEmulator, client: WebClient) -> None:
    emu.add_channel("C2", "elsewhere", bot_member=False)
    emu.add_channel("G2", "secret", is_private=True, bot_member=False)
    assert error_of(lambda: client.chat_postMessage(channel="C2", text="x"))["error"] == (
        "not_in_channel"
    )
    assert error_of(lambda: client.chat_postMessage(channel="G2", text="x"))["error"] == (
        "channel_not_found"
    )
    client.conversations_join(channel="C2")
    assert client.chat_postMessage(channel="C2", text="x")["ok"]
    dm = client.chat_postMessage(channel="U1", text="to a user id")
    assert dm["channel"] == emu.dm_channel_id("U1")
