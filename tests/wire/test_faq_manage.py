"""Managing the FAQ: /club faq add|edit|remove|list, spreadsheets by CLI and by DM."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.cli import main as cli
from bot.content import load_faq_starter
from bot.emulator.api.files import share_file
from bot.faq import manage as faq_admin
from bot.local import MEI, NINA, OLIVIA, LocalClub
from storage.faq.models import FaqEntry


def snapshot(club: LocalClub) -> list[tuple[Any, ...]]:
    assert club.db is not None
    with club.db.transaction() as session:
        return [
            (e.id, e.question, e.alternatives, e.answer, e.tags, e.updated_at, e.last_edited_by)
            for e in session.query(FaqEntry).order_by(FaqEntry.id)
        ]


def responses(club: LocalClub) -> list[dict[str, Any]]:
    return [c.args for c in club.emulator.calls_to("response_url")]


def last_text(club: LocalClub) -> str:
    post = responses(club)[-1]
    return post.get("text", "") + json.dumps(post.get("blocks", []))


def make_editor(club: LocalClub, user_id: str) -> None:
    from storage.members import queries as members

    assert club.db is not None
    with club.db.transaction() as session:
        members.grant(session, user_id, "faq_editor", by=None, now=club.clock.now())


def exported(club: LocalClub) -> bytes:
    assert club.db is not None
    data, _ = faq_admin.export_xlsx(club.db, club.clock.now())
    return data


def with_cell(data: bytes, row: int, column: int, value: object) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ commands


def test_list_is_ephemeral_paginated_and_filters_by_tag(club: LocalClub) -> None:
    club.command(NINA.user_id, "faq list")
    first = responses(club)[-1]
    assert first["response_type"] == "ephemeral"
    assert "page 1 of 3" in first["text"]
    assert len(first["blocks"]) <= 50
    club.press(NINA.user_id, {**first, "channel": "C0CLUB"}, "faq_list_page")
    assert "page 2 of 3" in responses(club)[-1]["text"]
    club.command(NINA.user_id, "faq list mentoring")
    text = last_text(club)
    assert "tagged `mentoring`" in text and "How do I find a mentor?" in text
    club.command(NINA.user_id, "faq list nosuchtag")
    assert "No FAQ entries tagged" in last_text(club)


def test_add_opens_a_modal_and_saves_the_entry(club: LocalClub) -> None:
    make_editor(club, MEI.user_id)
    club.command(MEI.user_id, "faq add")
    modal = club.emulator.last_call("views.open")
    assert modal is not None
    before = len(snapshot(club))
    club.submit(MEI.user_id, modal.args["view"], {
        "faq_question": "Where is the club's photo album?",
        "faq_alternatives": "club photos\nmeeting pictures",
        "faq_answer_text": "On <https://intranet.example.com/photos|the photo page>.",
        "faq_tags": "meetings",
    })
    rows = snapshot(club)
    assert len(rows) == before + 1
    assert rows[-1][1] == "Where is the club's photo album?"
    assert rows[-1][6] == MEI.user_id
    club.dm(NINA.user_id, "where are the club photos?")
    assert "photo page" in json.dumps(club.last_reply()["blocks"])


def test_a_modal_with_missing_or_bad_fields_is_refused_inline(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "faq add")
    modal = club.emulator.last_call("views.open")
    assert modal is not None
    before = snapshot(club)
    delivery = club.submit(OLIVIA.user_id, modal.args["view"], {
        "faq_question": "   ", "faq_answer_text": "x", "faq_tags": "Not A Tag!",
    })
    errors = delivery.json()["errors"]
    assert set(errors) == {"faq_question", "faq_answer_text", "faq_tags"}
    assert "at least 10" in errors["faq_answer_text"]
    assert snapshot(club) == before


@pytest.mark.parametrize(("question", "answer", "field", "says"), [
    ("blog?", "Start with a short post about something you know well.", "faq_question",
     "at least 10 characters"),
    ("?????????????", "Start with a short post about something you know well.", "faq_question",
     "in words"),
    ("How do I start a blog?", "see wiki", "faq_answer_text", "at least 10"),
])
def test_an_faq_entry_needs_a_real_question_and_answer(
    club: LocalClub, question: str, answer: str, field: str, says: str
) -> None:
    club.command(OLIVIA.user_id, "faq add")
    modal = club.emulator.last_call("views.open")
    assert modal is not None
    before = snapshot(club)
    delivery = club.submit(OLIVIA.user_id, modal.args["view"], {
        "faq_question": question, "faq_answer_text": answer,
    })
    errors = delivery.json()["errors"]
    assert set(errors) == {field} and says in errors[field], errors
    assert snapshot(club) == before


def test_members_cannot_add_edit_or_remove(club: LocalClub) -> None:
    before = snapshot(club)
    for text in ("faq add", "faq edit 1", "faq remove 1"):
        club.command(NINA.user_id, text)
        assert "Only organisers and FAQ editors can use" in last_text(club)
    assert club.emulator.calls_to("views.open") == []
    assert snapshot(club) == before


def test_edit_prefills_and_changes_only_that_entry(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "faq edit #2")
    modal = club.emulator.last_call("views.open")
    assert modal is not None
    assert "How do I join the club?" in json.dumps(modal.args["view"]["blocks"])
    before = snapshot(club)
    club.submit(OLIVIA.user_id, modal.args["view"], {"faq_answer_text": "Join the channel."})
    after = snapshot(club)
    changed = [a for a, b in zip(after, before, strict=True) if a != b]
    assert [row[0] for row in changed] == [2]
    assert changed[0][3] == "Join the channel." and changed[0][6] == OLIVIA.user_id


def test_bad_ids_are_explained_and_change_nothing(club: LocalClub) -> None:
    before = snapshot(club)
    club.command(OLIVIA.user_id, "faq edit")
    assert "Tell me which entry to edit" in last_text(club)
    club.command(OLIVIA.user_id, "faq remove abc")
    assert "`abc` isn't one" in last_text(club)
    club.command(OLIVIA.user_id, "faq edit 999")
    assert "There's no FAQ entry #999" in last_text(club)
    assert club.emulator.calls_to("views.open") == []
    assert snapshot(club) == before


def test_remove_asks_first_and_then_the_entry_is_gone(club: LocalClub) -> None:
    club.command(OLIVIA.user_id, "faq remove 3")
    confirm = responses(club)[-1]
    assert "Remove FAQ entry" in confirm["text"]
    before = snapshot(club)
    club.press(OLIVIA.user_id, {**confirm, "channel": "C0CLUB"}, "faq_remove_cancel")
    assert snapshot(club) == before
    club.press(OLIVIA.user_id, {**confirm, "channel": "C0CLUB"}, "faq_remove_confirm")
    assert [row[0] for row in snapshot(club)] == [r[0] for r in before if r[0] != 3]
    club.press(OLIVIA.user_id, {**confirm, "channel": "C0CLUB"}, "faq_remove_confirm")
    assert "already removed" in last_text(club)


# ------------------------------------------------------------------ spreadsheets


def test_export_then_import_changes_nothing(club: LocalClub) -> None:
    assert club.db is not None
    before = snapshot(club)
    club.clock.advance(__import__("datetime").timedelta(hours=1))
    report = faq_admin.import_xlsx(club.db, exported(club), by=OLIVIA.user_id,
                                   now=club.clock.now(), replace=True)
    assert report.ok and report.unchanged == len(before)
    assert (report.added, report.updated, report.removed) == (0, 0, 0)
    assert snapshot(club) == before


def test_one_bad_row_changes_nothing_and_is_named(club: LocalClub) -> None:
    assert club.db is not None
    before = snapshot(club)
    data = with_cell(exported(club), 2, 2, "Edited question")   # a fine edit...
    data = with_cell(data, 5, 4, "")                          # ...and an empty answer
    data = with_cell(data, 7, 1, "seven")                     # ...and a bad id
    report = faq_admin.import_xlsx(club.db, data, by=OLIVIA.user_id, now=club.clock.now())
    assert not report.ok
    assert "row 5, column answer: the answer is empty" in report.problems
    assert any(p.startswith("row 7, column id:") for p in report.problems)
    assert "Nothing was imported" in report.summary()
    assert snapshot(club) == before


def test_dry_run_and_replace(club: LocalClub) -> None:
    assert club.db is not None
    data = exported(club)
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    sheet.delete_rows(3, 1)  # drop entry 2
    sheet.append([None, "A brand new question?", "new one", "A new answer.", "joining"])
    out = io.BytesIO()
    book.save(out)
    before = snapshot(club)
    dry = faq_admin.import_xlsx(club.db, out.getvalue(), by=None, now=club.clock.now(),
                                dry_run=True, replace=True)
    assert (dry.added, dry.removed) == (1, 1) and "dry run" in dry.summary()
    assert snapshot(club) == before
    real = faq_admin.import_xlsx(club.db, out.getvalue(), by=None, now=club.clock.now(),
                                 replace=True)
    assert (real.added, real.removed) == (1, 1)
    ids = [row[0] for row in snapshot(club)]
    assert 2 not in ids and max(ids) == max(r[0] for r in before) + 1


def test_import_keeps_ids_in_a_fresh_database_then_new_entries_follow(
    club: LocalClub, tmp_path: Path,
) -> None:
    assert club.db is not None
    data = exported(club)
    with club.db.transaction() as session:
        session.query(FaqEntry).delete()
    report = faq_admin.import_xlsx(club.db, data, by=None, now=club.clock.now())
    assert report.added == len(load_faq_starter())
    new_id = faq_admin.add_entry(
        club.db, faq_admin.validate_entry("Is this fresh?", [], "Yes, it is new.", [])[0],  # type: ignore[arg-type]
        OLIVIA.user_id, club.clock.now())
    assert new_id == len(load_faq_starter()) + 1


def test_an_organiser_imports_by_sending_the_xlsx_in_a_dm(club: LocalClub) -> None:
    dm = club.dm_channel(OLIVIA.user_id)
    data = with_cell(exported(club), 5, 4, "")
    shared = share_file(club.emulator.workspace, OLIVIA.user_id, dm, "faq.xlsx", data)
    before = snapshot(club)
    club.say(OLIVIA.user_id, "", channel=dm, subtype="file_share", files=[shared])
    text = club.last_reply(dm)["text"]
    assert "Nothing was imported" in text and "row 5, column answer" in text
    assert snapshot(club) == before
    assert club.emulator.calls_to("files.info")[-1].ok

    good = with_cell(exported(club), 2, 2, "What is this social media club?")
    shared = share_file(club.emulator.workspace, OLIVIA.user_id, dm, "faq.xlsx", good)
    club.say(OLIVIA.user_id, "", channel=dm, subtype="file_share", files=[shared])
    assert "Imported: 0 added, 1 updated" in club.last_reply(dm)["text"]


def test_a_member_sending_a_spreadsheet_is_refused(club: LocalClub) -> None:
    dm = club.dm_channel(NINA.user_id)
    shared = share_file(club.emulator.workspace, NINA.user_id, dm, "faq.xlsx", exported(club))
    before = snapshot(club)
    club.say(NINA.user_id, "", channel=dm, subtype="file_share", files=[shared])
    assert "Only organisers and FAQ editors can import the FAQ" in club.last_reply(dm)["text"]
    assert club.emulator.calls_to("files.info") == []
    assert snapshot(club) == before


def test_a_file_that_is_not_xlsx_is_answered_clearly(club: LocalClub) -> None:
    dm = club.dm_channel(OLIVIA.user_id)
    shared = share_file(club.emulator.workspace, OLIVIA.user_id, dm, "notes.txt", b"hello")
    club.say(OLIVIA.user_id, "", channel=dm, subtype="file_share", files=[shared])
    assert "I can only import .xlsx spreadsheets" in club.last_reply(dm)["text"]
    fake = share_file(club.emulator.workspace, OLIVIA.user_id, dm, "faq.xlsx", b"not a zip")
    club.say(OLIVIA.user_id, "", channel=dm, subtype="file_share", files=[fake])
    assert "not an .xlsx spreadsheet" in club.last_reply(dm)["text"]


# ------------------------------------------------------------------ the CLI


def test_cli_export_import_and_ask(
    club: LocalClub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", club.database_url)
    target = tmp_path / "faq.xlsx"
    assert cli.main(["faq", "export", str(target)]) == 0
    assert cli.main(["faq", "import", str(target), "--dry-run"]) == 0
    assert f"{len(load_faq_starter())} unchanged" in capsys.readouterr().out
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(with_cell(target.read_bytes(), 3, 2, ""))
    assert cli.main(["faq", "import", str(broken)]) == 1
    assert "row 3, column question" in capsys.readouterr().err
    assert cli.main(["faq", "ask", "how do I start a blog?", "--json"]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["answered"] is True and "internal platform" in decision["answer"]
    monkeypatch.setattr("sys.stdin", io.StringIO("what is the wifi password\n"))
    assert cli.main(["faq", "ask"]) == 0
    assert capsys.readouterr().out.startswith("abstained")
