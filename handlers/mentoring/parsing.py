"""Reading what people type for mentoring: topics, capacity, pause dates.

Each parser returns the value, or raises BadInput with a message to show as is.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot.content.messages import TOPIC_MAX_CHARS, TOPICS_MAX
from bot.mentoring.mentors import MAX_CAPACITY, MIN_CAPACITY
from bot.mentoring.pairing import normalise_topic
from bot.working_hours import zone

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_PAUSE = timedelta(days=366)


class BadInput(ValueError):
    """What the person typed can't be used; the message says why and what to type."""


def split_topics(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n;]", text) if part.strip()]


def topics(chosen: list[str], typed: str) -> list[str]:
    """The picked topics plus the typed ones, without near-duplicates, checked for size."""
    result: list[str] = []
    seen: set[str] = set()
    for topic in [*chosen, *split_topics(typed)]:
        if len(topic) > TOPIC_MAX_CHARS:
            raise BadInput(
                f"Please keep each topic under {TOPIC_MAX_CHARS} characters (one has {len(topic)})."
            )
        key = normalise_topic(topic)
        if key is None or key in seen:
            continue
        seen.add(key)
        result.append(topic)
    if len(result) > TOPICS_MAX:
        raise BadInput(f"Please name at most {TOPICS_MAX} topics (you gave {len(result)}).")
    return result


def capacity(text: str) -> int:
    value = text.strip()
    if not value.isdigit() or not MIN_CAPACITY <= int(value) <= MAX_CAPACITY:
        raise BadInput(
            f"Capacity is how many mentees you'd take at once: a whole number from "
            f"{MIN_CAPACITY} to {MAX_CAPACITY} (got “{value[:20]}”)."
        )
    return int(value)


def signup_capacity(args: str) -> int | None:
    """`/club mentor signup [capacity N]`: the capacity to prefill, if given."""
    words = args.split()
    if not words:
        return None
    if len(words) == 2 and words[0].lower() == "capacity":
        return capacity(words[1])
    raise BadInput(
        "Type `/club mentor signup` (or `/club mentor signup capacity 3`) and I'll open "
        "a short form for your topics and capacity."
    )


def pause_until(args: str, tz: str, now: datetime) -> datetime | None:
    """`pause` (until resumed) or `pause until YYYY-MM-DD` (local midnight of that day)."""
    words = args.split()
    if not words:
        return None
    if len(words) != 2 or words[0].lower() != "until" or not _DATE.match(words[1]):
        raise BadInput(
            "Type `/club mentor pause` to pause until you resume, or "
            "`/club mentor pause until 2026-01-31` to pause until a date."
        )
    try:
        day = date.fromisoformat(words[1])
    except ValueError:
        raise BadInput(
            f"{words[1]} isn't a date I know. Use YYYY-MM-DD, like 2026-01-31."
        ) from None
    until = datetime.combine(day, time(0), tzinfo=zone(tz))
    if until <= now:
        raise BadInput(f"{words[1]} has already begun where you are; pick a later date.")
    if until - now > MAX_PAUSE:
        raise BadInput("Please pause for at most a year; you can always pause again.")
    return until
