"""The `clubbot` command. Thin: parse arguments, build things, call services."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence

from bot.config import ConfigError, Settings, load_settings

log = logging.getLogger("clubbot")

EXIT_CONFIG = 2
EXIT_STARTUP = 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except ConfigError as error:
        print(f"clubbot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clubbot",
        description="The social media club's assistant in Slack. See README.md for settings.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="connect to Slack and serve (Socket Mode or HTTP)")
    run.set_defaults(handler=_run)

    console = commands.add_parser("console", help="talk to the bot locally, no Slack needed")
    console.add_argument(
        "--database", default=None, help="database URL (default: a fresh temporary SQLite file)"
    )
    console.add_argument(
        "--start",
        default=None,
        metavar="2026-12-01T09:00Z",
        help="the club clock's starting time in UTC (default: now)",
    )
    console.set_defaults(handler=_console)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply migrations").set_defaults(handler=_db_upgrade)
    db_commands.add_parser("current", help="show the schema revision").set_defaults(
        handler=_db_current
    )

    for add_commands in _feature_clis():
        add_commands(commands)
    return parser


def _feature_clis() -> list[Callable[[argparse._SubParsersAction], None]]:  # type: ignore[type-arg]
    from bot.cli import features as cli_features

    return cli_features.ADDERS


def settings_from_env(env: Mapping[str, str] | None = None) -> Settings:
    from bot import logs

    settings = load_settings(os.environ if env is None else env)
    logs.configure(settings.log_level)
    return settings


def database_url_from_env() -> str:
    """Database-only commands need no Slack tokens."""
    from bot.config import DEFAULT_DATABASE_URL

    url = os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    if not url.startswith(("sqlite:", "postgres")):
        raise ConfigError("DATABASE_URL", "a sqlite:/// or postgresql+psycopg:// URL")
    return url


def _db_upgrade(_args: argparse.Namespace) -> int:
    from storage import migrate
    from storage.db import Database

    database = Database(database_url_from_env())
    migrate.upgrade(database)
    print(f"database at revision {migrate.current_revision(database)}")
    return 0


def _db_current(_args: argparse.Namespace) -> int:
    from storage import migrate
    from storage.db import Database

    database = Database(database_url_from_env())
    print(migrate.current_revision(database) or "empty (run `clubbot db upgrade`)")
    return 0


def _run(_args: argparse.Namespace) -> int:
    from bot import runner

    settings = settings_from_env()
    try:
        return runner.run(settings)
    except runner.StartupError as error:
        print(f"clubbot: {error}", file=sys.stderr)
        return EXIT_STARTUP


def _console(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.console.shell import run_console

    start = None
    if args.start:
        try:
            start = datetime.fromisoformat(args.start.replace("Z", "+00:00"))
        except ValueError:
            print("clubbot: --start: a UTC time such as 2026-12-01T09:00Z", file=sys.stderr)
            return EXIT_CONFIG
        start = start.replace(tzinfo=start.tzinfo or UTC)
    return run_console(database_url=args.database, stdin=sys.stdin, stdout=sys.stdout, start=start)


if __name__ == "__main__":
    raise SystemExit(main())
