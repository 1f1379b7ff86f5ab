"""When someone in mentoring asks to be forgotten: the people they were working with are
told, and what waited on them moves on.

`forget me` deletes every mentoring row of the person in one transaction, so what must
follow is read just before (``before_forget``) and acted on after it committed
(``after_forget``). The plan holds Slack ids only for that moment; nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.mentoring.messages import Said, StaleOffer
from bot.mentoring.offers import offer_next, offer_waiting_to, stale
from storage.db import Database
from storage.mentoring import queries as repo
from storage.mentoring.models import MentorRequestRow


@dataclass(frozen=True)
class ForgetPlan:
    user_id: str
    mentees: tuple[str, ...]  # people the person mentored
    mentors: tuple[str, ...]  # the person's mentors
    closed_offers: tuple[StaleOffer, ...]  # offers of the person's request, still out
    requests_to_move: tuple[int, ...]  # others' requests whose offer waited on the person


def before_forget(db: Database, user_id: str) -> ForgetPlan:
    with db.transaction() as session:
        pairings = repo.active_pairings_of(session, user_id)
        closed: list[StaleOffer] = []
        request = repo.open_request(session, user_id)
        offer = repo.pending_offer(session, request.id) if request is not None else None
        if offer is not None:
            closed.append(stale(offer, user_id, "cancelled"))
        return ForgetPlan(
            user_id=user_id,
            mentees=tuple(p.mentee_id for p in pairings if p.mentor_id == user_id),
            mentors=tuple(p.mentor_id for p in pairings if p.mentee_id == user_id),
            closed_offers=tuple(closed),
            requests_to_move=tuple(o.request_id for o in repo.pending_offers_of(session, user_id)),
        )


def after_forget(
    db: Database, plan: ForgetPlan, now: datetime, timeout: timedelta, said: Said
) -> None:
    """Tell the other side of each pairing it ended; a mentor freed by it is offered what
    waits; requests whose offer was with the person go to the next mentor."""
    for offer in plan.closed_offers:
        said.close(offer)
    with db.transaction() as session:
        for mentee in plan.mentees:
            said.forgotten(session, plan.user_id, mentee, was_mentor=True, now=now)
        for mentor in plan.mentors:
            said.forgotten(session, plan.user_id, mentor, was_mentor=False, now=now)
        for request_id in plan.requests_to_move:
            request = session.get(MentorRequestRow, request_id)
            waiting = request is not None and request.status == "waiting"
            if waiting and request is not None and repo.pending_offer(session, request_id) is None:
                offer_next(session, request, now, timeout, said)
        for mentor in plan.mentors:
            offer_waiting_to(session, mentor, now, timeout, said)
