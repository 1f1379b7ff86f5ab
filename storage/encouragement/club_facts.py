"""Facts the encouragement features read from other features' tables, defensively.

Meetings, the FAQ and mentor pairing are built alongside; each reader here
imports that feature's models lazily and answers "nothing" when they are not
there (yet), so welcome and nudges work on any combination of features. (The next
meeting is the meetings feature's to say: bot.meetings.upcoming, through the wiring.)
"""

from __future__ import annotations

import importlib
import logging
from datetime import date, datetime
from types import ModuleType
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

log = logging.getLogger("clubbot.club_facts")


def _models(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"storage.{name}.models")
    except ImportError:
        return None


def blackout_dates(session: Session) -> frozenset[date]:
    """Club holidays (the meetings feature owns them): no nudges on these local dates."""
    models = _models("meetings")
    holiday: Any = getattr(models, "Holiday", None) if models else None
    if holiday is None:
        return frozenset()
    return frozenset(session.scalars(select(holiday.day)))


def helpful_answers(session: Session) -> dict[str, int]:
    """Per person: answers of theirs that colleagues marked helpful.

    A mentor's answer counts once it became an FAQ entry that someone voted helpful.
    """
    models = _models("faq")
    question: Any = getattr(models, "FaqQuestion", None) if models else None
    entry: Any = getattr(models, "FaqEntry", None) if models else None
    if question is None or entry is None:
        return {}
    query = (
        select(question.answered_by, func.count(question.id))
        .join(entry, entry.id == question.saved_entry_id)
        .where(question.answered_by.is_not(None), entry.helpful_count > 0)
        .group_by(question.answered_by)
    )
    return {user_id: int(n) for user_id, n in session.execute(query)}


def waiting_requests(session: Session) -> dict[str, list[tuple[int, datetime]]]:
    """Per mentor: (request id, offered at) for mentoring requests waiting on their answer."""
    for name in ("mentoring", "pairing", "pairings"):
        models = _models(name)
        offer: Any = getattr(models, "MentorOffer", None) if models else None
        if offer is None:
            continue
        query = select(offer.mentor_id, offer.request_id, offer.offered_at).where(
            offer.status == "pending"
        )
        waiting: dict[str, list[tuple[int, datetime]]] = {}
        for mentor_id, request_id, offered_at in session.execute(query):
            waiting.setdefault(mentor_id, []).append((int(request_id), offered_at))
        return waiting
    return {}
