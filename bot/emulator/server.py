"""SlackEmulator: a loopback Slack Web API for tests and `clubbot console`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

from bot.emulator.calls import ApiCall, CallLog, Fault, Faults
from bot.emulator.dispatch import Dispatcher
from bot.emulator.ratelimits import TierLimits
from bot.emulator.serving import serve_in_background, stop_serving
from bot.emulator.socket_mode import SocketMode, attach
from bot.emulator.timezones import zone
from bot.emulator.wire import make_handler
from bot.emulator.workspace import (
    Channel,
    Identity,
    Message,
    ResponseUrl,
    UploadedFile,
    User,
    Workspace,
)

MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")


class SlackEmulator:
    """Serves `{api_url}<method>` like slack.com/api, records every call, injects failures.

    Use as a context manager, or call start()/stop(). Pass `api_url` to
    `WebClient(base_url=...)` and the bot token to `WebClient(token=...)`.
    """

    def __init__(
        self,
        bot_token: str = "xoxb-test",
        bot_user_id: str = "UBOT",
        team_id: str = "T0CLUB",
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        app_token: str = "xapp-test",
        bot_id: str = "B0BOT",
        api_app_id: str = "A0CLUB",
        clock: Callable[[], float] = time.time,
        enforce_tiers: bool = False,
    ) -> None:
        identity = Identity(bot_token, app_token, bot_user_id, bot_id, team_id, api_app_id)
        self.workspace = Workspace(identity, clock)
        self._log = CallLog()
        self._faults = Faults()
        # Slack's rate limits, on the emulator's clock (bot/emulator/ratelimits.py).
        self.tier_limits = TierLimits(clock, enabled=enforce_tiers)
        self._dispatcher = Dispatcher(self.workspace, self._log, self._faults, self.tier_limits)
        self._address = (host, port)
        self._socket_mode = SocketMode(identity, host)
        attach(self.workspace, self._socket_mode)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.workspace.users[bot_user_id] = User(
            bot_user_id, "clubbot", "Club Bot", "UTC", is_bot=True
        )

    # lifecycle

    def start(self) -> SlackEmulator:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(self._address, make_handler(self._dispatcher))
        server.daemon_threads = True
        self.workspace.base_url = f"http://{self._address[0]}:{server.server_address[1]}"
        self._server = server
        self._thread = serve_in_background(server, "slack-emulator")
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        stop_serving(server, thread)
        # After the Web API: a client told to go away cannot get a new link any more.
        self._socket_mode.stop()

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if not self.workspace.base_url:
            raise RuntimeError("SlackEmulator is not started")
        return self.workspace.base_url

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    @property
    def bot_token(self) -> str:
        return self.workspace.me.bot_token

    @property
    def bot_user_id(self) -> str:
        return self.workspace.me.bot_user_id

    @property
    def team_id(self) -> str:
        return self.workspace.me.team_id

    # directory

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str | None = None,
        tz: str = "Europe/London",
        is_bot: bool = False,
        deleted: bool = False,
        *,
        email: str | None = None,
    ) -> User:
        zone(tz)  # a typo in a zone name fails here, not in users.info
        user = User(user_id, name, real_name or name, tz, is_bot, deleted, email)
        with self.workspace.lock:
            self.workspace.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        members: Iterable[str] = (),
        is_private: bool = False,
        *,
        bot_member: bool = True,
    ) -> Channel:
        """A channel; the bot is a member unless bot_member=False (then posting fails)."""
        people = list(dict.fromkeys(members))
        if bot_member and self.bot_user_id not in people:
            people.append(self.bot_user_id)
        return self.workspace.add_channel(Channel(channel_id, name, people, is_private))

    def add_member(self, channel_id: str, user_id: str) -> None:
        with self.workspace.lock:
            members = self.workspace.channel(channel_id).members
            if user_id not in members:
                members.append(user_id)

    def dm_channel_id(self, user_id: str) -> str:
        """The bot's DM channel with a user (what conversations.open would return)."""
        return self.workspace.dm_for(user_id).id

    def user_name(self, user_id: str) -> str:
        user = self.workspace.users.get(user_id)
        return user.name if user else user_id.lower()

    def channel_name(self, channel_id: str) -> str:
        channel = self.workspace.channels.get(channel_id)
        if channel is None:
            return channel_id.lower()
        return "directmessage" if channel.is_im else channel.name

    # state the sender and tests reach into

    def next_ts(self) -> str:
        return self.workspace.next_ts()

    def add_message(self, channel_id: str, message: Message) -> Message:
        """Store a (person's) message so permalinks, reactions and thread replies find it."""
        return self.workspace.add_message(channel_id, message)

    def stored_message(self, channel_id: str, ts: str) -> Message | None:
        with self.workspace.lock:
            found = self.workspace.messages.get(channel_id, {}).get(ts)
            return dict(found) if found is not None else None

    def new_response_url(self, channel_id: str | None = None, message_ts: str | None = None) -> str:
        url_id = self.workspace.new_id("R")
        with self.workspace.lock:
            self.workspace.response_urls[url_id] = ResponseUrl(url_id, channel_id, message_ts)
        return f"{self.base_url}/response/{url_id}"

    def new_trigger_id(self) -> str:
        trigger_id = f"{int(self.workspace.now())}.{self.workspace.new_id('')}.trigger"
        with self.workspace.lock:
            self.workspace.triggers[trigger_id] = False
        return trigger_id

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self.workspace.lock:
            found = self.workspace.views.get(view_id)
            return dict(found) if found is not None else None

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        view_id = self.workspace.home_views.get(user_id)
        return self.view(view_id) if view_id else None

    def view_id_for(self, view: dict[str, Any]) -> str | None:
        return self.workspace.find_view_id(view)

    def files(self) -> list[UploadedFile]:
        """Files shared through files.completeUploadExternal, oldest first."""
        with self.workspace.lock:
            return [f for f in self.workspace.files.values() if f.completed]

    def scheduled_messages(self, channel_id: str | None = None) -> list[dict[str, Any]]:
        with self.workspace.lock:
            return [
                dict(e)
                for e in self.workspace.scheduled.values()
                if channel_id is None or e["channel_id"] == channel_id
            ]

    # the call log

    @property
    def calls(self) -> list[ApiCall]:
        return self._log.all()

    def calls_to(self, method: str) -> list[ApiCall]:
        return self._log.to(method)

    def last_call(self, method: str) -> ApiCall | None:
        calls = self._log.to(method)
        return calls[-1] if calls else None

    def clear_calls(self) -> None:
        self._log.clear()

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[ApiCall]:
        """Block until `count` calls to `method` were recorded (TimeoutError otherwise)."""
        return self._log.wait_for(method, count, timeout)

    @property
    def on_call(self) -> Callable[[ApiCall], None] | None:
        return self._log.on_call

    @on_call.setter
    def on_call(self, hook: Callable[[ApiCall], None] | None) -> None:
        self._log.on_call = hook

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """What the bot said: successful postMessage, postEphemeral, update and
        response_url posts, as sent, plus the `channel` and `ts` they landed at."""
        said: list[dict[str, Any]] = []
        for call in self._log.all():
            if call.method not in MESSAGE_METHODS or not call.ok or call.context.get("deleted"):
                continue
            landed: dict[str, Any] = {
                k: call.context[k] for k in ("channel", "ts") if k in call.context
            }
            if channel is None or landed.get("channel") == channel:
                said.append({**call.args, **landed})
        return said

    # Socket Mode: the app connects through apps.connections.open; tests push envelopes

    def socket_connected(self, timeout: float = 5.0, *, opened: int = 1) -> bool:
        """Wait until `opened` WebSocket connections were made and one is live."""
        return self._socket_mode.wait_connected(timeout, opened)

    @property
    def socket_connections(self) -> int:
        """How many Socket Mode connections are open now."""
        return self._socket_mode.live_connections

    def send_envelope(
        self,
        type: str,
        payload: dict[str, Any],
        accepts_response_payload: bool = False,
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """Push an `events_api`, `slash_commands` or `interactive` envelope; its envelope_id."""
        return self._socket_mode.send_envelope(
            type,
            payload,
            accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The app's ack: `{"envelope_id": ...}`, plus `payload` when it answered."""
        return self._socket_mode.wait_for_ack(envelope_id, timeout)

    @property
    def acks(self) -> list[dict[str, Any]]:
        return self._socket_mode.acks

    def disconnect_warning(self) -> None:
        """Tell the newest connection it will close soon, as Slack does; clients reconnect."""
        self._socket_mode.disconnect_warning()

    def close_socket_connections(self) -> None:
        """Close every connection from Slack's side (close frame 1001, then hang up)."""
        self._socket_mode.close_all()

    # failure injection

    def fail_next(
        self, method: str, error: str = "internal_error", times: int = 1, *, status: int = 200
    ) -> None:
        """The next `times` calls answer `{"ok": false, "error": error}` with `status`."""
        self._faults.add(method, Fault(error, times, status=status))

    def rate_limited_calls(self) -> list[ApiCall]:
        """Calls answered 429 (injected or past a tier)."""
        return [call for call in self._log.all() if call.status == 429]

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        self._faults.add(method, Fault("ratelimited", times, retry_after=retry_after))
