"""A spreadsheet import holds the database only for its last few statements (issue 13
item 5): reading, checking, planning and staging the rows take no lock, so a DM answered
meanwhile (it writes: it claims the message) never waits for them; and a change made
meanwhile is not lost: the import plans again."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.clock import ManualClock
from bot.faq import manage as faq_admin
from bot.faq import xlsx
from bot.faq.index import ensure_seeded
from storage.db import Database
from storage.faq import queries as repo
from storage.faq.models import FaqEntry, FaqQuestion

NEW_ROWS = [
    ("Where can I park my bicycle?", ("bike parking office",), "In the courtyard, left."),
    ("Is there a shower for cyclists?", ("cycling to work shower",), "Yes, on floor 2."),
    ("Can I bring my dog to a meetup?", ("dogs at meetups",), "Small, calm dogs, yes."),
]


def spreadsheet() -> bytes:
    return xlsx.write_rows(xlsx.SheetRow(0, q, alts, answer, ()) for q, alts, answer in NEW_ROWS)


def without_ids(data: bytes) -> bytes:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    for row in book.worksheets[0].iter_rows(min_row=2):
        row[0].value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def no_waiting(session: Any, dialect: str) -> None:
    """This transaction fails at once, rather than waits, on a lock someone holds."""
    if dialect == "sqlite":
        session.execute(text("PRAGMA busy_timeout = 0"))
    else:
        session.execute(text("SET LOCAL lock_timeout = '1ms'"))


def held_import(
    db: Database, clock: ManualClock, request: pytest.FixtureRequest, data: bytes
) -> tuple[threading.Thread, threading.Event, list[faq_admin.ImportReport]]:
    """An import started on a thread and held once its rows are staged (the first time)."""
    staged, go = threading.Event(), threading.Event()

    def hold(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("INSERT INTO faq_import_staged") and not staged.is_set():
            staged.set()
            assert go.wait(30), "the test never let the import go on"

    event.listen(db.engine, "after_cursor_execute", hold)
    request.addfinalizer(lambda: event.remove(db.engine, "after_cursor_execute", hold))
    reports: list[faq_admin.ImportReport] = []
    thread = threading.Thread(
        target=lambda: reports.append(faq_admin.import_xlsx(db, data, "U0OLIVIA", clock.now()))
    )
    thread.start()
    assert staged.wait(30)
    return thread, go, reports


def test_a_write_meanwhile_does_not_wait_for_an_import_being_staged(
    db: Database, database_url: str, clock: ManualClock, request: pytest.FixtureRequest
) -> None:
    ensure_seeded(db, clock.now())
    thread, go, reports = held_import(db, clock, request, without_ids(spreadsheet()))
    other = Database(database_url)  # another process's engine
    try:
        with other.transaction() as session:  # what a DM answer writes
            no_waiting(session, other.dialect)
            entry = session.query(FaqEntry).order_by(FaqEntry.id).first()
            assert entry is not None
            entry.times_used += 1
            repo.claim_question(session, FaqQuestion(
                channel="D0SAM", message_ts="1.000", asker="U0SAM", text="how do I blog?",
                via="dm", asked_at=clock.now(), status="answered", entry_id=entry.id))
    finally:
        other.dispose()
        go.set()
        thread.join(30)
    assert reports and reports[0].ok and reports[0].added == 3
    with db.transaction() as session:
        questions = {e.question for e in repo.all_entries(session)}
        assert {q for q, _, _ in NEW_ROWS} <= questions
        assert session.query(FaqQuestion).count() == 1


def test_an_entry_removed_while_an_import_is_staged_is_not_lost(
    db: Database, clock: ManualClock, request: pytest.FixtureRequest
) -> None:
    """The file edits an entry that an editor removes meanwhile: the import, planned before
    the removal, plans again and puts the entry back as the file has it (rather than
    updating nothing and reporting an update)."""
    ensure_seeded(db, clock.now())
    data, _ = faq_admin.export_xlsx(db, clock.now())
    rows = xlsx.read_rows(data)
    first = rows[0]
    edited = [xlsx.SheetRow(int(r.id), r.question, tuple(r.alternatives.splitlines()),
                            r.answer + (" Edited in the file." if r is first else ""),
                            tuple(t.strip() for t in r.tags.split(",") if t.strip()))
              for r in rows]
    thread, go, reports = held_import(db, clock, request, xlsx.write_rows(edited))
    try:
        assert faq_admin.remove_entry(db, int(first.id), "U0NINA") == first.question
    finally:
        go.set()
        thread.join(30)
    assert reports and reports[0].ok
    assert (reports[0].added, reports[0].updated) == (1, 0)
    with db.transaction() as session:
        entry = repo.get_entry(session, int(first.id))
        assert entry is not None and entry.answer.endswith("Edited in the file.")
