"""Use cases for club meetings: schedule, edit, cancel, skip, list, and what to show.

Each function opens one transaction, applies the domain rules in bot.meetings.recurrence
and bot.meetings.timing, and returns a `MeetingSnapshot` (what the views need) or a
`MeetingProblem` (what to tell the organiser). Nothing here talks to Slack.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.content import escape_mrkdwn
from bot.delivery import deliverer
from bot.delivery.deliverer import Job, Posted
from bot.meetings.ics import meeting_ics
from bot.meetings.recurrence import (
    Recurrence,
    Repeat,
    format_long_date,
    iter_occurrences,
    next_occurrence,
    occurrences,
    occurrences_between,
    skipped_between,
    to_utc,
    too_far_ahead,
    wall_time_problem,
    zone,
)
from bot.meetings.timing import next_reminder
from storage.db import Database
from storage.meetings import queries as repo
from storage.meetings.models import Meeting
from storage.members.queries import excluded_among

MEETING_LENGTH = timedelta(hours=1)
# How far ahead an announcement lists occurrences that blackout days take out.
NOTICE_HORIZON = timedelta(days=62)


@dataclass(frozen=True)
class MeetingProblem:
    message: str


@dataclass(frozen=True)
class MeetingDraft:
    """What an organiser asked for, by command text or by modal."""

    title: str
    recurrence: Recurrence
    channel_id: str
    agenda: str = ""
    location: str = ""
    offsets: tuple[timedelta, ...] | None = None  # None: the club's defaults


@dataclass(frozen=True)
class SkipNotice:
    day: date
    reason: str


@dataclass(frozen=True)
class MeetingSnapshot:
    id: int
    title: str
    organiser_id: str | None
    channel_id: str
    recurrence: Recurrence
    agenda: str
    location: str
    offsets: tuple[timedelta, ...]
    custom_offsets: bool
    status: str
    next_at: datetime | None
    counts: dict[str, int] = field(default_factory=dict)
    going: list[str] = field(default_factory=list)
    maybe: list[str] = field(default_factory=list)
    notices: list[SkipNotice] = field(default_factory=list)
    announcement_channel: str | None = None
    announcement_ts: str | None = None

    @property
    def active(self) -> bool:
        return self.status == repo.ACTIVE


def rule_of(meeting: Meeting) -> Recurrence:
    return Recurrence(
        Repeat(meeting.repeat),
        meeting.tz,
        datetime.fromisoformat(meeting.start_local),
        meeting.monthly_nth,
    )


def offsets_of(meeting: Meeting, defaults: Sequence[timedelta]) -> tuple[timedelta, ...]:
    if meeting.reminder_offsets is None:
        return tuple(defaults)
    return tuple(timedelta(seconds=int(s)) for s in meeting.reminder_offsets.split(",") if s)


def _store_offsets(offsets: tuple[timedelta, ...] | None) -> str | None:
    if offsets is None:
        return None
    return ",".join(str(int(o.total_seconds())) for o in sorted(offsets, reverse=True))


def refresh_next_reminder(
    session: Session, meeting: Meeting, defaults: Sequence[timedelta]
) -> None:
    """Recompute when this meeting next needs the reminder engine's attention."""
    offsets = offsets_of(meeting, defaults)
    if meeting.status != repo.ACTIVE or not offsets:
        meeting.next_reminder_at = None
        return
    upcoming = next_reminder(
        meeting.id,
        rule_of(meeting),
        offsets,
        meeting.reminders_checked_until,
        repo.skip_dates(session, meeting.id),
    )
    meeting.next_reminder_at = upcoming.due_utc if upcoming else None


def refresh_attendance_prompt(session: Session, meeting: Meeting, now: datetime) -> None:
    """When to ask the organiser who came: as the next occurrence not yet over ends."""
    if meeting.status != repo.ACTIVE:
        meeting.attendance_prompt_at = None
        return
    upcoming = next_occurrence(
        rule_of(meeting), now - MEETING_LENGTH, repo.skip_dates(session, meeting.id)
    )
    meeting.attendance_prompt_at = upcoming + MEETING_LENGTH if upcoming else None


def refresh_schedule(
    session: Session, meeting: Meeting, now: datetime, defaults: Sequence[timedelta]
) -> None:
    """After anything that moves occurrences: the reminder and attendance pointers."""
    refresh_next_reminder(session, meeting, defaults)
    refresh_attendance_prompt(session, meeting, now)


