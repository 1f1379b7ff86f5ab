"""Which of Slack's rate limits a delivery spends, and taking them from the shared buckets.

Every process on the database draws from the same buckets (storage/delivery/pacing.py),
so the deliverer never makes the call Slack would refuse, however many replicas run.
A post to a person spends conversations.open unless their DM channel is known, a
retried post that may have landed spends a history read, and every post spends
chat.postMessage's workspace bucket and its channel's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.slack_limits import (
    METHOD_TIERS,
    POST_MESSAGE,
    POST_PER_CHANNEL,
    Limit,
    channel_bucket,
    method_bucket,
    method_limit,
)
from storage.delivery import pacing
from storage.delivery.queries import Due


def is_person(recipient: str) -> bool:
    """A user id (the DM is opened first), not a channel id."""
    return recipient[:1] in ("U", "W")


def _method(method: str) -> tuple[str, Limit]:
    limit = method_limit(METHOD_TIERS[method])
    assert limit is not None, method
    return method_bucket(method), limit


def buckets_for(due: Due) -> list[tuple[str, Limit]]:
    wanted: list[tuple[str, Limit]] = []
    opens = is_person(due.recipient) and due.dm_channel is None
    if due.maybe_sent:  # look first, then post: each opens the DM while it is unknown
        if opens:
            wanted.append(_method("conversations.open"))
        wanted.append(
            _method("conversations.replies" if due.thread_ts else "conversations.history")
        )
    if opens:
        wanted.append(_method("conversations.open"))
    wanted.append(_method(POST_MESSAGE))
    wanted.append((channel_bucket(due.recipient), POST_PER_CHANNEL))
    return wanted


# A progress line changes at most every 10 s: it leaves chat.update's Tier 3 budget to
# the bot's other updates (announcements, offers), which do not come through here.
LINE_LIMIT = Limit(6, 1)


def update_buckets(line: str) -> list[tuple[str, Limit]]:
    return [_method("chat.update"), (f"line:{line}", LINE_LIMIT)]


def take_one(session: Session, method: str, now: datetime) -> float:
    """One call of `method` from its shared bucket, for a call made outside the outbox
    (the App Home's views.publish): 0.0 when taken, else the seconds until one is there."""
    key, limit = _method(method)
    return pacing.take(session, key, limit.burst, limit.per_second, now.timestamp())


OPEN = "conversations.open"


def empty_methods(session: Session, now: datetime) -> set[str]:
    """Of the buckets every DM needs (chat.postMessage's workspace bucket; and
    conversations.open while the DM channel is unknown), the keys of those empty now.
    A read, to choose what to look at; `take_all` still decides."""
    empty = set()
    for method in (POST_MESSAGE, OPEN):
        key, limit = _method(method)
        if pacing.tokens(session, key, limit.burst, limit.per_second, now.timestamp()) < 1:
            empty.add(key)
    return empty


def take_all(session: Session, wanted: list[tuple[str, Limit]], now: datetime) -> str | None:
    """Take every token in `wanted` (a bucket named twice, twice); the key of the first
    bucket that had none, and the caller rolls back so none is spent."""
    stamp = now.timestamp()
    for key, limit in sorted(wanted, key=lambda pair: pair[0]):
        if pacing.take(session, key, limit.burst, limit.per_second, stamp) > 0:
            return key
    return None
