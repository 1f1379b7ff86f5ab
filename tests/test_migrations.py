"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage import migrate
from storage.db import Database
from storage.schema import Base


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_the_database_is_at_the_head_revision(db: Database) -> None:
    assert migrate.current_revision(db) == migrate.head_revision()


def test_upgrading_twice_is_harmless(db: Database) -> None:
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.head_revision()


def test_rsvps_from_before_answers_were_per_occurrence_answer_for_all_future_ones(
    blank_database_url: str,
) -> None:
    """Upgrading keeps what an old RSVP meant: it was given for the whole series, so it
    counts for every occurrence to come until the person answers for one of them."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from storage.meetings import queries as meeting_repo

    database = Database(blank_database_url)
    try:
        migrate.upgrade(database, "0003")  # just before RSVPs per occurrence
        assert migrate.current_revision(database) == "0003"
        now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
        stamp = "2026-11-30 09:00:00"
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO meetings (id, title, channel_id, tz, start_local, repeat, agenda,"
                    " location, status, created_at, updated_at, reminders_checked_until,"
                    " announcement_stale) VALUES (1, 'Book club', 'C0CLUB', 'Europe/London',"
                    " '2026-12-03T15:00:00', 'weekly', '', '', 'active', :t, :t, :t, false)"
                ),
                {"t": stamp},
            )
            connection.execute(
                text(
                    "INSERT INTO meeting_rsvps (meeting_id, user_id, answer, answered_at)"
                    " VALUES (1, 'U0NINA', 'going', :t), (1, 'U0SAM', 'no', :t)"
                ),
                {"t": stamp},
            )
        migrate.upgrade(database)
        first = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
        with database.transaction() as session:
            for occurrence in (first, datetime(2026, 12, 10, 15, 0, tzinfo=UTC)):
                held = meeting_repo.answers_at(session, 1, occurrence)
                assert {(a.user_id, a.answer, a.for_all) for a in held} == {
                    ("U0NINA", "going", True),
                    ("U0SAM", "no", True),
                }
            # Answering for one occurrence now works beside the old answer.
            meeting_repo.set_rsvp(session, 1, "U0NINA", first, "no", now)
            assert meeting_repo.rsvp_counts(session, 1, first) == {"no": 2}
    finally:
        database.dispose()
