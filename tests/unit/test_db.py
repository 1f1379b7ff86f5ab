"""The database layer: SQLite tuned for a threaded server, URLs normalised for psycopg 3."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import SQLITE_BUSY_TIMEOUT_MS, Database, normalise_url
from storage.members.models import Member


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'club.db'}")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    database.dispose()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///club.db", "sqlite:///club.db"),
    ],
)
def test_postgres_urls_use_psycopg_3(given: str, used: str) -> None:
    assert normalise_url(given) == used


def test_a_failed_transaction_leaves_nothing_behind(db: Database) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(RuntimeError), db.transaction() as session:
        session.add(Member(user_id="U0HALF", first_seen_at=now))
        session.flush()
        raise RuntimeError("half-way")
    with db.transaction() as session:
        assert session.get(Member, "U0HALF") is None


def test_times_come_back_as_aware_utc(db: Database) -> None:
    moment = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
    with db.transaction() as session:
        session.add(Member(user_id="U0TIME", first_seen_at=moment))
    with db.transaction() as session:
        member = session.get(Member, "U0TIME")
        assert member is not None and member.first_seen_at == moment
        assert member.first_seen_at.tzinfo is not None


def test_the_health_check_sees_a_dead_database(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'missing-dir' / 'club.db'}")
    assert database.ping() is False
