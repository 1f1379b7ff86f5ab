"""Alembic, driven from code: `clubbot db upgrade` and the start of `clubbot run`."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    if revision == "head" and current_revision(database) == _head():
        return  # already there: no need to load every migration script (each start, each test)
    config = _config()
    with database.engine.begin() as connection:
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
