"""Meeting reminders on a real clock: 1 000 meetings, two reminders each.

Runs the real app (create_app with the system clock) against the local Slack emulator
and a database (a temporary SQLite file unless --database-url is given), starts the real
APScheduler with its SQLAlchemy job store, and schedules one-off meetings whose two
reminders fall due between a few seconds and about two minutes ahead. Every
chat.postMessage that reaches the emulator is timed against its reminder's due time.
Prints start-up time, memory, and lateness p50 / p99 / max. Target: every reminder
within 2 s of due. Stops by itself (at most --timeout seconds of waiting).

    python bench/reminders.py [--meetings 1000] [--spread 60] [--database-url URL]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.app import create_app
from bot.clock import SystemClock
from bot.config import load_settings
from bot.emulator import ApiCall, SlackEmulator
from bot.local import CLUB, OLIVIA, demo_env
from bot.meetings import planning as meetings
from bot.meetings.planning import MeetingDraft, MeetingProblem
from bot.meetings.recurrence import Recurrence, Repeat
from schedules.scheduler import build_scheduler
from storage import migrate
from storage.db import Database
from storage.meetings.models import SentReminder

FIRST_OFFSET = timedelta(minutes=2)
LAST_OFFSET = timedelta(minutes=1)
# The first reminder falls due this long after scheduling starts (scheduling must finish
# first: a reminder due before its meeting existed is never owed), plus 15 ms per meeting.
LEAD = timedelta(seconds=5)
LEAD_PER_MEETING = timedelta(milliseconds=15)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def schedule_meetings(db: Database, count: int, spread: float) -> dict[int, list[datetime]]:
    """One-off meetings; returns each meeting's reminder due times, earliest first."""
    base = datetime.now(UTC) + LEAD + LEAD_PER_MEETING * count + FIRST_OFFSET
    due: dict[int, list[datetime]] = {}
    for i in range(count):
        occurrence = (base + timedelta(seconds=spread * i / max(1, count - 1))).replace(
            microsecond=0
        ) + timedelta(seconds=1)
        draft = MeetingDraft(
            title=f"Meetup {i}",
            recurrence=Recurrence(Repeat.NONE, "UTC", occurrence.replace(tzinfo=None)),
            channel_id=CLUB.channel_id,
            offsets=(FIRST_OFFSET, LAST_OFFSET),
        )
        created = meetings.create_meeting(
            db, OLIVIA.user_id, draft, datetime.now(UTC), (FIRST_OFFSET, LAST_OFFSET)
        )
        if isinstance(created, MeetingProblem):
            raise SystemExit(f"could not schedule meeting {i}: {created.message}")
        due[created.id] = [occurrence - FIRST_OFFSET, occurrence - LAST_OFFSET]
    return due


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--spread", type=float, default=60.0, help="seconds between first and last")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--timeout", type=float, default=240.0)
    args = parser.parse_args(argv)

    tracemalloc.start()
    arrivals: dict[int, list[float]] = defaultdict(list)
    lock = threading.Lock()

    def on_call(call: ApiCall) -> None:
        if call.method != "chat.postMessage" or not str(call.args.get("text", "")).startswith(
            "Reminder:"
        ):
            return
        arrived = time.time()
        blocks = call.args.get("blocks") or []
        meeting_id = int(blocks[-1]["elements"][0]["value"])
        with lock:
            arrivals[meeting_id].append(arrived)

    with tempfile.TemporaryDirectory() as folder, SlackEmulator() as emulator:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        emulator.add_user(OLIVIA.user_id, OLIVIA.name, OLIVIA.real_name, tz=OLIVIA.tz)
        emulator.add_channel(CLUB.channel_id, CLUB.name, members=[OLIVIA.user_id])
        emulator.on_call = on_call
        settings = load_settings(demo_env(emulator.api_url, url))

        started = time.perf_counter()
        db = Database(settings.database_url)
        migrate.upgrade(db)
        club = create_app(settings, db=db, clock=SystemClock())
        scheduler = build_scheduler(club.deps)
        scheduler.start()
        startup = time.perf_counter() - started

        scheduling_started = time.perf_counter()
        due = schedule_meetings(db, args.meetings, args.spread)
        scheduling = time.perf_counter() - scheduling_started
        expected = 2 * len(due)
        last_due = max(max(times) for times in due.values())
        print(
            f"start-up (migrate, app, scheduler): {startup:.2f} s; "
            f"scheduled {len(due)} meetings in {scheduling:.1f} s; "
            f"reminders due until {last_due:%H:%M:%S} UTC"
        )
        deadline = time.monotonic() + args.timeout
        try:
            while time.monotonic() < deadline:
                with lock:
                    got = sum(len(v) for v in arrivals.values())
                if got >= expected and datetime.now(UTC) > last_due + timedelta(seconds=3):
                    break
                time.sleep(0.2)
        finally:
            scheduler.shutdown(wait=True)
            club.executor.shutdown(wait=True)
        with db.transaction() as session:
            rows = int(session.scalar(select(func.count()).select_from(SentReminder)) or 0)
        db.dispose()

    _current, peak = tracemalloc.get_traced_memory()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lateness: list[float] = []
    duplicates = missing = 0
    for meeting_id, times in due.items():
        got_times = sorted(arrivals.get(meeting_id, []))
        duplicates += max(0, len(got_times) - 2)
        missing += max(0, 2 - len(got_times))
        for due_at, arrived in zip(times, got_times, strict=False):
            lateness.append(arrived - due_at.timestamp())
    print(f"memory: tracemalloc peak {peak / 1e6:.1f} MB, max RSS {rss_mb:.0f} MB")
    print(
        f"reminders: {len(lateness)} posted of {expected} expected; "
        f"{duplicates} duplicates, {missing} missing; {rows} sent-reminder rows"
    )
    if lateness:
        print(
            f"lateness: p50 {statistics.median(lateness):.3f} s, "
            f"p99 {percentile(lateness, 0.99):.3f} s, max {max(lateness):.3f} s, "
            f"min {min(lateness):.3f} s"
        )
    ok = bool(lateness) and not duplicates and not missing and max(lateness) <= 2.0
    print("target (every reminder within 2 s of due, exactly once):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
