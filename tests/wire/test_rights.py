"""Rights, separated (issue 11): mentoring is not FAQ editing.

Organisers and the FAQ editors they name change the FAQ; signing up to mentor gives
mentoring only, unless the club sets CLUB_MENTORS_EDIT_FAQ. An existing database keeps
its mentors, and its organisers are told once who lost FAQ editing.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from openpyxl import load_workbook

from bot.clock import ManualClock
from bot.emulator.api.files import share_file
from bot.faq import manage as faq_admin
from bot.local import MARCO, MEI, NINA, OLIVIA, PRIYA, LocalClub, Person
from bot.roles import grants as roles
from handlers import ids
from handlers.faq import views as faq_views
from storage import migrate
from storage.db import Database
from storage.members import queries as members

Tables = Callable[[LocalClub], dict[str, list[tuple[object, ...]]]]


def responses(club: LocalClub) -> list[str]:
    return [c.args.get("text", "") for c in club.emulator.calls_to("response_url")]


def opened_views(club: LocalClub) -> list[dict[str, Any]]:
    return [call.args["view"] for call in club.emulator.calls_to("views.open") if call.ok]


def sign_up(club: LocalClub, person: Person) -> None:
    club.command(person.user_id, "mentor signup")
    view = opened_views(club)[-1]
    assert view["callback_id"] == ids.MENTOR_SIGNUP_VIEW
    delivery = club.submit(person.user_id, view, {"other_topics": "blogging", "capacity": "2"})
    assert delivery.ok and not delivery.body, delivery.body


def grant(club: LocalClub, user_id: str, role: str) -> None:
    assert club.db is not None
    with club.db.transaction() as session:
        members.grant(session, user_id, role, by=None, now=club.clock.now())


def entry_values(question: str = "How do I write a forged answer?") -> dict[str, Any]:
    def text(value: str) -> dict[str, Any]:
        return {"type": "plain_text_input", "value": value}

    return {
        faq_views.QUESTION: {faq_views.QUESTION: text(question)},
        faq_views.ALTERNATIVES: {faq_views.ALTERNATIVES: text("")},
        faq_views.ANSWER: {faq_views.ANSWER: text(
            "Follow <https://evil.example/login|https://intranet.example.com/blog>.")},
        faq_views.TAGS: {faq_views.TAGS: text("blogging")},
    }


def submit_entry(club: LocalClub, user_id: str, meta: dict[str, Any]) -> dict[str, Any]:
    """A view_submission for the FAQ entry form, as a crafted payload would send it."""
    delivery = club.sender.view_submission(
        user_id, ids.FAQ_ENTRY_MODAL, entry_values(), private_metadata=json.dumps(meta)
    )
    club.settle()
    assert delivery.status == 200
    return delivery.json() if delivery.body else {}


def exported(club: LocalClub) -> bytes:
    assert club.db is not None
    data, _ = faq_admin.export_xlsx(club.db, club.clock.now())
    book = load_workbook(io.BytesIO(data))
    book.worksheets[0].cell(row=2, column=4, value="A spreadsheet's answer.")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dms_to(club: LocalClub, person: Person) -> list[str]:
    return [m.get("text", "") for m in club.replies(club.dm_channel(person.user_id))]


# ------------------------------------------------------------------ mentoring only


def test_signing_up_to_mentor_gives_mentoring_and_not_faq_editing(
    club: LocalClub, tables: Tables
) -> None:
    sign_up(club, MEI)
    before = tables(club)
    for command in ("faq remove 1", "faq edit 2", "faq add"):
        club.command(MEI.user_id, command)
        assert (
            f"Only organisers and FAQ editors can use `/club {command.rsplit(' ', 1)[0]}"
            if command != "faq add" else "Only organisers and FAQ editors can use `/club faq add`"
        ) in responses(club)[-1]
    assert opened_views(club)[-1]["callback_id"] == ids.MENTOR_SIGNUP_VIEW  # no FAQ form
    # The entry form submitted by hand (a forged add, and a forged edit of entry 2).
    for meta in ({"mode": "add"}, {"mode": "edit", "entry_id": 2}):
        answer = submit_entry(club, MEI.user_id, meta)
        assert answer["response_action"] == "errors"
        assert "Only organisers and FAQ editors can change the FAQ" in json.dumps(answer)
    assert tables(club) == before
    # Help lists mentoring for her, and no FAQ editing.
    club.command(MEI.user_id, "help")
    assert "faq add" not in responses(club)[-1] and "mentor pause" in responses(club)[-1]


def test_a_mentor_removing_an_entry_by_button_is_refused(
    club: LocalClub, tables: Tables
) -> None:
    club.command(OLIVIA.user_id, "faq remove 1")  # an organiser's confirmation ...
    confirmation = club.emulator.calls_to("response_url")[-1].args
    sign_up(club, MEI)
    before = tables(club)
    club.press(MEI.user_id, {**confirmation, "channel": "C0CLUB"}, ids.FAQ_REMOVE_CONFIRM)
    assert "Only organisers and FAQ editors can change the FAQ" in responses(club)[-1]
    assert tables(club) == before


def test_a_mentor_sending_a_spreadsheet_is_refused(club: LocalClub, tables: Tables) -> None:
    sign_up(club, MEI)
    dm = club.dm_channel(MEI.user_id)
    shared = share_file(club.emulator.workspace, MEI.user_id, dm, "faq.xlsx", exported(club))
    before = tables(club)
    club.say(MEI.user_id, "", channel=dm, subtype="file_share", files=[shared])
    assert "Only organisers and FAQ editors can import the FAQ" in club.last_reply(dm)["text"]
    assert club.emulator.calls_to("files.info") == []
    assert tables(club) == before


# ------------------------------------------------------------------ FAQ editors


def test_organisers_name_faq_editors_who_then_edit(club: LocalClub, tables: Tables) -> None:
    club.command(OLIVIA.user_id, f"faq editors add <@{PRIYA.user_id}|priya>")
    assert f"<@{PRIYA.user_id}> can now edit the FAQ" in responses(club)[-1]
    assert any("made you an FAQ editor" in text for text in dms_to(club, PRIYA))
    club.command(OLIVIA.user_id, f"faq editors add <@{PRIYA.user_id}>")
    assert "already an FAQ editor; nothing changed" in responses(club)[-1]

    club.command(NINA.user_id, "faq editors list")
    listed = responses(club)[-1]
    assert f"FAQ editors: <@{PRIYA.user_id}>" in listed and f"<@{OLIVIA.user_id}>" in listed

    club.command(PRIYA.user_id, "faq edit 2")
    form = opened_views(club)[-1]
    assert form["callback_id"] == ids.FAQ_ENTRY_MODAL
    answer = club.submit(PRIYA.user_id, form, {faq_views.ANSWER: "Ask on the club channel."})
    assert answer.ok and not answer.body
    assert club.db is not None
    entry = faq_admin.get_entry(club.db, 2, club.clock.now())
    assert entry is not None and entry.answer == "Ask on the club channel."

    club.command(OLIVIA.user_id, f"faq editors remove <@{PRIYA.user_id}>")
    assert "no longer an FAQ editor" in responses(club)[-1]
    before = tables(club)
    club.command(PRIYA.user_id, "faq edit 2")
    assert "Only organisers and FAQ editors can use" in responses(club)[-1]
    club.command(OLIVIA.user_id, f"faq editors remove <@{PRIYA.user_id}>")
    assert "isn't an FAQ editor; nothing changed" in responses(club)[-1]
    assert tables(club) == before


def test_only_organisers_name_faq_editors(club: LocalClub, tables: Tables) -> None:
    grant(club, PRIYA.user_id, "faq_editor")
    sign_up(club, MEI)
    for person in (NINA, PRIYA):
        club.command(person.user_id, "help")  # first seen: the club notes they joined
    before = tables(club)
    for person in (NINA, MEI, PRIYA):  # a member, a mentor, an FAQ editor
        for verb in ("add", "remove"):
            club.command(person.user_id, f"faq editors {verb} <@{person.user_id}>")
            assert f"Only organisers can use `/club faq editors {verb}`" in responses(club)[-1]
    assert tables(club) == before


def test_naming_an_editor_needs_exactly_one_person(club: LocalClub, tables: Tables) -> None:
    club.command(OLIVIA.user_id, "help")
    before = tables(club)
    for args in ("", "priya", f"<@{PRIYA.user_id}> <@{NINA.user_id}>"):
        club.command(OLIVIA.user_id, f"faq editors add {args}")
        assert "Tell me whom to add, like `/club faq editors add @person`" in responses(club)[-1]
    assert tables(club) == before


def test_a_club_can_let_every_mentor_edit_the_faq(database_url: str, clock: ManualClock) -> None:
    with LocalClub(database_url, clock, env={"CLUB_MENTORS_EDIT_FAQ": "on"}) as club:
        sign_up(club, MEI)
        club.command(MEI.user_id, "faq edit 2")
        assert opened_views(club)[-1]["callback_id"] == ids.FAQ_ENTRY_MODAL
        club.command(MEI.user_id, "faq editors list")
        assert "every mentor may edit the FAQ as well" in responses(club)[-1]
        club.command(NINA.user_id, "faq edit 2")  # members still may not
        assert "Only organisers and FAQ editors can use" in responses(club)[-1]


# ------------------------------------------------------------------ upgrading


def old_database(url: str, clock: ManualClock, mentors: tuple[Person, ...]) -> None:
    """A database from before the rights were separated: mentors, who edited the FAQ."""
    database = Database(url)
    migrate.upgrade(database)
    with database.transaction() as session:
        for mentor in mentors:
            members.grant(session, mentor.user_id, "mentor", by=None, now=clock.now())
        members.grant(session, OLIVIA.user_id, "organiser", by=None, now=clock.now())
        members.grant(session, PRIYA.user_id, "organiser", by=None, now=clock.now())
        members.grant(session, PRIYA.user_id, "mentor", by=None, now=clock.now())
    database.dispose()


def rights_notices(club: LocalClub, person: Person) -> list[str]:
    return [text for text in dms_to(club, person) if "no longer includes editing" in text]


def test_upgrading_keeps_mentors_and_tells_organisers_once(
    database_url: str, clock: ManualClock
) -> None:
    old_database(database_url, clock, (MEI, MARCO))
    with LocalClub(database_url, clock) as club:
        for organiser in (OLIVIA, PRIYA):
            (notice,) = rights_notices(club, organiser)
            assert f"<@{MARCO.user_id}>, <@{MEI.user_id}>" in notice
            assert f"<@{PRIYA.user_id}>" not in notice.split("can't now:")[1].split(".")[0]
            assert "/club faq editors add @person" in notice
            assert "CLUB_MENTORS_EDIT_FAQ=on" in notice
        assert rights_notices(club, MEI) == []
        assert club.db is not None
        for mentor in (MEI, MARCO):
            assert "mentor" in roles.roles_for(club.db, mentor.user_id)
        club.command(MEI.user_id, "faq edit 2")
        assert "Only organisers and FAQ editors can use" in responses(club)[-1]
        club.restart()
        second = LocalClub(database_url, clock)  # another replica on the same database
        with second:
            assert rights_notices(second, OLIVIA) == []
        assert len(rights_notices(club, OLIVIA)) == 1


def test_a_new_club_hears_nothing_even_when_mentors_sign_up_later(
    database_url: str, clock: ManualClock
) -> None:
    with LocalClub(database_url, clock) as club:
        sign_up(club, MEI)
        club.restart()
        assert rights_notices(club, OLIVIA) == []


def test_a_club_letting_mentors_edit_hears_nothing(database_url: str, clock: ManualClock) -> None:
    old_database(database_url, clock, (MEI, MARCO))
    with LocalClub(database_url, clock, env={"CLUB_MENTORS_EDIT_FAQ": "on"}) as club:
        assert rights_notices(club, OLIVIA) == []
        club.command(MEI.user_id, "faq edit 2")
        assert opened_views(club)[-1]["callback_id"] == ids.FAQ_ENTRY_MODAL
