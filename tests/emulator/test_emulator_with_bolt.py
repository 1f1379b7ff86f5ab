"""End to end: SlackSender → a real Bolt app over HTTP → the emulator's Web API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App, Respond, Say
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.emulator import SlackEmulator, SlackSender
from bot.emulator.serving import serve_in_background, stop_serving

SECRET = "bolt-signing-secret"

ASK_VIEW: dict[str, Any] = {
    "type": "modal",
    "callback_id": "ask",
    "title": {"type": "plain_text", "text": "Ask the club"},
    "submit": {"type": "plain_text", "text": "Ask"},
    "blocks": [
        {
            "type": "input",
            "block_id": "question",
            "label": {"type": "plain_text", "text": "Question"},
            "element": {"type": "plain_text_input", "action_id": "text"},
        }
    ],
}


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def build_app(client: WebClient, submitted: list[dict[str, Any]]) -> App:
    app = App(signing_secret=SECRET, client=client)

    @app.command("/club")
    def club(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if body["text"] == "ask":
            client.views_open(trigger_id=body["trigger_id"], view=ASK_VIEW)
        else:
            respond(f"pong {body['text']}")

    @app.event("app_mention")
    def mention(event: dict[str, Any], say: Say) -> None:
        say(text="hello", thread_ts=event["ts"])

    @app.action("accept")
    def accept(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"], text="done")

    @app.view("ask")
    def ask(ack: Ack, view: dict[str, Any]) -> None:
        submitted.append(view["state"]["values"])
        ack()

    return app


@pytest.fixture
def wired(emu: SlackEmulator) -> Iterator[tuple[SlackSender, list[dict[str, Any]]]]:
    submitted: list[dict[str, Any]] = []
    client = WebClient(base_url=emu.api_url, token=emu.bot_token)
    handler = SlackRequestHandler(build_app(client, submitted))
    server: WSGIServer = make_server("127.0.0.1", 0, handler, handler_class=_Quiet)
    thread = serve_in_background(server)
    url = f"http://127.0.0.1:{server.server_port}/slack/events"
    try:
        # Bolt checks timestamps against real time, so this sender uses the real clock.
        yield SlackSender(url, SECRET, emu), submitted
    finally:
        stop_serving(server, thread)


def test_command_answers_through_response_url(
    emu: SlackEmulator, wired: tuple[SlackSender, list[Any]]
) -> None:
    sender, _ = wired
    assert sender.command("ping", "U1", "C1").status == 200
    (reply,) = emu.wait_for_calls("response_url")
    assert reply.ok and reply.args["text"] == "pong ping"
    assert emu.messages("C1")[0]["text"] == "pong ping"


def test_mention_is_answered_in_its_thread(
    emu: SlackEmulator, wired: tuple[SlackSender, list[Any]]
) -> None:
    sender, _ = wired
    event = sender.app_mention("U1", "hi", "C1").payload["event"]
    (post,) = emu.wait_for_calls("chat.postMessage")
    assert post.args["thread_ts"] == event["ts"] and post.args["channel"] == "C1"


def test_button_press_updates_the_message(
    emu: SlackEmulator, client: WebClient, wired: tuple[SlackSender, list[Any]]
) -> None:
    sender, _ = wired
    button = {
        "type": "button",
        "action_id": "accept",
        "value": "7",
        "text": {"type": "plain_text", "text": "Accept"},
    }
    client.chat_postMessage(
        channel="C1", text="pair?", blocks=[{"type": "actions", "elements": [button]}]
    )
    assert sender.press("U2", emu.messages("C1")[-1], "accept").status == 200
    (update,) = emu.wait_for_calls("chat.update")
    assert update.ok and update.response["message"]["text"] == "done"


def test_modal_opened_then_submitted(
    emu: SlackEmulator, wired: tuple[SlackSender, list[Any]]
) -> None:
    sender, submitted = wired
    sender.command("ask", "U1", "C1")
    (opened,) = emu.wait_for_calls("views.open")
    assert opened.ok
    assert sender.submit("U1", opened.args["view"], {"question": "When?"}).status == 200
    assert submitted == [{"question": {"text": {"type": "plain_text_input", "value": "When?"}}}]


def test_bolt_refuses_forged_requests(wired: tuple[SlackSender, list[Any]]) -> None:
    sender, _ = wired
    assert sender.deliver(b"{}", "application/json", sign=False).status == 401
    stale = sender.deliver(b"{}", "application/json", timestamp=1_000_000_000)
    assert stale.status == 401
