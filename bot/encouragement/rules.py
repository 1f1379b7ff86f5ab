"""Encouragement nudges: what each person has earned, and what may be sent now.

Pure rules, no Slack and no database. A *nudge* is any message clubbot sends on
its own initiative: a congratulation for a step on the proficiency path, a
milestone, one gentle word after a quiet spell, a reminder to a mentor. The
welcome message and direct replies are not nudges and never count here.

`candidate_nudges` says what a person has earned and not yet received, in
priority order. `plan_nudges` applies the rules of contact to a batch of people
and returns at most one nudge per person, plus a `Skip` row for everything held
back, so `clubbot nudges run --dry-run` can explain itself.

Rules, checked in this order for each person with something to send:

1. excluded ("exclude me"): no contact at all, ever;
2. opted out of nudges: none, including mentor reminders;
3. the cap: at most one nudge per `policy.cap_period` (default 7 days), for
   every kind, mentor reminders included (kept simple on purpose: a mentor
   who was nudged yesterday hears about a waiting request when the cap ends);
4. blackout days, in the recipient's local calendar;
5. the recipient's local working hours (default 09:00-17:00 Mon-Fri);
6. one nudge per person per run; the rest wait for a later run.

Each nudge carries a stable dedupe key; the caller records it when the message
goes out (and sets `last_nudge_at`), so nothing is ever sent twice:

- ``step:<step>``: reached a path step (only steps reached within
  `policy.step_recent_within`, so an import of old history does not flood);
  a step reached before an already congratulated one is not congratulated
  afterwards (we never step backwards along the path);
- ``milestone:first_helpful``, ``milestone:month_active``;
- ``inactive:<YYYY-MM-DD>``: the UTC date of the last activity (or of joining),
  so a new quiet spell can be nudged again;
- ``mentor_waiting:<request id>:<YYYY-MM-DD>``: the UTC date the request was
  offered to the mentor, so a re-offer can remind again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from bot.content.path import step_keys
from bot.quiet_hours import (
    WorkingHours,
    describe_local,
    is_blackout,
    is_working_time,
    next_working_time,
)

__all__ = [
    "PATH_STEPS",
    "STEPS_COVERED_BY_WELCOME",
    "Nudge",
    "NudgeKind",
    "NudgePolicy",
    "PersonState",
    "Skip",
    "candidate_nudges",
    "next_step",
    "plan_nudges",
]

PATH_STEPS: tuple[str, ...] = step_keys()
"""The proficiency path's step keys, in order: bot.content.path is the one source."""

STEPS_COVERED_BY_WELCOME: frozenset[str] = frozenset({"joined"})
"""Steps the welcome message already celebrates; they never produce a step nudge."""

MONTH = timedelta(days=30)
_EMPTY: Mapping[str, str] = MappingProxyType({})


class NudgeKind(StrEnum):
    STEP_REACHED = "step_reached"
    MILESTONE = "milestone"
    INACTIVE = "inactive"
    MENTOR_WAITING = "mentor_waiting"


@dataclass(frozen=True)
class PersonState:
    """Everything the rules need to know about one person, as of `now`. Instants are UTC."""

    user_id: str
    tz: str
    joined_at: datetime
    last_active_at: datetime | None
    steps_done: frozenset[str]
    step_reached_at: Mapping[str, datetime]
    helpful_answers: int
    opted_out: bool
    excluded: bool
    sent_keys: frozenset[str]
    last_nudge_at: datetime | None
    waiting_requests: tuple[tuple[int, datetime], ...] = ()
    """For mentors: (request id, offered at) for requests waiting on their answer."""


@dataclass(frozen=True)
class NudgePolicy:
    cap_period: timedelta = timedelta(days=7)
    inactive_after: timedelta = timedelta(days=14)
    hours: WorkingHours = field(default_factory=WorkingHours)
    mentor_waiting_after: timedelta = timedelta(days=1)
    step_recent_within: timedelta = timedelta(days=14)


@dataclass(frozen=True)
class Nudge:
    """One message to send. `details` feeds the wording (step, next_step, milestone, ...)."""

    user_id: str
    kind: NudgeKind
    key: str
    reason: str
    details: Mapping[str, str] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True)