def _future_problem(draft: MeetingDraft, now: datetime) -> MeetingProblem | None:
    rule = draft.recurrence
    problem = too_far_ahead(rule.start_local.date(), now.astimezone(zone(rule.tz)).date())
    problem = problem or wall_time_problem(rule.start_local, rule.tz)
    if problem is not None:
        return MeetingProblem(problem)
    if to_utc(rule.start_local, rule.tz) <= now:
        when = (
            f"{format_long_date(rule.start_local.date())} at "
            f"{rule.start_local:%H:%M} ({rule.tz})"
        )
        return MeetingProblem(
            f"{when} has already passed. Please pick a date and time in the future."
        )
    return None


def _apply(meeting: Meeting, draft: MeetingDraft) -> None:
    meeting.title = draft.title
    meeting.channel_id = draft.channel_id
    meeting.tz = draft.recurrence.tz
    meeting.start_local = draft.recurrence.start_local.isoformat(timespec="seconds")
    meeting.repeat = draft.recurrence.repeat.value
    meeting.monthly_nth = draft.recurrence.monthly_nth
    meeting.agenda = draft.agenda
    meeting.location = draft.location
    meeting.reminder_offsets = _store_offsets(draft.offsets)


# The channel announcement, as an outbox row written with the meeting (handlers build it).
ANNOUNCEMENT = "meetings.announcement"
Announce = Callable[[Session, "MeetingSnapshot"], None]


def create_meeting(
    db: Database,
    organiser_id: str,
    draft: MeetingDraft,
    now: datetime,
    defaults: Sequence[timedelta],
    announce: Announce | None = None,
) -> MeetingSnapshot | MeetingProblem:
    problem = _future_problem(draft, now)
    if problem is not None:
        return problem
    with db.transaction() as session:
        meeting = Meeting(
            organiser_id=organiser_id,
            created_at=now,
            updated_at=now,
            reminders_checked_until=now,
            status=repo.ACTIVE,
        )
        _apply(meeting, draft)
        session.add(meeting)
        session.flush()
        refresh_schedule(session, meeting, now, defaults)
        snap = _snapshot(session, meeting, now, defaults)
        if announce is not None:
            announce(session, snap)
        return snap


def _announcement_posted(session: Session, job: Job, posted: Posted) -> None:
    """Where the announcement landed: RSVPs and changes redraw it there."""
    meeting = session.get(Meeting, int(job.ref or 0))
    if meeting is not None and meeting.channel_id == posted.channel:
        meeting.announcement_channel, meeting.announcement_ts = posted.channel, posted.ts


deliverer.on_sent(ANNOUNCEMENT, _announcement_posted)


@dataclass(frozen=True)
class Edited:
    meeting: MeetingSnapshot
    moved: bool  # its time or place changed: people going are told
    tell: list[str]  # going to an occurrence to come, meeting DMs not turned off


def update_meeting(
    db: Database,
    meeting_id: int,
    draft: MeetingDraft,
    now: datetime,
    defaults: Sequence[timedelta],
    say: Callable[[Session, Edited], None] | None = None,
    announce: Announce | None = None,
) -> Edited | MeetingProblem:
    """Apply the edit; when its time or place moved, `say` writes the notices to those
    going in this same transaction (the outbox), so they go out only if it commits.
    A meeting moved to another channel (or never announced) is announced afresh there."""
    problem = _future_problem(draft, now)
    if problem is not None:
        return problem
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.status != repo.ACTIVE:
            return _not_found(meeting_id, meeting)
        old_rule, old_location = rule_of(meeting), meeting.location
        old_channel = meeting.channel_id
        _apply(meeting, draft)
        if meeting.channel_id != old_channel:  # the caller deletes the old announcement
            meeting.announcement_channel = meeting.announcement_ts = None
        meeting.updated_at = now
        # Reminders that fell due before the edit belong to the old schedule.
        meeting.reminders_checked_until = max(meeting.reminders_checked_until, now)
        new_rule = rule_of(meeting)
        if new_rule != old_rule:
            _carry_answers(session, meeting_id, old_rule, new_rule, now)
        refresh_schedule(session, meeting, now, defaults)
        moved = new_rule != old_rule or meeting.location != old_location
        tell = _wants_dms(session, repo.going_from(session, meeting_id, now)) if moved else []
        edited = Edited(_snapshot(session, meeting, now, defaults), moved, tell)
        if say is not None and moved and tell:
            say(session, edited)
        if announce is not None and not meeting.announcement_ts:
            announce(session, edited.meeting)
        return edited


