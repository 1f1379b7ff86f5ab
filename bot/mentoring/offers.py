"""Requests and offers: a request goes to the best mentor, who accepts or
declines; a decline, silence or the mentor asking not to be contacted moves it
to the next one.

Every state change is a conditional UPDATE (pending → something), so a double
click, two clicks racing, or a click racing the timeout job end in exactly one
outcome; the unique constraints of storage.mentoring.models are the backstop.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.mentoring.messages import Introduction, OfferNote, Said, StaleOffer
from bot.mentoring.pairing import MentorProfile, MentorRequest, RankedMentor, rank_mentors
from storage.db import Database
from storage.members import queries as members
from storage.members.models import Member
from storage.mentoring import queries as repo
from storage.mentoring.models import MentorOffer, MentorRequestRow, Pairing

log = logging.getLogger("clubbot.mentoring")

CHECKIN_AFTER = timedelta(days=7)
WORKED_WITH_MENTOR = "worked_with_mentor"


# --- building the domain's view ---------------------------------------------------------


def mentor_profiles(session: Session) -> list[MentorProfile]:
    """Every mentor as the ranking sees them; excluded people count as away."""
    load = repo.load_by_mentor(session)
    return [
        MentorProfile(
            user_id=row.user_id,
            topics=frozenset(row.topics),
            capacity=row.capacity,
            active_mentees=load[row.user_id],
            tz=member.tz or "UTC",
            paused_until=row.paused_until,
            away=row.paused or member.excluded,
            last_offered_at=row.last_offered_at,
        )
        for row, member in repo.mentors_with_members(session)
    ]


def domain_request(
    session: Session, request: MentorRequestRow, *, again: bool = False
) -> MentorRequest:
    """The request as the ranking sees it. Moving on after a decline or a timeout skips
    every mentor already tried; ``again`` (a mentor has room, a round, an organiser's
    choice) skips only those who said no, so a mentor who merely timed out is asked again."""
    member = session.get(Member, request.mentee_id)
    tried = (
        frozenset()
        if not request.id
        else repo.refused_by(session, request.id)
        if again
        else repo.offered_mentors(session, request.id)
    )
    return MentorRequest(
        mentee_id=request.mentee_id,
        topics=frozenset(request.topics),
        tz=(member.tz if member else None) or "UTC",
        past_mentor_ids=repo.past_mentors(session, request.mentee_id),
        declined_by=tried,
        allow_repeat=request.allow_repeat,
    )


def rank_for(
    session: Session, request: MentorRequestRow, now: datetime, *, again: bool = False
) -> list[RankedMentor]:
    wanted = domain_request(session, request, again=again)
    return rank_mentors(wanted, mentor_profiles(session), now)


# --- making offers --------------------------------------------------------------------------


def make_offer(
    session: Session,
    request: MentorRequestRow,
    ranked: RankedMentor,
    now: datetime,
    timeout: timedelta,
    said: Said,
    *,
    source: str = "ranked",
    offered_by: str | None = None,
) -> MentorOffer:
    values = {
        "score": ranked.score,
        "reasons": ranked.summary()[:500],
        "source": source,
        "offered_by": offered_by,
        "offered_at": now,
        "expires_at": now + timeout,
    }
    # Always a new row, also when the request goes to this mentor again: each attempt has
    # its own id, so its DM and delivery key never collide with an earlier attempt's.
    offer = MentorOffer(
        request_id=request.id,
        mentor_id=ranked.user_id,
        status="pending",
        pending_for=request.id,
        **values,
    )
    session.add(offer)
    session.flush()
    profile = repo.profile(session, ranked.user_id)
    if profile is not None:
        profile.last_offered_at = now
    # stalled_at stays: the mentee was told once that it may take a while.
    said.offer(session, offer_note(offer, request), now)
    log.info("offer made offer=%s request=%s mentor=%s", offer.id, request.id, offer.mentor_id)
    return offer


def offer_note(offer: MentorOffer, request: MentorRequestRow) -> OfferNote:
    """What the mentor's DM shows: when the offer is made and again from `/club mentor status`."""
    return OfferNote(
        offer_id=offer.id,
        mentor_id=offer.mentor_id,
        mentee_id=request.mentee_id,
        topics=tuple(request.topics),
        goal=request.goal,
        preferred_times=request.preferred_times,
        reasons=offer.reasons,
        expires_at=offer.expires_at,
        source=offer.source,
        offered_by=offer.offered_by,
        offered_at=offer.offered_at,
    )


