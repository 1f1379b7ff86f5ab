"""Who may do what. The only place that decides; handlers ask it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"
    MENTOR = "mentor"
    ORGANISER = "organiser"


class Action(StrEnum):
    # Anyone in the workspace.
    USE_BOT = "use_bot"
    # Mentors (and organisers, who can step in for them).
    ANSWER_QUESTIONS = "answer_questions"
    EDIT_FAQ = "edit_faq"
    # Organisers only.
    MANAGE_ORGANISERS = "manage_organisers"
    MANAGE_MEETINGS = "manage_meetings"
    MANAGE_PAIRINGS = "manage_pairings"
    MANAGE_CLUB = "manage_club"
    IMPORT_FAQ = "import_faq"
    SEE_REPORTS = "see_reports"


_ALLOWED: dict[Action, frozenset[Role]] = {
    Action.USE_BOT: frozenset(Role),
    Action.ANSWER_QUESTIONS: frozenset({Role.MENTOR, Role.ORGANISER}),
    Action.EDIT_FAQ: frozenset({Role.MENTOR, Role.ORGANISER}),
    Action.MANAGE_ORGANISERS: frozenset({Role.ORGANISER}),
    Action.MANAGE_MEETINGS: frozenset({Role.ORGANISER}),
    Action.MANAGE_PAIRINGS: frozenset({Role.ORGANISER}),
    Action.MANAGE_CLUB: frozenset({Role.ORGANISER}),
    Action.IMPORT_FAQ: frozenset({Role.ORGANISER}),
    Action.SEE_REPORTS: frozenset({Role.ORGANISER}),
}

_WHO = {
    frozenset({Role.MENTOR, Role.ORGANISER}): "mentors and organisers",
    frozenset({Role.ORGANISER}): "organisers",
}


def roles_of(granted: Iterable[str]) -> frozenset[Role]:
    """Everybody is a member; grants add mentor and organiser."""
    known = {role.value for role in Role}
    return frozenset({Role.MEMBER, *(Role(role) for role in granted if role in known)})


def may(roles: frozenset[Role], action: Action) -> bool:
    return bool(roles & _ALLOWED[action])


def who_may(action: Action) -> str:
    """Plain words for a refusal: 'Only organisers can ...'."""
    return _WHO.get(_ALLOWED[action], "members")


def can_remove_organiser(current_organisers: Iterable[str], target: str) -> bool:
    """The club must always keep at least one organiser."""
    remaining = {user for user in current_organisers if user != target}
    return bool(remaining)
