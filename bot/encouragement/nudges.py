"""Encouragement nudges: build each person's state from the database, plan with the
pure rules (bot.encouragement.rules), send, and remember what went out.

A nudge key is inserted and the DM written to the outbox in the same transaction:
if two runs race, the unique (user, key) lets only one of them decide it, and the
deliverer sends it once after commit. A person Slack no longer knows is tried once
(the outbox ends a delivery on a permanent error) and the nudge still counts as given,
so the cap keeps them from being asked again every run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.content import messages
from bot.content.path import step
from bot.delivery import outbox
from bot.delivery.notify import PROFILE_MAX_AGE
from bot.deps import Deps
from bot.encouragement.rules import Nudge, NudgeKind, NudgePolicy, PersonState, Skip, plan_nudges
from bot.quiet_hours import WorkingHours, is_working_time
from storage.db import Database
from storage.encouragement import club_facts, eligibility
from storage.encouragement import queries as repo
from storage.members.models import Member
from storage.path.models import PathStepReached

log = logging.getLogger("clubbot.nudges")

# Nudges are planned at most this often; each goes out within this long of the
# recipient's working day starting.
PLAN_EVERY = timedelta(minutes=10)

# The domain's milestone names → the wording's milestone kinds.
MILESTONE_WORDING: dict[str, messages.MilestoneKind] = {
    "first_helpful": "first_helpful_answer",
    "month_active": "month_active",
}

TzOf = Callable[[str], str]


@dataclass(frozen=True)
class NudgeSettings:
    opted_out: bool
    excluded: bool
    last_nudge_at: datetime | None
    sent_count: int


@dataclass
class RunReport:
    now: datetime
    planned: list[Nudge] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    sent: list[Nudge] = field(default_factory=list)
    not_sent: list[tuple[Nudge, str]] = field(default_factory=list)


def policy_for(settings: Settings) -> NudgePolicy:
    return NudgePolicy(
        cap_period=settings.nudge_cap, inactive_after=settings.inactive_after, hours=WorkingHours()
    )


# --- settings -------------------------------------------------------------------------


def nudge_settings(db: Database, user_id: str) -> NudgeSettings:
    with db.transaction() as session:
        member = session.get(Member, user_id)
        sent = repo.nudges_sent_to(session, user_id)
        return NudgeSettings(
            opted_out=repo.is_opted_out(session, user_id),
            excluded=bool(member and member.excluded),
            last_nudge_at=sent[-1].sent_at if sent else None,
            sent_count=len(sent),
        )


def set_nudges(db: Database, user_id: str, on: bool, now: datetime) -> bool:
    """Turn nudges on or off for a person; False when nothing changed."""
    with db.transaction() as session:
        return repo.set_opted_out(session, user_id, not on, now)


# --- state ----------------------------------------------------------------------------

# At most this many users.info calls per planning run fill in zones not known yet (or a
# week old): asking for all 10 000 people at once is a storm of 429s.
ZONE_FETCHES_PER_RUN = 10
CHUNK = 500  # people per bulk read (bounded IN lists)


def _people_on_the_path(session: Session, waiting: Iterable[str]) -> list[str]:
    on_path = set(session.scalars(select(PathStepReached.user_id).distinct()))
    return sorted(on_path | set(waiting))


def load_states(
    db: Database, now: datetime, tz_of: TzOf | None = None, only: str | None = None
) -> tuple[list[PersonState], frozenset[date]]:
    """Everyone the rules should consider, as of `now`, plus the club's blackout dates.

    `tz_of` fetches a time zone from Slack (cached); without it the cached zone is used.
    This reads everyone on the path: for one person, or a dry run that explains itself;
    the planning run reads only who it could reach (`load_reachable`).
    """
    with db.transaction() as session:
        waiting = club_facts.waiting_requests(session)
        people = [only] if only else _people_on_the_path(session, waiting)
    zones = {user: tz_of(user) for user in people} if tz_of else {}
    with db.transaction() as session:
        blackout = club_facts.blackout_dates(session)
        return _states(session, people, waiting, zones), blackout


def open_zones(
    zones: Iterable[str], now: datetime, policy: NudgePolicy, blackout: frozenset[date]
) -> set[str]:
    """The stored zones whose people are at work now (an empty zone reads as UTC, as
    in `_states`): the same test the rules make, once per zone instead of per person."""
    return {zone for zone in zones if is_working_time(now, zone or "UTC", policy.hours, blackout)}


def load_reachable(
    db: Database, now: datetime, policy: NudgePolicy, fetch_zone: TzOf | None
) -> tuple[list[PersonState], frozenset[date]]:
    """The states of only the people the rules of contact let through now (see
    storage.encouragement.eligibility), after fetching up to ZONE_FETCHES_PER_RUN zones.

    Someone whose zone was never fetched waits until it is: their working hours are not
    known. Plans exactly what `load_states` + `plan_nudges` would for people with zones.
    """
    with db.transaction() as session:
        waiting = club_facts.waiting_requests(session)
        missing = (
            eligibility.zones_to_fetch(
                session, now, policy.cap_period, PROFILE_MAX_AGE, ZONE_FETCHES_PER_RUN, waiting
            )
            if fetch_zone
            else []
        )
    for user in missing:
        assert fetch_zone is not None
        fetch_zone(user)  # stores the zone on the member (bot.delivery.notify)
    with db.transaction() as session:
        blackout = club_facts.blackout_dates(session)
        at_work = open_zones(eligibility.zones_in_use(session), now, policy, blackout)
        people = eligibility.reachable(session, now, policy.cap_period, at_work, waiting)
        return _states(session, people, waiting, {}), blackout


def _chunks(people: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(people), CHUNK):
        yield people[start : start + CHUNK]


def _states(
    session: Session,
    people: list[str],
    waiting: dict[str, list[tuple[int, datetime]]],
    zones: dict[str, str],
) -> list[PersonState]:
    """These people's states, read in bulk (a few queries per CHUNK people), in order."""
    if not people:
        return []
    helpful = club_facts.helpful_answers(session)
    opted_out = repo.opted_out_users(session)
    states = []
    for chunk in _chunks(people):
        sent = repo.sent_keys(session, chunk)
        last_sent = repo.last_nudge_at(session, chunk)
        rows = session.execute(
            select(PathStepReached.user_id, PathStepReached.step, PathStepReached.reached_at).where(
                PathStepReached.user_id.in_(chunk)
            )
        ).all()
        reached: dict[str, dict[str, datetime]] = {}
        for user_id, key, at in rows:
            reached.setdefault(user_id, {})[key] = at
        found = {
            row.user_id: row
            for row in session.execute(
                select(
                    Member.user_id,
                    Member.tz,
                    Member.first_seen_at,
                    Member.last_active_at,
                    Member.excluded,
                ).where(Member.user_id.in_(chunk))
            )
        }
        for user_id in chunk:
            member = found.get(user_id)
            if member is None:
                continue
            steps = reached.get(user_id, {})
            states.append(
                PersonState(
                    user_id=user_id,
                    tz=zones.get(user_id) or member.tz or "UTC",
                    joined_at=steps.get("joined", member.first_seen_at),
                    last_active_at=member.last_active_at,
                    steps_done=frozenset(steps),
                    step_reached_at=steps,
                    helpful_answers=helpful.get(user_id, 0),
                    opted_out=user_id in opted_out,
                    excluded=member.excluded,
                    sent_keys=frozenset(sent.get(user_id, set())),
                    last_nudge_at=last_sent.get(user_id),
                    waiting_requests=tuple(waiting.get(user_id, ())),
                )
            )
    return states


