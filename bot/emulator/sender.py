"""SlackSender: signs requests like Slack and delivers them to the app under test."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from bot.emulator.interactions import InteractionsMixin
from bot.emulator.payloads import VERIFICATION_TOKEN, Team, envelope
from bot.emulator.server import SlackEmulator

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class Delivery:
    """The app's answer to one delivery, and what was sent (for redelivery and asserts)."""

    status: int
    body: str
    headers: dict[str, str]
    sent: bytes = b""
    sent_headers: dict[str, str] = field(default_factory=dict)
    content_type: str = JSON
    payload: dict[str, Any] = field(default_factory=dict)
    response_url: str | None = None
    trigger_id: str | None = None
    event_id: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackSender(InteractionsMixin):
    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        emulator: SlackEmulator,
        team_id: str = "T0CLUB",
        api_app_id: str = "A0CLUB",
        clock: Callable[[], float] = time.time,
        *,
        timeout: float = 10.0,
    ) -> None:
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.emulator = emulator
        self.team = Team(team_id, api_app_id, emulator.bot_user_id)
        self.clock = clock
        self.timeout = timeout

    # transport

    def deliver(
        self,
        body: bytes,
        content_type: str,
        headers: Mapping[str, str] | None = None,
        *,
        sign: bool = True,
        timestamp: int | str | None = None,
    ) -> Delivery:
        """POST raw bytes; `sign=False` or an old `timestamp` forge what Bolt must refuse."""
        ts = str(int(self.clock()) if timestamp is None else timestamp)
        sent_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
        if sign:
            sent_headers["X-Slack-Signature"] = signature(self.signing_secret, ts, body)
        sent_headers.update(headers or {})
        request = urllib.request.Request(self.app_url, body, sent_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw, got = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:  # non-2xx is an answer, not a failure
            status, raw, got = error.code, error.read(), dict(error.headers)
        text = raw.decode("utf-8", "replace")
        return Delivery(status, text, got, body, sent_headers, content_type)

    def _send_json(
        self, payload: dict[str, Any], headers: Mapping[str, str] | None = None
    ) -> Delivery:
        delivery = self.deliver(json.dumps(payload).encode(), JSON, headers)
        return _with(delivery, payload=payload)

    def _send_form(self, form: dict[str, str], payload: dict[str, Any]) -> Delivery:
        delivery = self.deliver(urlencode(form).encode(), FORM)
        return _with(
            delivery,
            payload=payload,
            response_url=payload.get("response_url"),
            trigger_id=payload.get("trigger_id"),
        )

    def _send_interaction(self, payload: dict[str, Any]) -> Delivery:
        return self._send_form({"payload": json.dumps(payload)}, payload)

    def redeliver(
        self, delivery: Delivery, retry_num: int = 1, retry_reason: str = "http_timeout"
    ) -> Delivery:
        """Send the same bytes again as Slack's retry would (freshly signed)."""
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        again = self.deliver(delivery.sent, delivery.content_type, headers)
        return _with(again, payload=delivery.payload, event_id=delivery.event_id)

    # Events API

    def event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        event_time: int | None = None,
    ) -> Delivery:
        event_id = event_id or self.emulator.workspace.new_id("Ev")
        when = int(self.clock()) if event_time is None else event_time
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        payload = envelope(self.team, event, event_id, when)
        return _with(self._send_json(payload, headers), event_id=event_id)

    def url_verification(self, challenge: str) -> Delivery:
        payload = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return self._send_json(payload)

    def message(
        self,
        user: str,
        text: str,
        channel: str,
        channel_type: str = "channel",
        thread_ts: str | None = None,
        ts: str | None = None,
        **extra: Any,
    ) -> Delivery:
        """A person's message (`channel_type` "im" for a DM); stored in the emulator too."""
        event = self._message_event("message", user, text, channel, thread_ts, ts, extra)
        event["channel_type"] = channel_type
        event["client_msg_id"] = str(uuid.uuid4())
        self.emulator.add_message(channel, dict(event))
        return self.event(event)

    def app_mention(
        self,
        user: str,
        text: str,
        channel: str,
        thread_ts: str | None = None,
        ts: str | None = None,
        **extra: Any,
    ) -> Delivery:
        """An @-mention of the bot; the `<@BOT>` is prefixed when `text` lacks it."""
        mention = f"<@{self.emulator.bot_user_id}>"
        if mention not in text:
            text = f"{mention} {text}"
        event = self._message_event("app_mention", user, text, channel, thread_ts, ts, extra)
        self.emulator.add_message(channel, {**event, "type": "message"})
        return self.event(event)

    def _message_event(
        self,
        kind: str,
        user: str,
        text: str,
        channel: str,
        thread_ts: str | None,
        ts: str | None,
        extra: dict[str, Any],
    ) -> dict[str, Any]:
        ts = ts or self.emulator.next_ts()
        event: dict[str, Any] = {
            "type": kind,
            "user": user,
            "text": text,
            "ts": ts,
            "team": self.team.id,
            "channel": channel,
            "event_ts": ts,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
            parent = self.emulator.stored_message(channel, thread_ts)
            if parent is not None and parent.get("user"):
                event["parent_user_id"] = parent["user"]
        event.update(extra)
        return event

    def member_joined_channel(
        self, user: str, channel: str, inviter: str | None = None
    ) -> Delivery:
        """A person joined; the emulator's channel gains the member as well."""
        self.emulator.add_member(channel, user)
        event: dict[str, Any] = {
            "type": "member_joined_channel",
            "user": user,
            "channel": channel,
            "channel_type": "G" if channel.startswith("G") else "C",
            "team": self.team.id,
            "event_ts": self.emulator.next_ts(),
        }
        if inviter:
            event["inviter"] = inviter
        return self.event(event)

    def app_home_opened(self, user: str, tab: str = "home") -> Delivery:
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.emulator.dm_channel_id(user),
            "tab": tab,
            "event_ts": self.emulator.next_ts(),
        }
        home = self.emulator.home_view(user)
        if tab == "home" and home is not None:
            event["view"] = home  # Slack includes the published view, if any
        return self.event(event)

    # slash commands

    def command(
        self,
        text: str,
        user_id: str,
        channel_id: str,
        command: str = "/club",
        user_name: str | None = None,
        channel_name: str | None = None,
    ) -> Delivery:
        form = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team.id,
            "team_domain": self.team.domain,
            "channel_id": channel_id,
            "channel_name": channel_name or self.emulator.channel_name(channel_id),
            "user_id": user_id,
            "user_name": user_name or self.emulator.user_name(user_id),
            "command": command,
            "text": text,
            "api_app_id": self.team.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self.emulator.new_response_url(channel_id),
            "trigger_id": self.emulator.new_trigger_id(),
        }
        return self._send_form(form, dict(form))


def _with(delivery: Delivery, **changes: Any) -> Delivery:
    return replace(delivery, **changes)
