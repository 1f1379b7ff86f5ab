"""What every listener, service call and job needs, carried in the Bolt context."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.notify import Notifier
from storage.db import Database

CONTEXT_KEY = "club"


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Clock
    client: WebClient
    notifier: Notifier = field(init=False)

    def __post_init__(self) -> None:
        self.notifier = Notifier(self.client, self.db, self.clock)
