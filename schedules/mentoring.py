"""Mentoring due work, run on every tick: offer timeouts, dated pauses that ran out
and week-old check-ins.

Each is read from the database every time, so a restarted bot picks up where the
previous one stopped; what they say is written to the outbox in the same transactions.
"""

from __future__ import annotations

from datetime import datetime

from bot.deps import Deps
from bot.mentoring import due as mentoring_due
from bot.mentoring import mentors, offers, pairings
from handlers.mentoring.sending import finish, said_for


def move_on_offers_and_check_in(deps: Deps) -> None:
    now, timeout = deps.clock.now(), deps.settings.offer_timeout
    said = said_for(deps)
    offers.expire_due_offers(deps.db, now, timeout, said)
    mentors.offer_after_ended_pauses(deps.db, now, timeout, said)
    pairings.due_checkins(deps.db, now, said)
    finish(deps, said, deliver=False)  # the tick's last task sends what this said


def next_due(deps: Deps) -> datetime | None:
    """When an offer times out, a pause ends or a check-in falls due."""
    return mentoring_due.next_due(deps.db)
