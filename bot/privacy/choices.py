"""`/club exclude me`, `/club include me` and `/club forget me`."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

from bot.roles.policy import Role, can_remove_organiser
from storage.db import Database
from storage.delivery import queries as _deliveries  # noqa: F401  (registers its forgetter)
from storage.encouragement import queries as repo
from storage.members import queries as members
from storage.members.models import Member
from storage.privacy import forget_person

log = logging.getLogger("clubbot.privacy")


class ForgetResult(StrEnum):
    FORGOTTEN = "forgotten"
    LAST_ORGANISER = "last_organiser"


def set_excluded(db: Database, user_id: str, excluded: bool, now: datetime) -> bool:
    """Exclude (or include again) a person; False when nothing changed."""
    with db.transaction() as session:
        members.get_or_create(session, user_id, now)
        if not members.set_excluded(session, user_id, excluded):
            return False
    log.info("exclusion changed user=%s excluded=%s", user_id, excluded)
    return True


def may_forget(db: Database, user_id: str) -> ForgetResult:
    with db.transaction() as session:
        return _check(members.users_with_role(session, Role.ORGANISER), user_id)


def _check(organisers: list[str], user_id: str) -> ForgetResult:
    if user_id in organisers and not can_remove_organiser(organisers, user_id):
        return ForgetResult.LAST_ORGANISER
    return ForgetResult.FORGOTTEN


def forget(db: Database, user_id: str, now: datetime) -> ForgetResult:
    """Delete the person's personal data in every feature, in one transaction.

    Anonymous totals are kept (they were counted as things happened). Someone who
    had asked to be excluded stays excluded: only their id is kept, for that.
    """
    with db.transaction() as session:
        result = _check(members.users_with_role(session, Role.ORGANISER), user_id)
        if result is ForgetResult.LAST_ORGANISER:
            return result
        member = session.get(Member, user_id)
        stay_excluded = bool(member and member.excluded)
        repo.count(session, repo.PEOPLE_FORGOTTEN)
        forget_person(session, user_id)
        session.expunge_all()
        if stay_excluded:
            session.add(Member(user_id=user_id, first_seen_at=now, excluded=True))
    log.info("forgot a person (id not logged again)")
    return ForgetResult.FORGOTTEN
