"""Socket Mode: slack_sdk's own client and a Bolt app connect to the emulator's WebSocket."""

from __future__ import annotations

import base64
import json
import os
import queue
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from slack_bolt import Ack, App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.emulator import SlackEmulator
from bot.emulator.websocket import Opcode, accept_key, encode_frame

WAIT = 5.0


def _queue_messages(client: SocketModeClient) -> queue.Queue[dict[str, Any]]:
    seen: queue.Queue[dict[str, Any]] = queue.Queue()
    client.message_listeners.append(lambda _client, message, _raw: seen.put(message))
    return seen


@pytest.fixture
def socket_client(emu: SlackEmulator) -> Iterator[SocketModeClient]:
    # No auto-reconnect: teardown closes from the server side, so close() is instant
    # (the client otherwise waits out its 3 s receive timeout).
    client = SocketModeClient(
        app_token=emu.workspace.me.app_token,
        web_client=WebClient(base_url=emu.api_url, token=emu.bot_token),
        auto_reconnect_enabled=False,
    )
    yield client
    emu.close_socket_connections()
    client.close()


def test_the_bot_token_cannot_open_a_connection(emu: SlackEmulator, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.apps_connections_open(app_token=emu.bot_token)
    assert refused.value.response["error"] == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as unknown:
        client.apps_connections_open(app_token="xapp-someone-else")
    assert unknown.value.response["error"] == "invalid_auth"


def test_connections_open_gives_a_loopback_websocket_link(
    emu: SlackEmulator, client: WebClient
) -> None:
    url = client.apps_connections_open(app_token=emu.workspace.me.app_token)["url"]
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.path) == ("ws", "127.0.0.1", "/link/")
    assert parts.query.startswith("ticket=")


def test_slack_sdk_client_connects_gets_hello_and_acks_an_event(
    emu: SlackEmulator, socket_client: SocketModeClient
) -> None:
    seen = _queue_messages(socket_client)

    def ack(client: SocketModeClient, request: SocketModeRequest) -> None:
        seen.put({"request": request.to_dict()})
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

    socket_client.socket_mode_request_listeners.append(ack)
    socket_client.connect()
    assert emu.socket_connected(WAIT)
    hello = seen.get(timeout=WAIT)
    assert hello["type"] == "hello"
    assert hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": "A0CLUB"}
    assert "host" in hello["debug_info"]

    event = {"type": "app_mention", "user": "U1", "text": "<@UBOT> hi", "channel": "C1"}
    envelope_id = emu.send_envelope("events_api", {"type": "event_callback", "event": event})
    assert emu.wait_for_ack(envelope_id, WAIT) == {"envelope_id": envelope_id}
    pushed = seen.get(timeout=WAIT)  # the raw envelope, then the parsed request
    assert pushed["type"] == "events_api"
    assert pushed["retry_attempt"] == 0
    request = seen.get(timeout=WAIT)["request"]
    assert request == {
        "type": "events_api",
        "envelope_id": envelope_id,
        "payload": pushed["payload"],
    }
    assert request["payload"]["event"] == event


def test_an_ack_with_a_response_payload_is_recorded_whole(
    emu: SlackEmulator, socket_client: SocketModeClient
) -> None:
    def answer(client: SocketModeClient, request: SocketModeRequest) -> None:
        response = SocketModeResponse(request.envelope_id, payload={"text": "pong"})
        client.send_socket_mode_response(response)

    socket_client.socket_mode_request_listeners.append(answer)
    socket_client.connect()
    assert emu.socket_connected(WAIT)
    command = {"command": "/club", "text": "ping", "user_id": "U1", "channel_id": "C1"}
    envelope_id = emu.send_envelope("slash_commands", command, accepts_response_payload=True)
    assert emu.wait_for_ack(envelope_id, WAIT) == {
        "envelope_id": envelope_id,
        "payload": {"text": "pong"},
    }
    assert emu.acks == [{"envelope_id": envelope_id, "payload": {"text": "pong"}}]


def test_a_disconnect_warning_makes_the_client_reconnect(emu: SlackEmulator) -> None:
    client = SocketModeClient(
        app_token=emu.workspace.me.app_token,
        web_client=WebClient(base_url=emu.api_url, token=emu.bot_token),
    )
    try:
        client.connect()
        assert emu.socket_connected(WAIT)
        emu.disconnect_warning()
        assert emu.socket_connected(WAIT, opened=2)
        assert len(emu.calls_to("apps.connections.open")) == 2
    finally:
        client.auto_reconnect_enabled = False
        client.current_session_state.terminated = True
        emu.close_socket_connections()
        client.close()


def test_sending_without_a_connection_is_an_error(emu: SlackEmulator) -> None:
    assert not emu.socket_connected(0.01)
    with pytest.raises(RuntimeError, match="no Socket Mode connection"):
        emu.send_envelope("events_api", {})


def test_only_known_envelope_types_are_sent(
    emu: SlackEmulator, socket_client: SocketModeClient
) -> None:
    socket_client.connect()
    assert emu.socket_connected(WAIT)
    with pytest.raises(ValueError, match="envelope type"):
        emu.send_envelope("hello", {})


# Bolt over Socket Mode, in process: interactive envelopes and acks that answer.

MODAL_ERRORS = {"question": "Please write a question."}


