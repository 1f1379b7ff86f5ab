"""Tick task: send what the outbox holds (also what a crashed process left claimed)."""

from __future__ import annotations

from datetime import datetime

from bot.delivery import due as delivery_due
from bot.deps import Deps
from handlers.delivery.slack import deliver_outbox, sender_for

__all__ = ["deliver_outbox", "next_due", "sender_for"]


def next_due(deps: Deps) -> datetime | None:
    """When the next row may be sent (the local club's clock jumps to it)."""
    return delivery_due.next_due(deps.db, deps.clock.now())
