"""Club meetings on Slack: `/club meeting ...`, `/club holiday ...`, RSVP buttons, modals.

Listeners ack first, read Slack's payload, call one service in bot.meetings.planning
(or rsvp, holidays, attendance, reminders) and render with handlers.meetings.views.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import CONTEXT_KEY, Deps
from bot.meetings import attendance, holidays, reminders, rsvp
from bot.meetings import planning as meetings
from bot.meetings.parsing import ParseProblem, parse_offsets, parse_schedule_text
from bot.meetings.planning import MeetingDraft, MeetingProblem, MeetingSnapshot
from bot.meetings.recurrence import Recurrence, Repeat, nth_of_month, to_utc, zone
from bot.meetings.rsvp import Answer
from bot.roles import grants as roles
from bot.roles.policy import Action, may
from handlers import ids
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.meetings import views
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.meetings")

GROUP = "Meetings"
_MEETING_ID = re.compile(r"^\s*#?(\d{1,9})\s*$")
# A button's value: "<meeting id>", or "<meeting id>:<unix time>" for one occurrence.
_BUTTON_VALUE = re.compile(r"^(\d{1,9})(?::(\d{1,12}))?$")
_Picked = TypeVar("_Picked", date, time)  # what the schedule modal's pickers hold
_HOLIDAY = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(.*)$", re.S)

# One redraw of an announcement at a time per meeting, each reading the counts after
# taking the lock: the last chat.update then always carries every committed RSVP.
_redraw_guard = threading.Lock()
_redraw_locks: dict[int, threading.Lock] = {}


def register(wire: Wiring, router: CommandRouter) -> None:
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
        wire.action(action_id)(_button(_rsvp_handler(given)))
    wire.action(ids.MEETING_CALENDAR)(_button(_on_calendar))
    wire.action(ids.MEETING_EDIT)(_button(_on_edit_button, organisers_only=True))
    wire.action(ids.MEETING_CANCEL)(_button(_on_cancel_button, organisers_only=True))
    wire.action(ids.MEETING_DMS_OFF)(_button(_on_dms_off, meeting=False))
    wire.action(ids.MEETING_MARK_ATTENDANCE)(
        _button(_on_mark_attendance, organisers_only=True)
    )
    wire.view(ids.MEETING_SCHEDULE_VIEW)(_on_schedule_submit)
    wire.view(ids.MEETING_ATTENDANCE_VIEW)(_on_attendance_submit)


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


def _is_organiser(deps: Deps, user_id: str) -> bool:
    return may(roles.roles_for(deps.db, user_id), Action.MANAGE_MEETINGS)


REFUSED = ":no_entry: Only organisers can change meetings."


@dataclass(frozen=True)
class Press:
    """A press of one of the meetings' buttons, wherever it was: a channel message, an
    ephemeral message, a DM, the App Home or a modal."""

    deps: Deps
    client: WebClient
    body: dict[str, Any]
    action: dict[str, Any]
    respond: Respond

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
        match = _BUTTON_VALUE.match(str(self.action.get("value") or ""))
        return int(match.group(1)) if match else None

    @property
    def occurrence(self) -> datetime | None:
        """The occurrence a button is about ("<meeting id>:<unix time>"), if it says."""
        match = _BUTTON_VALUE.match(str(self.action.get("value") or ""))
        if match is None or match.group(2) is None:
            return None
        return datetime.fromtimestamp(int(match.group(2)), UTC)

    def answer(self, text: str, *, replace_original: bool = False, in_view: bool = True) -> None:
        """An ephemeral answer under the message pressed; from a view (no response_url)
        a DM the person asked for, or nothing when `in_view` is False because the view
        (the App Home) is redrawn anyway."""
        if self.in_message:
            self.respond(text=text, response_type="ephemeral", replace_original=replace_original)
        elif in_view:
            try:
                _tell(self.deps, self.user_id, self.channel_id or None, text)
            except SlackApiError as error:
                log.warning(
                    "button answer not sent user=%s error=%s",
                    self.user_id,
                    error.response.get("error"),
                )


PressHandler = Callable[[Press], None]


def _button(handler: PressHandler, *, meeting: bool = True, organisers_only: bool = False) -> Any:
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
        if organisers_only and not _is_organiser(press.deps, press.user_id):
            press.answer(REFUSED)
            return
        handler(press)

    listener.__name__ = f"on_{handler.__name__.lstrip('_')}"
    return listener


def _defaults(deps: Deps) -> tuple[Any, ...]:
    return deps.settings.reminder_offsets


def _default_channel(deps: Deps, origin: str) -> str | None:
    if deps.settings.club_channel:
        return deps.settings.club_channel
    return origin if origin[:1] in ("C", "G") else None


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
        snap = rsvp.current_snapshot(deps.db, meeting_id, deps.clock.now(), _defaults(deps))
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


def _tell(
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


# --- scheduling ---------------------------------------------------------------------------


def _schedule(call: CommandCall) -> None:
    deps = call.deps
    if not call.args.strip():
        _open_schedule_modal(deps, call.client, call.trigger_id, call.user_id, call.channel_id)
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
    channel_id = parsed.channel_id or _default_channel(deps, call.channel_id)
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
    created = meetings.create_meeting(
        deps.db, call.user_id, draft, deps.clock.now(), _defaults(deps)
    )
    if isinstance(created, MeetingProblem):
        _say(call, f":warning: {created.message}")
        return
    _after_schedule(deps, created, lambda text, blocks: _say(call, text, blocks))


def _after_schedule(deps: Deps, snap: MeetingSnapshot, tell: Any) -> None:
    announced = announce(deps, snap)
    text, blocks = views.confirmation(snap)
    if not announced:
        text += " I couldn't post the announcement in the channel; try `/club meeting edit`."
    log.info(
        "meeting scheduled id=%s organiser=%s channel=%s",
        snap.id,
        snap.organiser_id,
        snap.channel_id,
    )
    tell(text, blocks)


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


def _open_schedule_modal(
    deps: Deps,
    client: WebClient,
    trigger_id: str,
    user_id: str,
    origin: str,
    snap: MeetingSnapshot | None = None,
) -> None:
    defaults = views.offsets_field(_defaults(deps))
    if snap is None:
        form = views.ScheduleForm(
            tz=deps.notifier.profile(user_id).tz,
            channel_id=_default_channel(deps, origin),
            origin_channel=origin,
        )
    else:
        rule = snap.recurrence
        form = views.ScheduleForm(
            tz=rule.tz,
            channel_id=snap.channel_id,
            meeting_id=snap.id,
            title=snap.title,
            day=rule.start_local.date(),
            at=f"{rule.start_local:%H:%M}",
            repeat=rule.repeat,
            agenda=snap.agenda,
            location=snap.location,
            offsets=views.offsets_field(snap.offsets) if snap.custom_offsets else defaults,
            origin_channel=origin,
        )
    client.views_open(trigger_id=trigger_id, view=views.schedule_modal(form, defaults))


def _value(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    return dict((values.get(block_id) or {}).get(block_id) or {})


def _picked_iso(
    raw: str | None,
    parse: Callable[[str], _Picked],
    errors: dict[str, str],
    block_id: str,
    *,
    bad: str,
    missing: str,
) -> _Picked | None:
    """A date or time picker's ISO value, or None with the reason noted in ``errors``."""
    try:
        value = parse(raw) if raw else None
    except ValueError:
        errors[block_id] = bad
        return None
    if value is None:
        errors[block_id] = missing
    return value


