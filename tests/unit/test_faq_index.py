"""The matcher cache: seeded once, rebuilt when any process changes the FAQ."""

from __future__ import annotations

import threading
from typing import Any

from bot.clock import ManualClock
from bot.content import load_faq_starter
from bot.faq import manage as faq_admin
from bot.faq.fields import validate_entry
from bot.faq.index import FaqIndex, ensure_seeded
from storage.db import Database
from storage.faq.models import FaqEntry

STARTER_SIZE = len(load_faq_starter())


def count(db: Database) -> int:
    with db.transaction() as session:
        return session.query(FaqEntry).count()


def test_the_starter_faq_is_loaded_once_and_not_after_being_emptied(
    db: Database, clock: ManualClock
) -> None:
    assert ensure_seeded(db, clock.now()) is True
    assert count(db) == STARTER_SIZE
    assert ensure_seeded(db, clock.now()) is False
    with db.transaction() as session:
        session.query(FaqEntry).delete()
    assert ensure_seeded(db, clock.now()) is False
    assert count(db) == 0


def test_a_second_process_seeding_at_the_same_time_adds_nothing(
    db: Database, database_url: str, clock: ManualClock
) -> None:
    other = Database(database_url)  # another process's engine on the same database
    try:
        assert ensure_seeded(db, clock.now()) is True
        assert ensure_seeded(other, clock.now()) is False
    finally:
        other.dispose()
    assert count(db) == STARTER_SIZE


def test_an_edit_in_another_process_is_seen_on_the_next_question(
    db: Database, database_url: str, clock: ManualClock
) -> None:
    index = FaqIndex(db)
    first = index.current(clock.now())
    assert index.current(clock.now()) is first  # no change: no rebuild
    question = "where do I park my bicycle at the office?"
    assert not first.matcher.decide(question).answered

    other = Database(database_url)
    try:
        fields, _ = validate_entry("Where can I park my bicycle?", ["bike parking office"],
                                   "In the courtyard.", ["joining"])
        assert fields is not None
        new_id = faq_admin.add_entry(other, fields, "U0OLIVIA", clock.now())
    finally:
        other.dispose()
    rebuilt = index.current(clock.now())
    assert rebuilt is not first and rebuilt.revision > first.revision
    decision = rebuilt.matcher.decide(question)
    assert decision.answered and decision.best is not None
    assert decision.best.entry_id == new_id

    faq_admin.remove_entry(db, new_id, "U0OLIVIA")
    assert not index.current(clock.now()).matcher.decide(question).answered


def _add(db: Database, clock: ManualClock, question: str, phrasing: str) -> int:
    fields, _ = validate_entry(question, [phrasing], "In the courtyard.", ["joining"])
    assert fields is not None
    return faq_admin.add_entry(db, fields, "U0OLIVIA", clock.now())


def test_a_large_faq_is_rebuilt_in_the_background_and_swapped_in_whole(
    db: Database, clock: ManualClock
) -> None:
    index = FaqIndex(db, inline_max_texts=0)  # every FAQ counts as large here
    first = index.current(clock.now())
    release = threading.Event()
    building = threading.Event()
    real_build = index._build_elsewhere

    def held_build() -> Any:
        building.set()
        assert release.wait(30), "the test never released the build"
        return real_build()

    index._build_elsewhere = held_build  # type: ignore[method-assign]
    new_id = _add(db, clock, "Where can I park my bicycle?", "bike parking office")
    # The build is held, yet questions are answered at once, from the previous snapshot.
    assert index.current(clock.now()) is first
    assert building.wait(30)
    assert index.current(clock.now()) is first  # one rebuild at a time, no second one
    release.set()
    index.rebuild_in_background().join(30)
    rebuilt = index.current(clock.now())
    assert rebuilt is not first and rebuilt.revision > first.revision
    decision = rebuilt.matcher.decide("where do I park my bicycle at the office?")
    assert decision.best is not None and decision.best.entry_id == new_id


def test_edits_made_during_a_background_build_are_caught_up(
    db: Database, clock: ManualClock
) -> None:
    index = FaqIndex(db, inline_max_texts=0)
    index.current(clock.now())
    release = threading.Event()
    real_build = index._build_elsewhere
    builds: list[int] = []

    def held_build() -> Any:
        assert release.wait(30)
        snapshot = real_build()
        builds.append(snapshot.revision)
        return snapshot

    index._build_elsewhere = held_build  # type: ignore[method-assign]
    _add(db, clock, "Where can I park my bicycle?", "bike parking office")
    thread = index.rebuild_in_background()
    second = _add(db, clock, "Is there a shower for cyclists?", "cycling to work shower")
    release.set()
    thread.join(30)
    final = index.current(clock.now())
    assert second in final.questions and final.revision == builds[-1]
