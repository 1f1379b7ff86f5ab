"""What clubbot posts about a meeting: the channel's announcement, kept up to date, and
short notes to one person; plus the checks every meetings listener shares.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.content import escape_mrkdwn
from bot.deps import Deps
from bot.meetings import planning as meetings
from bot.meetings import rsvp
from bot.meetings.planning import MeetingProblem, MeetingSnapshot
from bot.roles.policy import Action
from handlers.meetings import views

log = logging.getLogger("clubbot.meetings")


# One redraw of an announcement at a time per meeting, each reading the counts after
# taking the lock: the last chat.update then always carries every committed RSVP.
_redraw_guard = threading.Lock()


_redraw_locks: dict[int, threading.Lock] = {}


def reminder_defaults(deps: Deps) -> tuple[Any, ...]:
    return deps.settings.reminder_offsets


def default_channel(deps: Deps, origin: str) -> str | None:
    if deps.settings.club_channel:
        return deps.settings.club_channel
    return origin if origin[:1] in ("C", "G") else None


def is_organiser(deps: Deps, user_id: str) -> bool:
    return deps.may(user_id, Action.MANAGE_MEETINGS)


REFUSED = ":no_entry: Only organisers can change meetings."


def channel_problem(client: WebClient, channel_id: str | None) -> str | None:
    """None when the bot can post in the channel; otherwise what to tell the organiser."""
    if not channel_id:
        return "Which channel? Add one like #social-media-club."
    if channel_id.startswith("D"):
        return "Meetings are announced in a channel, not a DM. Add one like #social-media-club."
    try:
        info = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:
        code = error.response.get("error")
        log.info("meeting channel refused channel=%s error=%s", channel_id, code)
        return (
            f"I can't find the channel <#{channel_id}>. Pick it from Slack's suggestions "
            "as you type #, and make sure I've been added to it."
        )
    if info.get("is_archived"):
        return f"<#{channel_id}> is archived; pick another channel."
    if not info.get("is_member"):
        return (
            f"I'm not in <#{channel_id}> yet. Add me with `/invite @clubbot` there, "
            "then schedule again."
        )
    return None


def _lock_for(meeting_id: int) -> threading.Lock:
    with _redraw_guard:
        return _redraw_locks.setdefault(meeting_id, threading.Lock())


def redraw_announcement(deps: Deps, meeting_id: int) -> None:
    """Bring the channel's announcement up to date (counts, who's going, notices)."""
    with _lock_for(meeting_id):
        snap = rsvp.current_snapshot(deps.db, meeting_id, deps.clock.now(), reminder_defaults(deps))
        if snap is None or not snap.announcement_channel or not snap.announcement_ts:
            return
        text, blocks = views.announcement(snap)
        try:
            deps.client.chat_update(
                channel=snap.announcement_channel, ts=snap.announcement_ts, text=text, blocks=blocks
            )
        except SlackApiError as error:
            log.warning(
                "announcement not updated meeting=%s error=%s",
                meeting_id,
                error.response.get("error"),
            )


def announce(deps: Deps, snap: MeetingSnapshot) -> bool:
    text, blocks = views.announcement(snap)
    try:
        posted = deps.client.chat_postMessage(channel=snap.channel_id, text=text, blocks=blocks)
    except SlackApiError as error:
        log.warning(
            "announcement not posted meeting=%s error=%s", snap.id, error.response.get("error")
        )
        return False
    meetings.set_announcement(deps.db, snap.id, str(posted["channel"]), str(posted["ts"]))
    return True


def tell_person(
    deps: Deps,
    user_id: str,
    channel_id: str | None,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
) -> None:
    """An ephemeral note where the person was, or a DM when that isn't possible."""
    kwargs: dict[str, Any] = {"text": text}
    if blocks:
        kwargs["blocks"] = blocks
    if channel_id and channel_id[:1] in ("C", "G"):
        try:
            deps.client.chat_postEphemeral(channel=channel_id, user=user_id, **kwargs)
            return
        except SlackApiError:
            pass
    deps.notifier.dm(user_id, text, blocks, unsolicited=False)


def delete_quietly(deps: Deps, channel: str, ts: str) -> None:
    try:
        deps.client.chat_delete(channel=channel, ts=ts)
    except SlackApiError as error:
        log.info("old announcement not deleted error=%s", error.response.get("error"))


def tell_going(deps: Deps, user_ids: list[str], text: str, what: str, meeting_id: int) -> int:
    """DM each person going about a change to the meeting; returns how many were told.
    Every change notice leaves through here, one person at a time."""
    told = 0
    for user_id in user_ids:
        try:
            if deps.notifier.dm(user_id, text) is not None:
                told += 1
        except SlackApiError as error:
            log.warning(
                "%s DM failed meeting=%s user=%s error=%s",
                what,
                meeting_id,
                user_id,
                error.response.get("error"),
            )
    return told


def ask_to_cancel(deps: Deps, meeting_id: int) -> tuple[str, list[dict[str, Any]] | None]:
    """The question an organiser confirms before a meeting is cancelled (or why not)."""
    found = meetings.cancel_preview(deps.db, meeting_id, deps.clock.now(), reminder_defaults(deps))
    if isinstance(found, MeetingProblem):
        return found.message, None
    return views.cancel_question(found.meeting, len(found.going))


def cancel(deps: Deps, meeting_id: int) -> str:
    """Cancel, tell the channel and everyone going; returns what to tell the organiser."""
    result = meetings.cancel_meeting(deps.db, meeting_id, deps.clock.now(), reminder_defaults(deps))
    if isinstance(result, MeetingProblem):
        return result.message
    snap = result.meeting
    redraw_announcement(deps, meeting_id)
    try:
        deps.client.chat_postMessage(channel=snap.channel_id, text=views.cancel_notice(snap))
    except SlackApiError as error:
        log.warning(
            "cancel notice not posted meeting=%s error=%s", meeting_id, error.response.get("error")
        )
    told = tell_going(deps, result.going, views.cancel_dm(snap), "cancel", meeting_id)
    log.info("meeting cancelled id=%s told=%d", meeting_id, told)
    return (
        f"Cancelled “{escape_mrkdwn(snap.title)}” (meeting {meeting_id}). "
        f"I told <#{snap.channel_id}> "
        f"and {views.people(told)} going by DM; no more reminders will go out."
    )
