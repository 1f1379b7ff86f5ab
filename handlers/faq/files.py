"""An organiser sends the bot an .xlsx in a DM: import it and reply with the report."""

from __future__ import annotations

import logging
import urllib.request
from typing import Any

from slack_sdk import WebClient

from bot.content import escape_mrkdwn
from bot.deps import Deps
from bot.faq import manage as faq_admin
from bot.roles.policy import Action, who_may
from handlers.faq.views import clip

log = logging.getLogger("clubbot.faq")

MAX_BYTES = 5 * 1024 * 1024
XLSX = "xlsx"


def import_shared_file(deps: Deps, client: WebClient, event: dict[str, Any]) -> None:
    channel, user = event["channel"], event["user"]

    def say(text: str) -> None:
        client.chat_postMessage(channel=channel, text=clip(text, 3000))

    if not deps.may(user, Action.IMPORT_FAQ):
        say(f"Thanks for the file! Only {who_may(Action.IMPORT_FAQ)} can import the FAQ from "
            "a spreadsheet, so I left it alone. If you have a question, just type it here.")
        return
    files = event.get("files") or []
    if len(files) != 1:
        say("Send me one .xlsx file at a time and I'll import it into the FAQ.")
        return
    info = client.files_info(file=files[0]["id"])["file"]
    name = str(info.get("name") or "that file")
    if info.get("filetype") != XLSX and not name.lower().endswith(".xlsx"):
        say(f"I can only import .xlsx spreadsheets into the FAQ, and `{clip(name, 80)}` isn't "
            "one. Use the columns id, question, alternatives, answer and tags "
            "(`clubbot faq export` makes a file to start from).")
        return
    if int(info.get("size") or 0) > MAX_BYTES:
        say(f"`{clip(name, 80)}` is larger than 5 MB; that's not an FAQ spreadsheet I can read.")
        return
    content = _download(str(info.get("url_private_download") or info["url_private"]),
                        client.token or "")
    report = faq_admin.import_xlsx(deps.db, content, by=user, now=deps.clock.now())
    say(f"*Import of `{clip(name, 80)}`*\n{escape_mrkdwn(report.summary())}")


def _download(url: str, token: str) -> bytes:
    # url_private needs the bot token (files:read); Slack never serves it anonymously.
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        data: bytes = response.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError("file larger than 5 MB")
    return data
