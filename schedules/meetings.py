"""Due work on every tick: decide the meeting reminders that fell due (what they say
goes to the outbox in the deciding transaction; the deliverer posts it), ask organisers
who came to a meeting that has just ended, and redraw announcements that name someone
forgotten.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.content import escape_mrkdwn
from bot.delivery import outbox
from bot.deps import Deps
from bot.meetings import attendance, reminders
from bot.meetings import due as meetings_due
from bot.meetings import planning as meetings
from bot.meetings.attendance import AttendancePromptDue
from bot.meetings.reminders import ClaimedReminder
from handlers.meetings import views
from handlers.meetings.announcements import redraw_announcement

log = logging.getLogger("clubbot.reminders")

PURPOSE = "meetings.reminder"


def send_meeting_reminders(deps: Deps) -> None:
    now = deps.clock.now()

    def say(session: Session, claim: ClaimedReminder) -> None:
        enqueue_reminder(session, claim, now)

    reminders.decide_due_reminders(
        deps.db, now, deps.settings.reminder_grace, deps.settings.reminder_offsets, say
    )


def enqueue_reminder(session: Session, claim: ClaimedReminder, now: datetime) -> None:
    """The channel post, and at the last offset a DM to each person going: one outbox row
    each, useless once the meeting has started."""
    text, blocks = views.reminder_post(claim.meeting, claim.occurrence, claim.offset)
    outbox.enqueue(
        session,
        claim.meeting.channel_id,
        f"{PURPOSE}:{claim.key}",
        outbox.Message(text, blocks),
        now=now,
        purpose=PURPOSE,
        ref=claim.key,
        not_after=claim.occurrence,
        deadline=claim.due,
        about=f"the reminder for *{escape_mrkdwn(claim.meeting.title)}*",
    )
    enqueue_reminder_dms(session, claim, now)


def enqueue_reminder_dms(session: Session, claim: ClaimedReminder, now: datetime) -> None:
    """A DM to each person going, due by the reminder's time: when decided at that time,
    and ahead of it for a batch too big for one burst (`plan_reminder_dms`). The keys are
    the same either way, so nobody gets two. A big batch shows its organiser one
    progress line in the announcement's thread."""
    if not claim.dm_recipients:
        return
    title = escape_mrkdwn(claim.meeting.title)
    batch = None
    if outbox.has_batch(session, claim.key) or outbox.mass_lead(session, claim.dm_recipients):
        batch, meeting = claim.key, claim.meeting
        outbox.track_batch(
            session,
            claim.key,
            f"Reminder DMs for *{title}*",
            len(claim.dm_recipients),
            meeting.announcement_channel or meeting.organiser_id or meeting.channel_id,
            thread_ts=meeting.announcement_ts if meeting.announcement_channel else None,
            now=now,
        )
    dm_text, dm_blocks = views.reminder_dm(claim.meeting, claim.occurrence)
    for user_id in claim.dm_recipients:
        outbox.enqueue(
            session,
            user_id,
            f"{PURPOSE}:{claim.key}:{user_id}",
            outbox.Message(dm_text, dm_blocks, unsolicited=True),
            now=now,
            purpose=PURPOSE,
            ref=claim.key,
            not_after=claim.occurrence,
            deadline=claim.due,
            about=f"the reminder DM for *{title}*",
            batch=batch,
        )


def plan_reminder_dms(deps: Deps) -> None:
    """Start big reminder DM batches early enough to land by the reminder's time."""
    now = deps.clock.now()

    def say(session: Session, claim: ClaimedReminder) -> None:
        enqueue_reminder_dms(session, claim, now)

    reminders.plan_early_dms(deps.db, now, deps.settings.reminder_offsets, say)


def ask_who_came(deps: Deps) -> None:
    """After a meeting ends, DM its organiser a "Mark who came" button, once: the claim
    and the DM's outbox row commit together."""
    now = deps.clock.now()

    def say(session: Session, prompt: AttendancePromptDue) -> None:
        enqueue_attendance_prompt(session, prompt, now)

    attendance.claim_attendance_prompts(deps.db, now, deps.settings.reminder_offsets, say)


ATTENDANCE_PROMPT = "meetings.attendance_prompt"


def enqueue_attendance_prompt(session: Session, prompt: AttendancePromptDue, now: datetime) -> None:
    organiser = prompt.meeting.organiser_id
    if organiser is None:  # the organiser asked to be forgotten; `/club meeting attendance` stays
        log.info("attendance prompt skipped meeting=%s: organiser forgotten", prompt.meeting.id)
        return
    text, blocks = views.attendance_prompt(prompt.meeting, prompt.occurrence, prompt.going)
    outbox.enqueue(
        session,
        organiser,
        f"{ATTENDANCE_PROMPT}:{prompt.meeting.id}:{prompt.occurrence.isoformat()}",
        outbox.Message(text, blocks, unsolicited=True),
        now=now,
        purpose=ATTENDANCE_PROMPT,
        ref=str(prompt.meeting.id),
        # A "who came?" a day late is noise (as in attendance.PROMPT_FRESH_FOR).
        not_after=prompt.occurrence + attendance.PROMPT_FRESH_FOR,
    )
    log.info("attendance prompt queued meeting=%s organiser=%s", prompt.meeting.id, organiser)


def redraw_stale_announcements(deps: Deps) -> None:
    """Announcements that still name someone who asked to be forgotten."""
    for meeting_id in meetings.take_stale_announcements(deps.db):
        redraw_announcement(deps, meeting_id)


def next_due(deps: Deps) -> datetime | None:
    """When the tasks above next have work (the local club's clock jumps to it)."""
    return meetings_due.next_due(deps.db, deps.clock.now(), deps.settings.reminder_offsets)
