"""Benchmark the tick's own work with 10 000 members (issue 16 item 4).

    PYTHONPATH=. .venv/bin/python bench/tick_scale.py [DATABASE_URL] [--ticks 1200]

DROPS every clubbot table in DATABASE_URL (default: a new SQLite file in a temporary
folder), seeds 10 000 members, 2 000 pairings, 500 meetings and 5 000 questions with bulk
inserts (bench/club_seed.py), starts the real app on the local Slack emulator with a
manual clock, and runs `schedules.jobs.run_due_work` once per simulated second, timing
every task of TICK_TASKS. The first tick (catching up on a club it has never seen) is
reported apart, and so are the ticks that plan nudges (every PLAN_EVERY, 10 minutes).
Prints p50 / p99 / max of every tick after the first, of the planning ticks and of the
other ticks, then each task's p99 and max. Exit status 1 when the p99 of the ticks after
the first is above 200 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.club_seed import NOW, fresh_database, seed
from bot.clock import ManualClock
from bot.encouragement.nudges import PLAN_EVERY
from bot.local import LocalClub
from schedules import jobs
from storage.members.models import Member

TARGET_MS = 200.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def figures(name: str, values: list[float]) -> str:
    if not values:
        return f"{name}: none"
    return (f"{name} ({len(values)}): p50 {statistics.median(values):.1f} ms, "
            f"p99 {percentile(values, 0.99):.1f} ms, max {max(values):.1f} ms")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--ticks", type=int, default=1200, help="simulated seconds")
    parser.add_argument("--members", type=int, default=10_000)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/tick_scale.db"

    fresh_database(url).dispose()
    clock = ManualClock(NOW)
    with LocalClub(url, clock) as club:
        assert club.db is not None
        seed(club.db, members=args.members, questions=5_000, faq_entries=0)
        with club.db.transaction() as session:
            # A club the bot has run for a while: it knows everyone's zone from Slack
            # (the emulator knows none of these people, so it could not tell them).
            session.execute(update(Member).values(profile_fetched_at=NOW - timedelta(days=1)))
        deps = club.bot.deps
        per_task: dict[str, list[float]] = defaultdict(list)
        ticks: list[float] = []
        planning: list[bool] = []  # whether the tick's time had come to plan nudges
        last_plan = None
        for _ in range(args.ticks + 1):
            clock.advance(timedelta(seconds=1))
            plans = last_plan is None or clock.now() - last_plan >= PLAN_EVERY
            last_plan = clock.now() if plans else last_plan
            planning.append(plans)
            started = time.perf_counter()
            for task in jobs.TICK_TASKS:
                task_started = time.perf_counter()
                task(deps)
                per_task[task.__name__].append(time.perf_counter() - task_started)
            ticks.append(time.perf_counter() - started)
        club.settle()
    first, rest = ticks[0] * 1000, [t * 1000 for t in ticks[1:]]
    p99 = percentile(rest, 0.99)
    plans = [t for t, p in zip(rest, planning[1:], strict=True) if p]
    others = [t for t, p in zip(rest, planning[1:], strict=True) if not p]
    print(f"{args.members} members, {args.ticks} ticks (1 s apart on a manual clock), "
          f"{url.split(':')[0]}")  # fmt: skip
    print(f"first tick {first:.0f} ms  [target p99 of the rest <= {TARGET_MS:.0f} ms]")
    print("  " + figures("all ticks after the first", rest))
    print("  " + figures("nudge planning ticks", plans))
    print("  " + figures("other ticks", others))
    for name, times in sorted(per_task.items(), key=lambda kv: -max(kv[1][1:])):
        later = [t * 1000 for t in times[1:]]
        print(f"  {name:36} p99 {percentile(later, 0.99):7.1f} ms  max {max(later):7.1f} ms")
    print(f"uptime: {os.popen('uptime').read().strip()}")
    return 0 if p99 <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
