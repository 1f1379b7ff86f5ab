"""Alembic, driven from code: `clubbot db upgrade` and the start of `clubbot run`."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from storage.db import Database

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant will do: every clubbot process on one PostgreSQL takes the same lock.
UPGRADE_LOCK = 0x636C7562  # "club"
SQLITE_LOCKED_ATTEMPTS = 3


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _lock(connection: Connection) -> None:
    """One upgrade at a time: replicas started together would otherwise both see an
    old revision and both run its DDL. The second waits, then finds the head."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
    elif connection.dialect.name == "sqlite":
        # pysqlite opens no transaction before DDL by itself; take the write lock now.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(database: Database, revision: str = "head") -> None:
    for attempt in range(SQLITE_LOCKED_ATTEMPTS):
        try:
            _upgrade(database, revision)
            return
        except OperationalError as error:
            # A busy machine can outlast SQLite's busy timeout while another process
            # migrates (a new file turning to WAL): wait for it again.
            locked = database.dialect == "sqlite" and "locked" in str(error.orig)
            if not locked or attempt == SQLITE_LOCKED_ATTEMPTS - 1:
                raise


def _upgrade(database: Database, revision: str) -> None:
    if revision == "head" and current_revision(database) == _head():
        return  # already there: no need to load every migration script (each start, each test)
    config = _config()
    with database.engine.begin() as connection:
        _lock(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


@functools.cache
def _head() -> str | None:
    # The migration scripts do not change while the process runs.
    return head_revision()


def revision(database: Database, message: str, rev_id: str | None = None) -> None:
    """Autogenerate a migration from the models (developers only)."""
    config = _config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True, rev_id=rev_id)
