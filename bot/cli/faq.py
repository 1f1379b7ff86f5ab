"""`clubbot faq import|export|ask`: the FAQ from a terminal, no Slack needed.

`faq ask` is the offline interface the benchmarks and scripts use: it prints the
same decision the bot makes for a DM (answered or abstained, entry, confidence).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.clock import SystemClock


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    faq = commands.add_parser("faq", help="the club FAQ: import, export, ask")
    actions = faq.add_subparsers(dest="faq_command", required=True, metavar="ACTION")

    importing = actions.add_parser("import", help="import entries from an .xlsx file")
    importing.add_argument("file", help="spreadsheet with columns id, question, alternatives, "
                           "answer, tags")
    importing.add_argument("--dry-run", action="store_true", help="check and report only")
    importing.add_argument("--replace", action="store_true",
                           help="also remove entries the file does not list")
    importing.set_defaults(handler=_import)

    exporting = actions.add_parser("export", help="write the FAQ to an .xlsx file")
    exporting.add_argument("file")
    exporting.set_defaults(handler=_export)

    asking = actions.add_parser("ask", help="print the bot's decision for a question "
                                "(or one question per line on standard input)")
    asking.add_argument("question", nargs="?", help="the question; omit to read stdin")
    asking.add_argument("--json", action="store_true", help="one JSON object per question")
    asking.set_defaults(handler=_ask)


def _database() -> Any:
    from bot.cli.main import database_url_from_env
    from storage import migrate
    from storage.db import Database

    database = Database(database_url_from_env())
    migrate.upgrade(database)  # idempotent; a fresh SQLite file just works
    return database


def _import(args: argparse.Namespace) -> int:
    from bot.faq import manage as faq_admin

    try:
        content = Path(args.file).read_bytes()
    except OSError as error:
        print(f"clubbot: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    report = faq_admin.import_xlsx(_database(), content, by=None, now=SystemClock().now(),
                                   dry_run=args.dry_run, replace=args.replace)
    print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def _export(args: argparse.Namespace) -> int:
    from bot.faq import manage as faq_admin

    try:
        _, count = faq_admin.export_xlsx(_database(), SystemClock().now(), args.file)
    except OSError as error:
        print(f"clubbot: cannot write {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    print(f"exported {count} entries to {args.file}")
    return 0


def _ask(args: argparse.Namespace) -> int:
    questions = [args.question] if args.question else [line for line in sys.stdin]
    return ask_questions(_database(), questions, as_json=args.json, out=sys.stdout)


def ask_questions(db: Any, questions: list[str], *, as_json: bool, out: TextIO) -> int:
    from bot.faq import asking as faq_service
    from bot.faq.index import index_for

    snapshot = index_for(db).current(SystemClock().now())
    answers = _answers(db)
    for raw in questions:
        question = faq_service.question_text(raw)
        if not question:
            continue
        decision = faq_service.decide(snapshot.matcher, question, snapshot.demoted)
        best = decision.best
        result = {
            "question": question,
            "answered": decision.answered,
            "entry_id": best.entry_id if best else None,
            "confidence": round(best.confidence, 4) if best else 0.0,
            "answer": answers.get(best.entry_id) if best and decision.answered else None,
            "candidates": [
                {"entry_id": c.entry_id, "confidence": round(c.confidence, 4)}
                for c in decision.candidates
            ],
        }
        if as_json:
            out.write(json.dumps(result) + "\n")
            continue
        if decision.answered and best is not None:
            out.write(f"answered  entry #{best.entry_id}  confidence {best.confidence:.3f}  "
                      f"{question}\n{answers.get(best.entry_id, '')}\n\n")
        else:
            guess = f"  best #{best.entry_id} at {best.confidence:.3f}" if best else ""
            out.write(f"abstained{guess}  {question}\n\n")
    return 0


def _answers(db: Any) -> dict[int, str]:
    from storage.faq import queries as repo

    with db.transaction() as session:
        return {entry.id: entry.answer for entry in repo.all_entries(session)}
