"""The deliverer's Sender on Slack's Web API.

Each message carries its delivery key in Slack message metadata, so a later attempt
can look in the conversation and see whether an earlier one (from a process that
died, or a call that timed out) did post it. The client has no 429 retry handler of
its own: the deliverer honours Retry-After by rescheduling the row, without holding
a thread asleep.
"""

from __future__ import annotations

from typing import Any
from urllib.error import URLError
from weakref import WeakKeyDictionary

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery import deliverer
from bot.delivery.deliverer import Job, Posted, SendError
from bot.delivery.pacing import is_person
from bot.delivery.rules import SendFailure
from bot.deps import Deps
from bot.slack_client import FittingWebClient

METADATA_EVENT = "clubbot_delivery"
# How far back to look for an earlier attempt, beyond the row's creation (clock skew).
LOOK_BACK_SECONDS = 300
HISTORY_LIMIT = 200


def delivery_client(client: WebClient) -> WebClient:
    """The app's client without retry handlers: every retry is the deliverer's decision.
    Messages are fitted within Slack's limits as the app's own are."""
    return FittingWebClient(
        token=client.token, base_url=client.base_url, timeout=client.timeout, retry_handlers=[]
    )


class WebApiSender:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, job: Job) -> Posted:
        with _as_send_errors(posting=True):
            channel = self._conversation(job)
            kwargs: dict[str, Any] = {
                "channel": channel,
                "text": job.text,
                "metadata": {
                    "event_type": METADATA_EVENT,
                    "event_payload": {"delivery_key": job.key},
                },
            }
            if job.blocks:
                kwargs["blocks"] = job.blocks
            if job.thread_ts:
                kwargs["thread_ts"] = job.thread_ts
            sent = self.client.chat_postMessage(**kwargs)
            return Posted(str(sent["channel"]), str(sent["ts"]))

    def find_posted(self, job: Job) -> Posted | None:
        with _as_send_errors(posting=False):
            channel = self._conversation(job)
            oldest = f"{job.created_at.timestamp() - LOOK_BACK_SECONDS:.6f}"
            if job.thread_ts:  # replies are not in the history, only in their thread
                found = self.client.conversations_replies(
                    channel=channel,
                    ts=job.thread_ts,
                    oldest=oldest,
                    limit=HISTORY_LIMIT,
                    include_all_metadata=True,
                )
            else:
                found = self.client.conversations_history(
                    channel=channel,
                    oldest=oldest,
                    limit=HISTORY_LIMIT,
                    include_all_metadata=True,
                )
            for message in found.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (
                    metadata.get("event_type") == METADATA_EVENT
                    and payload.get("delivery_key") == job.key
                ):
                    return Posted(channel, str(message["ts"]))
            return None

    def update(self, channel: str, ts: str, text: str) -> None:
        with _as_send_errors(posting=False):
            self.client.chat_update(channel=channel, ts=ts, text=text)

    def _conversation(self, job: Job) -> str:
        """The DM channel already known, else opened; a channel id as it is."""
        if job.conversation is not None:
            return job.conversation
        if is_person(job.recipient):
            opened = self.client.conversations_open(users=job.recipient)
            return str(opened["channel"]["id"])
        return job.recipient


class _as_send_errors:
    """Slack's and the network's exceptions as SendError, saying whether a post may
    have reached Slack: a timeout or a connection lost mid-call may have."""

    def __init__(self, *, posting: bool) -> None:
        self.posting = posting

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _tb: Any
    ) -> bool:
        if error is None:
            return False
        if isinstance(error, SlackApiError):
            response = error.response
            retry_after = (response.headers or {}).get("Retry-After") or (
                response.headers or {}
            ).get("retry-after")
            raise SendError(
                SendFailure(
                    error=str(response.get("error") or f"http_{response.status_code}"),
                    status=response.status_code,
                    retry_after=float(retry_after) if retry_after else None,
                )
            ) from error
        if isinstance(error, (URLError, OSError)):
            reason = error.reason if isinstance(error, URLError) else error
            refused = isinstance(reason, ConnectionRefusedError)
            timed_out = isinstance(reason, TimeoutError)
            raise SendError(
                SendFailure(
                    error="timeout" if timed_out else "network",
                    maybe_sent=self.posting and not refused,
                )
            ) from error
        return False


_senders: WeakKeyDictionary[WebClient, WebApiSender] = WeakKeyDictionary()


def sender_for(deps: Deps) -> WebApiSender:
    """One sender per app client (its own client: no sleeping 429 retry handler)."""
    sender = _senders.get(deps.client)
    if sender is None:
        sender = _senders[deps.client] = WebApiSender(delivery_client(deps.client))
    return sender


def deliver_outbox(deps: Deps, keys: tuple[str, ...] = ()) -> None:
    """Send every outbox row that is due (the tick; and Deps.deliver after a use case),
    or only those under `keys`."""
    lease = deps.settings.delivery_lease
    if keys:
        deliverer.deliver_keys(deps.db, sender_for(deps), deps.clock, keys, lease=lease)
    else:
        deliverer.deliver_due(deps.db, sender_for(deps), deps.clock, lease=lease)