class Skip:
    """Something earned but not sent now, and why. `retry_at` is the earliest useful retry
    (UTC), or None when waiting will not help (excluded, opted out, already sent)."""

    user_id: str
    key: str
    reason: str
    retry_at: datetime | None = None


# --- what a person has earned ---------------------------------------------------------


def next_step(steps_done: Iterable[str]) -> str | None:
    """The first step along the path not yet done, or None when the path is complete."""
    done = frozenset(steps_done)
    return next((step for step in PATH_STEPS if step not in done), None)


def _days(delta: timedelta) -> int:
    return max(0, delta.days)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _mentor_nudges(person: PersonState, policy: NudgePolicy, now: datetime) -> list[Nudge]:
    overdue = sorted(
        (offered_at, request_id)
        for request_id, offered_at in person.waiting_requests
        if now - offered_at >= policy.mentor_waiting_after
    )
    nudges = []
    for offered_at, request_id in overdue:
        waited = _days(now - offered_at)
        nudges.append(
            Nudge(
                user_id=person.user_id,
                kind=NudgeKind.MENTOR_WAITING,
                key=f"mentor_waiting:{request_id}:{offered_at.astimezone(UTC).date().isoformat()}",
                reason=f"request {request_id} waiting on them for {_plural(waited, 'day')}",
                details=MappingProxyType(
                    {
                        "request_id": str(request_id),
                        "offered_at": offered_at.astimezone(UTC).isoformat(),
                        "waiting_days": str(waited),
                        "others_waiting": str(len(overdue) - 1),
                    }
                ),
            )
        )
    return nudges


def _step_nudges(person: PersonState, policy: NudgePolicy, now: datetime) -> list[Nudge]:
    reached = {
        step: person.step_reached_at[step]
        for step in PATH_STEPS
        if step in person.steps_done and step in person.step_reached_at
    }
    congratulated = [at for step, at in reached.items() if f"step:{step}" in person.sent_keys]
    latest_congratulated = max(congratulated, default=None)
    eligible = [
        (at, PATH_STEPS.index(step), step)
        for step, at in reached.items()
        if step not in STEPS_COVERED_BY_WELCOME
        and now - at <= policy.step_recent_within
        and (latest_congratulated is None or at > latest_congratulated)
    ]
    upcoming = next_step(person.steps_done)
    nudges = []
    # Most recent first; among steps reached at the same moment, the furthest along first.
    for at, index, step in sorted(eligible, reverse=True):
        details = {
            "step": step,
            "step_number": str(index + 1),
            "of": str(len(PATH_STEPS)),
            "steps_done": str(len(person.steps_done & set(PATH_STEPS))),
        }
        if upcoming is not None:
            details["next_step"] = upcoming
        nudges.append(
            Nudge(
                user_id=person.user_id,
                kind=NudgeKind.STEP_REACHED,
                key=f"step:{step}",
                reason=f"reached step {index + 1}/{len(PATH_STEPS)} ({step}) {_ago(now - at)}",
                details=MappingProxyType(details),
            )
        )
    return nudges


def _milestone(person: PersonState, key: str, reason: str, details: dict[str, str]) -> Nudge:
    return Nudge(
        user_id=person.user_id,
        kind=NudgeKind.MILESTONE,
        key=key,
        reason=reason,
        details=MappingProxyType(details),
    )


def _milestone_nudges(person: PersonState, now: datetime) -> list[Nudge]:
    """First helpful answer > a month active. (Each kudos gets its own DM at once, from
    bot.encouragement.kudos, so kudos are no milestone here.)"""
    nudges = []
    if person.helpful_answers >= 1:
        nudges.append(
            _milestone(
                person,
                "milestone:first_helpful",
                "first answer marked helpful",
                {"milestone": "first_helpful"},
            )
        )
    active_recently = person.last_active_at is not None and now - person.last_active_at <= MONTH
    if now - person.joined_at >= MONTH and active_recently:
        nudges.append(
            _milestone(
                person,
                "milestone:month_active",
                "a month in the club and still active",
                {"milestone": "month_active"},
            )
        )
    return nudges


