"""Publishing the App Home within views.publish's tier, shared by every replica.

A Home goes out at once when the shared bucket (bot/delivery/pacing.py, the same
buckets the deliverer paces to) has a token. When it has none, or Slack still answers
429, the person waits in `waiting_homes`, one row however often they open the tab,
and the tick publishes what waits as tokens come, longest waiting first, with the
Home as it is then. No thread sleeps on Retry-After: a listener asleep for as long as
Slack says holds a worker, and a stopping process, that long.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.error import URLError

from slack_sdk.errors import SlackApiError

from bot.delivery import pacing
from bot.deps import Deps
from bot.home import contents as home
from handlers.delivery.slack import sender_for
from handlers.home.views import home_text, home_view
from storage.home import queries as home_views

log = logging.getLogger("clubbot.home")

PUBLISH = "views.publish"
# A waiting Home a tick took is another replica's to retry only after this.
LEASE = timedelta(seconds=30)
PER_TICK = 50
NO_RETRY_AFTER = 1.0  # seconds, when a 429 does not say
UNREACHABLE_RETRY = 5.0  # seconds, when Slack could not be reached at all


@dataclass(frozen=True)
class Built:
    view: dict[str, Any]
    fingerprint: str
    summary: str
    at: datetime


def refresh_home(deps: Deps, user_id: str, *, only_if_changed: bool = False) -> bool:
    """Publish the person's Home as it is now; False when Slack refused (logged), when
    it waits for views.publish's limit (the tick sends it), or, with only_if_changed,
    when the person never opened it or nothing changed.

    Safe to call from any feature after a change the Home shows (an RSVP, a pairing,
    an answered question, nudges on/off). It is not a message: people who asked the
    bot to leave them alone still see their own Home.
    """
    built = _build(deps, user_id, only_if_changed)
    if built is None:
        return False
    with deps.db.transaction() as session:
        wait = pacing.take_one(session, PUBLISH, built.at)
        if wait > 0:
            home_views.wait(session, user_id, built.at, built.at + timedelta(seconds=wait))
    if wait > 0:
        log.info("home waits for views.publish's limit user=%s seconds=%.1f", user_id, wait)
        return False
    return _send(deps, user_id, built)


class _NoToken(Exception):
    """views.publish's bucket is empty: undo the claim, try at a later tick."""


def publish_waiting_homes(deps: Deps) -> int:
    """The tick's part: publish the Homes that wait, as far as the limit allows now."""
    now = deps.clock.now()
    with deps.db.transaction() as session:
        due = home_views.waiting_due(session, now, PER_TICK)
    published = 0
    for user_id in due:
        try:
            with deps.db.transaction() as session:
                if not home_views.claim(session, user_id, now, now + LEASE):
                    continue  # another replica took it
                if pacing.take_one(session, PUBLISH, now) > 0:
                    raise _NoToken
        except _NoToken:
            break
        built = _build(deps, user_id, only_if_changed=False)
        if built is not None and _send(deps, user_id, built):
            published += 1
    return published


def _build(deps: Deps, user_id: str, only_if_changed: bool) -> Built | None:
    last_published: str | None = None
    if only_if_changed:
        with deps.db.transaction() as session:
            last_published = home_views.last_hash(session, user_id)
        if last_published is None:
            return None  # never opened: don't build a Home on every request they make
    now = deps.clock.now()
    data = home.home_for(deps.db, user_id, now, deps.settings.reminder_offsets)
    view = home_view(data)
    fingerprint = hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()
    if only_if_changed and fingerprint == last_published:
        return None
    return Built(view, fingerprint, home_text(data), now)


def _send(deps: Deps, user_id: str, built: Built) -> bool:
    # The deliverer's client: no retry handler that would sleep on a 429.
    client = sender_for(deps).client
    try:
        client.views_publish(user_id=user_id, view=built.view)
    except (URLError, OSError) as error:
        with deps.db.transaction() as session:
            home_views.wait(
                session, user_id, built.at, deps.clock.now() + timedelta(seconds=UNREACHABLE_RETRY)
            )
        log.warning("home not published user=%s error=%s; the tick retries", user_id, error)
        return False
    except SlackApiError as error:
        response = error.response
        if response.status_code == 429:
            headers = response.headers or {}
            retry_after = headers.get("Retry-After") or headers.get("retry-after")
            seconds = float(retry_after) if retry_after else NO_RETRY_AFTER
            with deps.db.transaction() as session:
                home_views.wait(
                    session, user_id, built.at, deps.clock.now() + timedelta(seconds=seconds)
                )
            log.info("home rate limited user=%s retry_after=%.0f", user_id, seconds)
            return False
        log.warning("home not published user=%s error=%s", user_id, response.get("error"))
        with deps.db.transaction() as session:  # nothing to retry: Slack said no
            home_views.published_since(session, user_id, built.at)
        return False
    with deps.db.transaction() as session:
        home_views.remember(session, user_id, built.fingerprint, deps.clock.now())
        home_views.published_since(session, user_id, built.at)
    log.info("home published user=%s %s", user_id, built.summary)
    return True
