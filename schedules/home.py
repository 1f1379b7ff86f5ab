"""Due work on every tick: the App Homes that wait for views.publish's rate limit."""

from __future__ import annotations

from datetime import datetime

from bot.deps import Deps
from handlers.home.publishing import publish_waiting_homes
from storage.home import queries as home_views


def publish_waiting(deps: Deps) -> None:
    publish_waiting_homes(deps)


def next_due(deps: Deps) -> datetime | None:
    """When a waiting Home may next be published (the local club's clock jumps to it)."""
    with deps.db.transaction() as session:
        return home_views.next_waiting(session)
