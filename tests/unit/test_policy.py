import pytest

from bot.roles.policy import (
    Action,
    Role,
    can_remove_organiser,
    lost_faq_editing,
    may,
    roles_of,
    who_may,
)

MEMBER = roles_of([])
MENTOR = roles_of(["mentor"])
EDITOR = roles_of(["faq_editor"])
ORGANISER = roles_of(["organiser"])
FAQ_CHANGES = (Action.EDIT_FAQ, Action.IMPORT_FAQ)


def test_everyone_is_a_member() -> None:
    assert roles_of([]) == frozenset({Role.MEMBER})
    assert roles_of(["mentor", "bogus"]) == {Role.MEMBER, Role.MENTOR}


@pytest.mark.parametrize("action", list(Action))
def test_organisers_may_do_everything(action: Action) -> None:
    assert may(ORGANISER, action)


def test_members_may_only_use_the_bot() -> None:
    assert [action for action in Action if may(MEMBER, action)] == [Action.USE_BOT]


def test_mentors_answer_questions_but_neither_edit_the_faq_nor_organise() -> None:
    assert may(MENTOR, Action.ANSWER_QUESTIONS)
    assert [action for action in Action if may(MENTOR, action)] == [
        Action.USE_BOT, Action.ANSWER_QUESTIONS,
    ]


def test_faq_editors_change_the_faq_and_nothing_else() -> None:
    assert [action for action in Action if may(EDITOR, action)] == [
        Action.USE_BOT, *FAQ_CHANGES,
    ]
    assert not may(EDITOR, Action.MANAGE_FAQ_EDITORS)


def test_the_setting_makes_every_mentor_an_faq_editor() -> None:
    mentor = roles_of(["mentor"], mentors_edit_faq=True)
    assert all(may(mentor, action) for action in FAQ_CHANGES)
    assert not may(mentor, Action.MANAGE_FAQ_EDITORS)
    assert roles_of([], mentors_edit_faq=True) == MEMBER


def test_refusals_say_who_may() -> None:
    assert who_may(Action.MANAGE_MEETINGS) == "organisers"
    assert who_may(Action.EDIT_FAQ) == "organisers and FAQ editors"
    assert who_may(Action.ANSWER_QUESTIONS) == "mentors and organisers"


def test_mentors_who_are_neither_organisers_nor_editors_lost_faq_editing() -> None:
    assert lost_faq_editing(["U3", "U1", "U2"], ["U2"]) == ["U1", "U3"]


def test_the_last_organiser_stays() -> None:
    assert not can_remove_organiser(["U1"], "U1")
    assert can_remove_organiser(["U1", "U2"], "U1")


def test_campaign_leads_run_campaigns_and_nothing_else() -> None:
    lead = roles_of(["campaign_lead"])
    assert [action for action in Action if may(lead, action)] == [
        Action.USE_BOT, Action.RUN_CAMPAIGNS,
    ]
    assert not may(lead, Action.MANAGE_CAMPAIGN_LEADS)
    assert not may(MENTOR, Action.RUN_CAMPAIGNS)
    assert who_may(Action.RUN_CAMPAIGNS) == "organisers and campaign leads"
