"""Who may do what. The only place that decides; handlers ask it.

Mentoring and FAQ editing are separate rights: signing up to mentor makes someone a
mentor, nothing more. The FAQ belongs to organisers and to the FAQ editors they name
(`/club faq editors add`); a club may hand FAQ editing to every mentor with the
CLUB_MENTORS_EDIT_FAQ setting, which `roles_of` folds in as the FAQ editor role.
Launch campaigns are run by organisers and the campaign leads they name
(`/club campaign leads add`).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"
    MENTOR = "mentor"
    FAQ_EDITOR = "faq_editor"
    # Named by organisers (`/club campaign leads add`), for example someone from PR.
    CAMPAIGN_LEAD = "campaign_lead"
    ORGANISER = "organiser"


class Action(StrEnum):
    # Anyone in the workspace.
    USE_BOT = "use_bot"
    # Mentors (and organisers, who can step in for them).
    ANSWER_QUESTIONS = "answer_questions"
    # FAQ editors and organisers: add, edit and remove entries, Save to FAQ, approve
    # learned wordings.
    EDIT_FAQ = "edit_faq"
    # The same people: replace entries in bulk from a spreadsheet.
    IMPORT_FAQ = "import_faq"
    # Campaign leads and organisers: create, edit, cancel launch campaigns, see their status.
    RUN_CAMPAIGNS = "run_campaigns"
    # Organisers only.
    MANAGE_CAMPAIGN_LEADS = "manage_campaign_leads"
    MANAGE_FAQ_EDITORS = "manage_faq_editors"
    MANAGE_ORGANISERS = "manage_organisers"
    MANAGE_MEETINGS = "manage_meetings"
    MANAGE_PAIRINGS = "manage_pairings"
    MANAGE_CLUB = "manage_club"
    SEE_REPORTS = "see_reports"


_MENTORS = frozenset({Role.MENTOR, Role.ORGANISER})
_EDITORS = frozenset({Role.FAQ_EDITOR, Role.ORGANISER})
_ORGANISERS = frozenset({Role.ORGANISER})
_CAMPAIGNERS = frozenset({Role.CAMPAIGN_LEAD, Role.ORGANISER})

_ALLOWED: dict[Action, frozenset[Role]] = {
    Action.USE_BOT: frozenset(Role),
    Action.ANSWER_QUESTIONS: _MENTORS,
    Action.EDIT_FAQ: _EDITORS,
    Action.IMPORT_FAQ: _EDITORS,
    Action.RUN_CAMPAIGNS: _CAMPAIGNERS,
    Action.MANAGE_CAMPAIGN_LEADS: _ORGANISERS,
    Action.MANAGE_FAQ_EDITORS: _ORGANISERS,
    Action.MANAGE_ORGANISERS: _ORGANISERS,
    Action.MANAGE_MEETINGS: _ORGANISERS,
    Action.MANAGE_PAIRINGS: _ORGANISERS,
    Action.MANAGE_CLUB: _ORGANISERS,
    Action.SEE_REPORTS: _ORGANISERS,
}

_WHO = {
    _MENTORS: "mentors and organisers",
    _EDITORS: "organisers and FAQ editors",
    _ORGANISERS: "organisers",
    _CAMPAIGNERS: "organisers and campaign leads",
}


def roles_of(granted: Iterable[str], *, mentors_edit_faq: bool = False) -> frozenset[Role]:
    """Everybody is a member; grants add mentor, FAQ editor and organiser. Where the club
    lets every mentor edit the FAQ, a mentor is an FAQ editor too."""
    known = {role.value for role in Role}
    roles = {Role.MEMBER, *(Role(role) for role in granted if role in known)}
    if mentors_edit_faq and Role.MENTOR in roles:
        roles.add(Role.FAQ_EDITOR)
    return frozenset(roles)


def may(roles: frozenset[Role], action: Action) -> bool:
    return bool(roles & _ALLOWED[action])


def who_may(action: Action) -> str:
    """Plain words for a refusal: 'Only organisers can ...'."""
    return _WHO.get(_ALLOWED[action], "members")


def lost_faq_editing(mentors: Iterable[str], editors: Iterable[str]) -> list[str]:
    """Mentors who could edit the FAQ before the rights were separated and can't now:
    every mentor who is neither an organiser nor a named FAQ editor."""
    keep = set(editors)
    return sorted({mentor for mentor in mentors if mentor not in keep})


def can_remove_organiser(current_organisers: Iterable[str], target: str) -> bool:
    """The club must always keep at least one organiser."""
    remaining = {user for user in current_organisers if user != target}
    return bool(remaining)
