"""`clubbot run`: migrate, build the app, start the scheduler, then serve."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import ClubApp, create_app
from bot.config import Settings
from bot.web import make_server
from schedules.scheduler import build_scheduler
from storage import migrate
from storage.db import Database

log = logging.getLogger("clubbot.run")


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    # Process managers stop services with SIGTERM; finish like Ctrl-C does.
    raise KeyboardInterrupt


def _serve_socket_mode(club: ClubApp, app_token: str) -> None:
    handler = SocketModeHandler(club.bolt, app_token)
    try:
        handler.connect()
        if handler.client.is_connected():
            log.info("connected to Slack in Socket Mode session=%s", handler.client.session_id())
        else:  # the client keeps retrying in the background
            log.warning("Socket Mode connection failed; retrying")
        threading.Event().wait()  # until SIGTERM or Ctrl-C raises KeyboardInterrupt
    finally:
        handler.close()  # finishes in-flight envelopes, then hangs up


def run(settings: Settings, host: str = "0.0.0.0") -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    db = Database(settings.database_url)
    migrate.upgrade(db)
    log.info("database ready dialect=%s revision=%s", db.dialect, migrate.current_revision(db))
    club = create_app(settings, db=db)
    scheduler = build_scheduler(club.deps)
    scheduler.start()
    try:
        if settings.app_token:
            log.info("connecting to Slack in Socket Mode")
            _serve_socket_mode(club, settings.app_token)
        else:
            server = make_server(club, host, settings.port)
            log.info(
                "listening on http://%s:%d/slack/events (health: /healthz)", host, settings.port
            )
            server.run()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        scheduler.shutdown(wait=False)
        club.executor.shutdown(wait=True)
    return 0