def offer_next(
    session: Session, request: MentorRequestRow, now: datetime, timeout: timedelta, said: Said
) -> None:
    """Offer an open request to the best mentor not yet tried, or tell the mentee (once)
    that it waits; it is offered again when a mentor has room (offer_waiting_to)."""
    ranked = rank_for(session, request, now)
    if ranked:
        make_offer(session, request, ranked[0], now, timeout, said)
        return
    if request.stalled_at is None:  # tell people once, not on every retry
        request.stalled_at = now
        said.stalled(session, request.id, request.mentee_id, tuple(request.topics), now)
        log.info("request stalled request=%s mentee=%s", request.id, request.mentee_id)


def offer_waiting_to(
    session: Session, mentor_id: str, now: datetime, timeout: timedelta, said: Said
) -> None:
    """A mentor has room again (signed up, resumed, more capacity, a pairing ended): offer
    them the oldest waiting requests they fit, as the ranking sees them, while room lasts.

    Mentors who only timed out on a request (or were full, or withdrawn) are asked again;
    one who declined it is not. Without this a request nobody could take stays waiting
    until an organiser acts.
    """
    row = repo.profile(session, mentor_id)
    if row is None:
        return
    free = row.capacity - repo.load_by_mentor(session)[mentor_id]
    for request in repo.waiting_requests(session):  # oldest first, no offer out
        if free <= 0:
            return
        # Paused, away, declined, past pairs: skipped.
        ranked = rank_for(session, request, now, again=True)
        fit = next((r for r in ranked if r.user_id == mentor_id), None)
        if fit is not None:
            make_offer(session, request, fit, now, timeout, said)
            free -= 1


def stale(offer: MentorOffer, mentee_id: str, why: str) -> StaleOffer:
    manual = offer.source == "manual"
    return StaleOffer(
        offer.id, offer.mentor_id, mentee_id, offer.channel_id, offer.message_ts, why,
        offered_by=offer.offered_by if manual else None, offered_at=offer.offered_at,
    )  # fmt: skip


def pending_offer_notes(db: Database, mentor_id: str) -> list[OfferNote]:
    """Offers still waiting for this mentor's answer (shown again by `/club mentor status`)."""
    with db.transaction() as session:
        notes = []
        for offer in repo.pending_offers_of(session, mentor_id):
            request = session.get(MentorRequestRow, offer.request_id)
            if request is not None:
                notes.append(offer_note(offer, request))
        return notes


# --- requests --------------------------------------------------------------------------------


class RequestState(StrEnum):
    CREATED = "created"
    ALREADY_OPEN = "already_open"
    ALREADY_PAIRED = "already_paired"


@dataclass(frozen=True)
class RequestView:
    request_id: int
    topics: tuple[str, ...]
    goal: str
    preferred_times: str
    created_at: datetime
    offered_to: str | None
    offer_expires_at: datetime | None
    stalled: bool


@dataclass(frozen=True)
class RequestOutcome:
    state: RequestState
    request: RequestView | None
    paired_with: str | None


def view_of(session: Session, request: MentorRequestRow) -> RequestView:
    offer = repo.pending_offer(session, request.id)
    return RequestView(
        request_id=request.id,
        topics=tuple(request.topics),
        goal=request.goal,
        preferred_times=request.preferred_times,
        created_at=request.created_at,
        offered_to=offer.mentor_id if offer else None,
        offer_expires_at=offer.expires_at if offer else None,
        stalled=request.stalled_at is not None,
    )


def current_request(db: Database, mentee_id: str) -> RequestOutcome | None:
    """The person's open request or active pairing as a mentee, if any."""
    with db.transaction() as session:
        return _current(session, mentee_id)


def _current(session: Session, mentee_id: str) -> RequestOutcome | None:
    paired = [p for p in repo.active_pairings_of(session, mentee_id) if p.mentee_id == mentee_id]
    if paired:
        return RequestOutcome(RequestState.ALREADY_PAIRED, None, paired[0].mentor_id)
    request = repo.open_request(session, mentee_id)
    if request is not None:
        return RequestOutcome(RequestState.ALREADY_OPEN, view_of(session, request), None)
    return None


