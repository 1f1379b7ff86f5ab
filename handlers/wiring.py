"""Registers listeners with Bolt and remembers every Slack identifier it listened to.

tests/test_manifest.py compares what was registered here with app.yaml, so a
listener can't be added without the manifest asking Slack for it.

Features also listen here to the club's own moments that another feature owns, so
neither imports the other: someone asking for "exclude me" (``on_exclude``) or lifting it
(``on_include``), or asking to be forgotten (``on_forget``). What one feature tells
others is provided here too: the club's next meeting (``next_meeting``, from meetings,
named in the welcome DM).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_bolt import App

from bot.deps import Deps
from storage.db import Database

Listener = Callable[..., Any]
# What a feature does for someone who lifted "exclude me": (deps, user_id).
IncludeHook = Callable[[Deps, str], None]
# What a feature does for someone who just asked for "exclude me": (deps, user_id).
ExcludeHook = Callable[[Deps, str], None]
# Run just before "forget me" deletes the person's data: (deps, user_id) → what to do once
# the deletion committed (tell the people they worked with), read while it still exists.
ForgetHook = Callable[[Deps, str], Callable[[], None]]
# (title, start) of the club's next meeting after `now`, or None: (db, now).
NextMeeting = Callable[[Database, datetime], tuple[str, datetime] | None]


def _no_meetings(_db: Database, _now: datetime) -> tuple[str, datetime] | None:
    return None


@dataclass
class Wiring:
    app: App
    commands: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)
    views: set[str] = field(default_factory=set)
    include_hooks: list[IncludeHook] = field(default_factory=list)
    exclude_hooks: list[ExcludeHook] = field(default_factory=list)
    forget_hooks: list[ForgetHook] = field(default_factory=list)
    # Set by the meetings feature (provide_next_meeting); until then there is none.
    next_meeting: NextMeeting = _no_meetings

    def command(self, name: str) -> Callable[[Listener], Listener]:
        self.commands.add(name)
        return self.app.command(name)

    def event(self, event_type: str, **kwargs: Any) -> Callable[[Listener], Listener]:
        self.events.add(event_type)
        return self.app.event(event_type, **kwargs)

    def message(self, **kwargs: Any) -> Callable[[Listener], Listener]:
        self.events.add("message")
        return self.app.message(**kwargs)

    def action(self, action_id: str | re.Pattern[str]) -> Callable[[Listener], Listener]:
        self.actions.add(action_id if isinstance(action_id, str) else action_id.pattern)
        return self.app.action(action_id)

    def view(self, callback_id: str) -> Callable[[Listener], Listener]:
        self.views.add(callback_id)
        return self.app.view(callback_id)

    def view_closed(self, callback_id: str) -> Callable[[Listener], Listener]:
        self.views.add(callback_id)
        return self.app.view_closed(callback_id)

    def on_include(self, hook: IncludeHook) -> IncludeHook:
        """Run ``hook`` after `/club include me` changed something (not when the person
        wasn't excluded): a feature catches up on what it held back meanwhile."""
        self.include_hooks.append(hook)
        return hook

    def on_exclude(self, hook: ExcludeHook) -> ExcludeHook:
        """Run ``hook`` after `/club exclude me` changed something (not when the person was
        already excluded): a feature withdraws what waits for the person's answer. It may
        update its own messages in place, but sends them nothing new."""
        self.exclude_hooks.append(hook)
        return hook

    def on_forget(self, hook: ForgetHook) -> ForgetHook:
        """Run ``hook`` just before `/club forget me` deletes the person's data; what it
        returns runs once the deletion committed (not when it was refused)."""
        self.forget_hooks.append(hook)
        return hook

    def provide_next_meeting(self, provider: NextMeeting) -> NextMeeting:
        """The meetings feature says what the club's next meeting is, for whoever asks."""
        self.next_meeting = provider
        return provider
