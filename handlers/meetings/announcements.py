"""What clubbot posts about a meeting: the channel's announcement, kept up to date, and
short notes to one person; plus the checks every meetings listener shares.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.content import escape_mrkdwn
from bot.delivery import outbox
from bot.deps import Deps
from bot.meetings import planning as meetings
from bot.meetings import rsvp
from bot.meetings.planning import MeetingProblem, MeetingSnapshot
from bot.roles.policy import Action
from handlers.meetings import views
from schedules.delivery import deliver_outbox

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


class Announcer:
    """Writes a meeting's channel announcement to the outbox, in the transaction that
    creates the meeting (or moves it to another channel); the deliverer posts it, and
    planning's on_sent hook remembers where, for redraws."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.keys: list[str] = []

    def __call__(self, session: Session, snap: MeetingSnapshot) -> None:
        text, blocks = views.announcement(snap)
        key = f"{meetings.ANNOUNCEMENT}:{snap.id}:{snap.channel_id}:{int(self.now.timestamp())}"
        outbox.enqueue(
            session, snap.channel_id, key, outbox.Message(text, blocks), now=self.now,
            purpose=meetings.ANNOUNCEMENT, ref=str(snap.id),
            about=f"the announcement of *{escape_mrkdwn(snap.title)}*",
        )  # fmt: skip
        self.keys.append(key)

    def posted(self, deps: Deps) -> bool:
        """Send it now (the organiser is waiting); False when Slack has not taken it
        (yet: a passing error is retried by the tick)."""
        deps.deliver()
        found = [outbox.outcome(deps.db, key) for key in self.keys]
        return bool(found) and all(f is not None and f.status == "sent" for f in found)


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


CHANGE_PURPOSE = "meetings.change"


def enqueue_notices(
    session: Session,
    recipients: list[str],
    text: str,
    key: str,
    now: datetime,
    *,
    about: str,
    not_after: datetime | None = None,
) -> None:
    """A change notice as outbox rows in the deciding transaction: one per person (a DM)
    or channel, each under `key` plus its recipient, so it is never sent twice."""
    for recipient in recipients:
        outbox.enqueue(
            session,
            recipient,
            f"{CHANGE_PURPOSE}:{key}:{recipient}",
            outbox.Message(text, unsolicited=not recipient.startswith(("C", "G"))),
            now=now,
            purpose=CHANGE_PURPOSE,
            ref=key,
            not_after=not_after,
            about=about,
        )


def send_notices_now(deps: Deps) -> None:
    """The organiser is waiting for the result: deliver the rows just committed now
    rather than on the next tick (what fails is retried there)."""
    deliver_outbox(deps)


def ask_to_cancel(deps: Deps, meeting_id: int) -> tuple[str, list[dict[str, Any]] | None]:
    """The question an organiser confirms before a meeting is cancelled (or why not)."""
    found = meetings.cancel_preview(deps.db, meeting_id, deps.clock.now(), reminder_defaults(deps))
    if isinstance(found, MeetingProblem):
        return found.message, None
    return views.cancel_question(found.meeting, len(found.going))


def cancel(deps: Deps, meeting_id: int) -> str:
    """Cancel, tell the channel and everyone going; returns what to tell the organiser."""
    now = deps.clock.now()

    def say(session: Session, cancelled: meetings.Cancelled) -> None:
        snap, key = cancelled.meeting, f"cancel:{meeting_id}"
        about = f"the notice that *{escape_mrkdwn(snap.title)}* is cancelled"
        enqueue_notices(session, [snap.channel_id], views.cancel_notice(snap), key, now,
                        about=about)  # fmt: skip
        enqueue_notices(session, cancelled.going, views.cancel_dm(snap), key, now, about=about)

    result = meetings.cancel_meeting(deps.db, meeting_id, now, reminder_defaults(deps), say)
    if isinstance(result, MeetingProblem):
        return result.message
    snap = result.meeting
    send_notices_now(deps)
    redraw_announcement(deps, meeting_id)
    told = len(result.going)
    log.info("meeting cancelled id=%s told=%d", meeting_id, told)
    return (
        f"Cancelled “{escape_mrkdwn(snap.title)}” (meeting {meeting_id}). "
        f"I told <#{snap.channel_id}> "
        f"and {views.people(told)} going by DM; no more reminders will go out."
    )
