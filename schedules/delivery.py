"""Tick task: send what the outbox holds (also what a crashed process left claimed)."""

from __future__ import annotations

from handlers.delivery.slack import deliver_outbox, sender_for

__all__ = ["deliver_outbox", "sender_for"]
