"""Feature subcommands of the `clubbot` CLI (faq, nudges, report), registered here."""

from __future__ import annotations

import argparse
from collections.abc import Callable

ADDERS: list[Callable[[argparse._SubParsersAction], None]] = []  # type: ignore[type-arg]
