"""Club meetings on Slack: `/club meeting ...` and `/club holiday ...`; registers the
meetings' buttons (buttons.py) and modals (forms.py) too.

Listeners ack first, read Slack's payload, call one service in bot.meetings.planning
(or rsvp, holidays, attendance, reminders) and render with handlers.meetings.views.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.content import escape_mrkdwn
from bot.meetings import holidays, reminders, upcoming
from bot.meetings import planning as meetings
from bot.meetings.offsets import ParseProblem
from bot.meetings.parsing import parse_schedule_text
from bot.meetings.planning import MeetingDraft, MeetingProblem
from bot.meetings.rsvp import Answer
from bot.roles.policy import Action
from handlers import ids
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.meetings import views
from handlers.meetings.announcements import (
    Announcer,
    ask_to_cancel,
    channel_problem,
    default_channel,
    enqueue_notices,
    redraw_announcement,
    reminder_defaults,
    send_notices_now,
)
from handlers.meetings.buttons import (
    button,
    on_calendar,
    on_cancel_button,
    on_cancel_confirm,
    on_dms_off,
    on_edit_button,
    on_mark_attendance,
    on_rsvp_all,
    rsvp_handler,
)
from handlers.meetings.forms import (
    after_schedule,
    on_attendance_submit,
    on_schedule_submit,
    open_attendance_modal,
    open_schedule_modal,
)
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.meetings")

GROUP = "Meetings"
_MEETING_ID = re.compile(r"^\s*#?(\d{1,9})\s*$")
_HOLIDAY = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(.*)$", re.S)


def register(wire: Wiring, router: CommandRouter) -> None:
    wire.provide_next_meeting(upcoming.next_meeting)  # the welcome DM names it
    manage = Action.MANAGE_MEETINGS
    for sub in (
        Subcommand(
            "meeting schedule",
            'meeting schedule ["Title" date time repeat #channel]',
            "schedule a meeting (no text: a form)",
            _schedule,
            manage,
            GROUP,
        ),
        Subcommand("meeting list", "meeting list", "upcoming meetings", _list, group=GROUP),
        Subcommand("meeting edit", "meeting edit <id>", "change a meeting", _edit, manage, GROUP),
        Subcommand(
            "meeting cancel", "meeting cancel <id>", "call a meeting off", _cancel, manage, GROUP
        ),
        Subcommand(
            "meeting skip",
            "meeting skip <id>",
            "skip the next occurrence only",
            _skip,
            manage,
            GROUP,
        ),
        Subcommand(
            "meeting attendance",
            "meeting attendance <id>",
            "mark who came to the last one",
            _attendance,
            manage,
            GROUP,
        ),
        Subcommand(
            "meeting dms",
            "meeting dms on|off",
            "reminder DMs for meetings you go to",
            _dms,
            group=GROUP,
        ),
        Subcommand(
            "holiday add",
            'holiday add 2026-12-25 "Holiday"',
            "no meetings on that day",
            _holiday_add,
            manage,
            GROUP,
        ),
        Subcommand(
            "holiday remove",
            "holiday remove 2026-12-25",
            "undo a blackout day",
            _holiday_remove,
            manage,
            GROUP,
        ),
        Subcommand(
            "holiday list", "holiday list", "blackout days ahead", _holiday_list, group=GROUP
        ),
    ):
        router.add(sub)

    for action_id, given in (
        (ids.MEETING_GOING, Answer.GOING),
        (ids.MEETING_MAYBE, Answer.MAYBE),
        (ids.MEETING_CANT, Answer.NO),
    ):
        wire.action(action_id)(button(rsvp_handler(given)))
    wire.action(ids.MEETING_RSVP_ALL)(button(on_rsvp_all, meeting=False))
    wire.action(ids.MEETING_CALENDAR)(button(on_calendar))
    wire.action(ids.MEETING_EDIT)(button(on_edit_button, organisers_only=True))
    wire.action(ids.MEETING_CANCEL)(button(on_cancel_button, organisers_only=True))
    wire.action(ids.MEETING_CANCEL_CONFIRM)(button(on_cancel_confirm, organisers_only=True))
    wire.action(ids.MEETING_DMS_OFF)(button(on_dms_off, meeting=False))
    wire.action(ids.MEETING_MARK_ATTENDANCE)(button(on_mark_attendance, organisers_only=True))
    wire.view(ids.MEETING_SCHEDULE_VIEW)(on_schedule_submit)
    wire.view(ids.MEETING_ATTENDANCE_VIEW)(on_attendance_submit)


# --- helpers ------------------------------------------------------------------------------


def _say(call: CommandCall, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
    if blocks:
        call.respond(text=text, blocks=blocks, response_type="ephemeral")
    else:
        call.respond(text=text, response_type="ephemeral")


def _meeting_id(call: CommandCall, verb: str) -> int | None:
    match = _MEETING_ID.match(call.args)
    if match is None:
        _say(
            call,
            f"Which meeting? Write `/club meeting {verb} <id>`; "
            "`/club meeting list` shows the ids.",
        )
        return None
    return int(match.group(1))


# --- scheduling ---------------------------------------------------------------------------


def _schedule(call: CommandCall) -> None:
    deps = call.deps
    if not call.args.strip():
        open_schedule_modal(deps, call.client, call.trigger_id, call.user_id, call.channel_id)
        return
    profile = deps.notifier.profile(call.user_id)
    parsed = parse_schedule_text(
        call.args,
        default_tz=profile.tz,
        now_utc=deps.clock.now(),
        channel_ids=_channel_names(call),
    )
    if isinstance(parsed, ParseProblem):
        _say(call, f":warning: {parsed.message}")
        return
    channel_id = parsed.channel_id or default_channel(deps, call.channel_id)
    problem = channel_problem(call.client, channel_id)
    if problem is not None:
        _say(call, f":warning: {problem}")
        return
    assert channel_id is not None
    draft = MeetingDraft(
        title=parsed.title,
        recurrence=parsed.recurrence,
        channel_id=channel_id,
        offsets=parsed.reminder_offsets,
    )
    announcer = Announcer(deps.clock.now())
    created = meetings.create_meeting(
        deps.db, call.user_id, draft, announcer.now, reminder_defaults(deps), announcer
    )
    if isinstance(created, MeetingProblem):
        _say(call, f":warning: {created.message}")
        return
    after_schedule(deps, created, lambda text, blocks: _say(call, text, blocks), announcer)


def _channel_names(call: CommandCall) -> dict[str, str]:
    """Names of the channels we know, for a plain #name typed without autocomplete."""
    if not re.search(r"(^|\s)#[\w-]", call.args):
        return {}
    names: dict[str, str] = {}
    for channel_id in {
        call.channel_id,
        call.deps.settings.club_channel,
        call.deps.settings.mentors_channel,
    }:
        if not channel_id or channel_id[:1] not in ("C", "G"):
            continue
        try:
            info = call.client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError:
            continue
        if info.get("name"):
            names[str(info["name"])] = channel_id
    return names


