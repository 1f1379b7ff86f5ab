"""The meetings' buttons, wherever they were pressed: RSVP, add to calendar, edit, cancel,
reminder DMs off and mark attendance.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.content import escape_mrkdwn
from bot.deps import CONTEXT_KEY, Deps
from bot.meetings import planning as meetings
from bot.meetings import reminders, rsvp
from bot.meetings.planning import MeetingProblem
from bot.meetings.rsvp import Answer
from bot.meetings.timing import slack_date_token
from handlers import payload
from handlers.meetings.announcements import (
    REFUSED,
    ask_to_cancel,
    cancel,
    is_organiser,
    redraw_announcement,
    reminder_defaults,
    tell_person,
)
from handlers.meetings.forms import (
    open_attendance_modal,
    open_schedule_modal,
)

log = logging.getLogger("clubbot.meetings")


# A button's value: "<meeting id>", or "<meeting id>:<unix time>" for one occurrence.
_BUTTON_VALUE = re.compile(r"^(\d{1,9})(?::(\d{1,12}))?$")


@dataclass(frozen=True)
class Press:
    """A press of one of the meetings' buttons, wherever it was: a channel message, an
    ephemeral message, a DM, the App Home or a modal."""

    deps: Deps
    client: WebClient
    body: dict[str, Any]
    action: dict[str, Any]
    respond: Respond
    chosen_meeting: int | None = None  # from a select's option rather than a button value

    @property
    def user_id(self) -> str:
        return str(self.body["user"]["id"])

    @property
    def channel_id(self) -> str:
        return str((self.body.get("channel") or {}).get("id") or "")

    @property
    def in_message(self) -> bool:
        # Only messages carry a response_url; Bolt's respond() raises without one.
        return bool(self.body.get("response_url"))

    @property
    def meeting_id(self) -> int | None:
        """The meeting the button names (to be looked up), or None when the value is not
        one the bot writes, including an occurrence no calendar has."""
        if self.chosen_meeting is not None:
            return self.chosen_meeting
        match = _BUTTON_VALUE.match(str(self.action.get("value") or ""))
        if match is None or (match.group(2) is not None and self.occurrence is None):
            return None
        return payload.record_id(match.group(1))

    @property
    def occurrence(self) -> datetime | None:
        """The occurrence a button is about ("<meeting id>:<unix time>"), if it says."""
        match = _BUTTON_VALUE.match(str(self.action.get("value") or ""))
        if match is None or match.group(2) is None:
            return None
        return payload.moment(match.group(2))

    def answer(self, text: str, *, replace_original: bool = False, in_view: bool = True) -> None:
        """An ephemeral answer under the message pressed; from a view (no response_url)
        a DM the person asked for, or nothing when `in_view` is False because the view
        (the App Home) is redrawn anyway."""
        if self.in_message:
            self.respond(text=text, response_type="ephemeral", replace_original=replace_original)
        elif in_view:
            try:
                tell_person(self.deps, self.user_id, self.channel_id or None, text)
            except SlackApiError as error:
                log.warning(
                    "button answer not sent user=%s error=%s",
                    self.user_id,
                    error.response.get("error"),
                )


PressHandler = Callable[[Press], None]


def button(handler: PressHandler, *, meeting: bool = True, organisers_only: bool = False) -> Any:
    """A Bolt listener for one of the meetings' buttons: ack at once, check the button
    names a meeting and (for organisers' buttons) who pressed it, then `handler`."""

    def listener(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
    ) -> None:
        ack()
        press = Press(context[CONTEXT_KEY], client, body, action, respond)
        if meeting and press.meeting_id is None:
            press.answer("That button is out of date; `/club meeting list` shows the meetings.")
            return
        if organisers_only and not is_organiser(press.deps, press.user_id):
            press.answer(REFUSED)
            return
        handler(press)

    listener.__name__ = f"on_{handler.__name__.lstrip('_')}"
    return listener


def on_edit_button(press: Press) -> None:
    deps = press.deps
    assert press.meeting_id is not None
    snap = meetings.get_active_meeting(
        deps.db, press.meeting_id, deps.clock.now(), reminder_defaults(deps)
    )
    if isinstance(snap, MeetingProblem):
        press.answer(snap.message)
        return
    trigger_id = press.body["trigger_id"]
    open_schedule_modal(deps, press.client, trigger_id, press.user_id, press.channel_id, snap)


def on_cancel_button(press: Press) -> None:
    """Cancel meeting: first the question, answered with Yes (on_cancel_confirm)."""
    assert press.meeting_id is not None
    text, blocks = ask_to_cancel(press.deps, press.meeting_id)
    if blocks is None:
        press.answer(text)
    elif press.in_message:
        press.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    else:  # pressed in a view: the question comes where the organiser can answer it
        tell_person(press.deps, press.user_id, press.channel_id or None, text, blocks)


def on_cancel_confirm(press: Press) -> None:
    assert press.meeting_id is not None
    press.answer(cancel(press.deps, press.meeting_id), replace_original=True)


_SAID = {Answer.GOING: "you're going", Answer.MAYBE: "maybe", Answer.NO: "you can't make it"}
_SAID_ALL = {
    Answer.GOING: "you're going to every one from now on",
    Answer.MAYBE: "maybe, for every one from now on",
    Answer.NO: "you can't make any of them from now on",
}
# An "all future ones" option's value: "<meeting id>:<answer>".
_ALL_VALUE = re.compile(r"^(\d{1,10}):(going|maybe|no)$")


def _record(press: Press, given: Answer, occurrence: datetime | None, for_all: bool) -> None:
    deps = press.deps
    assert press.meeting_id is not None
    result = rsvp.answer(
        deps.db,
        press.meeting_id,
        press.user_id,
        given,
        deps.clock.now(),
        reminder_defaults(deps),
        occurrence,
        for_all=for_all,
    )
    if isinstance(result, MeetingProblem):
        press.answer(result.message)
        return
    redraw_announcement(deps, press.meeting_id)
    snap = result.meeting
    if result.occurrence is None:
        said = f"Got it for “{escape_mrkdwn(snap.title)}”: {_SAID_ALL[given]}."
    else:
        when = slack_date_token(result.occurrence, snap.recurrence.tz)
        said = f"Got it for “{escape_mrkdwn(snap.title)}” on {when}: {_SAID[given]}."
        if snap.recurrence.is_recurring:
            said += " (Only that one; “All future ones…” answers for the rest.)"
    if result.dm_coming:
        said += " I'll DM you shortly before it starts (`/club meeting dms off` to stop that)."
    # From the App Home the redrawn Home is the answer.
    press.answer(said, in_view=False)


def rsvp_handler(given: Answer) -> PressHandler:
    def rsvp_pressed(press: Press) -> None:
        _record(press, given, press.occurrence, for_all=False)

    rsvp_pressed.__name__ = f"rsvp_{given.value}"
    return rsvp_pressed


def all_future_meeting(action: dict[str, Any]) -> tuple[int, Answer] | None:
    """The meeting and answer an "all future ones" choice names, or None."""
    option = action.get("selected_option")
    raw = option.get("value") if isinstance(option, dict) else None
    match = _ALL_VALUE.match(raw) if isinstance(raw, str) else None
    if match is None:
        return None
    meeting_id = payload.record_id(match.group(1))
    return (meeting_id, Answer(match.group(2))) if meeting_id is not None else None


def on_rsvp_all(press: Press) -> None:
    chosen = all_future_meeting(press.action)
    if chosen is None:
        press.answer("That choice is out of date; `/club meeting list` shows the meetings.")
        return
    meeting_id, given = chosen
    _record(replace(press, chosen_meeting=meeting_id), given, None, for_all=True)


def on_calendar(press: Press) -> None:
    deps = press.deps
    assert press.meeting_id is not None
    found = meetings.calendar_file(deps.db, press.meeting_id, deps.clock.now())
    if isinstance(found, MeetingProblem):
        press.answer(found.message)
        return
    try:
        press.client.files_upload_v2(
            channel=deps.notifier.open_dm(press.user_id),
            content=found.content,
            filename=found.filename,
            title=found.title,
            initial_comment="Here's the meeting for your calendar: open the file to add it.",
        )
    except SlackApiError as error:
        log.warning(
            "calendar file not sent meeting=%s error=%s",
            press.meeting_id,
            error.response.get("error"),
        )
        press.answer("I couldn't send the calendar file just now. Please try again in a minute.")
        return
    # From a view the file arriving in the DM is the answer.
    press.answer("I've sent you the calendar file in a DM.", in_view=False)


def on_dms_off(press: Press) -> None:
    deps = press.deps
    reminders.set_reminder_dms(deps.db, press.user_id, False, deps.clock.now())
    press.answer("OK, no more meeting reminder DMs. Turn them back on with `/club meeting dms on`.")


def on_mark_attendance(press: Press) -> None:
    assert press.meeting_id is not None
    problem = open_attendance_modal(
        press.deps, press.client, press.body["trigger_id"], press.meeting_id, press.occurrence
    )
    if problem is not None:
        press.answer(problem)