def create_request(
    db: Database,
    mentee_id: str,
    topics: list[str],
    goal: str,
    preferred_times: str,
    allow_repeat: bool,
    now: datetime,
    timeout: timedelta,
    said: Said,
    *,
    created_by: str | None = None,
) -> RequestOutcome:
    """Open a request and offer it at once; one open request per person."""
    try:
        with db.transaction() as session:
            existing = _current(session, mentee_id)
            if existing is not None:
                return existing
            members.get_or_create(session, mentee_id, now)
            request = MentorRequestRow(
                mentee_id=mentee_id,
                topics=list(topics),
                goal=goal,
                preferred_times=preferred_times,
                allow_repeat=allow_repeat,
                status="waiting",
                open_for=mentee_id,
                created_at=now,
                created_by=created_by,
            )
            session.add(request)
            session.flush()
            offer_next(session, request, now, timeout, said)
            return RequestOutcome(RequestState.CREATED, view_of(session, request), None)
    except IntegrityError:
        # The same modal submitted twice at once: the other submission opened it.
        again = current_request(db, mentee_id)
        if again is None:
            raise
        return again


class CancelResult(StrEnum):
    CANCELLED = "cancelled"
    NONE_OPEN = "none_open"
    PAIRED = "paired"  # they have a mentor: ending a pairing is `/club mentor end`


def cancel_request(db: Database, mentee_id: str, now: datetime, said: Said) -> CancelResult:
    """`/club mentor cancel`: the mentee withdraws their open request; an offer still out
    is withdrawn too (its DM loses the buttons), so nobody accepts a request that's gone."""
    with db.transaction() as session:
        request = repo.open_request(session, mentee_id)
        if request is None:
            mine = repo.active_pairings_of(session, mentee_id)
            paired = any(p.mentee_id == mentee_id for p in mine)
            return CancelResult.PAIRED if paired else CancelResult.NONE_OPEN
        offer = repo.pending_offer(session, request.id)
        if offer is not None and repo.settle_offer(session, offer.id, "cancelled", now):
            said.close(stale(offer, mentee_id, "cancelled"))
        repo.close_request(session, request, "cancelled", now)
        log.info("request cancelled request=%s mentee=%s", request.id, mentee_id)
    return CancelResult.CANCELLED


def has_past_mentors(db: Database, mentee_id: str) -> bool:
    with db.transaction() as session:
        return bool(repo.past_mentors(session, mentee_id))


# --- answers -----------------------------------------------------------------------------------


class Answer(StrEnum):
    ACCEPTED = "accepted"
    ALREADY_ACCEPTED = "already_accepted"
    DECLINED = "declined"
    ALREADY_DECLINED = "already_declined"
    MOVED_ON = "moved_on"
    EXCLUDED = "excluded"  # withdrawn: the mentor asked not to be contacted (exclude me)
    NOT_YOURS = "not_yours"
    FULL = "full"
    GONE = "gone"


@dataclass(frozen=True)
class AnswerOutcome:
    answer: Answer
    mentor_id: str | None = None
    mentee_id: str | None = None


def _settle(
    session: Session, offer_id: int, presser: str, status: str, now: datetime
) -> tuple[MentorOffer, MentorRequestRow] | AnswerOutcome:
    """The offer's mentor answers: pending → ``status`` for the one click that wins.

    Anyone else, or a click after the offer was settled, gets an outcome to explain.
    """
    offer = session.get(MentorOffer, offer_id)
    request = session.get(MentorRequestRow, offer.request_id) if offer else None
    if offer is None or request is None:
        return AnswerOutcome(Answer.GONE)
    if presser != offer.mentor_id:
        return AnswerOutcome(Answer.NOT_YOURS, offer.mentor_id, request.mentee_id)
    if not repo.settle_offer(session, offer_id, status, now):
        session.refresh(offer)
        already = {
            "accepted": Answer.ALREADY_ACCEPTED,
            "declined": Answer.ALREADY_DECLINED,
            repo.EXCLUDED: Answer.EXCLUDED,
        }.get(offer.status, Answer.MOVED_ON)
        return AnswerOutcome(already, offer.mentor_id, request.mentee_id)
    return offer, request


