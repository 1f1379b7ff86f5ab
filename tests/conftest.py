"""Shared fixtures: a migrated database on SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.

Migrating is the slowest part of a test's setup, so each test session (each xdist
worker) migrates once: on SQLite every test gets a copy of a migrated template file;
on PostgreSQL every test gets the worker's own database with all rows deleted and
sequences restarted. Either way each test starts from an empty database at head.
`blank_database_url` is the exception: an empty database with no schema at all, for
tests of migrating itself.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from bot.clock import ManualClock
from storage import migrate
from storage.db import Database, normalise_url

# A Tuesday morning in Europe, working hours almost everywhere the demo club lives.
START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)

BACKENDS = ["sqlite", "postgresql"]


def worker_database_url(url: str, worker: str | None) -> str:
    """Under pytest-xdist each worker gets its own database, `<name>_gw0` and so on,
    on the same server: two workers truncating one database would see each other."""
    if not worker:
        return url
    parsed = make_url(normalise_url(url))
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(
        hide_password=False
    )


def _ensure_database(base_url: str, url: str) -> None:
    name = make_url(url).database
    engine = create_engine(
        normalise_url(base_url), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if exists is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _reset_postgres(url: str) -> None:
    engine = create_engine(normalise_url(url), poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _public_tables(connection: Connection) -> tuple[str, ...]:
    rows = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    )
    return tuple(row[0] for row in rows)


def _children_first(connection: Connection, tables: tuple[str, ...]) -> list[str]:
    """The data tables ordered so that each comes before the tables it references."""
    edges = connection.execute(
        text(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace"
        )
    ).all()
    referenced_by: dict[str, set[str]] = {name: set() for name in tables}
    for child, parent in edges:
        referenced_by.setdefault(parent.strip('"'), set()).add(child.strip('"'))
    ordered: list[str] = []
    placed: set[str] = set()

    def place(name: str) -> None:
        if name in placed:
            return
        placed.add(name)
        for child in sorted(referenced_by.get(name, ())):
            place(child)
        ordered.append(name)

    for name in tables:
        place(name)
    return [name for name in ordered if name != "alembic_version"]


def _empty(connection: Connection, tables: list[str]) -> None:
    """Delete every row (children first) and restart every sequence. For the few rows a
    test leaves this is far quicker than TRUNCATE, which rewrites each table's files
    (~0.3 s for the whole schema, on every PostgreSQL test)."""
    for name in tables:
        connection.execute(text(f'DELETE FROM "{name}"'))
    connection.execute(
        text(
            "SELECT setval(c.oid, 1, false) FROM pg_class c "
            "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"
        )
    )


class PostgresDatabase:
    """The worker's PostgreSQL database, migrated once and emptied between tests."""

    def __init__(self, url: str) -> None:
        self.url = url
        # The tables as migrated, while the schema is known to be exactly that; None
        # forces a full rebuild (first use, after a blank test, or if migrating seeds rows).
        self._tables: tuple[str, ...] | None = None
        self._order: list[str] | None = None  # _tables, each before the tables it references
        self._head = migrate.head_revision()

    def blank(self) -> str:
        _reset_postgres(self.url)
        self._tables = self._order = None
        return self.url

    def migrated(self) -> str:
        engine = create_engine(normalise_url(self.url), poolclass=NullPool)
        try:
            with engine.begin() as connection:
                # A connection a previous test leaked would block TRUNCATE: fail, not hang.
                connection.execute(text("SET LOCAL lock_timeout = '30s'"))
                if self._tables is not None and self._unchanged(connection):
                    if self._order is None:
                        self._order = _children_first(connection, self._tables)
                    _empty(connection, self._order)
                    return self.url
        finally:
            engine.dispose()
        self._rebuild()
        return self.url

    def _unchanged(self, connection: Connection) -> bool:
        """A test may have migrated down or changed the schema: then emptying is not enough."""
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return list(version) == [self._head] and _public_tables(connection) == self._tables

    def _rebuild(self) -> None:
        _reset_postgres(self.url)
        database = Database(self.url)
        try:
            migrate.upgrade(database)
            with database.engine.connect() as connection:
                tables = _public_tables(connection)
                seeded = any(
                    connection.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first()
                    for name in tables
                    if name != "alembic_version"
                )
        finally:
            database.dispose()
        # Rows written by a migration would be lost to TRUNCATE: rebuild every time then.
        self._tables = None if seeded else tables
        self._order = None


@pytest.fixture(scope="session")
def _postgres() -> PostgresDatabase | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    worker_url = worker_database_url(url, os.environ.get("PYTEST_XDIST_WORKER"))
    if worker_url != url:
        _ensure_database(url, worker_url)
    return PostgresDatabase(worker_url)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "club.db"
    database = Database(f"sqlite:///{path}")
    migrate.upgrade(database)
    database.dispose()  # the last connection closing checkpoints the WAL into the file
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, _postgres: PostgresDatabase | None) -> str:
    if request.param == "postgresql" and _postgres is None:
        pytest.skip("TEST_DATABASE_URL not set: PostgreSQL tests skipped")
    return str(request.param)


@pytest.fixture
def database_url(
    backend: str,
    tmp_path: Path,
    _sqlite_template: Path,
    _postgres: PostgresDatabase | None,
) -> str:
    """An empty database at the head revision, this test's alone."""
    if backend == "sqlite":
        path = tmp_path / "club.db"
        shutil.copyfile(_sqlite_template, path)
        return f"sqlite:///{path}"
    assert _postgres is not None
    return _postgres.migrated()


@pytest.fixture
def blank_database_url(backend: str, tmp_path: Path, _postgres: PostgresDatabase | None) -> str:
    """A database with no schema at all (not even Alembic's table): for migration tests.
    Do not ask for it together with `database_url`: on PostgreSQL both are one database."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'blank.db'}"
    assert _postgres is not None
    return _postgres.blank()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)