def _carry_answers(
    session: Session, meeting_id: int, old: Recurrence, new: Recurrence, now: datetime
) -> None:
    """Answers for single occurrences to come follow the move: the first one still to
    come under the old schedule becomes the first under the new one, and so on. Answers
    for an occurrence the new schedule no longer has (a series made a one-off) go."""
    rows = repo.occurrence_rsvps_after(session, meeting_id, now)
    if not rows:
        return
    skips = repo.skip_dates(session, meeting_id)
    latest = max(row.occurrence_at for row in rows if row.occurrence_at is not None)
    before = occurrences_between(old, now, latest, skips)
    after = occurrences(new, now, len(before), skips)
    moved_to = dict(zip(before, after, strict=False))
    kept = [(row, moved_to.get(row.occurrence_at)) for row in rows if row.occurrence_at]
    repo.replace_occurrence_rsvps(session, [(row, to) for row, to in kept])


def _wants_dms(session: Session, user_ids: list[str]) -> list[str]:
    """Those who have not turned meeting DMs off (`/club meeting dms off`) nor asked the
    bot to leave them alone (`/club exclude me`)."""
    left_alone = repo.dm_opted_out(session, user_ids) | excluded_among(session, user_ids)
    return [user for user in user_ids if user not in left_alone]


def _not_found(meeting_id: int, meeting: Meeting | None) -> MeetingProblem:
    if meeting is not None and meeting.status == repo.CANCELLED:
        title = escape_mrkdwn(meeting.title)
        return MeetingProblem(f"Meeting {meeting_id} (“{title}”) was already cancelled.")
    return MeetingProblem(
        f"I can't find meeting {meeting_id}. `/club meeting list` shows the meetings and their ids."
    )


def get_meeting(
    db: Database, meeting_id: int, now: datetime, defaults: Sequence[timedelta]
) -> MeetingSnapshot | MeetingProblem:
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            return _not_found(meeting_id, None)
        return _snapshot(session, meeting, now, defaults)


def get_active_meeting(
    db: Database, meeting_id: int, now: datetime, defaults: Sequence[timedelta]
) -> MeetingSnapshot | MeetingProblem:
    found = get_meeting(db, meeting_id, now, defaults)
    if isinstance(found, MeetingSnapshot) and not found.active:
        title = escape_mrkdwn(found.title)
        return MeetingProblem(f"Meeting {meeting_id} (“{title}”) was already cancelled.")
    return found


def list_meetings(
    db: Database, now: datetime, defaults: Sequence[timedelta]
) -> list[MeetingSnapshot]:
    with db.transaction() as session:
        snaps = [_snapshot(session, m, now, defaults) for m in repo.active_meetings(session)]
    upcoming = [s for s in snaps if s.next_at is not None]
    return sorted(upcoming, key=lambda s: (s.next_at, s.id))


def take_stale_announcements(db: Database) -> list[int]:
    """Meetings whose announcement must be redrawn (it names someone forgotten); the
    flag is cleared here, and a redraw reads the names as they are then."""
    with db.transaction() as session:
        stale = repo.stale_announcement_ids(session)
        for meeting_id in stale:
            meeting = session.get(Meeting, meeting_id)
            if meeting is not None:
                meeting.announcement_stale = False
    return stale


@dataclass(frozen=True)
class Cancelled:
    meeting: MeetingSnapshot
    going: list[str]  # going to an occurrence to come, meeting DMs not turned off


def cancel_preview(
    db: Database, meeting_id: int, now: datetime, defaults: Sequence[timedelta]
) -> Cancelled | MeetingProblem:
    """What cancelling would do (who would be told), changing nothing."""
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.status != repo.ACTIVE:
            return _not_found(meeting_id, meeting)
        going = _wants_dms(session, repo.going_from(session, meeting_id, now))
        return Cancelled(_snapshot(session, meeting, now, defaults), going)


def cancel_meeting(
    db: Database,
    meeting_id: int,
    now: datetime,
    defaults: Sequence[timedelta],
    say: Callable[[Session, Cancelled], None] | None = None,
) -> Cancelled | MeetingProblem:
    """Stops the series and its reminders; `say` writes the notices to those going in
    this same transaction."""
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.status != repo.ACTIVE:
            return _not_found(meeting_id, meeting)
        meeting.status = repo.CANCELLED
        meeting.updated_at = now
        meeting.next_reminder_at = None
        meeting.attendance_prompt_at = None
        snap = _snapshot(session, meeting, now, defaults)
        cancelled = Cancelled(
            snap, _wants_dms(session, repo.going_from(session, meeting_id, now))
        )
        if say is not None:
            say(session, cancelled)
        return cancelled


@dataclass(frozen=True)
class Skipped:
    meeting: MeetingSnapshot
    day: date
    instant: datetime
    tell: list[str]  # going to the skipped one, meeting DMs not turned off


