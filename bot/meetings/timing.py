"""When to remind people of a meeting, and how to show the time in Slack.

A reminder is due at ``occurrence - offset``. Each (meeting, occurrence, offset) has a
stable key so a job that runs twice, or a restarted scheduler, sends it once: the
service records sent keys under a unique constraint.

Windows are half-open, ``(start, end]``: a job that covers ``(last_run, now]`` and then
``(now, next_run]`` sees every reminder exactly once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from bot.meetings.recurrence import Recurrence, iter_occurrences, zone

DEFAULT_OFFSETS: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
DEFAULT_LATE_GRACE = timedelta(minutes=30)

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ReminderDue:
    occurrence_utc: datetime
    offset: timedelta
    due_utc: datetime
    key: str


def reminder_key(meeting_id: int | str, occurrence_utc: datetime, offset: timedelta) -> str:
    """``"42:2026-12-03T14:00:00Z:86400"``: the same reminder always gets the same key."""
    instant = occurrence_utc.astimezone(UTC)
    return f"{meeting_id}:{instant:%Y-%m-%dT%H:%M:%SZ}:{int(offset.total_seconds())}"


def _reminder(meeting_id: int | str, occurrence: datetime, offset: timedelta) -> ReminderDue:
    return ReminderDue(
        occurrence_utc=occurrence,
        offset=offset,
        due_utc=occurrence - offset,
        key=reminder_key(meeting_id, occurrence, offset),
    )


def _check_offsets(offsets: Sequence[timedelta]) -> tuple[timedelta, ...]:
    if any(o <= timedelta(0) for o in offsets):
        raise ValueError("reminder offsets must be positive")
    return tuple(sorted(set(offsets), reverse=True))


def reminders_between(
    meeting_id: int | str,
    rule: Recurrence,
    offsets: Sequence[timedelta],
    start_utc: datetime,
    end_utc: datetime,
    skip_dates: Collection[date] = (),
) -> list[ReminderDue]:
    """Reminders due in ``(start_utc, end_utc]``, ordered by due time.

    No reminders for blacked-out occurrences.
    """
    offs = _check_offsets(offsets)
    if not offs or end_utc <= start_utc:
        return []
    smallest, largest = offs[-1], offs[0]
    found: list[ReminderDue] = []
    # due > start  <=>  occurrence > start + offset >= start + smallest
    for occurrence in iter_occurrences(rule, start_utc + smallest, skip_dates):
        if occurrence - largest > end_utc:
            break
        for offset in offs:
            due = occurrence - offset
            if start_utc < due <= end_utc:
                found.append(_reminder(meeting_id, occurrence, offset))
    return sorted(found, key=lambda r: (r.due_utc, r.key))


def next_reminder(
    meeting_id: int | str,
    rule: Recurrence,
    offsets: Sequence[timedelta],
    after_utc: datetime,
    skip_dates: Collection[date] = (),
) -> ReminderDue | None:
    """The earliest reminder due strictly after ``after_utc`` (for scheduling a job)."""
    offs = _check_offsets(offsets)
    if not offs:
        return None
    smallest, largest = offs[-1], offs[0]
    best: ReminderDue | None = None
    for occurrence in iter_occurrences(rule, after_utc + smallest, skip_dates):
        if best is not None and occurrence - largest >= best.due_utc:
            break  # later occurrences only give later reminders
        for offset in offs:
            due = occurrence - offset
            if due > after_utc and (best is None or due < best.due_utc):
                best = _reminder(meeting_id, occurrence, offset)
    return best


def decide_late_reminder(
    due_utc: datetime,
    now_utc: datetime,
    grace: timedelta = DEFAULT_LATE_GRACE,
    *,
    occurrence_utc: datetime | None = None,
) -> Literal["send", "skip"]:
    """After a restart or outage: send a missed reminder only if it is still timely.

    ``send`` when ``now`` is at most ``grace`` past the due time (inclusive) — or not
    past it at all; ``skip`` otherwise, and always once the meeting itself has begun
    (when ``occurrence_utc`` is given).
    """
    if occurrence_utc is not None and now_utc >= occurrence_utc:
        return "skip"
    return "send" if now_utc - due_utc <= grace else "skip"


def _fallback_text(dt_utc: datetime, tz: str) -> str:
    local = dt_utc.astimezone(zone(tz))
    name = local.tzname() or tz
    return (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year} "
        f"{local:%H:%M} {name}"
    )


def slack_date_token(dt_utc: datetime, fallback_tz: str) -> str:
    """Slack's localised date: ``<!date^1796310000^{date_short_pretty} at {time}|...>``.

    Slack shows it in each reader's own zone; the fallback (for notifications and old
    clients) is written in ``fallback_tz``, e.g. ``Thu 3 Dec 2026 15:00 CET``.
    """
    if dt_utc.tzinfo is None:
        raise ValueError("dt_utc must be an aware datetime")
    fallback = _fallback_text(dt_utc, fallback_tz)
    fallback = fallback.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<!date^{int(dt_utc.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"
