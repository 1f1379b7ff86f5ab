"""Socket Mode for the emulator: apps.connections.open hands out a ws:// link served here.

Like Slack: the link carries a one-use ticket, the server greets each connection
with `hello`, pushes envelopes (events_api, slash_commands, interactive) and
expects the app to ack each one with `{"envelope_id": ...}` (plus `payload`
when it answers). Tests drive it through SlackEmulator.send_envelope and
wait_for_ack; the server starts on the first apps.connections.open.
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import threading
import uuid
from typing import Any, BinaryIO, cast
from urllib.parse import parse_qs, urlsplit
from weakref import WeakKeyDictionary

from bot.emulator.serving import serve_in_background, stop_serving
from bot.emulator.websocket import (
    CloseCode,
    ConnectionClosed,
    MessageReader,
    Opcode,
    ProtocolError,
    close_payload,
    encode_frame,
    http_refusal,
    read_request_head,
    switching_protocols,
    upgrade_refusal,
)
from bot.emulator.workspace import Identity, Workspace

ENVELOPE_TYPES = frozenset({"events_api", "slash_commands", "interactive"})
LINK_PATH = "/link/"
DEBUG_HOST = "applink-emulator"


class Link:
    """One accepted WebSocket connection; sends are serialised across threads."""

    def __init__(self, sock: socket.socket, number: int) -> None:
        self.sock = sock
        self.number = number
        self._send_lock = threading.Lock()
        self.open = True

    def send(self, opcode: Opcode, payload: bytes = b"") -> None:
        with self._send_lock:
            self.sock.sendall(encode_frame(opcode, payload))

    def send_json(self, message: dict[str, Any]) -> None:
        self.send(Opcode.TEXT, json.dumps(message).encode("utf-8"))

    def close(self, code: int, reason: str = "") -> None:
        with contextlib.suppress(OSError):
            self.send(Opcode.CLOSE, close_payload(code, reason))

    def drop(self) -> None:
        """Cut the TCP connection: the reader thread sees end of stream and exits."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


class SocketMode:
    """State shared by the emulator's API, the WebSocket threads and the tests."""

    def __init__(self, identity: Identity, host: str) -> None:
        self._me = identity
        self._host = host
        self._cond = threading.Condition()
        self._tickets: set[str] = set()
        self._links: list[Link] = []
        self._opened = 0
        self._acks: dict[str, dict[str, Any]] = {}
        self._received: list[dict[str, Any]] = []
        self._server: socketserver.ThreadingTCPServer | None = None
        self._thread: threading.Thread | None = None

    # what apps.connections.open and the WebSocket handler call

    def open_link(self) -> str:
        """A fresh one-use ws:// URL, starting the server on first use."""
        ticket = uuid.uuid4().hex
        with self._cond:
            server = self._server or self._start()
            self._tickets.add(ticket)
        port = server.server_address[1]
        return f"ws://{self._host}:{port}{LINK_PATH}?ticket={ticket}"

    def _start(self) -> socketserver.ThreadingTCPServer:
        server = _LinkServer((self._host, 0), _LinkHandler, self)
        self._server = server
        self._thread = serve_in_background(server, "slack-emulator-socket-mode")
        return server

    def admit(self, target: str) -> str | None:
        """Why a handshake to `target` is refused, or None (and the ticket is used up)."""
        url = urlsplit(target)
        if url.path != LINK_PATH:
            return f"no Socket Mode link at {url.path}"
        ticket = parse_qs(url.query).get("ticket", [""])[-1]
        with self._cond:
            if ticket not in self._tickets:
                return "unknown or already used ticket"
            self._tickets.discard(ticket)
        return None

    def connected(self, link_socket: socket.socket) -> Link:
        with self._cond:
            self._opened += 1
            link = Link(link_socket, self._opened)
            self._links.append(link)
            live = len(self._links)
        hello: dict[str, Any] = {
            "type": "hello",
            "num_connections": live,
            "debug_info": {
                "host": DEBUG_HOST,
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self._me.api_app_id},
        }
        with contextlib.suppress(OSError):  # a client gone already: its reader sees that next
            link.send_json(hello)
        with self._cond:
            self._cond.notify_all()  # waiters see the link only once hello is on its way
        return link

    def disconnected(self, link: Link) -> None:
        with self._cond:
            link.open = False
            if link in self._links:
                self._links.remove(link)
            self._cond.notify_all()

    def received(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            message = {"unparsable": text}
        if not isinstance(message, dict):
            message = {"unparsable": text}
        with self._cond:
            self._received.append(message)
            envelope_id = message.get("envelope_id")
            if isinstance(envelope_id, str):
                self._acks[envelope_id] = message
            self._cond.notify_all()

    # what tests call (through SlackEmulator)

    def wait_connected(self, timeout: float, opened: int = 1) -> bool:
        """True once `opened` connections were made and one is still live."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._opened >= opened and any(link.open for link in self._links),
                timeout,
            )

    @property
    def live_connections(self) -> int:
        with self._cond:
            return len(self._links)

    def send_envelope(
        self,
        kind: str,
        payload: dict[str, Any],
        accepts_response_payload: bool = False,
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        if kind not in ENVELOPE_TYPES:
            raise ValueError(f"envelope type must be one of {sorted(ENVELOPE_TYPES)}, not {kind!r}")
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        self._newest_link().send_json(envelope)
        return envelope_id

    def disconnect_warning(self) -> None:
        """Slack's notice that this connection will soon be closed: clients reconnect."""
        self._newest_link().send_json(
            {"type": "disconnect", "reason": "warning", "debug_info": {"host": DEBUG_HOST}}
        )

    def _newest_link(self) -> Link:
        # Slack spreads envelopes over an app's connections; the newest one is as good as any.
        with self._cond:
            if not self._links:
                raise RuntimeError("no Socket Mode connection: is the app connected?")
            return self._links[-1]

    def wait_for_ack(self, envelope_id: str, timeout: float) -> dict[str, Any]:
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self._acks, timeout):
                raise TimeoutError(
                    f"waited {timeout}s for the ack of envelope {envelope_id};"
                    f" acked so far: {sorted(self._acks)}"
                )
            return dict(self._acks[envelope_id])

    @property
    def acks(self) -> list[dict[str, Any]]:
        with self._cond:
            return [dict(a) for a in self._acks.values()]

    @property
    def received_messages(self) -> list[dict[str, Any]]:
        """Everything clients sent as text, in order (acks and anything else)."""
        with self._cond:
            return [dict(m) for m in self._received]

    def close_all(self, reason: str = "refresh") -> None:
        with self._cond:
            links = list(self._links)
        for link in links:
            link.close(CloseCode.GOING_AWAY, reason)
            link.drop()

    def stop(self) -> None:
        with self._cond:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        self.close_all("emulator stopping")
        stop_serving(server, thread)


