"""Queries about people and their roles, named for what they answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.members.models import Member, OnceNotice, ProcessedEvent, RoleGrant
from storage.path.models import PathStepReached
from storage.privacy import forgets
from storage.schema import Base


def get_or_create(session: Session, user_id: str, now: datetime) -> Member:
    member = session.get(Member, user_id)
    if member is None:
        member = Member(user_id=user_id, first_seen_at=now)
        session.add(member)
        session.flush()
    return member


def excluded_among(session: Session, user_ids: list[str]) -> set[str]:
    """Who of these asked the bot not to contact them unasked (`/club exclude me`)."""
    if not user_ids:
        return set()
    query = select(Member.user_id).where(Member.user_id.in_(user_ids), Member.excluded.is_(True))
    return set(session.scalars(query))


def set_excluded(session: Session, user_id: str, excluded: bool) -> bool:
    """One conditional UPDATE: True only for the call that changed it, so of two
    `/club include me` at once one acts on it (offers what waited), not both."""
    result = session.execute(
        update(Member)
        .where(Member.user_id == user_id, Member.excluded.is_not(excluded))
        .values(excluded=excluded)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def granted_roles(session: Session, user_id: str) -> list[str]:
    return list(session.scalars(select(RoleGrant.role).where(RoleGrant.user_id == user_id)))


def users_with_role(session: Session, role: str) -> list[str]:
    query = select(RoleGrant.user_id).where(RoleGrant.role == role).order_by(RoleGrant.granted_at)
    return list(session.scalars(query))


def grant(session: Session, user_id: str, role: str, by: str | None, now: datetime) -> bool:
    """Give a role; False when the person already had it."""
    get_or_create(session, user_id, now)
    existing = session.scalar(
        select(RoleGrant).where(RoleGrant.user_id == user_id, RoleGrant.role == role)
    )
    if existing is not None:
        return False
    session.add(RoleGrant(user_id=user_id, role=role, granted_by=by, granted_at=now))
    session.flush()
    return True


def revoke(session: Session, user_id: str, role: str) -> bool:
    result = session.execute(
        delete(RoleGrant).where(RoleGrant.user_id == user_id, RoleGrant.role == role)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def claim_notice(session: Session, key: str, now: datetime) -> bool:
    """True for the one transaction that claims the notice ``key``; False once claimed.
    A nested savepoint keeps the caller's transaction usable when another process won."""
    if session.get(OnceNotice, key) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(OnceNotice(key=key, claimed_at=now))
    except IntegrityError:
        return False
    return True


def record_event(session: Session, event_id: str, now: datetime) -> None:
    session.add(ProcessedEvent(event_id=event_id, received_at=now))
    session.flush()


def prune_events(session: Session, older_than: datetime) -> int:
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < older_than))
    return int(result.rowcount)  # type: ignore[attr-defined]


@forgets
def forget_member(session: Session, user_id: str) -> None:
    """The core rows: path steps, role grants, the member row with the cached profile.

    Rows of any table that points at the member row go first, whichever feature owns
    them, so the order forgetters run in never trips a foreign key.
    """
    session.execute(delete(PathStepReached).where(PathStepReached.user_id == user_id))
    session.execute(delete(RoleGrant).where(RoleGrant.user_id == user_id))
    # What the person did for the club stays (a meeting, a topic, a granted role),
    # without their name: every "who did it" column is cleared, whichever feature owns it.
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("_by") or column.name == "organiser_id":
                session.execute(
                    table.update().where(column == user_id).values({column.name: None})
                )
    members_key = Member.__table__.c.user_id
    for table in reversed(Base.metadata.sorted_tables):
        for key in table.foreign_keys:
            if key.column is members_key:
                session.execute(table.delete().where(key.parent == user_id))
    session.execute(delete(Member).where(Member.user_id == user_id))