def skip_next(
    db: Database,
    meeting_id: int,
    actor: str,
    now: datetime,
    defaults: Sequence[timedelta],
    say: Callable[[Session, Skipped], None] | None = None,
) -> Skipped | MeetingProblem:
    """Leave out the next occurrence only; the series goes on after it. `say` writes the
    notices to those going to it in this same transaction."""
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.status != repo.ACTIVE:
            return _not_found(meeting_id, meeting)
        rule = rule_of(meeting)
        if not rule.is_recurring:
            return MeetingProblem(
                f"“{escape_mrkdwn(meeting.title)}” happens only once, so there is no next one "
                "to skip. "
                f"Use `/club meeting cancel {meeting_id}` to call it off."
            )
        upcoming = next_occurrence(rule, now, repo.skip_dates(session, meeting_id))
        if upcoming is None:
            title = escape_mrkdwn(meeting.title)
            return MeetingProblem(f"“{title}” has no upcoming occurrence to skip.")
        day = upcoming.astimezone(zone(rule.tz)).date()
        tell = _wants_dms(session, repo.people_answering(session, meeting_id, "going", upcoming))
        repo.add_skip(session, meeting_id, day, actor, now)
        refresh_schedule(session, meeting, now, defaults)
        skipped = Skipped(_snapshot(session, meeting, now, defaults), day, upcoming, tell)
        if say is not None:
            say(session, skipped)
        return skipped


def is_occurrence(rule: Recurrence, instant: datetime, skips: set[date]) -> bool:
    """True when `instant` is one of the rule's occurrences (blackouts excluded)."""
    before = instant - timedelta(seconds=1)
    return next_occurrence(rule, before, skips) == instant


def last_occurrence(session: Session, meeting: Meeting, now: datetime) -> datetime | None:
    """The most recent occurrence that has started by `now` (blackouts excluded)."""
    rule = rule_of(meeting)
    first = to_utc(rule.start_local, rule.tz)
    latest: datetime | None = None
    for instant in iter_occurrences(
        rule, first - timedelta(seconds=1), repo.skip_dates(session, meeting.id)
    ):
        if instant > now:
            break
        latest = instant
    return latest


def _snapshot(
    session: Session, meeting: Meeting, now: datetime, defaults: Sequence[timedelta]
) -> MeetingSnapshot:
    rule = rule_of(meeting)
    skips = repo.skip_dates(session, meeting.id)
    active = meeting.status == repo.ACTIVE
    upcoming = next_occurrence(rule, now, skips) if active else None
    notices: list[SkipNotice] = []
    if active and skips:
        names = repo.holiday_names(session)
        for day in skipped_between(rule, now, now + NOTICE_HORIZON, skips):
            notices.append(SkipNotice(day, names.get(day, "skipped")))
    return MeetingSnapshot(
        id=meeting.id,
        title=meeting.title,
        organiser_id=meeting.organiser_id,
        channel_id=meeting.channel_id,
        recurrence=rule,
        agenda=meeting.agenda,
        location=meeting.location,
        offsets=offsets_of(meeting, defaults),
        custom_offsets=meeting.reminder_offsets is not None,
        status=meeting.status,
        next_at=upcoming,
        counts=repo.rsvp_counts(session, meeting.id, upcoming),
        going=repo.people_answering(session, meeting.id, "going", upcoming),
        maybe=repo.people_answering(session, meeting.id, "maybe", upcoming),
        notices=notices,
        announcement_channel=meeting.announcement_channel,
        announcement_ts=meeting.announcement_ts,
    )


def snapshot_in(
    session: Session, meeting: Meeting, now: datetime, defaults: Sequence[timedelta]
) -> MeetingSnapshot:
    """For other meeting services that already hold a session."""
    return _snapshot(session, meeting, now, defaults)


@dataclass(frozen=True)
class CalendarFile:
    filename: str
    content: str
    title: str


def calendar_file(db: Database, meeting_id: int, now: datetime) -> CalendarFile | MeetingProblem:
    """An .ics for the whole series, blackout days left out (EXDATE)."""
    with db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.status != repo.ACTIVE:
            return _not_found(meeting_id, meeting)
        rule = rule_of(meeting)
        content = meeting_ics(
            uid=f"clubbot-meeting-{meeting.id}",
            title=meeting.title,
            start_utc=to_utc(rule.start_local, rule.tz),
            duration=MEETING_LENGTH,
            description=meeting.agenda or None,
            location=meeting.location or None,
            rule=rule,
            exdates=repo.skip_dates(session, meeting.id),
            now_utc=now,
        )
        return CalendarFile(f"meeting-{meeting.id}.ics", content, meeting.title)
