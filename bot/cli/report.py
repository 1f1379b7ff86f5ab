"""`clubbot report --out FILE.xlsx`: the organisers' workbook, written from the database alone."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = commands.add_parser(
        "report", help="write the club report workbook (needs only DATABASE_URL)"
    )
    report.add_argument("--out", required=True, help="where to write the .xlsx file")
    report.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    from bot.cli.main import database_url_from_env
    from bot.reports import report as reports
    from storage import migrate
    from storage.db import Database

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        print(f"clubbot: --out: the report is an .xlsx workbook; got {args.out!r}", file=sys.stderr)
        return 2
    if not out.parent.is_dir():
        print(f"clubbot: --out: no such folder: {str(out.parent)!r}", file=sys.stderr)
        return 2
    database = Database(database_url_from_env())
    try:
        migrate.upgrade(database)  # idempotent, as `clubbot faq`: a fresh SQLite file just works
        built = reports.build_report(database, datetime.now(UTC))
    finally:
        database.dispose()
    try:
        out.write_bytes(built.content)
    except OSError as error:
        print(f"clubbot: could not write {str(out)!r}: {error.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({len(built.content)} bytes): {built.summary}")
    return 0
