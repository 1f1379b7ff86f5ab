"""Fixtures for the emulator's own tests: a running emulator, a client, a stub app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.emulator import SlackEmulator
from bot.emulator.stub_app import StubApp

NOW = 1_700_000_000.0  # 2023-11-14 22:13 UTC: winter, London on GMT


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator(clock=lambda: NOW) as emulator:
        emulator.add_user("U1", "alice", "Alice Liddell")
        emulator.add_user("U2", "bob", tz="America/New_York")
        emulator.add_user("U3", "carol", tz="Asia/Tokyo")
        emulator.add_channel("C1", "club", members=["U1", "U2"])
        yield emulator


@pytest.fixture
def client(emu: SlackEmulator) -> WebClient:
    return WebClient(base_url=emu.api_url, token=emu.bot_token)


@pytest.fixture
def receiver() -> Iterator[StubApp]:
    with StubApp() as app:
        yield app
