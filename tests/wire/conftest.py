"""A running club for wire tests: emulator, bot over HTTP, signed sender."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import inspect, text

from bot.clock import ManualClock
from bot.local import LocalClub
from storage.db import Database


@pytest.fixture
def club(database_url: str, clock: ManualClock) -> Iterator[LocalClub]:
    with LocalClub(database_url, clock) as running:
        yield running


# Bookkeeping that any signed request may write without changing what the club knows.
BOOKKEEPING_TABLES = frozenset({"processed_events", "alembic_version"})


def dump_tables(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order: equal dumps mean nothing changed."""
    with db.engine.connect() as connection:
        dump = {}
        for name in sorted(inspect(connection).get_table_names()):
            if name in BOOKKEEPING_TABLES:
                continue
            rows = connection.execute(text(f'SELECT * FROM "{name}"')).all()
            dump[name] = sorted((tuple(row) for row in rows), key=repr)
        return dump


@pytest.fixture
def tables() -> Callable[[LocalClub], dict[str, list[tuple[object, ...]]]]:
    """`tables(club)`: a dump of the club's database to compare before and after."""

    def dump(club: LocalClub) -> dict[str, list[tuple[object, ...]]]:
        assert club.db is not None
        return dump_tables(club.db)

    return dump