# --- edit, cancel, skip, list ---------------------------------------------------------------


def _edit(call: CommandCall) -> None:
    meeting_id = _meeting_id(call, "edit")
    if meeting_id is None:
        return
    deps = call.deps
    snap = meetings.get_active_meeting(
        deps.db, meeting_id, deps.clock.now(), reminder_defaults(deps)
    )
    if isinstance(snap, MeetingProblem):
        _say(call, snap.message)
        return
    open_schedule_modal(deps, call.client, call.trigger_id, call.user_id, call.channel_id, snap)


def _cancel(call: CommandCall) -> None:
    meeting_id = _meeting_id(call, "cancel")
    if meeting_id is not None:
        text, blocks = ask_to_cancel(call.deps, meeting_id)
        _say(call, text, blocks)


def _skip(call: CommandCall) -> None:
    meeting_id = _meeting_id(call, "skip")
    if meeting_id is None:
        return
    deps = call.deps
    now = deps.clock.now()

    def say(session: Session, skipped: meetings.Skipped) -> None:
        snap, key = skipped.meeting, f"skip:{meeting_id}:{skipped.day.isoformat()}"
        about = f"the notice that *{escape_mrkdwn(snap.title)}* is skipped once"
        notice = views.skip_notice(snap, skipped.day, skipped.instant)
        enqueue_notices(session, [snap.channel_id], notice, key, now, about=about,
                        not_after=skipped.instant)  # fmt: skip
        dm = views.skip_dm(snap, skipped.day, skipped.instant)
        enqueue_notices(session, skipped.tell, dm, key, now, about=about,
                        not_after=skipped.instant)  # fmt: skip

    result = meetings.skip_next(
        deps.db, meeting_id, call.user_id, now, reminder_defaults(deps), say
    )
    if isinstance(result, MeetingProblem):
        _say(call, result.message)
        return
    send_notices_now(deps)
    redraw_announcement(deps, meeting_id)
    notice = views.skip_notice(result.meeting, result.day, result.instant)
    told = views.people(len(result.tell))
    _say(call, f"Skipped the next one; I told {told} going by DM. {notice}")


