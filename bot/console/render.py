"""Block Kit and mrkdwn as plain terminal text, with every button numbered."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

Names = Callable[[str], str]

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
_DATE = re.compile(r"<!date\^(\d+)\^[^|>]*\|([^>]*)>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)>")
_LINK = re.compile(r"<(https?://[^|>]+)(?:\|([^>]*))?>")


def local_date(unix: int, tz: str) -> str:
    """A moment as Slack shows a date token to a reader in `tz`: Tue 1 Dec 2026 10:00 EST."""
    moment = datetime.fromtimestamp(unix, UTC).astimezone(ZoneInfo(tz))
    return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M} {moment.tzname()}"


def plain(text: str, user_name: Names, channel_name: Names, reader_tz: str | None = None) -> str:
    """mrkdwn → readable text: names for ids, link labels, and dates in the reader's time
    zone as Slack shows them (in the token's fallback when the zone is not known)."""
    text = _USER.sub(lambda m: "@" + (m.group(2) or user_name(m.group(1))), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or channel_name(m.group(1))), text)
    text = _DATE.sub(
        lambda m: local_date(int(m.group(1)), reader_tz) if reader_tz else m.group(2), text
    )
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass
class Pressable:
    """Something the person can click: a button (or a select option) in a message or view."""

    target: dict[str, Any]
    action_id: str
    label: str
    value: str | None = None  # for select options: the option's value
    is_select: bool = False
    block_id: str | None = None
    element: dict[str, Any] = field(default_factory=dict)  # the button itself


@dataclass
class Screen:
    """Accumulates rendered lines and numbers the buttons it shows."""

    user_name: Names
    channel_name: Names
    reader_tz: str | None = None  # dates show in this zone, as Slack shows them
    lines: list[str] = field(default_factory=list)
    pressables: list[Pressable] = field(default_factory=list)

    def text(self, text: str, indent: str = "  ") -> None:
        shown = plain(text, self.user_name, self.channel_name, self.reader_tz)
        for line in shown.splitlines() or [""]:
            self.lines.append(indent + line)

    def blocks(self, blocks: list[dict[str, Any]], target: dict[str, Any]) -> None:
        for block in blocks:
            self._block(block, target)

    def _block(self, block: dict[str, Any], target: dict[str, Any]) -> None:
        kind = block.get("type")
        if kind in ("section", "header"):
            if block.get("text"):
                text = block["text"]["text"]
                self.text(f"*{text}*" if kind == "header" else text)
            for field_ in block.get("fields") or []:
                self.text(field_.get("text", ""), indent="    ")
            if block.get("accessory"):
                self._element(block["accessory"], target, block.get("block_id"))
        elif kind == "context":
            parts = [e.get("text", "") for e in block.get("elements", []) if "text" in e]
            self.text(" ".join(parts), indent="    ")
        elif kind == "divider":
            self.lines.append("  " + "─" * 40)
        elif kind == "actions":
            for element in block.get("elements", []):
                self._element(element, target, block.get("block_id"))
        elif kind == "input":
            label = block.get("label", {}).get("text", "")
            optional = " (optional)" if block.get("optional") else ""
            element = block.get("element", {})
            self.lines.append(
                f"  ▸ {label}{optional}  [field: {block.get('block_id')}, {element.get('type')}]"
            )
            options = element.get("options") or []
            if options:
                values = ", ".join(str(o.get("value")) for o in options[:12])
                self.lines.append(f"      choices: {values}")
        elif kind == "rich_text":
            self.text(_rich_text(block))

    def _element(
        self, element: dict[str, Any], target: dict[str, Any], block_id: str | None = None
    ) -> None:
        kind = element.get("type")
        action_id = element.get("action_id", "")
        if kind == "button":
            label = element.get("text", {}).get("text", action_id)
            self.pressables.append(
                Pressable(target, action_id, label, block_id=block_id, element=element)
            )
            self.lines.append(f"  [{len(self.pressables)}] {label}")
        elif kind in ("static_select", "overflow"):
            for option in element.get("options") or []:
                label = option.get("text", {}).get("text", "")
                self.pressables.append(
                    Pressable(target, action_id, label, option.get("value"), is_select=True)
                )
                self.lines.append(f"  [{len(self.pressables)}] {label}")


def _rich_text(block: dict[str, Any]) -> str:
    out: list[str] = []
    for section in block.get("elements", []):
        for element in section.get("elements", []):
            out.append(element.get("text", ""))
    return "".join(out)
