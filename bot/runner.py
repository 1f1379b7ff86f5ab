"""`clubbot run`: migrate, build the app, start the scheduler, then serve."""

from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
from types import FrameType
from urllib.error import URLError

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import OperationalError

from bot import logs
from bot.app import ClubApp, create_app
from bot.clock import FileClock
from bot.config import Settings
from bot.web import make_server
from schedules.encouragement import mark_channel_members_joined
from schedules.scheduler import build_scheduler
from storage import migrate
from storage.db import Database

log = logging.getLogger("clubbot.run")

# After SIGTERM: how long requests in flight and the tick get to finish.
STOP_GRACE = 10.0


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _connect(settings: Settings, db: Database) -> ClubApp:
    """Build the app; Bolt checks the bot token with auth.test on the way."""
    try:
        clock = FileClock(settings.test_clock_file) if settings.test_clock_file else None
        with logs.slack_client_quiet():
            return create_app(settings, db=db, clock=clock)
    except SlackApiError as error:
        problem = error.response.get("error", "an error")
        raise StartupError(
            f"Slack refused the bot token ({problem}): check SLACK_BOT_TOKEN"
        ) from error
    except BoltError as error:
        refused = re.search(r"'error': '([a-z_]+)'", str(error))
        if refused is None:
            raise StartupError(f"cannot start the Slack app: {_first_line(error)}") from error
        raise StartupError(
            f"Slack refused the bot token ({refused.group(1)}): check SLACK_BOT_TOKEN"
        ) from error
    except (URLError, OSError) as error:
        raise StartupError(
            f"cannot reach Slack at {settings.api_url}: {_first_line(error)}"
        ) from error


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


class StartupError(Exception):
    """clubbot cannot start: the message says what to check, without a traceback."""


def come_up(
    settings: Settings, db: Database, *, paused: bool = False
) -> tuple[ClubApp, BackgroundScheduler]:
    """Everything before serving: safe for several replicas starting at once on one
    database (the migrations take a lock and own the scheduler's table)."""
    try:
        migrate.upgrade(db)
    except OperationalError as error:
        raise StartupError(
            f"cannot open the database (DATABASE_URL): {_first_line(error.orig or error)}"
        ) from error
    log.info("database ready dialect=%s revision=%s", db.dialect, migrate.current_revision(db))
    club = _connect(settings, db)
    mark_channel_members_joined(club.deps)  # those already in the club channel have joined
    scheduler = build_scheduler(club.deps)
    scheduler.start(paused=paused)
    return club, scheduler


def run(settings: Settings, host: str = "0.0.0.0") -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    db = Database(settings.database_url)
    club, scheduler = come_up(settings, db)
    try:
        if settings.app_token:
            log.info("connecting to Slack in Socket Mode")
            _serve_socket_mode(club, settings.app_token)
        else:
            try:
                server = make_server(club, host, settings.port)
            except OSError as error:
                raise StartupError(
                    f"cannot listen on port {settings.port} (PORT): {_first_line(error)}"
                ) from error
            log.info(
                "listening on http://%s:%d/slack/events (health: /healthz)", host, settings.port
            )
            server.run()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        _stop(club, scheduler)
    return 0


def _stop(club: ClubApp, scheduler: BackgroundScheduler) -> None:
    """Stop within STOP_GRACE: waits on Retry-After end and the tick ends at its next
    task (deps.stopping); requests in flight get the grace to finish. A thread still
    busy after it is left behind, as SIGKILL would: what it had claimed in the outbox
    passes to the next process when the claim's lease runs out."""
    deadline = time.monotonic() + STOP_GRACE
    club.deps.stopping.set()
    scheduler.shutdown(wait=False)
    idle = club.executor.wait_idle(timeout=STOP_GRACE)
    club.executor.shutdown(wait=idle, cancel_futures=True)
    busy = _join_workers(deadline)
    if busy:
        log.warning(
            "stopped with %d thread(s) still busy after %.0f s: %s",
            len(busy), STOP_GRACE, ", ".join(busy),
        )  # fmt: skip
        logging.shutdown()
        # The interpreter would join them at exit (concurrent.futures does), however long.
        os._exit(0)


def _join_workers(deadline: float) -> list[str]:
    """Wait until the deadline for the process's other non-daemon threads (the
    scheduler's and the listeners' workers); the names of those still running."""
    others = [
        t for t in threading.enumerate()
        if t is not threading.current_thread() and not t.daemon
    ]  # fmt: skip
    for thread in others:
        thread.join(max(deadline - time.monotonic(), 0.0))
    return [t.name for t in others if t.is_alive()]
