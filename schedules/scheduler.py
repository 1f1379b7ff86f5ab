"""The APScheduler wiring: a background scheduler whose job store is the app's database."""

from __future__ import annotations

from datetime import UTC

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bot.deps import Deps
from schedules import jobs
from storage.scheduler import JOBS_TABLE

# Due work is looked up in the database every second, so a reminder is never
# more than about a second late and nothing is lost across restarts: the
# database, not the scheduler's memory, says what is due.
TICK_SECONDS = 1


def build_scheduler(deps: Deps) -> BackgroundScheduler:
    jobs.bind(deps)
    scheduler = BackgroundScheduler(
        jobstores={
            # The migrations made this table (storage/scheduler.py): the store finds it.
            "default": SQLAlchemyJobStore(engine=deps.db.engine, tablename=JOBS_TABLE)
        },
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
        timezone=UTC,
    )
    scheduler.add_job(
        jobs.tick,
        "interval",
        seconds=TICK_SECONDS,
        id="tick",
        replace_existing=True,
        misfire_grace_time=5,
    )
    scheduler.add_job(
        jobs.prune_events,
        "interval",
        hours=1,
        id="prune_events",
        replace_existing=True,
    )
    return scheduler