# --- wording --------------------------------------------------------------------------


def wording(nudge: Nudge) -> str:
    """What the nudge says (mrkdwn, without the opt-out footer)."""
    details = nudge.details
    if nudge.kind is NudgeKind.STEP_REACHED:
        upcoming = details.get("next_step")
        return messages.step_congratulation(
            step(details["step"]), step(upcoming) if upcoming else None, int(details["steps_done"])
        )
    if nudge.kind is NudgeKind.MILESTONE:
        return messages.milestone_text(
            MILESTONE_WORDING[details["milestone"]], user_id=nudge.user_id
        )
    if nudge.kind is NudgeKind.INACTIVE:
        upcoming = details.get("next_step")
        return messages.inactivity_nudge(
            nudge.user_id, step(upcoming) if upcoming else None, with_footer=False
        )
    return messages.mentor_waiting_reminder(1 + int(details.get("others_waiting", "0")))


# --- running --------------------------------------------------------------------------


def run(
    deps: Deps,
    view: NudgeView,
    *,
    dry_run: bool = False,
    only: str | None = None,
    now: datetime | None = None,
) -> RunReport:
    """Plan nudges for everyone (or one person) and send them unless `dry_run`."""
    now = now or deps.clock.now()
    tz_of = None if dry_run else (lambda user: deps.notifier.profile(user).tz)
    sender = None if dry_run else (deps, view)
    policy = policy_for(deps.settings)
    if dry_run or only:
        return run_on(deps.db, now, policy, tz_of, sender, only)
    states, blackout = load_reachable(deps.db, now, policy, tz_of)
    return send_planned(now, policy, states, blackout, sender)


