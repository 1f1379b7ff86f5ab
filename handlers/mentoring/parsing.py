"""Reading what people type for mentoring: topics, capacity, pause dates.

Each parser returns the value, or raises BadInput with a message to show as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class SignupArgs:
    """`/club mentor signup [topics] [capacity N]`: what was typed, to prefill or to use."""

    topics: list[str]
    capacity: int | None

    @property
    def complete(self) -> bool:
        """Topics and capacity both given: sign up without the form."""
        return bool(self.topics) and self.capacity is not None


def signup_args(args: str) -> SignupArgs:
    words = args.split()
    at = next((i for i, w in enumerate(words) if w.lower() in ("capacity", "cap")), None)
    given: int | None = None
    if at is not None:
        if at + 1 >= len(words):
            raise BadInput(
                "Say how many mentees after `capacity`, like "
                "`/club mentor signup blogging, video capacity 2`."
            )
        given = capacity(words[at + 1])
        words = words[:at] + words[at + 2 :]
    return SignupArgs(topics([], " ".join(words)), given)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _day_named(text: str, today: date) -> date | None:
    """tomorrow, a weekday (the next one, never today), next week (its Monday), YYYY-MM-DD."""
    words = text.lower().split()
    if words[:1] == ["next"] and len(words) == 2 and words[1] in ("week", "monday"):
        return today + timedelta(days=7 - today.weekday())
    if words[:1] == ["next"] and len(words) == 2:
        words = words[1:]  # "next friday": the coming Friday
    if len(words) != 1:
        return None
    word = words[0]
    if word == "tomorrow":
        return today + timedelta(days=1)
    for name in _WEEKDAYS:
        if len(word) >= 3 and name.startswith(word):
            ahead = (_WEEKDAYS.index(name) - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
    if _DATE.match(word):
        try:
            return date.fromisoformat(word)
        except ValueError:
            raise BadInput(
                f"{word} isn't a date I know. Use YYYY-MM-DD, like {_example(today)}."
            ) from None
    return None


def _example(today: date) -> str:
    """A date to show in help: always ahead of today, wherever the reader is."""
    return (today + timedelta(days=14)).isoformat()


def pause_until(args: str, tz: str, now: datetime) -> datetime | None:
    """`pause` (until resumed) or `pause [until] tomorrow | friday | next week | YYYY-MM-DD`:
    paused until the start (local midnight, in the person's zone) of that day."""
    words = args.split()
    if not words:
        return None
    local = zone(tz)
    today = now.astimezone(local).date()
    if words[0].lower() == "until":
        words = words[1:]
    day = _day_named(" ".join(words), today) if words else None
    if day is None:
        raise BadInput(
            "Type `/club mentor pause` to pause until you resume, or "
            "`/club mentor pause until tomorrow` (or `friday`, `next week`, "
            f"`{_example(today)}`) to pause until a day."
        )
    until = datetime.combine(day, time(0), tzinfo=local)
    if until <= now:
        raise BadInput(
            f"{day.isoformat()} has already begun where you are; pick a later day, "
            f"like {_example(today)}."
        )
    if until - now > MAX_PAUSE:
        raise BadInput("Please pause for at most a year; you can always pause again.")
    return until
