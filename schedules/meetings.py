"""Due work on every tick: post the meeting reminders this instance claimed, try once
more those that failed for a passing reason, ask organisers who came to a meeting that
has just ended, and redraw announcements that name someone forgotten.

The decisions and claims happen in bot.meetings (committed before anything is posted);
this module only says it in Slack.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.error import URLError

from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.meetings import attendance, reminders
from bot.meetings import planning as meetings
from bot.meetings.attendance import AttendancePromptDue
from bot.meetings.reminders import ClaimedReminder
from handlers.meetings import views
from handlers.meetings.announcements import redraw_announcement

log = logging.getLogger("clubbot.reminders")


# Posting overlaps with claiming the next reminders, so a busy minute stays on time.
POSTING_THREADS = 4

# Slack answered, so nothing was posted, and the cause passes (429s are retried by the
# client's own handler before we ever see them).
PASSING_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)


def send_meeting_reminders(deps: Deps) -> None:
    # First the one more try for posts that failed on an earlier tick (rare, and
    # before the new claims so one failing this tick waits for the next one).
    for retry in reminders.claim_retries(
        deps.db, deps.clock.now(), deps.settings.reminder_offsets
    ):
        post_reminder(deps, retry)
    claimed = reminders.claim_due_reminders(
        deps.db, deps.clock.now(), deps.settings.reminder_grace, deps.settings.reminder_offsets
    )
    first = next(claimed, None)
    if first is None:
        return  # the usual tick: nothing due, no threads
    with ThreadPoolExecutor(POSTING_THREADS, thread_name_prefix="clubbot-reminders") as pool:
        posts = [pool.submit(post_reminder, deps, first)]
        posts += [pool.submit(post_reminder, deps, claim) for claim in claimed]
        for post in posts:
            post.result()


def worth_retrying(error: Exception) -> bool:
    """True only when Slack surely did not post: it answered with a passing error, or
    no connection was made. A timeout may have posted, so it is never retried."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error")) in PASSING_ERRORS
    if isinstance(error, URLError):
        return not isinstance(error.reason, TimeoutError)
    return isinstance(error, ConnectionRefusedError)


def post_reminder(deps: Deps, claim: ClaimedReminder) -> None:
    text, blocks = views.reminder_post(claim.meeting, claim.occurrence, claim.offset)
    try:
        deps.client.chat_postMessage(channel=claim.meeting.channel_id, text=text, blocks=blocks)
    except (SlackApiError, OSError) as error:
        retry = worth_retrying(error)
        reason = error.response.get("error") if isinstance(error, SlackApiError) else repr(error)
        log.error("reminder not posted key=%s error=%s retry=%s", claim.key, reason, retry)
        reminders.mark_failed(deps.db, claim.key, retry=retry)
        return
    reminders.mark_sent(deps.db, claim.key)
    log.info("reminder posted key=%s channel=%s", claim.key, claim.meeting.channel_id)
    if not claim.dm_recipients:
        return
    dm_text, dm_blocks = views.reminder_dm(claim.meeting, claim.occurrence)
    for user_id in claim.dm_recipients:
        try:
            deps.notifier.dm(user_id, dm_text, dm_blocks)
        except SlackApiError as error:
            log.warning(
                "reminder DM failed key=%s user=%s error=%s",
                claim.key,
                user_id,
                error.response.get("error"),
            )


def ask_who_came(deps: Deps) -> None:
    """After a meeting ends, DM its organiser a "Mark who came" button, once."""
    for prompt in attendance.claim_attendance_prompts(
        deps.db, deps.clock.now(), deps.settings.reminder_offsets
    ):
        post_attendance_prompt(deps, prompt)


def post_attendance_prompt(deps: Deps, prompt: AttendancePromptDue) -> None:
    text, blocks = views.attendance_prompt(prompt.meeting, prompt.occurrence)
    organiser = prompt.meeting.organiser_id
    if organiser is None:  # the organiser asked to be forgotten; `/club meeting attendance` stays
        log.info("attendance prompt skipped meeting=%s: organiser forgotten", prompt.meeting.id)
        return
    try:
        deps.notifier.dm(organiser, text, blocks)
    except SlackApiError as error:
        log.warning(
            "attendance prompt not sent meeting=%s user=%s error=%s",
            prompt.meeting.id,
            organiser,
            error.response.get("error"),
        )
        return
    log.info("attendance prompt sent meeting=%s organiser=%s", prompt.meeting.id, organiser)


def redraw_stale_announcements(deps: Deps) -> None:
    """Announcements that still name someone who asked to be forgotten."""
    for meeting_id in meetings.take_stale_announcements(deps.db):
        redraw_announcement(deps, meeting_id)
