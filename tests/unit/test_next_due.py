"""The pieces the local club's clock jumps by: every feature says when it next has work."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta

import schedules
from bot.encouragement.due import _on_the_planning_rhythm
from bot.faq import verification
from schedules import jobs
from schedules.faq import next_review_at

MONDAY_9 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_every_feature_with_tick_tasks_says_when_it_next_has_work() -> None:
    """A feature missing from NEXT_DUE would have its work jumped over."""
    features = {
        inspect.getmodule(task).__name__ for task in jobs.TICK_TASKS  # type: ignore[union-attr]
    }
    with_next_due = {fn.__module__ for fn in jobs.NEXT_DUE}
    # deliver_outbox lives with its Slack sender; schedules.delivery re-exports it.
    features = {"schedules.delivery" if name.startswith("handlers.") else name
                for name in features}
    assert features <= with_next_due, features - with_next_due
    assert all(name.startswith(schedules.__name__) for name in with_next_due)


def test_the_weekly_review_opens_on_monday_at_nine() -> None:
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert next_review_at(tuesday, None) == MONDAY_9
    assert next_review_at(MONDAY_9 - timedelta(minutes=1), None) == MONDAY_9
    later = MONDAY_9 + timedelta(hours=3)
    assert next_review_at(later, None) == later  # due now: not yet offered this week
    week = verification.week_of(later)
    assert next_review_at(later, week) == MONDAY_9 + timedelta(days=7)


def test_nudges_wait_for_the_planners_next_slot() -> None:
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    planned = now - timedelta(minutes=4)  # the next slot opens at 10:06
    assert _on_the_planning_rhythm(now, now, planned) == now + timedelta(minutes=6)
    # Wanted at 11:00: the slots run 10:06, 10:16, ... so 11:06 is the first after it.
    wanted = now + timedelta(hours=1)
    assert _on_the_planning_rhythm(wanted, now, planned) == now + timedelta(minutes=66)
    assert _on_the_planning_rhythm(wanted, now, None) == wanted
    # A slot long open: the next tick plans.
    assert _on_the_planning_rhythm(now, now, now - timedelta(hours=2)) == now
