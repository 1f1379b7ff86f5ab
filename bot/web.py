"""The HTTP face of `clubbot run`: Slack's endpoint and a health check, on waitress."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

from bot.app import ClubApp
from bot.edge import requests as edge_requests

log = logging.getLogger("clubbot.web")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

StartResponse = Callable[..., Any]


def wsgi_app(club: ClubApp) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(club.bolt, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            healthy = club.deps.db.ping()
            body = json.dumps({"ok": healthy, "database": "up" if healthy else "down"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        if environ.get("PATH_INFO") == EVENTS_PATH and club.deps.settings.signing_secret:
            refusal, environ = _checked(environ, club.deps.settings.signing_secret)
            if refusal is not None:
                return _refuse(refusal, environ, start_response)
        try:
            return slack(environ, start_response)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            # Bolt reads fields while it builds the request, before any listener or our
            # error handler runs: a signed body of the right shape with the wrong field
            # types ends here. It is Slack-shaped nonsense, not our failure.
            reason = f"unreadable request ({type(error).__name__})"
            return _refuse(edge_requests.Refusal(400, reason), environ, start_response)

    return application


def _checked(
    environ: dict[str, Any], secret: str
) -> tuple[edge_requests.Refusal | None, dict[str, Any]]:
    """Read the body once, check it, and hand Bolt an environ it can read again."""
    if environ.get("REQUEST_METHOD") != "POST":
        return edge_requests.Refusal(405, "not a POST"), environ
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return edge_requests.Refusal(400, "bad Content-Length"), environ
    if length > edge_requests.MAX_BODY_BYTES:
        return edge_requests.Refusal(413, "body too large"), environ
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    headers = {
        key[5:].replace("_", "-"): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    content_type = environ.get("CONTENT_TYPE")
    refusal = edge_requests.check(headers, content_type, body, secret, time.time())
    return refusal, {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}


def _refuse(
    refusal: edge_requests.Refusal, environ: dict[str, Any], start_response: StartResponse
) -> Iterable[bytes]:
    # One line, no traceback: a refused request is someone else's mistake, not ours.
    log.warning(
        "refused request status=%d reason=%s remote=%s",
        refusal.status,
        refusal.reason,
        environ.get("REMOTE_ADDR", "?"),
    )
    phrase = {400: "Bad Request", 401: "Unauthorized", 405: "Method Not Allowed",
              413: "Payload Too Large"}.get(refusal.status, "Error")
    body = json.dumps({"ok": False, "error": refusal.reason}).encode()
    start_response(f"{refusal.status} {phrase}", [("Content-Type", "application/json")])
    return [body]


class BackgroundServer:
    """Serves on a thread and stops cleanly: the loop and the close happen on that
    thread, because closing waitress's sockets under a running select() breaks it."""

    def __init__(self, club: ClubApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = make_server(club, host, port)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="clubbot-http")

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def start(self) -> None:
        self._thread.start()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            self._server.asyncore.loop(timeout=0.05, map=self._server._map, count=1)
        self._server.close()
        # waitress's close() leaves its worker threads waiting for tasks; a process that
        # starts and stops servers (tests, the console) would pile up 8 threads per server.
        self._server.task_dispatcher.shutdown()

    def stop(self) -> None:
        self._stopping.set()
        # Wake the select() at once instead of waiting out its timeout: every test and
        # console session stops a server. The loop may have seen the flag and closed the
        # trigger already: then there is nothing left to wake.
        with contextlib.suppress(OSError):
            self._server.pull_trigger()
        self._thread.join(timeout=5)


def make_server(club: ClubApp, host: str, port: int) -> Any:
    """A waitress server; `.run()` serves, `.close()` stops, `.effective_port` tells the port."""
    return create_server(
        wsgi_app(club),
        host=host,
        port=port,
        threads=8,
        ident="clubbot",
    )
