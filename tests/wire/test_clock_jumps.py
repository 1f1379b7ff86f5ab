"""The local club's clock jumps from one due job to the next (issue 14 item 12): the demo
tour, driven through the console over the wire, makes exactly the Web API calls it makes
when the clock steps through every minute, and a quiet week passes in a few ticks."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.console.shell import Console
from bot.local import LocalClub
from schedules import jobs
from tests.conftest import START, PostgresDatabase

ROOT = Path(__file__).resolve().parents[2]
DEMO = (ROOT / "examples" / "demo.txt").read_text().splitlines()
DEMO_START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # as README runs the tour
# Ids the emulator draws afresh for each call; everything else must match.
DRAWN = {"trigger_id", "view_id", "hash"}


@pytest.fixture
def fresh_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], str]]:
    """A new, migrated database each call (PostgreSQL: the worker's, emptied)."""
    made = iter(range(100))

    def make() -> str:
        if backend == "sqlite":
            path = tmp_path / f"club-{next(made)}.db"
            shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
            return f"sqlite:///{path}"
        postgres: PostgresDatabase = request.getfixturevalue("_postgres")
        return postgres.migrated()

    yield make


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in sorted(value.items()) if k not in DRAWN}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def _tour(url: str, lines: list[str]) -> tuple[list[Any], int]:
    """Run the console script; the calls the bot made (with the clock's time at each
    batch of them), and how many ticks ran."""
    ticks = 0
    with LocalClub(url, ManualClock(DEMO_START)) as club:
        tick = club.tick

        def counted() -> None:
            nonlocal ticks
            ticks += 1
            tick()

        club.tick = counted  # type: ignore[method-assign]
        console = Console(club, io.StringIO())
        calls: list[Any] = []
        for line in lines:
            seen = len(club.emulator.calls)
            console.handle(line)
            now = club.clock.now().isoformat()
            calls += [
                (now, call.method, call.ok, _comparable(call.args))
                for call in club.emulator.calls[seen:]
            ]
    return calls, ticks


# The reference run steps ~700 minutes: SQLite only (the queries each feature jumps by are
# exercised on PostgreSQL by the week below and by every wire test that advances the clock).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_demo_tour_makes_the_same_calls_jumping_as_stepping_every_minute(
    fresh_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    jumped, jumped_ticks = _tour(fresh_database(), DEMO)
    with monkeypatch.context() as patched:
        # Every feature "has work now": the clock steps through every minute, as it did.
        patched.setattr(jobs, "next_due_work", lambda deps: deps.clock.now())
        stepped, stepped_ticks = _tour(fresh_database(), DEMO)
    assert [c[:3] for c in jumped] == [c[:3] for c in stepped]
    assert jumped == stepped
    assert jumped_ticks < stepped_ticks / 3, (jumped_ticks, stepped_ticks)


def test_a_quiet_week_passes_in_a_handful_of_ticks(
    fresh_database: Callable[[], str],
) -> None:
    with LocalClub(fresh_database(), ManualClock(START)) as club:
        ticks = 0
        tick = club.tick

        def counted() -> None:
            nonlocal ticks
            ticks += 1
            tick()

        club.tick = counted  # type: ignore[method-assign]
        club.advance(timedelta(days=7))
        assert club.clock.now() == START + timedelta(days=7)
    # The one weekly FAQ review (Monday 09:00 UTC) and the week's end; not 10 080 minutes.
    assert ticks <= 5, ticks
