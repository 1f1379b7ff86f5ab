"""Due work on every tick: the App Homes that wait for views.publish's rate limit."""

from __future__ import annotations

from bot.deps import Deps
from handlers.home.publishing import publish_waiting_homes


def publish_waiting(deps: Deps) -> None:
    publish_waiting_homes(deps)
