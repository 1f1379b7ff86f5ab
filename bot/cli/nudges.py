"""`clubbot nudges run [--dry-run] [--at TIME]`: plan nudges now and say who gets what, and why."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, timedelta
from typing import TextIO

from bot.encouragement.nudges import RunReport
from bot.encouragement.rules import NudgePolicy


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    nudges = commands.add_parser("nudges", help="encouragement nudges")
    actions = nudges.add_subparsers(dest="nudges_command", required=True, metavar="ACTION")
    run = actions.add_parser("run", help="plan nudges now and send them (or only print)")
    run.add_argument(
        "--dry-run", action="store_true", help="print who would get what and why; send nothing"
    )
    run.add_argument(
        "--at", default=None, help="plan as if it were this UTC time (ISO 8601), for a dry run"
    )
    run.set_defaults(handler=_run)


def _parse_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _run(args: argparse.Namespace) -> int:
    from bot.cli.main import database_url_from_env
    from storage.db import Database

    try:
        at = _parse_at(args.at)
    except ValueError:
        print(f"clubbot: --at: not an ISO 8601 time: {args.at!r}", file=sys.stderr)
        return 2
    if args.dry_run:
        from bot.encouragement.nudges import run_on

        policy = _policy_from_env()  # a dry run needs no Slack tokens
        database = Database(database_url_from_env())
        try:
            now = at or datetime.now(UTC)
            report = run_on(database, now, policy, None, None)
        finally:
            database.dispose()
        print_report(report, dry_run=True, out=sys.stdout)
        return 0
    if at is not None:
        print("clubbot: --at only works with --dry-run (real nudges go out now)", file=sys.stderr)
        return 2
    return _send_now()


def _policy_from_env() -> NudgePolicy:
    from bot.config import ConfigError, parse_duration

    def duration(name: str, default: timedelta) -> timedelta:
        raw = os.environ.get(name, "").strip()
        if not raw:
            return default
        value = parse_duration(raw)
        if value is None:
            raise ConfigError(name, "a duration such as 7d or 24h")
        return value

    return NudgePolicy(
        cap_period=duration("CLUB_NUDGE_CAP", timedelta(days=7)),
        inactive_after=duration("CLUB_INACTIVE_AFTER", timedelta(days=14)),
    )


def _send_now() -> int:
    from bot.cli.main import settings_from_env
    from bot.clock import SystemClock
    from bot.deps import Deps
    from bot.encouragement.nudges import run
    from bot.slack_client import make_client
    from handlers.delivery.slack import deliver_outbox
    from handlers.encouragement.views.nudges import nudge_message
    from storage.db import Database

    settings = settings_from_env()
    database = Database(settings.database_url)
    try:
        client = make_client(settings)
        deps = Deps(settings=settings, db=database, clock=SystemClock(), client=client)
        # Sent now, not at the bot's tick.
        deps.outbox_sender = lambda keys: deliver_outbox(deps, keys)
        report = run(deps, nudge_message)
    finally:
        database.dispose()
    print_report(report, dry_run=False, out=sys.stdout)
    return 0


def print_report(report: RunReport, *, dry_run: bool, out: TextIO) -> None:
    when = f"{report.now:%Y-%m-%d %H:%M} UTC"
    mode = "dry run: nothing sent" if dry_run else "sending"
    print(f"nudges at {when} ({mode})", file=out)
    failed = {nudge.key: why for nudge, why in report.not_sent}
    for nudge in report.planned:
        verb = "WOULD SEND" if dry_run else ("NOT SENT" if nudge.key in failed else "SENT")
        extra = f" [{failed[nudge.key]}]" if nudge.key in failed else ""
        print(f"{verb:<10}  {nudge.user_id:<12} {nudge.key:<34} {nudge.reason}{extra}", file=out)
    for skip in report.skipped:
        retry = f"; retry {skip.retry_at:%Y-%m-%d %H:%M} UTC" if skip.retry_at else ""
        print(f"{'SKIP':<10}  {skip.user_id:<12} {skip.key:<34} {skip.reason}{retry}", file=out)
    sent = len(report.planned) if dry_run else len(report.sent)
    label = "would send" if dry_run else "sent"
    print(f"{sent} {label}, {len(report.skipped)} held back", file=out)
