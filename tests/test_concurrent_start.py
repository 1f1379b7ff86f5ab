"""Two replicas started at the same moment on one new database both come up: one
migrates while the other waits for it, and neither creates the scheduler's table."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import event, select

from bot.config import load_settings
from bot.emulator import SlackEmulator
from bot.local import CLUB, MENTORS, OLIVIA, demo_env
from bot.runner import come_up
from storage import migrate
from storage.db import Database
from storage.scheduler import scheduler_jobs

REPLICAS = 2


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    slack = SlackEmulator()
    slack.start()
    slack.add_user(OLIVIA.user_id, OLIVIA.name, OLIVIA.real_name, tz=OLIVIA.tz)
    slack.add_channel(CLUB.channel_id, CLUB.name, members=[OLIVIA.user_id])
    slack.add_channel(MENTORS.channel_id, MENTORS.name, members=[OLIVIA.user_id])
    yield slack
    slack.stop()


def test_two_replicas_starting_together_on_a_new_database_both_come_up(
    blank_database_url: str, emulator: SlackEmulator
) -> None:
    settings = load_settings(demo_env(emulator.api_url, blank_database_url))
    together = threading.Barrier(REPLICAS)
    failures: list[BaseException] = []
    ddl: list[str] = []
    started = []
    databases = [Database(blank_database_url) for _ in range(REPLICAS)]

    def watch_ddl(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("CREATE TABLE"):
            ddl.append(statement.split("(")[0].strip())

    def replica(db: Database) -> None:
        try:
            together.wait(timeout=10)
            started.append(come_up(settings, db, paused=True))
        except BaseException as error:
            failures.append(error)

    for db in databases:
        event.listen(db.engine, "before_cursor_execute", watch_ddl)
    threads = [threading.Thread(target=replica, args=(db,)) for db in databases]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert failures == []
        assert len(started) == REPLICAS
        assert migrate.current_revision(databases[0]) == migrate.head_revision()
        # Each table was created once, by the migrations, and the jobs were added once.
        assert len(ddl) == len(set(ddl)), ddl
        with databases[0].engine.connect() as connection:
            jobs = connection.execute(select(scheduler_jobs.c.id)).scalars().all()
        assert sorted(jobs) == ["prune_events", "tick"]
    finally:
        for club, scheduler in started:
            scheduler.shutdown(wait=False)
            club.executor.shutdown(wait=True)
        for db in databases:
            db.dispose()


def test_the_scheduler_finds_its_table_made_by_the_migrations(
    db: Database, emulator: SlackEmulator, database_url: str
) -> None:
    """No replica ever runs APScheduler's CREATE TABLE: that was the race."""
    created: list[str] = []

    def watch(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "CREATE TABLE" in statement.upper():
            created.append(statement)

    event.listen(db.engine, "before_cursor_execute", watch)
    settings = load_settings(demo_env(emulator.api_url, database_url))
    club, scheduler = come_up(settings, db, paused=True)
    try:
        assert created == []
        assert scheduler.get_job("tick") is not None
    finally:
        scheduler.shutdown(wait=False)
        club.executor.shutdown(wait=True)
