"""Queries about mentors, requests, offers and pairings, named for what they answer."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from storage.members.models import Member, RoleGrant
from storage.mentoring.models import (
    MentorOffer,
    MentorProfileRow,
    MentorRequestRow,
    MentorTopic,
    Pairing,
    PairingRound,
)
from storage.privacy import forgets

MENTOR_ROLE = "mentor"
# An offer's status once it was withdrawn because its mentor asked not to be contacted
# (`/club exclude me`). Unlike a decline it does not rule the mentor out for the request:
# back in, they may be offered it again (as a new offer row).
EXCLUDED = "excluded"
# What rules a mentor out for a request for good: they said no (or it is theirs now).
# Anything else (no answer in time, full at the moment, withdrawn by an organiser or on
# `exclude me`) may be offered to them again once they have room.
REFUSED = ("declined", "pending", "accepted")

# --- topics organisers manage ---------------------------------------------------


def topics(session: Session) -> list[MentorTopic]:
    return list(session.scalars(select(MentorTopic).order_by(MentorTopic.label)))


def topic_by_key(session: Session, key: str) -> MentorTopic | None:
    return session.scalar(select(MentorTopic).where(MentorTopic.key == key))


# --- mentors ------------------------------------------------------------------------


def profile(session: Session, user_id: str, *, lock: bool = False) -> MentorProfileRow | None:
    query = select(MentorProfileRow).where(MentorProfileRow.user_id == user_id)
    if lock:  # PostgreSQL: serialise accepts for one mentor (SQLite serialises all writes)
        query = query.with_for_update()
    return session.scalar(query)


def mentors_with_members(session: Session) -> list[tuple[MentorProfileRow, Member]]:
    """Profiles of people who still hold the mentor role, with their cached Slack facts."""
    query = (
        select(MentorProfileRow, Member)
        .join(Member, Member.user_id == MentorProfileRow.user_id)
        .join(
            RoleGrant,
            (RoleGrant.user_id == MentorProfileRow.user_id) & (RoleGrant.role == MENTOR_ROLE),
        )
        .order_by(MentorProfileRow.user_id)
    )
    return [(row, member) for row, member in session.execute(query)]


def load_by_mentor(session: Session) -> Counter[str]:
    """Places taken per mentor: active pairings plus offers still waiting for an answer."""
    load: Counter[str] = Counter()
    active = select(Pairing.mentor_id, func.count()).where(Pairing.status == "active")
    for mentor_id, count in session.execute(active.group_by(Pairing.mentor_id)):
        load[mentor_id] += count
    pending = select(MentorOffer.mentor_id, func.count()).where(MentorOffer.status == "pending")
    for mentor_id, count in session.execute(pending.group_by(MentorOffer.mentor_id)):
        load[mentor_id] += count
    return load


def active_pairing_count(session: Session, mentor_id: str) -> int:
    query = select(func.count()).where(Pairing.mentor_id == mentor_id, Pairing.status == "active")
    return int(session.scalar(query) or 0)


# --- requests -------------------------------------------------------------------------


def open_request(session: Session, mentee_id: str) -> MentorRequestRow | None:
    return session.scalar(select(MentorRequestRow).where(MentorRequestRow.open_for == mentee_id))


def latest_request(session: Session, mentee_id: str) -> MentorRequestRow | None:
    query = (
        select(MentorRequestRow)
        .where(MentorRequestRow.mentee_id == mentee_id)
        .order_by(MentorRequestRow.created_at.desc(), MentorRequestRow.id.desc())
    )
    return session.scalars(query).first()


def waiting_requests(session: Session) -> list[MentorRequestRow]:
    """Open requests with no offer out: the ones a round (or an organiser) can pair."""
    has_pending = select(MentorOffer.id).where(
        MentorOffer.request_id == MentorRequestRow.id, MentorOffer.status == "pending"
    )
    query = (
        select(MentorRequestRow)
        .where(MentorRequestRow.status == "waiting", ~has_pending.exists())
        .order_by(MentorRequestRow.created_at, MentorRequestRow.id)
    )
    return list(session.scalars(query))


def open_requests(session: Session) -> list[MentorRequestRow]:
    query = (
        select(MentorRequestRow)
        .where(MentorRequestRow.status == "waiting")
        .order_by(MentorRequestRow.created_at, MentorRequestRow.id)
    )
    return list(session.scalars(query))


def close_request(session: Session, request: MentorRequestRow, status: str, now: datetime) -> None:
    request.status = status
    request.open_for = None
    request.closed_at = now


# --- offers ------------------------------------------------------------------------------


def offered_mentors(session: Session, request_id: int) -> frozenset[str]:
    """Mentors this request already went to (whatever they answered), except those whose
    offer was withdrawn because they asked not to be contacted: they never answered it."""
    query = select(MentorOffer.mentor_id).where(
        MentorOffer.request_id == request_id, MentorOffer.status != EXCLUDED
    )
    return frozenset(session.scalars(query))


def refused_by(session: Session, request_id: int) -> frozenset[str]:
    """Mentors who declined this request, or have it pending or accepted now."""
    query = select(MentorOffer.mentor_id).where(
        MentorOffer.request_id == request_id, MentorOffer.status.in_(REFUSED)
    )
    return frozenset(session.scalars(query))


def pending_offer(session: Session, request_id: int) -> MentorOffer | None:
    return session.scalar(select(MentorOffer).where(MentorOffer.pending_for == request_id))


def pending_offers_of(session: Session, mentor_id: str) -> list[MentorOffer]:
    """Oldest first: the order the mentor's Home and `/club mentor status` list them in."""
    query = (
        select(MentorOffer)
        .where(MentorOffer.mentor_id == mentor_id, MentorOffer.status == "pending")
        .order_by(MentorOffer.id)
    )
    return list(session.scalars(query))


