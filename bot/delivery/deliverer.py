"""The deliverer: sends what the outbox holds, after the deciding transaction committed.

Each row is claimed on its own with a lease (`CLUB_DELIVERY_LEASE`), sent, and marked;
a process that dies mid-send leaves its claim to run out, and whoever takes the row
over first looks in the conversation for the delivery key (carried in the message's
metadata) before posting again, so a person gets each message exactly once.

Run by every tick (so also right after start) and by use cases that want their
messages out at once (all that is due, or only the keys they name). Slack itself is
behind the small `Sender` protocol.

Rows go earliest deadline first (`deadline`), and each claim takes its calls' tokens from
the rate-limit buckets every replica shares (bot/delivery/pacing.py): a row whose
bucket is empty waits, unclaimed, for a later run, and rows that need other buckets
go meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.content.delivery import undeliverable
from bot.delivery import outbox, pacing, progress
from bot.delivery.rules import GiveUp, SendFailure, after_failure
from bot.slack_limits import POST_MESSAGE, Limit, method_bucket
from storage.db import Database
from storage.delivery import pacing as buckets
from storage.delivery import queries
from storage.delivery.models import EXPIRED, FAILED, PENDING, SENT, SKIPPED, Delivery
from storage.members import queries as members
from storage.members.models import Member

log = logging.getLogger("clubbot.delivery")

BATCH = 100
ROUNDS = 5  # at most BATCH * ROUNDS rows per run; the next tick takes the rest
ORGANISER = "organiser"
CHANNEL_GONE = "channel_not_found"


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


class SendError(Exception):
    def __init__(self, failure: SendFailure) -> None:
        super().__init__(failure.error)
        self.failure = failure


class Sender(Protocol):
    """Slack, as the deliverer needs it. Both raise SendError when Slack says no."""

    def post(self, job: Job) -> Posted: ...

    def find_posted(self, job: Job) -> Posted | None:
        """The message carrying the job's key, if an earlier attempt did post it."""
        ...

    def update(self, channel: str, ts: str, text: str) -> None:
        """Replace the text of a message the bot posted (a progress line)."""
        ...


@dataclass(frozen=True)
class Job:
    id: int
    key: str
    recipient: str
    thread_ts: str | None
    text: str
    blocks: list[dict[str, Any]] | None
    purpose: str
    ref: str | None
    about: str | None
    attempts: int
    maybe_sent: bool
    created_at: datetime
    # The person's DM channel when it is known (no conversations.open needed).
    conversation: str | None = None


class Paced(Exception):
    """The row's calls would pass a rate limit now: the claim is rolled back."""

    def __init__(self, bucket: str) -> None:
        super().__init__(bucket)
        self.bucket = bucket


# purpose -> fn(session, job, posted), run in the transaction that marks the row sent
# (e.g. mentoring remembers where an offer landed, to update it later).
AfterSent = Callable[[Session, Job, Posted], None]
_after_sent: dict[str, AfterSent] = {}


def on_sent(purpose: str, hook: AfterSent) -> None:
    _after_sent[purpose] = hook


# purpose -> fn(session, job, error), run in the transaction that ends a row for good
# (e.g. kudos that could not be posted are not counted).
AfterFailed = Callable[[Session, Job, str], None]
_after_failed: dict[str, AfterFailed] = {}


def on_failed(purpose: str, hook: AfterFailed) -> None:
    _after_failed[purpose] = hook


def _line_posted(session: Session, job: Job, posted: Posted) -> None:
    progress.remember_line(session, job.ref, posted.channel, posted.ts)


on_sent(outbox.PROGRESS, _line_posted)


def deliver_due(db: Database, sender: Sender, clock: Clock, *, lease: timedelta) -> int:
    """Send every row that is due now, as far as the rate limits allow; returns how many
    were sent.

    The outbox is read in keyset pages, earliest deadline first. A page leaves out what
    an empty bucket holds back for sure (nothing at all while chat.postMessage is empty;
    no row needing conversations.open while that is), so a backlog of thousands waiting
    for Tier 3 costs one short query per run, not pages of rows that cannot go."""
    sent = 0
    waiting = 0  # due rows left for a later run (paced)
    empty: set[str] = set()  # buckets found empty in this run
    after: queries.Due | None = None
    post, opens = method_bucket(POST_MESSAGE), method_bucket(pacing.OPEN)
    for _ in range(ROUNDS):
        with db.transaction() as session:
            empty |= pacing.empty_methods(session, clock.now())
            if post in empty:
                break  # nothing may be posted now
            rows = queries.due(session, clock.now(), BATCH, after, opens=opens not in empty)
        for due in rows:
            wanted = pacing.buckets_for(due)
            if empty.intersection(key for key, _limit in wanted):
                waiting += 1
                continue
            try:
                job = _claim(db, due.id, clock.now(), lease, wanted)
            except Paced as paced:
                empty.add(paced.bucket)
                waiting += 1
                continue
            if job is not None and _send(db, sender, clock, job):
                sent += 1
        if len(rows) < BATCH or post in empty:
            break  # nothing more is due, or nothing more may be posted now
        after = rows[-1]
    if waiting or empty:
        log.debug("deliveries waiting for rate limits: %d (%s)", waiting, ", ".join(sorted(empty)))
    progress.refresh(db, lambda channel, ts, text: _update(sender, channel, ts, text), clock.now())
    return sent


def _update(sender: Sender, channel: str, ts: str, text: str) -> bool:
    try:
        sender.update(channel, ts, text)
    except SendError:
        return False
    return True


