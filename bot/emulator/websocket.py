"""RFC 6455 server side, stdlib only: the opening handshake and the frame codec.

Just what Slack's Socket Mode needs: text frames (fragmented or not), ping/pong
and close. Clients must mask their frames; a server never masks its own.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass
from enum import IntEnum
from typing import BinaryIO

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
MAX_MESSAGE = 1 << 20  # Slack's envelopes are far smaller; refuse anything absurd
MAX_HEADER_LINES = 100


class Opcode(IntEnum):
    CONTINUATION = 0x0
    TEXT = 0x1
    BINARY = 0x2
    CLOSE = 0x8
    PING = 0x9
    PONG = 0xA

    @property
    def is_control(self) -> bool:
        return self >= Opcode.CLOSE


class CloseCode(IntEnum):
    NORMAL = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    INVALID_DATA = 1007
    TOO_BIG = 1009


class ConnectionClosed(Exception):
    """The peer went away mid-frame or between frames."""


class ProtocolError(Exception):
    """The peer broke RFC 6455; the connection closes with `code`."""

    def __init__(self, message: str, code: CloseCode = CloseCode.PROTOCOL_ERROR) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Frame:
    fin: bool
    opcode: Opcode
    payload: bytes


def accept_key(client_key: str) -> str:
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key."""
    digest = hashlib.sha1((client_key.strip() + GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def valid_client_key(client_key: str) -> bool:
    # The key is 16 random bytes, base64-encoded.
    try:
        return len(base64.b64decode(client_key.strip(), validate=True)) == 16
    except ValueError:
        return False


def read_request_head(rfile: BinaryIO) -> tuple[str, str, dict[str, str]]:
    """(method, target, headers with lower-case names) of an HTTP/1.1 request."""
    request_line = rfile.readline(8192).decode("latin-1").strip()
    parts = request_line.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise ProtocolError(f"not an HTTP/1.1 request line: {request_line!r}")
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        line = rfile.readline(8192).decode("latin-1").strip()
        if not line:
            return parts[0], parts[1], headers
        name, colon, value = line.partition(":")
        if not colon:
            raise ProtocolError(f"malformed header line: {line!r}")
        headers[name.strip().lower()] = value.strip()
    raise ProtocolError("too many header lines")


def upgrade_refusal(method: str, headers: dict[str, str]) -> str | None:
    """Why this request cannot become a WebSocket, or None when it can."""
    if method != "GET":
        return "the opening handshake must be a GET"
    if headers.get("upgrade", "").lower() != "websocket":
        return "missing Upgrade: websocket"
    if "upgrade" not in {t.strip().lower() for t in headers.get("connection", "").split(",")}:
        return "missing Connection: Upgrade"
    if headers.get("sec-websocket-version") != "13":
        return "Sec-WebSocket-Version must be 13"
    if not valid_client_key(headers.get("sec-websocket-key", "")):
        return "Sec-WebSocket-Key must be 16 base64-encoded bytes"
    return None


def switching_protocols(client_key: str) -> bytes:
    return (
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept_key(client_key)}\r\n\r\n"
    ).encode("ascii")


def http_refusal(status: int, reason: str, text: str) -> bytes:
    body = text.encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def _mask(data: bytes, key: bytes) -> bytes:
    # XOR with the repeated 4-byte key, done on big integers instead of per byte.
    repeated = (key * (len(data) // 4 + 1))[: len(data)]
    size = len(data)
    masked = int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")
    return masked.to_bytes(size, "big")


def encode_frame(opcode: Opcode, payload: bytes = b"", *, mask: bytes | None = None) -> bytes:
    """One final frame; `mask` (4 bytes) only for a client's frames."""
    mask_bit = 0x80 if mask is not None else 0
    size = len(payload)
    head = bytes([0x80 | opcode])
    if size < 126:
        head += bytes([mask_bit | size])
    elif size < 1 << 16:
        head += bytes([mask_bit | 126]) + struct.pack("!H", size)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", size)
    if mask is None:
        return head + payload
    return head + mask + _mask(payload, mask)


def close_payload(code: int, reason: str = "") -> bytes:
    return struct.pack("!H", code) + reason.encode("utf-8")[:123]


def _read_exact(rfile: BinaryIO, size: int) -> bytes:
    data = rfile.read(size) if size else b""
    if len(data) != size:
        raise ConnectionClosed(f"wanted {size} bytes, got {len(data)}")
    return data


def read_frame(rfile: BinaryIO, *, require_mask: bool = True) -> Frame:
    """The next frame from a client, unmasked; ProtocolError for what RFC 6455 forbids."""
    first, second = _read_exact(rfile, 2)
    if first & 0x70:
        raise ProtocolError("reserved bits set without a negotiated extension")
    try:
        opcode = Opcode(first & 0x0F)
    except ValueError as exc:
        raise ProtocolError(f"unknown opcode {first & 0x0F:#x}") from exc
    fin = bool(first & 0x80)
    masked = bool(second & 0x80)
    size = second & 0x7F
    if opcode.is_control and (size > 125 or not fin):
        raise ProtocolError("control frames must be final and at most 125 bytes")
    if size == 126:
        (size,) = struct.unpack("!H", _read_exact(rfile, 2))
    elif size == 127:
        (size,) = struct.unpack("!Q", _read_exact(rfile, 8))
    if size > MAX_MESSAGE:
        raise ProtocolError(f"frame of {size} bytes", CloseCode.TOO_BIG)
    if require_mask and not masked:
        raise ProtocolError("client frames must be masked")
    key = _read_exact(rfile, 4) if masked else b""
    payload = _read_exact(rfile, size)
    return Frame(fin, opcode, _mask(payload, key) if masked else payload)


class MessageReader:
    """Reassembles fragmented data messages; control frames pass through between fragments."""

    def __init__(self, rfile: BinaryIO) -> None:
        self._rfile = rfile
        self._opcode: Opcode | None = None
        self._parts: list[bytes] = []
        self._size = 0

    def next(self) -> tuple[Opcode, bytes]:
        while True:
            frame = read_frame(self._rfile)
            if frame.opcode.is_control:
                return frame.opcode, frame.payload
            if frame.opcode is Opcode.CONTINUATION:
                if self._opcode is None:
                    raise ProtocolError("continuation frame without a message to continue")
            elif self._opcode is not None:
                raise ProtocolError("new message before the previous one was finished")
            else:
                self._opcode = frame.opcode
            self._size += len(frame.payload)
            if self._size > MAX_MESSAGE:
                raise ProtocolError(f"message of {self._size}+ bytes", CloseCode.TOO_BIG)
            self._parts.append(frame.payload)
            if frame.fin:
                opcode, data = self._opcode, b"".join(self._parts)
                self._opcode, self._parts, self._size = None, [], 0
                return opcode, data