@pytest.fixture
def bolt_handler(emu: SlackEmulator) -> Iterator[SocketModeHandler]:
    web = WebClient(base_url=emu.api_url, token=emu.bot_token)
    app = App(client=web, signing_secret="", request_verification_enabled=False)

    @app.view("ask")
    def submitted(ack: Ack) -> None:
        ack(response_action="errors", errors=MODAL_ERRORS)

    @app.action("accept")
    def pressed(ack: Ack) -> None:
        ack()

    handler = SocketModeHandler(app, emu.workspace.me.app_token, auto_reconnect_enabled=False)
    handler.connect()
    assert emu.socket_connected(WAIT)
    yield handler
    emu.close_socket_connections()
    handler.close()


def _interaction(kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "team": {"id": "T0CLUB", "domain": "clubbot-emulator"},
        "user": {"id": "U1", "username": "alice", "name": "alice", "team_id": "T0CLUB"},
        "api_app_id": "A0CLUB",
        "token": "emulator-verification-token",
        **extra,
    }


def test_bolt_answers_a_view_submission_in_its_ack(
    emu: SlackEmulator, bolt_handler: SocketModeHandler
) -> None:
    view = {"id": "V1", "type": "modal", "callback_id": "ask", "state": {"values": {}}}
    payload = _interaction("view_submission", view=view)
    envelope_id = emu.send_envelope("interactive", payload, accepts_response_payload=True)
    ack = emu.wait_for_ack(envelope_id, WAIT)
    assert ack["payload"] == {"response_action": "errors", "errors": MODAL_ERRORS}


def test_bolt_acks_a_block_action(emu: SlackEmulator, bolt_handler: SocketModeHandler) -> None:
    action = {"type": "button", "action_id": "accept", "block_id": "b", "value": "1"}
    payload = _interaction("block_actions", actions=[action], container={"type": "message"})
    envelope_id = emu.send_envelope("interactive", payload)
    assert emu.wait_for_ack(envelope_id, WAIT) == {"envelope_id": envelope_id}


# The wire protocol, byte by byte, as RFC 6455 says.


def _handshake(emu: SlackEmulator, key: str | None = None) -> tuple[socket.socket, bytes]:
    url = urlsplit(
        WebClient(base_url=emu.api_url).apps_connections_open(app_token=emu.workspace.me.app_token)[
            "url"
        ]
    )
    key = key or base64.b64encode(os.urandom(16)).decode()
    sock = socket.create_connection((url.hostname or "", url.port or 80), timeout=WAIT)
    request = (
        f"GET {url.path}?{url.query} HTTP/1.1\r\nHost: {url.hostname}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    sock.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            break
        head += chunk
    return sock, head


def _read_server_frame(sock: socket.socket) -> tuple[int, bytes]:
    first, second = _recv_exact(sock, 2)
    assert not second & 0x80, "a server must not mask its frames"
    size = second & 0x7F
    if size == 126:
        size = int.from_bytes(_recv_exact(sock, 2), "big")
    elif size == 127:
        size = int.from_bytes(_recv_exact(sock, 8), "big")
    return first & 0x0F, _recv_exact(sock, size)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, "connection closed early"
        data += chunk
    return data


def test_handshake_answers_with_the_rfc_accept_key(emu: SlackEmulator) -> None:
    key = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455's own example
    sock, head = _handshake(emu, key)
    with sock:
        assert head.startswith(b"HTTP/1.1 101 ")
        assert b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" in head
        assert accept_key(key) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        opcode, hello = _read_server_frame(sock)
        assert opcode == Opcode.TEXT and json.loads(hello)["type"] == "hello"


def test_a_ticket_works_once(emu: SlackEmulator) -> None:
    first, head = _handshake(emu)
    first.close()
    assert head.startswith(b"HTTP/1.1 101 ")
    link = urlsplit(emu.calls_to("apps.connections.open")[0].response["url"])
    with socket.create_connection((link.hostname or "", link.port or 80), timeout=WAIT) as again:
        again.sendall(
            f"GET {link.path}?{link.query} HTTP/1.1\r\nHost: {link.hostname}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        assert again.recv(100).startswith(b"HTTP/1.1 401 ")


def test_ping_pong_fragments_and_close(emu: SlackEmulator) -> None:
    sock, _ = _handshake(emu)
    mask = b"\x01\x02\x03\x04"
    with sock:
        _read_server_frame(sock)  # hello
        sock.sendall(encode_frame(Opcode.PING, b"are you there", mask=mask))
        assert _read_server_frame(sock) == (Opcode.PONG, b"are you there")
        ack = json.dumps({"envelope_id": "E1"}).encode()
        # A text message in two fragments, a ping between them (RFC 6455 5.4).
        head = bytes([Opcode.TEXT, 0x80 | 5])  # FIN clear: more to come
        sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(ack[:5])))
        sock.sendall(encode_frame(Opcode.PING, b"mid", mask=mask))
        assert _read_server_frame(sock) == (Opcode.PONG, b"mid")
        sock.sendall(encode_frame(Opcode.CONTINUATION, ack[5:], mask=mask))
        assert emu.wait_for_ack("E1", WAIT) == {"envelope_id": "E1"}
        sock.sendall(encode_frame(Opcode.CLOSE, (1000).to_bytes(2, "big"), mask=mask))
        assert _read_server_frame(sock) == (Opcode.CLOSE, (1000).to_bytes(2, "big"))


def test_an_unmasked_client_frame_closes_with_a_protocol_error(emu: SlackEmulator) -> None:
    sock, _ = _handshake(emu)
    with sock:
        _read_server_frame(sock)  # hello
        sock.sendall(encode_frame(Opcode.TEXT, b"{}"))
        opcode, payload = _read_server_frame(sock)
        assert opcode == Opcode.CLOSE
        assert int.from_bytes(payload[:2], "big") == 1002