def _list(call: CommandCall) -> None:
    deps = call.deps
    text, blocks = views.meeting_list(
        meetings.list_meetings(deps.db, deps.clock.now(), reminder_defaults(deps))
    )
    _say(call, text, blocks)


# --- reminder DMs ------------------------------------------------------------------------------


def _dms(call: CommandCall) -> None:
    word = call.args.strip().lower()
    if word not in ("on", "off"):
        _say(call, "Write `/club meeting dms off` to stop reminder DMs, or `on` to get them.")
        return
    changed = reminders.set_reminder_dms(
        call.deps.db, call.user_id, word == "on", call.deps.clock.now()
    )
    state = "on" if word == "on" else "off"
    _say(call, f"Meeting reminder DMs are {state}." + ("" if changed else " (They already were.)"))


# --- holidays -------------------------------------------------------------------------------


def _holiday_day(call: CommandCall, usage: str) -> tuple[date, str] | None:
    match = _HOLIDAY.match(call.args)
    if match is not None:
        try:
            name = match.group(2).strip().strip('"“”').strip()
            return date.fromisoformat(match.group(1)), name
        except ValueError:
            pass
    _say(call, f"Write it like `/club {usage}` (the date as YYYY-MM-DD).")
    return None


def _holiday_add(call: CommandCall) -> None:
    found = _holiday_day(call, 'holiday add 2026-12-25 "Holiday"')
    if found is None:
        return
    deps = call.deps
    result = holidays.add_holiday(
        deps.db, found[0], found[1], call.user_id, deps.clock.now(), reminder_defaults(deps)
    )
    if isinstance(result, MeetingProblem):
        _say(call, result.message)
        return
    if not result.changed:
        _say(call, f"{result.day.isoformat()} is already a blackout day ({result.name}).")
        return
    for meeting_id in result.meeting_ids:
        redraw_announcement(deps, meeting_id)
    _say(
        call,
        f"No club meetings on {result.day.isoformat()} ({result.name}). "
        "Announcements show the notice.",
    )


def _holiday_remove(call: CommandCall) -> None:
    found = _holiday_day(call, "holiday remove 2026-12-25")
    if found is None:
        return
    deps = call.deps
    result = holidays.remove_holiday(deps.db, found[0], deps.clock.now(), reminder_defaults(deps))
    if isinstance(result, MeetingProblem):
        _say(call, result.message)
        return
    for meeting_id in result.meeting_ids:
        redraw_announcement(deps, meeting_id)
    _say(call, f"{result.day.isoformat()} ({result.name}) is no longer a blackout day.")


def _holiday_list(call: CommandCall) -> None:
    days = holidays.list_holidays(call.deps.db, call.deps.clock.now())
    if not days:
        _say(call, "No blackout days ahead.")
        return
    from bot.content import escape_mrkdwn

    lines = "\n".join(f"• {d.isoformat()}: {escape_mrkdwn(name)}" for d, name in days)
    _say(call, f"Blackout days ahead:\n{lines}")


# --- attendance -----------------------------------------------------------------------------


def _attendance(call: CommandCall) -> None:
    meeting_id = _meeting_id(call, "attendance")
    if meeting_id is None:
        return
    problem = open_attendance_modal(call.deps, call.client, call.trigger_id, meeting_id, None)
    if problem is not None:
        _say(call, problem)
