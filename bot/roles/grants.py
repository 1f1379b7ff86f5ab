"""Use cases about who is an organiser, an FAQ editor or a mentor.

Telling someone they were given a role is written to the shared outbox in the granting
transaction (the deliverer sends it after commit; callers may `deps.deliver()` at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.content import campaigns as campaign_words
from bot.content import roles as say
from bot.delivery import outbox
from bot.roles.policy import Role, can_remove_organiser, lost_faq_editing, roles_of
from storage.db import Database
from storage.members import queries as members


class RoleChange(StrEnum):
    ADDED = "added"
    ALREADY = "already"
    REMOVED = "removed"
    NOT_HELD = "not_held"
    LAST_ORGANISER = "last_organiser"


# The claim of the one DM telling organisers that mentoring no longer includes FAQ editing.
FAQ_EDITING_SPLIT_NOTICE = "faq_editing_split"


def roles_for(db: Database, user_id: str, *, mentors_edit_faq: bool = False) -> frozenset[Role]:
    """What the person may be, with CLUB_MENTORS_EDIT_FAQ folded in (bot.deps passes it)."""
    with db.transaction() as session:
        return roles_of(members.granted_roles(session, user_id), mentors_edit_faq=mentors_edit_faq)


def seed_organisers(db: Database, user_ids: tuple[str, ...], now: datetime) -> list[str]:
    """Grant CLUB_ORGANISERS their role at start; returns who was new."""
    for _attempt in range(3):
        added = []
        try:
            with db.transaction() as session:
                for user_id in user_ids:
                    if members.grant(session, user_id, Role.ORGANISER, by=None, now=now):
                        added.append(user_id)
            return added
        except IntegrityError:
            # A replica starting at the same moment granted them first: look again.
            continue
    raise RuntimeError("could not seed the organisers")


def organisers(db: Database) -> list[str]:
    with db.transaction() as session:
        return members.users_with_role(session, Role.ORGANISER)


def _tell_granted(
    session: Session, role: Role, actor: str, target: str, text: str, now: datetime
) -> None:
    """The new holder hears who gave them the role; granting it again later (after a
    removal) is a new notice, so the key says when."""
    if target == actor:
        return
    outbox.enqueue(
        session, target, f"roles.granted:{role.value}:{target}:{int(now.timestamp())}",
        outbox.Message(text, unsolicited=True), now=now, purpose="roles.granted",
    )  # fmt: skip


def add_organiser(db: Database, actor: str, target: str, now: datetime) -> RoleChange:
    with db.transaction() as session:
        added = members.grant(session, target, Role.ORGANISER, by=actor, now=now)
        if added:
            _tell_granted(session, Role.ORGANISER, actor, target, say.made_organiser(actor), now)
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


def faq_editors(db: Database) -> list[str]:
    with db.transaction() as session:
        return members.users_with_role(session, Role.FAQ_EDITOR)


def add_faq_editor(db: Database, actor: str, target: str, now: datetime) -> RoleChange:
    with db.transaction() as session:
        added = members.grant(session, target, Role.FAQ_EDITOR, by=actor, now=now)
        if added:
            _tell_granted(session, Role.FAQ_EDITOR, actor, target, say.made_faq_editor(actor), now)
    return RoleChange.ADDED if added else RoleChange.ALREADY


def remove_faq_editor(db: Database, target: str) -> RoleChange:
    with db.transaction() as session:
        removed = members.revoke(session, target, Role.FAQ_EDITOR)
    return RoleChange.REMOVED if removed else RoleChange.NOT_HELD


def campaign_leads(db: Database) -> list[str]:
    with db.transaction() as session:
        return members.users_with_role(session, Role.CAMPAIGN_LEAD)


def add_campaign_lead(db: Database, actor: str, target: str, now: datetime) -> RoleChange:
    with db.transaction() as session:
        added = members.grant(session, target, Role.CAMPAIGN_LEAD, by=actor, now=now)
        if added:
            text = campaign_words.made_campaign_lead(actor)
            _tell_granted(session, Role.CAMPAIGN_LEAD, actor, target, text, now)
    return RoleChange.ADDED if added else RoleChange.ALREADY


def remove_campaign_lead(db: Database, target: str) -> RoleChange:
    with db.transaction() as session:
        removed = members.revoke(session, target, Role.CAMPAIGN_LEAD)
    return RoleChange.REMOVED if removed else RoleChange.NOT_HELD


@dataclass(frozen=True)
class EditingSplit:
    """Who to tell, once, that mentors no longer edit the FAQ, and whom it affects."""

    organisers: tuple[str, ...]
    lost: tuple[str, ...]


def claim_faq_editing_split(db: Database, now: datetime, mentors_edit_faq: bool) -> EditingSplit:
    """Claimed once per database, on its first start with separate rights: the mentors
    who could edit the FAQ under the old rule and can't now. A new database, or a club
    that lets mentors edit, claims it with nobody to tell. Every later call (a restart,
    another replica) gets nothing. With mentors affected but no organiser to tell yet,
    it waits for a start that has one."""
    with db.transaction() as session:
        organisers = members.users_with_role(session, Role.ORGANISER)
        keep = [*organisers, *members.users_with_role(session, Role.FAQ_EDITOR)]
        mentors = members.users_with_role(session, Role.MENTOR)
        lost = () if mentors_edit_faq else tuple(lost_faq_editing(mentors, keep))
        if lost and not organisers:
            return EditingSplit((), ())
        if not members.claim_notice(session, FAQ_EDITING_SPLIT_NOTICE, now):
            return EditingSplit((), ())
        for organiser in organisers if lost else ():  # claimed and written together: once
            outbox.enqueue(
                session, organiser, f"roles.{FAQ_EDITING_SPLIT_NOTICE}:{organiser}",
                outbox.Message(say.faq_editing_split(lost), unsolicited=True), now=now,
                purpose="roles.notice",
            )  # fmt: skip
        return EditingSplit(tuple(organisers), lost)