def read_schedule_form(
    values: dict[str, Any], deps: Deps, client: WebClient
) -> tuple[MeetingDraft | None, dict[str, str]]:
    """The modal's fields as a draft, or errors keyed by block_id (shown inline)."""
    errors: dict[str, str] = {}
    title = " ".join((_value(values, "title").get("value") or "").split())
    if not title:
        errors["title"] = "Give the meeting a title."
    elif len(title) > 150:
        errors["title"] = "Keep the title to 150 characters or fewer."
    day_raw = _value(values, "date").get("selected_date")
    time_raw = _value(values, "time").get("selected_time")
    day = _picked_iso(
        day_raw, date.fromisoformat, errors, "date",
        bad="Pick a date from the calendar.", missing="Pick a date.",
    )  # fmt: skip
    at = _picked_iso(
        time_raw, time.fromisoformat, errors, "time",
        bad="Pick a time such as 15:00.", missing="Pick a time.",
    )  # fmt: skip
    tz = (_value(values, "tz").get("value") or "").strip() or "UTC"
    try:
        zone(tz)
    except ValueError:
        errors["tz"] = f"I don't know the time zone “{tz}”. Use a name such as Europe/London."
    repeat = Repeat((_value(values, "repeat").get("selected_option") or {}).get("value", "none"))
    channel_id = _value(values, "channel").get("selected_conversation")
    offsets_raw = (_value(values, "reminders").get("value") or "").strip()
    offsets: tuple[Any, ...] | None = ()
    if offsets_raw:
        parsed = parse_offsets(offsets_raw)
        if isinstance(parsed, ParseProblem):
            errors["reminders"] = parsed.message[:150]
        else:
            offsets = None if parsed == tuple(_defaults(deps)) else parsed
    if errors or day is None or at is None:
        return None, errors
    start_local = datetime.combine(day, at)
    nth = nth_of_month(day) if repeat is Repeat.MONTHLY else None
    rule = Recurrence(repeat, tz, start_local, -1 if nth == 5 else nth)
    if to_utc(start_local, tz) <= deps.clock.now():
        return None, {"time": "That time has already passed. Pick one in the future."}
    problem = channel_problem(client, channel_id)
    if problem is not None:
        return None, {"channel": _plain(problem)}
    assert channel_id is not None
    draft = MeetingDraft(
        title=title,
        recurrence=rule,
        channel_id=channel_id,
        agenda=(_value(values, "agenda").get("value") or "").strip(),
        location=(_value(values, "location").get("value") or "").strip(),
        offsets=offsets,
    )
    return draft, {}


