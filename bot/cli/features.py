"""Feature subcommands of the `clubbot` CLI (faq, nudges, report), registered here."""

from __future__ import annotations

import argparse
from collections.abc import Callable

ADDERS: list[Callable[[argparse._SubParsersAction], None]] = []  # type: ignore[type-arg]


def _nudges(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from bot.cli import nudges as cli_nudges

    cli_nudges.add_commands(commands)


ADDERS.append(_nudges)


def _faq(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from bot.cli import faq as cli_faq

    cli_faq.add_commands(commands)


ADDERS.append(_faq)


def _report(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from bot.cli import report as cli_report

    cli_report.add_commands(commands)


ADDERS.append(_report)
