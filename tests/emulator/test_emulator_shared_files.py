"""Files people share: files.info describes them, url_private serves them to the bot only."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import SlackEmulator
from bot.emulator.api.files import share_file


def fetch(url: str, token: str | None) -> bytes:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as r:
        data: bytes = r.read()
    return data


def test_files_info_describes_a_shared_file(emu: SlackEmulator, client: WebClient) -> None:
    dm = emu.dm_channel_id("U1")
    shared = share_file(emu.workspace, "U1", dm, "faq.xlsx", b"PK\x03\x04data")
    info = client.files_info(file=shared["id"])["file"]
    assert info["name"] == "faq.xlsx" and info["filetype"] == "xlsx"
    assert info["user"] == "U1" and info["size"] == 8
    assert info["channels"] == [dm]


def test_url_private_serves_the_bytes_to_the_bot_token_only(
    emu: SlackEmulator, client: WebClient
) -> None:
    shared = share_file(emu.workspace, "U1", "C1", "notes.txt", b"hello")
    assert fetch(shared["url_private"], emu.bot_token) == b"hello"
    assert fetch(shared["url_private_download"], emu.bot_token) == b"hello"
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(shared["url_private"], None)
    assert refused.value.code == 403
    with pytest.raises(urllib.error.HTTPError):
        fetch(shared["url_private"], "xoxb-someone-else")


def test_files_info_for_an_unknown_file_fails(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.files_info(file="F404")
    assert caught.value.response["error"] == "file_not_found"
