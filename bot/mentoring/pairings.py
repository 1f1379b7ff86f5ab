"""The life of a pairing: check-ins, ending, a different mentor, and what
organisers do by hand (list, suggest, pair)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from bot.content.mentoring import pairing_ended
from bot.mentoring.messages import Said
from bot.mentoring.offers import (
    CHECKIN_AFTER,
    WORKED_WITH_MENTOR,
    RequestOutcome,
    create_request,
    domain_request,
    make_offer,
    mentor_profiles,
    offer_waiting_to,
    rank_for,
    stale,
)
from bot.mentoring.pairing import MentorProfile, RankedMentor, pair_reasons, pair_score
from storage.db import Database
from storage.members import queries as members
from storage.members.models import Member
from storage.mentoring import queries as repo
from storage.mentoring.models import MentorRequestRow, Pairing
from storage.path import queries as progress

# "Not yet" asks again a week later, at most this many check-ins in all: nobody is nagged.
MAX_CHECKINS = 3
LIST_LIMIT = 40


# --- ending ------------------------------------------------------------------------------


class EndResult(StrEnum):
    ENDED = "ended"
    ALREADY_ENDED = "already_ended"
    NONE_ACTIVE = "none_active"
    WHICH_ONE = "which_one"


@dataclass(frozen=True)
class EndOutcome:
    result: EndResult
    pairing_id: int | None = None
    other: str | None = None  # the other person in the pairing
    choices: tuple[str, ...] = ()


def _end(
    session: Session, pairing: Pairing, by: str, reason: str, now: datetime, timeout: timedelta,
    said: Said,
) -> EndOutcome:
    """End an active pairing once; the mentor's freed place goes to whoever is waiting."""
    other = pairing.mentee_id if by == pairing.mentor_id else pairing.mentor_id
    if not repo.end_pairing(session, pairing.id, by, reason, now):
        return EndOutcome(EndResult.ALREADY_ENDED, pairing.id, other)
    said.homes.append(other)  # the person ending it is acting: their Home refreshes itself
    offer_waiting_to(session, pairing.mentor_id, now, timeout, said)
    said.ended(session, pairing, pairing_ended(by), now)
    return EndOutcome(EndResult.ENDED, pairing.id, other)


def end_for(
    db: Database, user_id: str, other: str | None, now: datetime, timeout: timedelta, said: Said
) -> EndOutcome:
    """`/club mentor end [@person]`: the caller's one active pairing, or the one with `other`."""
    with db.transaction() as session:
        pairings = repo.active_pairings_of(session, user_id)
        if other is not None:
            pairings = [p for p in pairings if other in (p.mentor_id, p.mentee_id)]
        if not pairings:
            return EndOutcome(EndResult.NONE_ACTIVE, other=other)
        if len(pairings) > 1:
            people = tuple(p.mentee_id if p.mentor_id == user_id else p.mentor_id for p in pairings)
            return EndOutcome(EndResult.WHICH_ONE, choices=people)
        return _end(session, pairings[0], user_id, "ended by a participant", now, timeout, said)


@dataclass(frozen=True)
class ChangeOutcome:
    ended: EndOutcome
    request: RequestOutcome | None


def change_mentor(
    db: Database, mentee_id: str, now: datetime, timeout: timedelta, said: Said
) -> ChangeOutcome:
    """A mentee asks for a different mentor: end the pairing, reopen the same request.

    The old mentor is a past mentor now, so the new request never goes back to them.
    """
    with db.transaction() as session:
        mine = [p for p in repo.active_pairings_of(session, mentee_id) if p.mentee_id == mentee_id]
        if not mine:
            return ChangeOutcome(EndOutcome(EndResult.NONE_ACTIVE), None)
        old = session.get(MentorRequestRow, mine[0].request_id)
        topics = list(old.topics) if old else []
        goal = old.goal if old else ""
        times = old.preferred_times if old else ""
        ended = _end(
            session, mine[0], mentee_id, "mentee asked for a different mentor", now, timeout,
            said,
        )
    request = create_request(db, mentee_id, topics, goal, times, False, now, timeout, said)
    return ChangeOutcome(ended, request)


# --- check-ins ------------------------------------------------------------------------------


