"""Use cases about who is an organiser or a mentor."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.roles.policy import Role, can_remove_organiser, roles_of
from storage.db import Database
from storage.members import queries as members


class RoleChange(StrEnum):
    ADDED = "added"
    ALREADY = "already"
    REMOVED = "removed"
    NOT_HELD = "not_held"
    LAST_ORGANISER = "last_organiser"


def roles_for(db: Database, user_id: str) -> frozenset[Role]:
    with db.transaction() as session:
        return roles_of(members.granted_roles(session, user_id))


def seed_organisers(db: Database, user_ids: tuple[str, ...], now: datetime) -> list[str]:
    """Grant CLUB_ORGANISERS their role at start; returns who was new."""
    added = []
    with db.transaction() as session:
        for user_id in user_ids:
            if members.grant(session, user_id, Role.ORGANISER, by=None, now=now):
                added.append(user_id)
    return added


def organisers(db: Database) -> list[str]:
    with db.transaction() as session:
        return members.users_with_role(session, Role.ORGANISER)


def add_organiser(db: Database, actor: str, target: str, now: datetime) -> RoleChange:
    with db.transaction() as session:
        added = members.grant(session, target, Role.ORGANISER, by=actor, now=now)
    return RoleChange.ADDED if added else RoleChange.ALREADY


def remove_organiser(db: Database, target: str) -> RoleChange:
    with db.transaction() as session:
        current = members.users_with_role(session, Role.ORGANISER)
        if target not in current:
            return RoleChange.NOT_HELD
        if not can_remove_organiser(current, target):
            return RoleChange.LAST_ORGANISER
        members.revoke(session, target, Role.ORGANISER)
    return RoleChange.REMOVED
