"""The HTTP face of `clubbot run`: Slack's endpoint and a health check, on waitress."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

from bot.app import ClubApp

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
        return slack(environ, start_response)

    return application


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
        self._thread.join(timeout=5)


def make_server(club: ClubApp, host: str, port: int) -> Any:
    """A waitress server; `.run()` serves, `.close()` stops, `.effective_port` tells the port."""
    return create_server(wsgi_app(club), host=host, port=port, threads=8, ident="clubbot")