def deliver_keys(
    db: Database, sender: Sender, clock: Clock, keys: tuple[str, ...], *, lease: timedelta
) -> int:
    """Send just these rows, if due and the rate limits allow: a reply someone is waiting
    for does not queue behind the rest of the outbox (the tick sends that, and any of
    these that must wait for a bucket). Returns how many were sent."""
    sent = 0
    for key in keys:
        with db.transaction() as session:
            due = queries.due_by_key(session, clock.now(), key)
        if due is None:
            continue  # sent already, by the tick or another replica
        try:
            job = _claim(db, due.id, clock.now(), lease, pacing.buckets_for(due))
        except Paced as paced:
            log.info("delivery waits for rate limit key=%s bucket=%s", key, paced.bucket)
            continue
        if job is not None and _send(db, sender, clock, job):
            sent += 1
    return sent


def _claim(
    db: Database,
    delivery_id: int,
    now: datetime,
    lease: timedelta,
    wanted: list[tuple[str, Limit]] | None = None,
) -> Job | None:
    """Claim the row and take its calls' tokens together; raises Paced (and takes
    nothing) when a bucket is empty. Without `wanted`, no tokens are taken."""
    with db.transaction() as session:
        if not queries.claim(session, delivery_id, now, now + lease):
            return None  # another instance has it
        row = session.get(Delivery, delivery_id, populate_existing=True)
        assert row is not None
        if row.not_after is not None and now > row.not_after:
            row.status, row.lease_until = EXPIRED, None
            log.info("delivery expired key=%s", row.delivery_key)
            return None
        if row.unsolicited and _excluded(session, row.recipient):
            row.status, row.lease_until = SKIPPED, None
            log.info("not contacting excluded person key=%s", row.delivery_key)
            return None
        if wanted:
            empty = pacing.take_all(session, wanted, now)
            if empty is not None:
                raise Paced(empty)  # rolls the claim back
        conversation = None
        if pacing.is_person(row.recipient):
            conversation = buckets.known_dm_channel(session, row.recipient)
        return Job(
            id=row.id,
            key=row.delivery_key,
            recipient=row.recipient,
            thread_ts=row.thread_ts,
            text=row.text,
            blocks=row.blocks,
            purpose=row.purpose,
            ref=row.ref,
            about=row.about,
            attempts=row.attempts,
            maybe_sent=row.maybe_sent,
            created_at=row.created_at,
            conversation=conversation,
        )


def _excluded(session: Session, user_id: str) -> bool:
    member = session.get(Member, user_id)
    return bool(member and member.excluded)


def _send(db: Database, sender: Sender, clock: Clock, job: Job) -> bool:
    try:
        posted = None
        if job.maybe_sent:
            posted = sender.find_posted(job)
            if posted is not None:
                log.info("delivery found already sent key=%s", job.key)
        if posted is None:
            posted = sender.post(job)
    except SendError as error:
        _failed(db, clock.now(), job, error.failure)
        return False
    with db.transaction() as session:
        row = session.get(Delivery, job.id)
        if row is not None:
            row.status, row.lease_until, row.last_error = SENT, None, None
            row.sent_at, row.channel_id, row.ts = clock.now(), posted.channel, posted.ts
            if pacing.is_person(job.recipient) and job.conversation != posted.channel:
                buckets.remember_dm_channel(session, job.recipient, posted.channel)
            hook = _after_sent.get(job.purpose)
            if hook is not None:
                hook(session, job, posted)
    log.info("delivered key=%s channel=%s", job.key, posted.channel)
    return True


def _failed(db: Database, now: datetime, job: Job, failure: SendFailure) -> None:
    decision = after_failure(failure, job.attempts, now)
    with db.transaction() as session:
        row = session.get(Delivery, job.id)
        if row is None:
            return
        if job.conversation is not None and failure.error == CHANNEL_GONE:
            # The remembered DM channel is no more: open the DM again, at once.
            buckets.forget_dm_channel(session, job.recipient)
            row.status, row.lease_until, row.next_attempt_at = PENDING, None, now
            log.info("delivery reopens the DM key=%s", job.key)
            return
        row.last_error = failure.error[:80]
        row.lease_until = None
        row.maybe_sent = row.maybe_sent or failure.maybe_sent
        if isinstance(decision, GiveUp):
            row.status = FAILED
            log.warning(
                "delivery failed for good key=%s error=%s attempts=%d",
                job.key,
                failure.error,
                job.attempts,
            )
            if decision.permanent and job.about:
                _tell_organisers(session, job, failure.error, now)
            failed_hook = _after_failed.get(job.purpose)
            if failed_hook is not None:
                failed_hook(session, job, failure.error)
            return
        row.status, row.next_attempt_at = PENDING, decision.at
        log.info(
            "delivery will retry key=%s error=%s attempt=%d at=%s",
            job.key,
            failure.error,
            job.attempts,
            decision.at.isoformat(),
        )


def _tell_organisers(session: Session, job: Job, error: str, now: datetime) -> None:
    """Once per recipient and error: the key says so, whatever failed to reach them."""
    text = undeliverable(job.about or "a message", job.recipient, error)
    for organiser in members.users_with_role(session, ORGANISER):
        if organiser == job.recipient:
            continue
        outbox.enqueue(
            session,
            organiser,
            f"delivery.undeliverable:{job.recipient}:{error}:{organiser}",
            outbox.Message(text),
            now=now,
            purpose="delivery.undeliverable",
        )
