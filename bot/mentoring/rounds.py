"""Cohort rounds: every waiting request paired at once by the assignment that
maximises the total score under capacities, previewed before any offer goes out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.mentoring.messages import Said
from bot.mentoring.offers import domain_request, make_offer, mentor_profiles, rank_for
from bot.mentoring.pairing import assign_greedy, assign_round
from storage.db import Database
from storage.mentoring import queries as repo
from storage.mentoring.models import MentorRequestRow, PairingRound


@dataclass(frozen=True)
class PlannedPair:
    mentee_id: str
    mentor_id: str
    score: float


@dataclass(frozen=True)
class RoundPreview:
    round_id: int | None
    pairs: tuple[PlannedPair, ...]
    unmatched: tuple[str, ...]
    total_score: float
    greedy_score: float


def preview_round(db: Database, organiser: str, now: datetime) -> RoundPreview:
    """Plan a round and keep the plan; offers go out only on confirm_round."""
    with db.transaction() as session:
        rows = repo.waiting_requests(session)
        if not rows:
            return RoundPreview(None, (), (), 0.0, 0.0)
        requests = [domain_request(session, row, again=True) for row in rows]
        mentors = mentor_profiles(session)
        plan = assign_round(requests, mentors, now)
        greedy = assign_greedy(requests, mentors, now)
        by_mentee = {row.mentee_id: row.id for row in rows}
        stored = PairingRound(
            created_by=organiser,
            created_at=now,
            status="preview",
            plan=[[by_mentee[mentee], mentor, score] for mentee, mentor, score in plan.pairs],
            total_score=plan.total_score,
        )
        session.add(stored)
        session.flush()
        return RoundPreview(
            stored.id,
            tuple(PlannedPair(*pair) for pair in plan.pairs),
            plan.unmatched,
            plan.total_score,
            greedy.total_score,
        )


class ConfirmResult(StrEnum):
    SENT = "sent"
    ALREADY = "already"
    GONE = "gone"


@dataclass(frozen=True)
class ConfirmOutcome:
    result: ConfirmResult
    sent: int = 0
    skipped: tuple[str, ...] = ()  # mentees whose planned pair no longer fits


def confirm_round(
    db: Database, round_id: int, by: str, now: datetime, timeout: timedelta, said: Said
) -> ConfirmOutcome:
    """Send the round's offers, once: a second Confirm finds it already confirmed."""
    with db.transaction() as session:
        stored = session.get(PairingRound, round_id)
        if stored is None:
            return ConfirmOutcome(ConfirmResult.GONE)
        if not repo.confirm_round(session, round_id, by, now):
            return ConfirmOutcome(ConfirmResult.ALREADY)
        skipped: list[str] = []
        sent = 0
        for request_id, mentor_id, _score in stored.plan:
            request = session.get(MentorRequestRow, request_id)
            if request is None:
                continue
            # Things may have moved since the preview: re-check against the live ranking.
            ranked = next(
                (r for r in rank_for(session, request, now, again=True) if r.user_id == mentor_id),
                None,
            )
            if (
                request.status != "waiting"
                or repo.pending_offer(session, request.id) is not None
                or ranked is None
            ):
                skipped.append(request.mentee_id)
                continue
            make_offer(
                session, request, ranked, now, timeout, said, source="round", offered_by=by
            )
            sent += 1
        return ConfirmOutcome(ConfirmResult.SENT, sent, tuple(skipped))
