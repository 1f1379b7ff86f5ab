"""Mentoring due work, run on every tick: offer timeouts, dated pauses that ran out
and week-old check-ins.

Both are read from the database each time, so a restarted bot picks up where
the previous one stopped.
"""

from __future__ import annotations

from bot.deps import Deps
from bot.mentoring import delivery as mentoring_delivery


def move_on_offers_and_check_in(deps: Deps) -> None:
    mentoring_delivery.run_due_work(deps)