def _plain(mrkdwn: str) -> str:
    """Inline modal errors are plain text: drop Slack's <#C…> markup."""
    return re.sub(r"<#([A-Z0-9]+)(?:\|[^>]*)?>", "that channel", mrkdwn).replace("`", "")


def _on_schedule_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps: Deps = context[CONTEXT_KEY]
    user_id = body["user"]["id"]
    if not _is_organiser(deps, user_id):
        ack(
            response_action="errors",
            errors={"title": "Only organisers can schedule or change meetings."},
        )
        return
    draft, errors = read_schedule_form(view["state"]["values"], deps, client)
    if draft is None:
        ack(response_action="errors", errors=errors)
        return
    ack()
    metadata = json.loads(view.get("private_metadata") or "{}")
    meeting_id, origin = metadata.get("meeting_id"), metadata.get("origin")
    now = deps.clock.now()

    def tell(text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        _tell(deps, user_id, origin or draft.channel_id, text, blocks)

    if meeting_id is None:
        created = meetings.create_meeting(deps.db, user_id, draft, now, _defaults(deps))
        if isinstance(created, MeetingProblem):
            tell(f":warning: {created.message}")
            return
        _after_schedule(deps, created, tell)
        return
    before = meetings.get_meeting(deps.db, int(meeting_id), now, _defaults(deps))
    updated = meetings.update_meeting(deps.db, int(meeting_id), draft, now, _defaults(deps))
    if isinstance(updated, MeetingProblem):
        tell(f":warning: {updated.message}")
        return
    moved = isinstance(before, MeetingSnapshot) and before.channel_id != updated.channel_id
    if moved or not updated.announcement_ts:
        if moved and before.announcement_ts and before.announcement_channel:  # type: ignore[union-attr]
            _delete_quietly(deps, before.announcement_channel, before.announcement_ts)  # type: ignore[union-attr]
        announce(deps, updated)
    else:
        redraw_announcement(deps, updated.id)
    text, blocks = views.confirmation(updated, verb="Updated")
    tell(text, blocks)


def _delete_quietly(deps: Deps, channel: str, ts: str) -> None:
    try:
        deps.client.chat_delete(channel=channel, ts=ts)
    except SlackApiError as error:
        log.info("old announcement not deleted error=%s", error.response.get("error"))


# --- edit, cancel, skip, list ---------------------------------------------------------------


def _edit(call: CommandCall) -> None:
    meeting_id = _meeting_id(call, "edit")
    if meeting_id is None:
        return
    deps = call.deps
    snap = meetings.get_active_meeting(deps.db, meeting_id, deps.clock.now(), _defaults(deps))
    if isinstance(snap, MeetingProblem):
        _say(call, snap.message)
        return
    _open_schedule_modal(deps, call.client, call.trigger_id, call.user_id, call.channel_id, snap)


def _on_edit_button(press: Press) -> None:
    deps = press.deps
    assert press.meeting_id is not None
    snap = meetings.get_active_meeting(deps.db, press.meeting_id, deps.clock.now(), _defaults(deps))
    if isinstance(snap, MeetingProblem):
        press.answer(snap.message)
        return
    trigger_id = press.body["trigger_id"]
    _open_schedule_modal(deps, press.client, trigger_id, press.user_id, press.channel_id, snap)


def cancel(deps: Deps, meeting_id: int) -> str:
    """Cancel, tell the channel and everyone going; returns what to tell the organiser."""
    result = meetings.cancel_meeting(deps.db, meeting_id, deps.clock.now(), _defaults(deps))
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
    for user_id in result.going:
        try:
            deps.notifier.dm(user_id, views.cancel_dm(snap))
        except SlackApiError as error:
            log.warning("cancel DM failed user=%s error=%s", user_id, error.response.get("error"))
    log.info("meeting cancelled id=%s told=%d", meeting_id, len(result.going))
    return (
        f"Cancelled “{snap.title}” (meeting {meeting_id}). I told <#{snap.channel_id}> "
        f"and the {len(result.going)} people going; no more reminders will go out."
    )


def _cancel(call: CommandCall) -> None:
    meeting_id = _meeting_id(call, "cancel")
    if meeting_id is not None:
        _say(call, cancel(call.deps, meeting_id))


def _on_cancel_button(press: Press) -> None:
    assert press.meeting_id is not None
    press.answer(cancel(press.deps, press.meeting_id), replace_original=True)


def _skip(call: CommandCall) -> None:
    meeting_id = _meeting_id(call, "skip")
    if meeting_id is None:
        return
    deps = call.deps
    result = meetings.skip_next(
        deps.db, meeting_id, call.user_id, deps.clock.now(), _defaults(deps)
    )
    if isinstance(result, MeetingProblem):
        _say(call, result.message)
        return
    redraw_announcement(deps, meeting_id)
    notice = views.skip_notice(result.meeting, result.day, result.instant)
    try:
        deps.client.chat_postMessage(channel=result.meeting.channel_id, text=notice)
    except SlackApiError as error:
        log.warning(
            "skip notice not posted meeting=%s error=%s", meeting_id, error.response.get("error")
        )
    _say(call, f"Skipped the next one. {notice}")


def _list(call: CommandCall) -> None:
    deps = call.deps
    text, blocks = views.meeting_list(
        meetings.list_meetings(deps.db, deps.clock.now(), _defaults(deps))
    )
    _say(call, text, blocks)


# --- RSVP, calendar, DMs ----------------------------------------------------------------------


_SAID = {Answer.GOING: "you're going", Answer.MAYBE: "maybe", Answer.NO: "you can't make it"}


def _rsvp_handler(given: Answer) -> PressHandler:
    def rsvp_pressed(press: Press) -> None:
        deps = press.deps
        assert press.meeting_id is not None
        result = rsvp.answer(
            deps.db, press.meeting_id, press.user_id, given, deps.clock.now(), _defaults(deps)
        )
        if isinstance(result, MeetingProblem):
            press.answer(result.message)
            return
        redraw_announcement(deps, press.meeting_id)
        extra = (
            " I'll DM you shortly before it starts (`/club meeting dms off` to stop that)."
            if given is Answer.GOING
            else ""
        )
        # From the App Home the redrawn Home is the answer.
        press.answer(f"Got it for “{result.title}”: {_SAID[given]}.{extra}", in_view=False)

    rsvp_pressed.__name__ = f"rsvp_{given.value}"
    return rsvp_pressed


def _on_calendar(press: Press) -> None:
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


def _on_dms_off(press: Press) -> None:
    deps = press.deps
    reminders.set_reminder_dms(deps.db, press.user_id, False, deps.clock.now())
    press.answer(
        "OK, no more meeting reminder DMs. Turn them back on with `/club meeting dms on`."
    )


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
        deps.db, found[0], found[1], call.user_id, deps.clock.now(), _defaults(deps)
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
    result = holidays.remove_holiday(deps.db, found[0], deps.clock.now(), _defaults(deps))
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
    problem = _open_attendance_modal(call.deps, call.client, call.trigger_id, meeting_id, None)
    if problem is not None:
        _say(call, problem)


def _on_mark_attendance(press: Press) -> None:
    assert press.meeting_id is not None
    problem = _open_attendance_modal(
        press.deps, press.client, press.body["trigger_id"], press.meeting_id, press.occurrence
    )
    if problem is not None:
        press.answer(problem)


def _open_attendance_modal(
    deps: Deps,
    client: WebClient,
    trigger_id: str,
    meeting_id: int,
    occurrence: datetime | None,
) -> str | None:
    """Open the "who came?" form; returns what to tell the organiser when it can't."""
    form = attendance.attendance_form(
        deps.db, meeting_id, deps.clock.now(), _defaults(deps), occurrence
    )
    if isinstance(form, MeetingProblem):
        return form.message
    client.views_open(
        trigger_id=trigger_id,
        view=views.attendance_modal(form.meeting, form.occurrence, form.prefill),
    )
    return None


def _on_attendance_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    deps: Deps = context[CONTEXT_KEY]
    user_id = body["user"]["id"]
    if not _is_organiser(deps, user_id):
        ack(response_action="errors", errors={"attendees": "Only organisers can mark attendance."})
        return
    ack()
    metadata = json.loads(view.get("private_metadata") or "{}")
    people = _value(view["state"]["values"], "attendees").get("selected_users") or []
    meeting_id = int(metadata["meeting_id"])
    occurrence = datetime.fromisoformat(metadata["occurrence"])
    marked = attendance.mark_attendance(
        deps.db, meeting_id, occurrence, people, user_id, deps.clock.now()
    )
    if isinstance(marked, MeetingProblem):
        _tell(deps, user_id, None, marked.message)
        return
    _tell(deps, user_id, None, f"Thanks! Marked {len(marked)} people as having come.")
