"""Builds the Bolt app from settings: middleware, listeners, one error handler."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient

from bot import events, logs
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.deps import CONTEXT_KEY, Deps
from bot.edge import replay
from bot.edge import text as edge_text
from bot.errors import report_error
from bot.executor import TrackingExecutor
from bot.faq import index as faq_index
from bot.roles import grants as roles
from bot.slack_client import fit_responses, make_client
from handlers import commands
from handlers.campaigns import commands as campaigns
from handlers.commands import CommandRouter
from handlers.delivery.slack import deliver_outbox
from handlers.encouragement import kudos, nudges, progress, welcome
from handlers.faq import answering as faq
from handlers.home import listeners as home
from handlers.meetings import commands as meetings
from handlers.mentoring import commands as mentoring
from handlers.privacy import listeners as privacy
from handlers.reports import listeners as reports
from handlers.roles import editors
from handlers.roles import listeners as admin
from handlers.wiring import Wiring
from storage.db import Database

log = logging.getLogger("clubbot.app")

FEATURES: tuple[Callable[[Wiring, CommandRouter], None], ...] = (
    commands.register,
    admin.register,
    editors.register,
    welcome.register,
    progress.register,
    nudges.register,
    kudos.register,
    privacy.register,
    meetings.register,
    campaigns.register,
    mentoring.register,
    faq.register,
    home.register,
    reports.register,
)


@dataclass
class ClubApp:
    bolt: App
    deps: Deps
    router: CommandRouter
    executor: TrackingExecutor
    wiring: Wiring


def create_app(
    settings: Settings,
    *,
    db: Database,
    clock: Clock | None = None,
    client: WebClient | None = None,
    executor: TrackingExecutor | None = None,
) -> ClubApp:
    clock = clock or SystemClock()
    stopping = threading.Event()
    client = client or make_client(settings, stopping)
    executor = executor or TrackingExecutor()
    deps = Deps(settings=settings, db=db, clock=clock, client=client, stopping=stopping)
    deps.outbox_sender = lambda keys: deliver_outbox(deps, keys)
    bolt = App(
        name="clubbot",  # else Bolt walks the whole call stack (inspect.stack) for a name
        client=client,
        signing_secret=settings.signing_secret or "",
        request_verification_enabled=not settings.socket_mode,
        listener_executor=executor,
        logger=logs.bolt_logger(),
        # Unmatched requests reach _on_error instead of a 404 and a warning: Slack sends
        # every message in every channel the bot is in, and most are none of its business.
        raise_error_for_unhandled_request=True,
    )
    bolt.use(_inject(deps))
    bolt.use(edge_text.clean_request)  # NUL and control characters gone before any listener
    bolt.use(fit_responses)  # and what it says back fits Slack's limits
    bolt.use(replay.refuse_replays)
    bolt.use(_deduplicate_events)
    bolt.error(_on_error)
    router = CommandRouter()
    wiring = Wiring(bolt)
    for register in FEATURES:
        register(wiring, router)
    roles.seed_organisers(db, settings.organisers, clock.now())
    editors.announce_rights_split(deps)
    faq_index.ensure_seeded(db, clock.now())  # the starter FAQ, once per database
    return ClubApp(bolt=bolt, deps=deps, router=router, executor=executor, wiring=wiring)


def _inject(deps: Deps) -> Callable[..., Any]:
    def inject_deps(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context[CONTEXT_KEY] = deps
        return next()

    return inject_deps


def _deduplicate_events(
    body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
) -> BoltResponse | None:
    event_id = body.get("event_id")
    if body.get("type") != "event_callback" or not event_id:
        return next()
    deps: Deps = context[CONTEXT_KEY]
    if events.first_delivery(deps.db, event_id, deps.clock.now()):
        return next()
    log.info("duplicate event ignored event_id=%s", event_id)
    return BoltResponse(status=200, body="")


def _on_error(
    error: Exception, body: dict[str, Any], context: BoltContext, response: BoltResponse | None
) -> BoltResponse | None:
    """Slack gets 200 for every signed request: a retry would not fix our failure, and
    the person is told (with an error id) instead. `response` is None when the listener
    had acknowledged already; Bolt then answers with that ack."""
    answer = BoltResponse(status=200, body="") if response is not None else None
    if isinstance(error, BoltUnhandledRequestError):
        log.debug("ignored request type=%s", body.get("type") or body.get("command"))
        return answer
    deps: Deps | None = context.get(CONTEXT_KEY)
    if deps is not None:
        report_error(error, body, deps.client)
    else:  # failed before our first middleware ran
        log.error("request failed before dispatch", exc_info=error)
    return answer
