"""Due work on every tick: post the meeting reminders this instance claimed.

The decision and the claim happen in bot.services.reminders (committed before anything
is posted); this module only says it in Slack.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.services import reminders
from bot.services.reminders import ClaimedReminder
from handlers.views import meetings as views

log = logging.getLogger("clubbot.reminders")


# Posting overlaps with claiming the next reminders, so a busy minute stays on time.
POSTING_THREADS = 4


def send_meeting_reminders(deps: Deps) -> None:
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


def post_reminder(deps: Deps, claim: ClaimedReminder) -> None:
    text, blocks = views.reminder_post(claim.meeting, claim.occurrence, claim.offset)
    try:
        deps.client.chat_postMessage(channel=claim.meeting.channel_id, text=text, blocks=blocks)
    except SlackApiError as error:
        log.error("reminder not posted key=%s error=%s", claim.key, error.response.get("error"))
        reminders.mark_failed(deps.db, claim.key)
        return
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
