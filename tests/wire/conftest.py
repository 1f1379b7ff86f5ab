"""A running club for wire tests: emulator, bot over HTTP, signed sender."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import inspect, text

from bot.clock import ManualClock
from bot.local import LocalClub
from storage.db import Database

# Every call that carries Block Kit; Slack refuses a payload whose block_ids repeat.
BLOCK_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "response_url",
     "views.publish", "views.open", "views.update", "views.push"}
)  # fmt: skip


def duplicate_block_ids(args: dict[str, Any]) -> list[str]:
    """block_ids used more than once in one payload (message blocks or a view's)."""
    view = args.get("view")
    blocks = view.get("blocks") if isinstance(view, dict) else args.get("blocks")
    if not isinstance(blocks, list):
        return []
    used = Counter(b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id"))
    return sorted(str(block_id) for block_id, n in used.items() if n > 1)


def assert_block_ids_unique(club: LocalClub) -> None:
    """No payload a test made the bot send repeated a block_id, and none was refused as
    invalid_blocks (the emulator refuses duplicates as Slack does, so a refused reply that
    a test never looked at still fails it)."""
    problems = []
    for call in club.emulator.calls:
        if call.method not in BLOCK_METHODS:
            continue
        duplicates = duplicate_block_ids(call.args)
        if duplicates:
            problems.append(f"{call.method}: duplicate block_id {duplicates}")
        elif not call.ok and call.response.get("error") == "invalid_blocks":
            detail = call.response.get("response_metadata")
            problems.append(f"{call.method}: invalid_blocks {detail}")
    assert not problems, "Slack would refuse these payloads:\n" + "\n".join(problems)


@pytest.fixture
def club(database_url: str, clock: ManualClock) -> Iterator[LocalClub]:
    with LocalClub(database_url, clock) as running:
        yield running
        assert_block_ids_unique(running)


# Bookkeeping that any signed request may write without changing what the club knows
# (rate_buckets: the tokens a reply, such as a republished App Home, spent).
BOOKKEEPING_TABLES = frozenset({"processed_events", "alembic_version", "rate_buckets"})


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