def settle_offer(session: Session, offer_id: int, status: str, now: datetime) -> bool:
    """Pending → ``status`` as one conditional UPDATE: True only for the caller that won.

    Two clicks, or a click racing the timeout, both try; the database lets one through.
    """
    result = session.execute(
        update(MentorOffer)
        .where(MentorOffer.id == offer_id, MentorOffer.status == "pending")
        .values(status=status, pending_for=None, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def due_offer_ids(session: Session, now: datetime) -> list[int]:
    query = (
        select(MentorOffer.id)
        .where(MentorOffer.status == "pending", MentorOffer.expires_at <= now)
        .order_by(MentorOffer.expires_at, MentorOffer.id)
    )
    return list(session.scalars(query))


def ended_pause_ids(session: Session, now: datetime) -> list[str]:
    """Mentors whose dated pause has run out and who were not yet offered what waits."""
    query = (
        select(MentorProfileRow.user_id)
        .where(MentorProfileRow.paused_until.is_not(None), MentorProfileRow.paused_until <= now)
        .order_by(MentorProfileRow.paused_until, MentorProfileRow.user_id)
    )
    return list(session.scalars(query))


def claim_ended_pause(session: Session, user_id: str, now: datetime) -> bool:
    """Clear a run-out pause as one conditional UPDATE: True only for the run that cleared it,
    so two ticks (or two bot instances) offer the mentor what waits once, not twice."""
    result = session.execute(
        update(MentorProfileRow)
        .where(
            MentorProfileRow.user_id == user_id,
            MentorProfileRow.paused_until.is_not(None),
            MentorProfileRow.paused_until <= now,
        )
        .values(paused_until=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- pairings ----------------------------------------------------------------------------


def past_mentors(session: Session, mentee_id: str) -> frozenset[str]:
    query = select(Pairing.mentor_id).where(Pairing.mentee_id == mentee_id)
    return frozenset(session.scalars(query))


def active_pairings_of(session: Session, user_id: str) -> list[Pairing]:
    query = (
        select(Pairing)
        .where(
            Pairing.status == "active",
            or_(Pairing.mentor_id == user_id, Pairing.mentee_id == user_id),
        )
        .order_by(Pairing.started_at, Pairing.id)
    )
    return list(session.scalars(query))


def pairings_with_status(session: Session, status: str, limit: int) -> list[Pairing]:
    order = Pairing.ended_at.desc() if status == "ended" else Pairing.started_at
    query = select(Pairing).where(Pairing.status == status).order_by(order, Pairing.id).limit(limit)
    return list(session.scalars(query))


def end_pairing(
    session: Session, pairing_id: int, by: str | None, reason: str, now: datetime
) -> bool:
    """Active → ended, once: True only for the caller that ended it."""
    result = session.execute(
        update(Pairing)
        .where(Pairing.id == pairing_id, Pairing.status == "active")
        .values(status="ended", ended_at=now, ended_by=by, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def due_checkin_ids(session: Session, now: datetime) -> list[int]:
    query = select(Pairing.id).where(
        Pairing.status == "active",
        Pairing.checkin_sent_at.is_(None),
        Pairing.checkin_due_at <= now,
    )
    return list(session.scalars(query.order_by(Pairing.checkin_due_at, Pairing.id)))


def claim_checkin(session: Session, pairing_id: int, now: datetime) -> bool:
    """Mark a due check-in as being sent; False when another run already took it."""
    result = session.execute(
        update(Pairing)
        .where(Pairing.id == pairing_id, Pairing.checkin_sent_at.is_(None))
        .values(checkin_sent_at=now, checkins_sent=Pairing.checkins_sent + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- rounds --------------------------------------------------------------------------------


def confirm_round(session: Session, round_id: int, by: str, now: datetime) -> bool:
    """Preview → confirmed, once: a second Confirm click gets False."""
    result = session.execute(
        update(PairingRound)
        .where(PairingRound.id == round_id, PairingRound.status == "preview")
        .values(status="confirmed", confirmed_at=now, confirmed_by=by)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- forgetting --------------------------------------------------------------------------------


@forgets
def forget_mentoring(session: Session, user_id: str) -> None:
    """Everything about a person's mentoring: profile, requests, offers, pairings."""
    session.execute(delete(MentorProfileRow).where(MentorProfileRow.user_id == user_id))
    session.execute(
        delete(Pairing).where(or_(Pairing.mentor_id == user_id, Pairing.mentee_id == user_id))
    )
    session.execute(delete(MentorOffer).where(MentorOffer.mentor_id == user_id))
    requests = select(MentorRequestRow.id).where(MentorRequestRow.mentee_id == user_id)
    session.execute(delete(MentorOffer).where(MentorOffer.request_id.in_(requests)))
    session.execute(delete(Pairing).where(Pairing.request_id.in_(requests)))
    session.execute(delete(MentorRequestRow).where(MentorRequestRow.mentee_id == user_id))
    # Round plans name mentors inside JSON: keep the round's shape, drop the name.
    for pairing_round in session.scalars(select(PairingRound)):
        if any(len(entry) > 1 and entry[1] == user_id for entry in pairing_round.plan):
            pairing_round.plan = [
                [entry[0], None, *entry[2:]] if entry[1] == user_id else entry
                for entry in pairing_round.plan
            ]