def due_checkins(db: Database, now: datetime, said: Said) -> None:
    with db.transaction() as session:
        due = repo.due_checkin_ids(session, now)
    for pairing_id in due:
        with db.transaction() as session:
            if not repo.claim_checkin(session, pairing_id, now):
                continue
            pairing = session.get(Pairing, pairing_id)
            if pairing is not None:
                said.checkin(session, pairing, now)


class CheckinAnswer(StrEnum):
    MET = "met"
    NOT_YET = "not_yet"
    END = "end"


class CheckinResult(StrEnum):
    NOTED = "noted"
    NOT_YOURS = "not_yours"
    ENDED = "ended"
    ALREADY_ENDED = "already_ended"
    GONE = "gone"
    NOT_ASKED = "not_asked"  # no check-in was posted for this pairing


@dataclass(frozen=True)
class CheckinOutcome:
    result: CheckinResult
    next_checkin: datetime | None = None
    # The check-in message the bot posted (stored when sent), the only one to update.
    channel_id: str | None = None
    message_ts: str | None = None


def answer_checkin(
    db: Database,
    pairing_id: int,
    presser: str,
    answer: CheckinAnswer,
    now: datetime,
    timeout: timedelta,
    said: Said,
) -> CheckinOutcome:
    with db.transaction() as session:
        pairing = session.get(Pairing, pairing_id)
        if pairing is None:
            return CheckinOutcome(CheckinResult.GONE)
        if presser not in (pairing.mentor_id, pairing.mentee_id):
            return CheckinOutcome(CheckinResult.NOT_YOURS)
        if pairing.status != "active":
            return CheckinOutcome(CheckinResult.ALREADY_ENDED)
        if pairing.checkin_ts is None:
            return CheckinOutcome(CheckinResult.NOT_ASKED)
        where: dict[str, Any] = {"channel_id": pairing.channel_id, "message_ts": pairing.checkin_ts}
        if answer is CheckinAnswer.END:
            ended = _end(session, pairing, presser, "ended at a check-in", now, timeout, said)
            if ended.result is not EndResult.ENDED:
                return CheckinOutcome(CheckinResult.ALREADY_ENDED)
            return CheckinOutcome(CheckinResult.ENDED, **where)
        if answer is CheckinAnswer.MET:
            pairing.met_at = pairing.met_at or now
            # The path's step is about working together, so it ticks now, not at Accept.
            progress.record_step(session, pairing.mentee_id, WORKED_WITH_MENTOR, now)
            return CheckinOutcome(CheckinResult.NOTED, **where)
        if pairing.met_at is None and pairing.checkins_sent < MAX_CHECKINS:
            pairing.checkin_due_at = now + CHECKIN_AFTER
            pairing.checkin_sent_at = None
            return CheckinOutcome(
                CheckinResult.NOTED, next_checkin=pairing.checkin_due_at, **where
            )
        return CheckinOutcome(CheckinResult.NOTED, **where)


# --- organisers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingLine:
    mentee_id: str
    since: datetime
    offered_to: str | None
    offer_expires_at: datetime | None
    stalled: bool


@dataclass(frozen=True)
class PairingLine:
    mentor_id: str
    mentee_id: str
    started_at: datetime
    ended_at: datetime | None
    met: bool
    ended_by: str | None


def waiting(db: Database) -> list[WaitingLine]:
    with db.transaction() as session:
        lines = []
        for request in repo.open_requests(session)[:LIST_LIMIT]:
            offer = repo.pending_offer(session, request.id)
            lines.append(
                WaitingLine(
                    request.mentee_id,
                    request.created_at,
                    offer.mentor_id if offer else None,
                    offer.expires_at if offer else None,
                    request.stalled_at is not None,
                )
            )
        return lines


def pairings(db: Database, status: str) -> list[PairingLine]:
    with db.transaction() as session:
        return [
            PairingLine(
                p.mentor_id, p.mentee_id, p.started_at, p.ended_at, p.met_at is not None, p.ended_by
            )
            for p in repo.pairings_with_status(session, status, LIST_LIMIT)
        ]


@dataclass(frozen=True)
class Suggestion:
    has_open_request: bool
    topics: tuple[str, ...]
    ranked: tuple[RankedMentor, ...]


