"""A running club for wire tests: emulator, bot over HTTP, signed sender."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.clock import ManualClock
from bot.local import LocalClub


@pytest.fixture
def club(database_url: str, clock: ManualClock) -> Iterator[LocalClub]:
    with LocalClub(database_url, clock) as running:
        yield running