def accept_offer(
    db: Database, offer_id: int, presser: str, now: datetime, timeout: timedelta, said: Said
) -> AnswerOutcome:
    with db.transaction() as session:
        settled = _settle(session, offer_id, presser, "accepted", now)
        if isinstance(settled, AnswerOutcome):
            return settled
        offer, request = settled
        profile = repo.profile(session, offer.mentor_id, lock=True)
        capacity = profile.capacity if profile is not None else 0
        if request.status != "waiting":
            offer.status = "withdrawn"
            return AnswerOutcome(Answer.MOVED_ON, offer.mentor_id, request.mentee_id)
        if repo.active_pairing_count(session, offer.mentor_id) >= capacity:
            # Two offers accepted at once by a mentor with one place left: this one moves on.
            offer.status = "full"
            said.moved_on(session, stale(offer, request.mentee_id, "full"), now)
            offer_next(session, request, now, timeout, said)
            return AnswerOutcome(Answer.FULL, offer.mentor_id, request.mentee_id)
        pairing = Pairing(
            request_id=request.id,
            mentor_id=offer.mentor_id,
            mentee_id=request.mentee_id,
            status="active",
            started_at=now,
            checkin_due_at=now + CHECKIN_AFTER,
        )
        session.add(pairing)
        repo.close_request(session, request, "paired", now)
        session.flush()  # "worked with a mentor" waits for the check-in saying they met
        intro = Introduction(
            pairing_id=pairing.id,
            mentor_id=offer.mentor_id,
            mentee_id=request.mentee_id,
            topics=tuple(request.topics),
            goal=request.goal,
            preferred_times=request.preferred_times,
            started_at=now,
        )
        said.introduce(session, intro, stale(offer, request.mentee_id, "accepted"))
        log.info("offer accepted offer=%s pairing=%s", offer.id, pairing.id)
        return AnswerOutcome(Answer.ACCEPTED, offer.mentor_id, request.mentee_id)


def decline_offer(
    db: Database, offer_id: int, presser: str, now: datetime, timeout: timedelta, said: Said
) -> AnswerOutcome:
    with db.transaction() as session:
        settled = _settle(session, offer_id, presser, "declined", now)
        if isinstance(settled, AnswerOutcome):
            return settled
        offer, request = settled
        said.moved_on(session, stale(offer, request.mentee_id, "declined"), now)
        if request.status == "waiting":
            offer_next(session, request, now, timeout, said)
        log.info("offer declined offer=%s request=%s", offer.id, request.id)
        return AnswerOutcome(Answer.DECLINED, offer.mentor_id, request.mentee_id)


def expire_due_offers(db: Database, now: datetime, timeout: timedelta, said: Said) -> None:
    """Offers nobody answered in time move to the next mentor (DB-driven: restarts keep them)."""
    with db.transaction() as session:
        due = repo.due_offer_ids(session, now)
    for offer_id in due:
        _move_on(db, offer_id, "expired", now, timeout, said)


def withdraw_offers_of(
    db: Database, mentor_id: str, now: datetime, timeout: timedelta, said: Said
) -> None:
    """The mentor asked not to be contacted (`/club exclude me`): offers waiting for their
    answer are withdrawn now and move to the next mentor, as on a timeout. An Accept or
    Decline pressed at the same moment either wins (this skips the offer) or finds it gone.

    Their DMs lose the buttons by an update in place: nothing new is sent to the mentor.
    """
    with db.transaction() as session:
        pending = [offer.id for offer in repo.pending_offers_of(session, mentor_id)]
    for offer_id in pending:
        _move_on(db, offer_id, repo.EXCLUDED, now, timeout, said)


def _move_on(
    db: Database, offer_id: int, status: str, now: datetime, timeout: timedelta, said: Said
) -> None:
    """Pending → ``status`` without the mentor's answer (a timeout, an exclusion), then the
    request goes to the next mentor; in one transaction of its own, so nothing is lost."""
    with db.transaction() as session:
        if not repo.settle_offer(session, offer_id, status, now):
            return  # answered or moved on meanwhile
        offer = session.get(MentorOffer, offer_id)
        request = session.get(MentorRequestRow, offer.request_id) if offer else None
        if offer is None or request is None:
            return
        said.moved_on(session, stale(offer, request.mentee_id, status), now)
        if request.status == "waiting":
            offer_next(session, request, now, timeout, said)
        log.info("offer %s offer=%s request=%s", status, offer.id, request.id)
