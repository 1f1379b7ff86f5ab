import pytest

from bot.roles.policy import Action, Role, can_remove_organiser, may, roles_of, who_may

MEMBER = roles_of([])
MENTOR = roles_of(["mentor"])
ORGANISER = roles_of(["organiser"])


def test_everyone_is_a_member() -> None:
    assert roles_of([]) == frozenset({Role.MEMBER})
    assert roles_of(["mentor", "bogus"]) == {Role.MEMBER, Role.MENTOR}


@pytest.mark.parametrize("action", list(Action))
def test_organisers_may_do_everything(action: Action) -> None:
    assert may(ORGANISER, action)


def test_members_may_only_use_the_bot() -> None:
    assert [action for action in Action if may(MEMBER, action)] == [Action.USE_BOT]


def test_mentors_answer_and_edit_the_faq_but_do_not_organise() -> None:
    assert may(MENTOR, Action.ANSWER_QUESTIONS)
    assert may(MENTOR, Action.EDIT_FAQ)
    assert not may(MENTOR, Action.MANAGE_MEETINGS)
    assert not may(MENTOR, Action.MANAGE_ORGANISERS)


def test_refusals_say_who_may() -> None:
    assert who_may(Action.MANAGE_MEETINGS) == "organisers"
    assert who_may(Action.EDIT_FAQ) == "mentors and organisers"


def test_the_last_organiser_stays() -> None:
    assert not can_remove_organiser(["U1"], "U1")
    assert can_remove_organiser(["U1", "U2"], "U1")
