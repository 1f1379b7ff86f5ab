"""What every listener, service call and job needs, carried in the Bolt context."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.notify import Notifier
from bot.roles import grants as roles
from bot.roles.policy import Action, Role, may
from storage.db import Database

CONTEXT_KEY = "club"

log = logging.getLogger("clubbot.delivery")


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Clock
    client: WebClient
    notifier: Notifier = field(init=False)
    # Sends what the outbox holds now: every due row, or only the keys given (create_app
    # sets it; without it the tick sends).
    outbox_sender: Callable[[tuple[str, ...]], object] | None = None
    # Set when the process is stopping: the tick ends at its next task, and no Web API
    # call waits out a 429 any more (bot/slack_client.py).
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.notifier = Notifier(self.client, self.db, self.clock)

    def deliver(self, *keys: str) -> None:
        """After a use case committed outbox rows: send them now rather than at the next
        tick; with keys, only those (an answer someone waits for goes before any backlog).
        A failure here loses nothing (the rows wait for the tick)."""
        if self.outbox_sender is None:
            return
        try:
            self.outbox_sender(keys)
        except Exception:
            log.exception("immediate delivery failed; the tick will retry")

    def roles_of(self, user_id: str) -> frozenset[Role]:
        """The person's roles as the policy sees them, with this club's settings."""
        return roles.roles_for(self.db, user_id, mentors_edit_faq=self.settings.mentors_edit_faq)

    def may(self, user_id: str, action: Action) -> bool:
        """Ask the policy, from stored roles, whether the person may do this now."""
        return may(self.roles_of(user_id), action)
