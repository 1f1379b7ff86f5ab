"""Benchmark the organisers' report at club size (issue 16 item 3).

    PYTHONPATH=. .venv/bin/python bench/report_scale.py [DATABASE_URL]

DROPS every clubbot table in DATABASE_URL (default: a new SQLite file in a temporary
folder), seeds 100 000 questions, 10 000 members, 2 000 pairings and 500 meetings with bulk
inserts, then builds the workbook (`bot.reports.report.build_report`) in a fresh Python
process, so the figure is the report's alone. It prints the report's wall time and that
process's peak RSS (getrusage ru_maxrss, which includes the interpreter and imports).
Exit status 1 when it takes more than 15 s or peaks above 300 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_SECONDS = 15.0
TARGET_MB = 300.0


def measure(url: str) -> int:
    from bot.reports.report import build_report
    from storage.db import Database

    db = Database(url)
    started = time.perf_counter()
    built = build_report(db, datetime.now(UTC))
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.2f} {peak_mb:.0f} {len(built.content)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--pairings", type=int, default=2_000)
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/report_scale.db"
    if args.measure:
        return measure(url)

    from bench.club_seed import fresh_database, seed

    started = time.perf_counter()
    db = fresh_database(url)
    seed(db, members=args.members, questions=args.questions, pairings=args.pairings,
         meetings=args.meetings)  # fmt: skip
    db.dispose()
    took = time.perf_counter() - started
    print(f"seeded {args.questions} questions, {args.members} members, {args.pairings} "
          f"pairings, {args.meetings} meetings in {took:.1f} s")  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run(
        [sys.executable, __file__, url, "--measure"], env=env, check=True,
        capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    seconds, peak_mb, size = float(out[0]), float(out[1]), int(out[2])
    print(f"report: {seconds:.2f} s, peak RSS {peak_mb:.0f} MB (ru_maxrss of the process "
          f"that built it), workbook {size / 1e6:.1f} MB  [target <= {TARGET_SECONDS:.0f} s, "
          f"<= {TARGET_MB:.0f} MB]")  # fmt: skip
    print(f"uptime: {os.popen('uptime').read().strip()}")
    return 0 if seconds <= TARGET_SECONDS and peak_mb <= TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