def _inactive_nudges(person: PersonState, policy: NudgePolicy, now: datetime) -> list[Nudge]:
    last = person.last_active_at or person.joined_at
    quiet_for = now - last
    if quiet_for <= policy.inactive_after:
        return []
    since = last.astimezone(UTC).date().isoformat()
    return [
        Nudge(
            user_id=person.user_id,
            kind=NudgeKind.INACTIVE,
            key=f"inactive:{since}",
            reason=f"no activity for {_plural(_days(quiet_for), 'day')} (since {since})",
            details=MappingProxyType(
                {"since": since, "quiet_days": str(_days(quiet_for))}
                | ({"next_step": s} if (s := next_step(person.steps_done)) else {})
            ),
        )
    ]


def _earned(person: PersonState, policy: NudgePolicy, now: datetime) -> list[Nudge]:
    """Everything the person qualifies for now, sent or not, in priority order."""
    return [
        *_mentor_nudges(person, policy, now),
        *_step_nudges(person, policy, now),
        *_milestone_nudges(person, now),
        *_inactive_nudges(person, policy, now),
    ]


def candidate_nudges(person: PersonState, policy: NudgePolicy, now: datetime) -> list[Nudge]:
    """What this person has earned and not yet received, in priority order:
    mentor waiting > step reached (most recent first) > milestone > inactive.

    Ignores the rules of contact (opt-out, cap, hours, ...): see `plan_nudges`.
    """
    _require_aware(now)
    return [n for n in _earned(person, policy, now) if n.key not in person.sent_keys]


# --- what may be sent now -------------------------------------------------------------


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {now!r}")


def _ago(delta: timedelta) -> str:
    days = delta.days
    if days < 1:
        return "less than a day ago"
    return f"{_plural(days, 'day')} ago"


def _hold_reason(
    person: PersonState,
    policy: NudgePolicy,
    now: datetime,
    blackout: frozenset[date],
) -> tuple[str, datetime | None] | None:
    """Why nothing may be sent to this person now (and when to try again), or None."""
    if person.excluded:
        return "excluded", None
    if person.opted_out:
        return "opted out", None
    if person.last_nudge_at is not None and now - person.last_nudge_at < policy.cap_period:
        cap_ends = person.last_nudge_at + policy.cap_period
        retry = next_working_time(cap_ends, person.tz, policy.hours, blackout)
        return f"cap: last nudge {_ago(now - person.last_nudge_at)}", retry
    if is_blackout(now, person.tz, blackout):
        retry = next_working_time(now, person.tz, policy.hours, blackout)
        return f"blackout day ({describe_local(now, person.tz)})", retry
    if not is_working_time(now, person.tz, policy.hours, blackout):
        retry = next_working_time(now, person.tz, policy.hours, blackout)
        return f"outside working hours ({describe_local(now, person.tz)})", retry
    return None


def plan_nudges(
    people: Iterable[PersonState],
    policy: NudgePolicy,
    now: datetime,
    blackout_dates: Iterable[date] = (),
) -> tuple[list[Nudge], list[Skip]]:
    """Decide, for one run at `now`, which nudges go out: at most one per person.

    Every candidate held back gets a `Skip` row saying why. A person with nothing new
    but something already sent gets one "already sent" row for their top earned key,
    so a dry run explains the silence; people with nothing earned get no rows.
    """
    _require_aware(now)
    blackout = frozenset(blackout_dates)
    to_send: list[Nudge] = []
    skips: list[Skip] = []
    seen: set[str] = set()
    for person in people:
        earned = _earned(person, policy, now)
        candidates = [n for n in earned if n.key not in person.sent_keys]
        if person.user_id in seen:
            skips.extend(
                Skip(person.user_id, n.key, "duplicate person in this run") for n in candidates
            )
            continue
        seen.add(person.user_id)
        if not candidates:
            if earned:
                skips.append(Skip(person.user_id, earned[0].key, "already sent"))
            continue
        hold = _hold_reason(person, policy, now, blackout)
        if hold is not None:
            reason, retry_at = hold
            skips.extend(Skip(person.user_id, n.key, reason, retry_at) for n in candidates)
            continue
        first, *rest = candidates
        to_send.append(first)
        retry = next_working_time(now + policy.cap_period, person.tz, policy.hours, blackout)
        skips.extend(
            Skip(person.user_id, n.key, f"one nudge per run: {first.key} goes first", retry)
            for n in rest
        )
    return to_send, skips
