"""The emulated workspace: directory, conversations, messages, views, files, ids.

All access goes through `lock` (an RLock): the HTTP threads and the test thread
share one workspace, and each API call must see and change it atomically.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import SlackError

Message = dict[str, Any]


@dataclass
class User:
    id: str
    name: str
    real_name: str
    tz: str
    is_bot: bool = False
    deleted: bool = False
    email: str | None = None


@dataclass
class Channel:
    id: str
    name: str
    members: list[str]
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    user: str | None = None  # the other party of a DM
    created: int = 0


@dataclass
class UploadedFile:
    id: str
    name: str
    length: int
    title: str | None = None
    alt_txt: str | None = None
    content: bytes | None = None
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False
    user: str | None = None  # who shared it; None for the bot's own uploads


@dataclass
class ResponseUrl:
    id: str
    channel: str | None
    message_ts: str | None  # the message a block action came from (replace_original)
    uses: int = 0


@dataclass(frozen=True)
class Identity:
    bot_token: str
    app_token: str
    bot_user_id: str
    bot_id: str
    team_id: str
    api_app_id: str
    domain: str = "clubbot-emulator"


class Workspace:
    def __init__(self, identity: Identity, clock: Callable[[], float]) -> None:
        self.me = identity
        self.clock = clock
        self.lock = threading.RLock()
        self.base_url = ""  # set once the server has a port
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: dict[str, dict[str, Message]] = {}
        self.dms: dict[str, str] = {}
        self.group_dms: dict[frozenset[str], str] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, str] = {}
        self.triggers: dict[str, bool] = {}  # id -> already used
        self.response_urls: dict[str, ResponseUrl] = {}
        self.files: dict[str, UploadedFile] = {}
        self.scheduled: dict[str, dict[str, Any]] = {}
        self._counters: dict[str, int] = {}
        self._last_micros = 0

    # ids and time

    def new_id(self, prefix: str) -> str:
        # Per-prefix counters keep ids deterministic across runs.
        with self.lock:
            n = self._counters.get(prefix, 0) + 1
            self._counters[prefix] = n
            return f"{prefix}{n:08X}"

    def now(self) -> float:
        return self.clock()

    def next_ts(self) -> str:
        """A message ts from the clock, strictly increasing even when the clock stands still."""
        with self.lock:
            self._last_micros = max(int(self.clock() * 1_000_000), self._last_micros + 1)
            return format_ts(self._last_micros)

    def note_ts(self, ts: str) -> None:
        with self.lock:
            self._last_micros = max(self._last_micros, parse_ts(ts))

    # directory

    def user(self, user_id: Any) -> User:
        found = self.users.get(user_id) if isinstance(user_id, str) else None
        if found is None:
            raise SlackError("user_not_found")
        return found

    def channel(self, channel_id: Any) -> Channel:
        found = self.channels.get(channel_id) if isinstance(channel_id, str) else None
        if found is None:
            raise SlackError("channel_not_found")
        return found

    def add_channel(self, channel: Channel) -> Channel:
        with self.lock:
            self.channels[channel.id] = channel
            self.messages.setdefault(channel.id, {})
            return channel

    def dm_for(self, user_id: str) -> Channel:
        """The bot's DM with a person: one stable D-id per user."""
        with self.lock:
            user = self.user(user_id)
            if user.id not in self.dms:
                cid = self.new_id("D")
                self.dms[user.id] = cid
                members = [user.id, self.me.bot_user_id]
                self.add_channel(Channel(cid, cid, members, True, True, user=user.id))
            return self.channels[self.dms[user.id]]

    def group_dm_for(self, user_ids: Iterable[str]) -> Channel:
        """A group DM with the bot: one stable G-id per set of people."""
        with self.lock:
            people = frozenset(self.user(u).id for u in user_ids) | {self.me.bot_user_id}
            if people not in self.group_dms:
                cid = self.new_id("G")
                self.group_dms[people] = cid
                name = "mpdm-" + "--".join(
                    sorted(self.users[u].name for u in people if u in self.users)
                )
                self.add_channel(Channel(cid, name + "-1", sorted(people), True, is_mpim=True))
            return self.channels[self.group_dms[people]]

    def postable(self, channel_arg: Any) -> Channel:
        """Where chat.* would post: a conversation the bot is in, or a user id's DM."""
        if isinstance(channel_arg, str) and channel_arg in self.users:
            return self.dm_for(channel_arg)
        channel = self.channel(channel_arg)
        if self.me.bot_user_id not in channel.members:
            # Private conversations are invisible to non-members.
            raise SlackError("channel_not_found" if channel.is_private else "not_in_channel")
        return channel

    # messages

    def add_message(self, channel_id: str, message: Message) -> Message:
        """Store a message (ts assigned if absent) and keep its thread's reply count."""
        with self.lock:
            message.setdefault("ts", self.next_ts())
            self.note_ts(message["ts"])
            ts = message["ts"]
            history = self.messages.setdefault(channel_id, {})
            history[ts] = message
            parent = history.get(message.get("thread_ts") or "")
            if parent is not None and parent is not message:
                parent["thread_ts"] = parent["ts"]
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = ts
            return message

    def message(self, channel_id: str, ts: Any) -> Message:
        found = self.messages.get(channel_id, {}).get(ts) if isinstance(ts, str) else None
        if found is None:
            raise SlackError("message_not_found")
        return found

    # views

    def find_view_id(self, view: dict[str, Any]) -> str | None:
        """The id of the newest stored view with this content (for views sent without id)."""
        with self.lock:
            if view.get("id"):
                return str(view["id"])
            keys = ("type", "callback_id", "private_metadata", "blocks")
            for view_id, stored in reversed(self.views.items()):
                if all(stored.get(k) == view.get(k) for k in keys if k in view):
                    return view_id
            return None


def format_ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def parse_ts(ts: str) -> int:
    seconds, _, fraction = ts.partition(".")
    return int(seconds) * 1_000_000 + int((fraction or "0").ljust(6, "0")[:6])
