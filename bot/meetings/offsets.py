"""Reminder offsets as organisers type them (``remind 24h,1h``) and read them (``24 h``).

Also what every reading of typed meeting text answers when it can't: a
:class:`ParseProblem` whose message says what was wrong and how to write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

MAX_OFFSET = timedelta(days=30)
UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), timedelta(minutes=1)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), timedelta(hours=1)),
    **dict.fromkeys(("d", "day", "days"), timedelta(days=1)),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), timedelta(weeks=1)),
}
_OFFSET_ITEM = re.compile(r"([-+]?\d+(?:\.\d+)?)\s*([a-z]+)")


@dataclass(frozen=True)
class ParseProblem:
    message: str


def _offset_problem(piece: str) -> ParseProblem:
    return ParseProblem(
        f"I couldn't read the reminder time “{piece}”. Use a number and a unit "
        "(m, h or d), separated by commas, e.g. remind 24h,1h or remind 2d,30m."
    )


def parse_offsets(text: str) -> tuple[timedelta, ...] | ParseProblem:
    """``"24h,1h"``, ``"2d 30m"``, ``"90m"``, ``"1h30m"`` → offsets, largest first.

    Commas or spaces separate reminders; ``1h30m`` written together is one reminder.
    """
    s = text.strip().lower()
    if not s:
        return ParseProblem("Please give the reminder times, e.g. remind 24h,1h or remind 2d,30m.")
    found: list[tuple[timedelta, str]] = []
    pos, joined = 0, False
    while pos < len(s):
        if s[pos] in ", \t":
            pos, joined = pos + 1, False
            continue
        m = _OFFSET_ITEM.match(s, pos)
        if not m or m.group(2) not in UNITS:
            end = min((i for i in (s.find(",", pos), s.find(" ", pos)) if i >= 0), default=len(s))
            return _offset_problem(text.strip() if not found else s[pos:end])
        amount = float(m.group(1)) * UNITS[m.group(2)]
        if joined and found:
            previous, piece = found.pop()
            found.append((previous + amount, piece + m.group(0)))
        else:
            found.append((amount, m.group(0)))
        pos, joined = m.end(), True
    for amount, piece in found:
        if amount <= timedelta(0):
            return ParseProblem(
                f"Reminder times must be more than zero before the meeting; “{piece}” isn't. "
                "Write them like remind 24h,1h."
            )
        if amount > MAX_OFFSET:
            return ParseProblem(
                f"Reminders can be at most 30 days before the meeting; “{piece}” is more. "
                "Write them like remind 7d,1d."
            )
    return tuple(sorted({amount for amount, _ in found}, reverse=True))


def format_offset(td: timedelta) -> str:
    """``24 h``, ``2 d``, ``30 min``, ``1 h 30 min``."""
    minutes = round(td.total_seconds() / 60)
    sign, minutes = ("-" if minutes < 0 else ""), abs(minutes)
    if minutes >= 2 * 1440 and minutes % 1440 == 0:
        return f"{sign}{minutes // 1440} d"
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{sign}{rest} min"
    return f"{sign}{hours} h" + (f" {rest} min" if rest else "")


def format_offsets(offsets: tuple[timedelta, ...]) -> str:
    """``24 h, 1 h``."""
    return ", ".join(format_offset(o) for o in offsets)
