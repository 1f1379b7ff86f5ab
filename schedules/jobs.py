"""Scheduled job functions. Module-level callables that only call services.

APScheduler's SQLAlchemy job store keeps jobs by `module:function` reference,
so renaming one of these is a migration. The running app binds its Deps here
at start, because job stores cannot pickle clients or engines.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot import events
from bot.deps import Deps
from schedules import campaigns as campaign_due
from schedules import delivery, home
from schedules import encouragement as nudges
from schedules import faq as faq_jobs
from schedules import meetings as meeting_reminders
from schedules import mentoring as mentoring_due

log = logging.getLogger("clubbot.jobs")

_deps: Deps | None = None
# Each feature's due work, fn(deps) -> None, run on every tick. Time-critical
# reminders go first; each task guards its own failures.
TICK_TASKS: tuple[Callable[[Deps], None], ...] = (
    meeting_reminders.send_meeting_reminders,
    meeting_reminders.plan_reminder_dms,
    # Right after the reminders were decided, and again last for what the rest said.
    delivery.deliver_outbox,
    home.publish_waiting,
    campaign_due.send_golive,
    meeting_reminders.ask_who_came,
    meeting_reminders.redraw_stale_announcements,
    mentoring_due.move_on_offers_and_check_in,
    faq_jobs.raise_unanswered_questions,
    faq_jobs.show_answers_to_mentors,
    faq_jobs.offer_weekly_review,
    campaign_due.send_due_invitations,
    campaign_due.post_roundups,
    nudges.send_due_nudges,
    delivery.deliver_outbox,
)

# When each feature's tick tasks above next have work: fn(deps) -> the earliest time
# (at or before now: some now), or None when nothing comes due until someone acts. The
# local club (console, tests) jumps its clock from one to the next instead of ticking
# every minute; tests/unit/test_next_due.py checks every feature above has one.
NEXT_DUE: tuple[Callable[[Deps], datetime | None], ...] = (
    meeting_reminders.next_due,
    delivery.next_due,
    home.next_due,
    campaign_due.next_due,
    mentoring_due.next_due,
    faq_jobs.next_due,
    nudges.next_due,
)


def bind(deps: Deps | None) -> None:
    global _deps
    _deps = deps


def _bound() -> Deps:
    if _deps is None:
        raise RuntimeError("scheduled job ran before the app bound its dependencies")
    return _deps


def prune_events() -> None:
    deps = _bound()
    removed = events.prune_processed_events(deps.db, deps.clock.now())
    log.info("pruned processed events count=%d", removed)


def tick() -> None:
    """Run every feature's due work once; each task guards its own failures."""
    run_due_work(_bound())


def run_due_work(deps: Deps) -> None:
    for task in TICK_TASKS:
        if deps.stopping.is_set():
            return  # what is left is due work in the database: the next process does it
        try:
            task(deps)
        except Exception:
            log.exception("due work failed task=%s", getattr(task, "__name__", task))


def next_due_work(deps: Deps) -> datetime | None:
    """The earliest time any tick task may have work; None when none has any coming."""
    now = deps.clock.now()
    found = []
    for next_due in NEXT_DUE:
        try:
            at = next_due(deps)
        except Exception:
            log.exception("next due work unknown task=%s", getattr(next_due, "__module__", "?"))
            return now  # unknown: tick as often as before
        if at is not None:
            found.append(at)
    return min(found, default=None)
