"""HTTP plumbing: route /api/<method>, /upload/<file>, /response/<id>; parse bodies."""

from __future__ import annotations

import contextlib
import json
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.emulator.api.files import download, receive_upload
from bot.emulator.dispatch import Answer, Dispatcher

# Arguments slack_sdk may send as JSON strings inside a form body.
JSON_ARGS = ("blocks", "attachments", "view", "files", "metadata")


class BadRequest(Exception):
    pass


def parse_args(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    args: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body or b"{}")
        except ValueError as exc:
            raise BadRequest("invalid_json") from exc
        if not isinstance(data, dict):
            raise BadRequest("invalid_json")
        args.update(data)
    elif body:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        args.update({k: v[-1] for k, v in form.items()})
    for key in JSON_ARGS:
        if isinstance(args.get(key), str):
            # Unparsable JSON stays a string; the method's checks refuse it.
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


def bearer_token(header: str | None, args: dict[str, Any]) -> str | None:
    # The token may also come as a form argument; it never stays in the recorded args.
    token = args.pop("token", None)
    if header and header.lower().startswith("bearer "):
        return header[7:].strip()
    return str(token) if token else None


def make_handler(dispatcher: Dispatcher) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._route()

        def do_POST(self) -> None:
            self._route()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # tests stay quiet; the call log is the record

        def _route(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            kind, _, name = url.path.strip("/").partition("/")
            if kind == "api" and name:
                self._api(name, url.query, body)
            elif kind == "upload" and self.command == "POST":
                ok = receive_upload(dispatcher.ws, name, body)
                self._send_text(200 if ok else 404, f"OK - {len(body)}" if ok else "file_not_found")
            elif kind == "files" and self.command == "GET":
                content = download(dispatcher.ws, name, self.headers.get("Authorization"))
                self._send_bytes(content)
            elif kind == "response" and self.command == "POST":
                try:
                    payload: Any = json.loads(body or b"null")
                except ValueError:
                    payload = body.decode("utf-8", "replace")
                self._send(dispatcher.response_url(name, payload))
            else:
                self._send(Answer(404, {"ok": False, "error": "not_found"}))

        def _api(self, method: str, query: str, body: bytes) -> None:
            content_type = self.headers.get("Content-Type") or ""
            try:
                args = parse_args(query, body, content_type)
            except BadRequest as exc:
                args = {}
                self._send(dispatcher.refuse(method, args, str(exc)))
                return
            token = bearer_token(self.headers.get("Authorization"), args)
            self._send(dispatcher.api(method, token, args))

        def _send(self, answer: Answer) -> None:
            data = json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            for key, value in answer.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _send_bytes(self, content: bytes | None) -> None:
            # Slack answers an unauthorised url_private with a login page, not the file.
            if content is None:
                self._send_text(403, "not_authed")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def _send_text(self, status: int, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