def suggest(db: Database, mentee_id: str, now: datetime, limit: int = 5) -> Suggestion:
    """The ranking for a mentee's open request (or their last one), with reasons. Sends nothing."""
    with db.transaction() as session:
        request = repo.open_request(session, mentee_id)
        has_open = request is not None
        if request is None:
            last = repo.latest_request(session, mentee_id)
            request = MentorRequestRow(
                mentee_id=mentee_id, topics=list(last.topics) if last else [], created_at=now
            )
        ranked = rank_for(session, request, now, again=True)
        return Suggestion(has_open, tuple(request.topics), tuple(ranked[:limit]))


class ManualResult(StrEnum):
    OFFERED = "offered"
    SAME_PERSON = "same_person"
    NOT_A_MENTOR = "not_a_mentor"
    ALREADY_PAIRED = "already_paired"
    PAST_PAIR = "past_pair"
    ALREADY_OFFERED = "already_offered"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class ManualOutcome:
    result: ManualResult
    detail: str = ""


def manual_pair(
    db: Database,
    organiser: str,
    mentee_id: str,
    mentor_id: str,
    now: datetime,
    timeout: timedelta,
    said: Said,
) -> ManualOutcome:
    """An organiser's choice; the mentor still accepts. The request is opened if needed,
    and an offer already out to someone else moves on."""
    if mentee_id == mentor_id:
        return ManualOutcome(ManualResult.SAME_PERSON)
    with db.transaction() as session:
        if repo.profile(session, mentor_id) is None:
            return ManualOutcome(ManualResult.NOT_A_MENTOR)
        if any(p.mentee_id == mentee_id for p in repo.active_pairings_of(session, mentee_id)):
            return ManualOutcome(ManualResult.ALREADY_PAIRED)
        request = repo.open_request(session, mentee_id)
        new_request = request is None
        if request is None:  # stored only once every check below has passed
            request = MentorRequestRow(
                mentee_id=mentee_id, topics=[], goal="", preferred_times="", allow_repeat=False,
                status="waiting", open_for=mentee_id, created_at=now, created_by=organiser,
            )  # fmt: skip
        # Only a mentor who said no is ruled out: one who timed out may be asked again.
        wanted = domain_request(session, request, again=True)
        if mentor_id in wanted.past_mentor_ids and not wanted.allow_repeat:
            return ManualOutcome(ManualResult.PAST_PAIR)
        current = repo.pending_offer(session, request.id) if request.id else None
        if current is not None and current.mentor_id == mentor_id:
            return ManualOutcome(ManualResult.ALREADY_OFFERED)
        if mentor_id in wanted.declined_by:
            return ManualOutcome(ManualResult.ALREADY_OFFERED, "declined")
        profile = next((m for m in mentor_profiles(session) if m.user_id == mentor_id), None)
        if profile is None:
            return ManualOutcome(ManualResult.NOT_A_MENTOR)
        score = pair_score(wanted, profile, now)
        if score is None:
            return ManualOutcome(ManualResult.UNAVAILABLE, _unavailable(session, profile, now))
        if new_request:
            members.get_or_create(session, mentee_id, now)
            session.add(request)
            session.flush()
        if current is not None and repo.settle_offer(session, current.id, "withdrawn", now):
            said.close(stale(current, mentee_id, "withdrawn"))
        reasons = pair_reasons(wanted, profile, now)
        ranked = RankedMentor(mentor_id, score, reasons)
        make_offer(
            session, request, ranked, now, timeout, said, source="manual", offered_by=organiser
        )
        return ManualOutcome(ManualResult.OFFERED)


def _unavailable(session: Session, profile: MentorProfile, now: datetime) -> str:
    """Why an organiser can't offer this mentor someone, as much as they need to know.

    Someone who asked not to be contacted is told apart from a pause (an organiser might
    otherwise nudge them to resume), and nothing more: not whether they are paused too.
    """
    member = session.get(Member, profile.user_id)
    if member is not None and member.excluded:
        return "has asked me not to contact them"
    if profile.away or (profile.paused_until and profile.paused_until > now):
        return "is paused"
    return f"has no free place ({profile.active_mentees} of {profile.capacity} taken)"
