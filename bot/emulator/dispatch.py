"""From a parsed request to a recorded answer: auth, injected faults, validation, method."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.emulator.api import HANDLERS
from bot.emulator.api.chat import CONTENT_KEYS, bot_message, check_content
from bot.emulator.calls import ApiCall, CallLog, Faults
from bot.emulator.errors import SlackError, invalid
from bot.emulator.ratelimits import TierLimits
from bot.emulator.spec import methods, missing_required
from bot.emulator.workspace import Workspace

TOKENLESS = frozenset({"api.test"})  # Slack answers api.test without a token
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
RESPONSE_URL_MAX_POSTS = 5  # Slack: 5 posts per response_url within 30 minutes


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


def _refusal(error: SlackError) -> Answer:
    return Answer(error.status, error.body(), dict(error.headers))


class Dispatcher:
    def __init__(self, ws: Workspace, log: CallLog, faults: Faults, limits: TierLimits) -> None:
        self.ws = ws
        self.log = log
        self.faults = faults
        self.limits = limits

    def api(self, method: str, token: str | None, args: dict[str, Any]) -> Answer:
        try:
            answer = self._api(method, token, args)
        except SlackError as error:
            answer = _refusal(error)
        except Exception as exc:  # a bug or unexpected input: fail the call, loudly
            answer = Answer(
                500, {"ok": False, "error": "internal_error", "emulator_exception": repr(exc)}
            )
        self._record(method, args, answer)
        return answer

    def refuse(self, method: str, args: dict[str, Any], error: str) -> Answer:
        """Record and answer a request that could not even be parsed."""
        answer = Answer(200, {"ok": False, "error": error})
        self._record(method, args, answer)
        return answer

    def _api(self, method: str, token: str | None, args: dict[str, Any]) -> Answer:
        if method not in methods():
            raise SlackError("unknown_method", status=404)
        self._authorise(method, token)
        fault = self.faults.take(method)
        if fault is not None and fault.retry_after is not None:
            raise SlackError(
                "ratelimited", status=429, headers={"Retry-After": str(fault.retry_after)}
            )
        if fault is not None:
            raise SlackError(fault.error, status=fault.status)
        self.limits.admit(method, args)
        missing = missing_required(method, args)
        if missing:
            raise invalid(
                "invalid_arguments", [f"[ERROR] missing required field: {n}" for n in missing]
            )
        handler = HANDLERS.get(method)
        if handler is None:
            raise SlackError("emulator_not_implemented", method=method)
        with self.ws.lock:
            reply = handler(self.ws, args)
        return Answer(200, reply.body, context=reply.context)

    def _authorise(self, method: str, token: str | None) -> None:
        if method in TOKENLESS:
            return
        if not token:
            raise SlackError("not_authed")
        me = self.ws.me
        expected = me.app_token if method in APP_TOKEN_METHODS else me.bot_token
        if token == expected:
            return
        if token in (me.app_token, me.bot_token):
            raise SlackError("not_allowed_token_type")
        raise SlackError("invalid_auth")

    def response_url(self, url_id: str, body: Any) -> Answer:
        try:
            answer = self._response_url(url_id, body)
        except SlackError as error:
            answer = _refusal(error)
        args = dict(body) if isinstance(body, dict) else {"body": body}
        self._record("response_url", {**args, "response_url": url_id}, answer)
        return answer

    def _response_url(self, url_id: str, body: Any) -> Answer:
        with self.ws.lock:
            entry = self.ws.response_urls.get(url_id)
            if entry is None:
                raise SlackError("no_such_url", status=404)
            if entry.uses >= RESPONSE_URL_MAX_POSTS:
                raise SlackError("used_url", status=404)
            entry.uses += 1
            if not isinstance(body, dict):
                raise SlackError("invalid_payload", status=400)
            context: dict[str, Any] = {"channel": entry.channel}
            original = self.ws.messages.get(entry.channel or "", {}).get(entry.message_ts or "")
            if body.get("delete_original"):
                if original is not None:
                    del self.ws.messages[entry.channel or ""][original["ts"]]
                return Answer(200, {"ok": True}, context={**context, "deleted": True})
            try:
                check_content(body)
            except SlackError as error:
                error.status = 400
                raise
            if body.get("replace_original") and entry.message_ts:
                if original is not None:
                    for key in CONTENT_KEYS:  # replaced, not merged
                        original.pop(key, None)
                    original.update(bot_message(self.ws, body), ts=original["ts"])
                return Answer(200, {"ok": True}, context={**context, "ts": entry.message_ts})
            if body.get("response_type") == "in_channel" and entry.channel:
                message = self.ws.add_message(entry.channel, bot_message(self.ws, body))
                return Answer(200, {"ok": True}, context={**context, "ts": message["ts"]})
            context.update(ts=self.ws.next_ts(), ephemeral=True)
            return Answer(200, {"ok": True}, context=context)

    def _record(self, method: str, args: dict[str, Any], answer: Answer) -> None:
        ok = answer.body.get("ok") is True
        self.log.record(ApiCall(method, args, ok, answer.body, answer.status, answer.context))