class _LinkServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[socketserver.BaseRequestHandler],
        hub: SocketMode,
    ) -> None:
        self.hub = hub
        super().__init__(address, handler)


class _LinkHandler(socketserver.StreamRequestHandler):
    server: _LinkServer

    def handle(self) -> None:
        hub = self.server.hub
        try:
            method, target, headers = read_request_head(cast(BinaryIO, self.rfile))
        except (ProtocolError, UnicodeDecodeError) as exc:
            self.wfile.write(http_refusal(400, "Bad Request", str(exc)))
            return
        problem = upgrade_refusal(method, headers)
        if problem is not None:
            self.wfile.write(http_refusal(400, "Bad Request", problem))
            return
        problem = hub.admit(target)
        if problem is not None:
            self.wfile.write(http_refusal(401, "Unauthorized", problem))
            return
        self.wfile.write(switching_protocols(headers["sec-websocket-key"]))
        link = hub.connected(self.connection)
        try:
            self._serve(link, hub)
        finally:
            hub.disconnected(link)

    def _serve(self, link: Link, hub: SocketMode) -> None:
        reader = MessageReader(cast(BinaryIO, self.rfile))
        try:
            while True:
                opcode, data = reader.next()
                if opcode is Opcode.PING:
                    link.send(Opcode.PONG, data)
                elif opcode is Opcode.CLOSE:
                    # Echo the status code, as RFC 6455 asks, then hang up.
                    link.close(int.from_bytes(data[:2], "big") if data else CloseCode.NORMAL)
                    return
                elif opcode is Opcode.TEXT:
                    try:
                        hub.received(data.decode("utf-8"))
                    except UnicodeDecodeError:
                        link.close(CloseCode.INVALID_DATA, "text frames must be UTF-8")
                        return
                # pongs and binary messages carry nothing Socket Mode uses
        except ProtocolError as error:
            link.close(error.code, str(error))
        except (ConnectionClosed, OSError):
            pass


_HUBS: WeakKeyDictionary[Workspace, SocketMode] = WeakKeyDictionary()


def attach(workspace: Workspace, hub: SocketMode) -> None:
    _HUBS[workspace] = hub


def hub_for(workspace: Workspace) -> SocketMode | None:
    """The Socket Mode server of an emulator's workspace (apps.connections.open needs it)."""
    return _HUBS.get(workspace)