def run_on(
    db: Database,
    now: datetime,
    policy: NudgePolicy,
    tz_of: TzOf | None,
    sender: tuple[Deps, NudgeView] | None,
    only: str | None = None,
) -> RunReport:
    states, blackout = load_states(db, now, tz_of, only)
    return send_planned(now, policy, states, blackout, sender)


def send_planned(
    now: datetime,
    policy: NudgePolicy,
    states: list[PersonState],
    blackout: frozenset[date],
    sender: tuple[Deps, NudgeView] | None,
) -> RunReport:
    planned, skipped = plan_nudges(states, policy, now, blackout)
    report = RunReport(now=now, planned=planned, skipped=skipped)
    if sender is None:
        return report
    deps, view = sender
    for nudge in planned:
        problem = _send(deps, view, nudge, policy, now)
        if problem is None:
            report.sent.append(nudge)
        else:
            report.not_sent.append((nudge, problem))
    if report.sent:
        deps.deliver()
    return report


PURPOSE = "encouragement.nudge"
# A nudge's words for that person as a Slack message (fallback text, blocks with the opt-out
# button): Block Kit is the handlers' (handlers/encouragement/views/nudges.nudge_message),
# handed in by whoever runs the nudges (the tick, a listener, the command line).
NudgeView = Callable[[str, str], tuple[str, list[dict[str, Any]]]]


def _send(
    deps: Deps, view: NudgeView, nudge: Nudge, policy: NudgePolicy, now: datetime
) -> str | None:
    """Record the key and write the DM to the outbox, together. None = on its way."""
    fallback, blocks = view(wording(nudge), nudge.user_id)
    with deps.db.transaction() as session:
        member = session.get(Member, nudge.user_id, with_for_update=True)
        if member is None or member.excluded or repo.is_opted_out(session, nudge.user_id):
            return "no longer reachable"
        last = repo.last_nudge_at(session, [nudge.user_id]).get(nudge.user_id)
        if last is not None and now - last < policy.cap_period:
            return "cap: another run nudged them first"
        if not repo.record_sent(session, nudge.user_id, nudge.key, nudge.kind, now):
            return "already sent"
        repo.count(session, repo.NUDGES_SENT)
        outbox.enqueue(
            session,
            nudge.user_id,
            f"{PURPOSE}:{nudge.user_id}:{nudge.key}",
            outbox.Message(fallback, blocks, unsolicited=True),
            now=now,
            purpose=PURPOSE,
        )
    log.info("nudge queued user=%s key=%s reason=%s", nudge.user_id, nudge.key, nudge.reason)
    return None


def nudge_now(deps: Deps, view: NudgeView, user_id: str) -> RunReport:
    """Right after something worth celebrating: try this person at once (same rules)."""
    try:
        return run(deps, view, only=user_id)
    except Exception:  # a celebration must never break the action that earned it
        log.exception("immediate nudge failed user=%s", user_id)
        return RunReport(now=deps.clock.now())


def tick(deps: Deps, view: NudgeView) -> None:
    """Due work: plan and send nudges, at most once per PLAN_EVERY across processes."""
    now = deps.clock.now()
    with deps.db.transaction() as session:
        if not repo.claim_planning_slot(session, now, PLAN_EVERY):
            return
    report = run(deps, view, now=now)
    # A run that sent nothing is no event: at INFO it would be a line every 10 minutes.
    log.log(
        logging.INFO if report.sent else logging.DEBUG,
        "nudges planned=%d sent=%d held=%d",
        len(report.planned),
        len(report.sent),
        len(report.skipped),
    )
