"""Tick task: send what the outbox holds (also what a crashed process left claimed)."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from slack_sdk import WebClient

from bot.delivery import deliverer
from bot.deps import Deps
from handlers.delivery.slack import WebApiSender, delivery_client

_senders: WeakKeyDictionary[WebClient, WebApiSender] = WeakKeyDictionary()


def sender_for(deps: Deps) -> WebApiSender:
    """One sender per app client (its own client: no sleeping 429 retry handler)."""
    sender = _senders.get(deps.client)
    if sender is None:
        sender = _senders[deps.client] = WebApiSender(delivery_client(deps.client))
    return sender


def deliver_outbox(deps: Deps) -> None:
    deliverer.deliver_due(deps.db, sender_for(deps), deps.clock, lease=deps.settings.delivery_lease)
