"""What makes a campaign valid, whom it invites, and when: pure, `now` as an argument."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.content.path import PATH_STEPS
from bot.quiet_hours import WorkingHours, next_working_time

TITLE_MAX = 150
TEXT_MAX = 2500
HASHTAGS_MAX = 500
TOPICS_MAX = 500
# A campaign is a launch day or week, not a standing programme.
LONGEST = timedelta(days=60)
# The path step that a first external link ticks.
FIRST_EXTERNAL_POST = "first_external_post"
INVITE_HOURS = WorkingHours()


class Audience(StrEnum):
    CHANNEL = "channel"  # everyone in the club channel
    PATH = "path"  # members at or past a path step
    MENTORS = "mentors"
    TOPICS = "topics"  # people with given topics


@dataclass(frozen=True)
class Draft:
    """What the form said, already parsed into instants (UTC)."""

    title: str
    brief: str
    key_messages: str
    links: str
    hashtags: str
    disclosure: str
    launch_at: datetime
    closes_at: datetime
    tz: str
    audience: Audience = Audience.CHANNEL
    audience_step: str | None = None
    audience_topics: tuple[str, ...] = field(default_factory=tuple)


def title_problem(title: str) -> str | None:
    if not title:
        return "Give the campaign a title."
    if len(title) > TITLE_MAX:
        return f"Keep the title to {TITLE_MAX} characters or fewer."
    return None


def launch_problem(launch_at: datetime, now: datetime, *, unchanged: bool = False) -> str | None:
    """A launch must lie ahead, unless an edit leaves an already-passed launch alone."""
    if launch_at <= now and not unchanged:
        return "That launch time has already passed. Pick one in the future."
    return None


def close_problem(launch_at: datetime, closes_at: datetime) -> str | None:
    if closes_at <= launch_at:
        return "The campaign must close after the launch."
    if closes_at - launch_at > LONGEST:
        return "Close it within 60 days of the launch."
    return None


def steps_from(step_key: str) -> tuple[str, ...]:
    """The step and every later one: "at or past" it."""
    numbers = {step.key: step.number for step in PATH_STEPS}
    start = numbers.get(step_key)
    if start is None:
        return ()
    return tuple(step.key for step in PATH_STEPS if step.number >= start)


def split_topics(text: str) -> tuple[str, ...]:
    words = [part.strip() for part in text.replace("\n", ",").split(",")]
    return tuple(dict.fromkeys(word for word in words if word))


def key_message_lines(text: str) -> list[str]:
    return [line.strip(" -•*\t") for line in text.splitlines() if line.strip(" -•*\t")]


def invite_due(now: datetime, tz: str) -> datetime:
    """Invitations wait for the recipient's working hours."""
    return next_working_time(now, tz, INVITE_HOURS)


def minutes_to_first_post(launch_at: datetime, first_post: datetime | None) -> int | None:
    if first_post is None:
        return None
    return max(0, int((first_post - launch_at).total_seconds() // 60))
