"""DM answers while a large FAQ changes: p99 of answering during a 5 000-entry import.

    python bench/faq_rebuild.py [--entries 10000] [--import-entries 5000] [--database URL]

Seeds a synthetic FAQ (bench/faq_latency.py's generator, fixed seed) into a fresh SQLite
file (or the given database, which is emptied), builds the index once, then applies an
import of new entries on one thread while another asks questions through the same code a
DM takes (bot.faq.asking.ask: decide, claim the message, count it). Prints the answer
times before, during and after the import and the rebuild, and how long each took.
Target (issue 13): no DM answer over 200 ms while the import is applied.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from faq_latency import synthesize

from bot.faq import asking, xlsx
from bot.faq import manage as faq_admin
from bot.faq.fields import validate_entry
from bot.faq.index import index_for
from storage import migrate
from storage.db import Database
from storage.faq import queries as repo

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def seed(db: Database, entries: int) -> list[str]:
    docs, questions = synthesize(entries, seed=7)
    with db.transaction() as session:
        repo.mark_seeded(session, NOW)  # no starter FAQ: only the synthetic one
        for doc in docs:
            fields, errors = validate_entry(doc.question, doc.phrasings,
                                            f"This is the answer to entry {doc.entry_id}.", ())
            assert fields is not None, errors
            repo.add_entry(session, fields, by=None, now=NOW)
        repo.bump_revision(session)
    return questions


def import_file(entries: int) -> bytes:
    docs, _ = synthesize(entries, seed=11)
    rows = [xlsx.SheetRow(0, doc.question, doc.phrasings,
                          f"This is the imported answer {doc.entry_id}.", ())
            for doc in docs]
    data = xlsx.write_rows(rows)
    # The export writes ids; an import of new entries leaves the id column empty.
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    for row in book.worksheets[0].iter_rows(min_row=2):
        row[0].value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ask_once(db: Database, question: str, number: int) -> float:
    asked = asking.Asked("D0BENCH", f"{number}.000", None, "U0BENCH", question, "dm")
    started = time.perf_counter()
    asking.ask(db, asked, NOW, lambda reply: (reply.answer or "?", []))
    return (time.perf_counter() - started) * 1000


def p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(label: str, times: list[float]) -> None:
    if not times:
        print(f"{label:<28} no questions")
        return
    print(f"{label:<28} n={len(times):>5}  median {statistics.median(times):7.1f} ms  "
          f"p99 {p(times, 0.99):7.1f} ms  max {max(times):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--import-entries", type=int, default=5_000)
    parser.add_argument("--database", help="a database URL to empty and use (default: "
                        "a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        db = Database(url)
        if args.database:
            from sqlalchemy import text

            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        migrate.upgrade(db)
        questions = seed(db, args.entries)
        data = import_file(args.import_entries)
        started = time.perf_counter()
        index = index_for(db)
        index.current(NOW)
        print(f"first index of {args.entries} entries: {time.perf_counter() - started:.1f} s "
              "(at start, before any question)")

        counter = iter(range(1, 10**9))
        before = [ask_once(db, questions[i % len(questions)], next(counter)) for i in range(200)]
        during: list[tuple[float, float]] = []  # (when it was asked, how long it took)
        done = threading.Event()
        marks: dict[str, float] = {}

        def apply_import() -> None:
            marks["import"] = time.perf_counter()
            result = faq_admin.import_xlsx(db, data, by="U0ORG", now=NOW)
            marks["rebuild"] = time.perf_counter()
            assert result.ok, result.problems
            index.rebuild_in_background().join()
            marks["done"] = time.perf_counter()
            done.set()

        worker = threading.Thread(target=apply_import)
        worker.start()
        i = 0
        while not done.is_set():
            began = time.perf_counter()
            during.append((began, ask_once(db, questions[i % len(questions)], next(counter))))
            i += 1
        worker.join()
        after = [ask_once(db, questions[i % len(questions)], next(counter)) for i in range(200)]
        print(f"import of {args.import_entries} entries: "
              f"{marks['rebuild'] - marks['import']:.1f} s, then the background rebuild: "
              f"{marks['done'] - marks['rebuild']:.1f} s")
        report("DM answers before", before)
        report("DM answers during import", [t for at, t in during if at < marks["rebuild"]])
        report("DM answers during rebuild", [t for at, t in during if at >= marks["rebuild"]])
        report("DM answers after", after)
        worst = max((t for _, t in during), default=0.0)
        print(f"worst DM answer while the import was applied: {worst:.1f} ms (target 200 ms)")
        db.dispose()


if __name__ == "__main__":
    main()
