"""The outbox's rules and its claim: pure retry decisions, one key once, one claimer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery import outbox
from bot.delivery.rules import (
    MAX_ATTEMPTS,
    GiveUp,
    Retry,
    SendFailure,
    after_failure,
    backoff,
)
from storage.db import Database
from storage.delivery import queries
from storage.delivery.models import SENDING, Delivery

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "error",
    ["user_not_found", "channel_not_found", "is_archived", "not_in_channel", "account_inactive"],
)
def test_a_permanent_error_ends_the_delivery_after_one_try(error: str) -> None:
    assert after_failure(SendFailure(error), 1, NOW) == GiveUp(permanent=True)


def test_a_429_waits_for_retry_after() -> None:
    failure = SendFailure("ratelimited", status=429, retry_after=42)
    assert after_failure(failure, 1, NOW) == Retry(NOW + timedelta(seconds=42))
    # Waiting out a rate limit is not one of the bounded failures.
    assert after_failure(failure, MAX_ATTEMPTS + 3, NOW) == Retry(NOW + timedelta(seconds=42))


def test_5xx_and_other_errors_back_off_and_are_bounded() -> None:
    assert after_failure(SendFailure("internal_error", status=500), 1, NOW) == Retry(
        NOW + timedelta(seconds=30)
    )
    assert after_failure(SendFailure("invalid_blocks"), 3, NOW) == Retry(NOW + timedelta(minutes=2))
    assert after_failure(SendFailure("network"), MAX_ATTEMPTS, NOW) == GiveUp(permanent=False)
    assert backoff(20) == timedelta(hours=1)


def test_a_key_is_enqueued_once(db: Database) -> None:
    message = outbox.Message("hello")
    with db.transaction() as session:
        assert outbox.enqueue(session, "U0NINA", "k:1", message, now=NOW, purpose="test")
        assert not outbox.enqueue(session, "U0NINA", "k:1", message, now=NOW, purpose="test")
    with db.transaction() as session:
        assert not outbox.enqueue(session, "U0NINA", "k:1", message, now=NOW, purpose="test")
        assert outbox.enqueue(session, "U0NINA", "k:2", message, now=NOW, purpose="test")
    with pytest.raises(ValueError), db.transaction() as session:
        outbox.enqueue(session, "U0NINA", "k" * 201, message, now=NOW, purpose="test")


def test_one_claimer_wins_and_an_expired_lease_is_taken_over_as_maybe_sent(db: Database) -> None:
    with db.transaction() as session:
        outbox.enqueue(session, "U0NINA", "k:1", outbox.Message("hi"), now=NOW, purpose="test")
        (row_id,) = queries.due_ids(session, NOW, 10)
    lease = NOW + timedelta(minutes=2)
    with db.transaction() as session:
        assert queries.claim(session, row_id, NOW, lease)
    with db.transaction() as session:
        assert not queries.claim(session, row_id, NOW, lease)  # held by the first
        assert queries.due_ids(session, NOW + timedelta(minutes=1), 10) == []
    later = NOW + timedelta(minutes=3)
    with db.transaction() as session:
        assert queries.due_ids(session, later, 10) == [row_id]
        assert queries.claim(session, row_id, later, later + timedelta(minutes=2))
    with db.transaction() as session:
        row = session.get(Delivery, row_id)
        assert row is not None
        assert (row.status, row.attempts, row.maybe_sent) == (SENDING, 2, True)


def test_the_due_rows_come_in_keyset_pages_by_deadline(db: Database) -> None:
    from storage.delivery import pacing

    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    deadlines = [None, now + timedelta(minutes=5), None, now + timedelta(minutes=1)] * 4
    recipients = ["U0OPEN", "U0KNOWN", "C0CHAN", "U0OPEN2"] * 4
    with db.transaction() as session:
        pacing.remember_dm_channel(session, "U0KNOWN", "D0KNOWN")
        for n, (recipient, deadline) in enumerate(zip(recipients, deadlines, strict=True)):
            outbox.enqueue(
                session, recipient, f"k{n}", outbox.Message("hi"), now=now, purpose="t",
                deadline=deadline,
            )  # fmt: skip
        later = outbox.Message("later")
        outbox.enqueue(session, "C0CHAN", "backoff", later, now=now, purpose="t")
        session.query(Delivery).filter_by(delivery_key="backoff").update(
            {"next_attempt_at": now + timedelta(minutes=1)}
        )
    with db.transaction() as session:
        whole = queries.due(session, now, 100)
        pages: list[queries.Due] = []
        after = None
        while page := queries.due(session, now, 3, after):
            pages += page
            after = page[-1]
        no_opens = queries.due(session, now, 100, opens=False)
    # Earliest deadline first, rows without one last; a row backing off is not due.
    assert [row.deadline for row in whole] == sorted(
        d for d in deadlines if d is not None
    ) + [None] * 8
    assert len(whole) == 16 and [row.id for row in pages] == [row.id for row in whole]
    # Without conversations.open: only channels and people whose DM channel is known.
    assert {row.recipient for row in no_opens} == {"U0KNOWN", "C0CHAN"}
    assert [row.id for row in no_opens] == [
        row.id for row in whole if row.recipient in ("U0KNOWN", "C0CHAN")
    ]
