"""Block Kit for club meetings: announcement, confirmation, reminders, modals. Pure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.content import escape_mrkdwn
from bot.meetings.offsets import format_offset, format_offsets
from bot.meetings.planning import MeetingSnapshot
from bot.meetings.recurrence import Repeat, describe, format_long_date, wall_time_notes
from bot.meetings.timing import slack_date_token
from handlers import blocks as kit
from handlers import ids

Block = dict[str, Any]
SECTION_MAX = 3000
GOING_SHOWN = 40  # names listed in the announcement; the count covers everyone
CLOCK_NOTES_AHEAD = timedelta(days=366)  # clock changes shown in the confirmation

REPEAT_LABELS = {
    Repeat.NONE: "Does not repeat",
    Repeat.WEEKLY: "Every week",
    Repeat.BIWEEKLY: "Every two weeks",
    Repeat.MONTHLY: "Monthly (same weekday, e.g. first Tuesday)",
}





def _title(snap: MeetingSnapshot) -> str:
    return escape_mrkdwn(snap.title)


def when_text(snap: MeetingSnapshot) -> str:
    rule = escape_mrkdwn(describe(snap.recurrence))
    if snap.next_at is None:
        return rule
    return f"{slack_date_token(snap.next_at, snap.recurrence.tz)} ({rule})"


def _notices(snap: MeetingSnapshot) -> list[str]:
    return [
        f":no_entry_sign: No meeting on {format_long_date(n.day)}: {escape_mrkdwn(n.reason)}"
        for n in snap.notices
    ]


def _people(user_ids: list[str]) -> str:
    shown = ", ".join(f"<@{u}>" for u in user_ids[:GOING_SHOWN])
    more = len(user_ids) - GOING_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def occurrence_value(meeting_id: int, occurrence: datetime | None) -> str:
    """A button's value naming one occurrence ("<id>:<unix time>"), or the meeting."""
    if occurrence is None:
        return str(meeting_id)
    return f"{meeting_id}:{int(occurrence.timestamp())}"


ALL_FUTURE_OPTIONS = (("going", "Going to all"), ("maybe", "Maybe to all"), ("no", "Can't, any"))


def all_future_select(meeting_id: int) -> Block:
    """The explicit "all future ones" choice: one answer for every occurrence to come."""
    return {
        "type": "static_select",
        "action_id": ids.MEETING_RSVP_ALL,
        "placeholder": {"type": "plain_text", "text": "All future ones…"},
        "options": [
            _option(label, f"{meeting_id}:{answer}") for answer, label in ALL_FUTURE_OPTIONS
        ],
    }


def announcement(snap: MeetingSnapshot) -> tuple[str, list[Block]]:
    """The message in the meeting's channel; redrawn in place as RSVPs come in."""
    head = f":calendar: *{_title(snap)}*  (meeting {snap.id})"
    if not snap.active:
        text = f"Cancelled: {_title(snap)}"
        return text, [kit.section(f"~{head}~\n:x: This meeting was cancelled.")]
    lines = [head, f"*When:* {when_text(snap)}"]
    if snap.location:
        lines.append(f"*Where:* {escape_mrkdwn(snap.location)}")
    if snap.agenda:
        lines.append(f"*Agenda:* {escape_mrkdwn(snap.agenda)}")
    blocks: list[Block] = [kit.section("\n".join(lines))]
    notices = _notices(snap)
    if notices:
        blocks.append(kit.section("\n".join(notices)))
    going, maybe, cant = (snap.counts.get(k, 0) for k in ("going", "maybe", "no"))
    tally = f"*{going}* going · *{maybe}* maybe · *{cant}* can't"
    if snap.recurrence.is_recurring and snap.next_at is not None:
        # Answers are per occurrence: say which one the counts and buttons are for.
        tally = f"For {slack_date_token(snap.next_at, snap.recurrence.tz)}: {tally}"
    if snap.going:
        tally += f"\nGoing: {_people(snap.going)}"
    blocks.append(kit.section(tally))
    value = occurrence_value(snap.id, snap.next_at)
    elements = [
        kit.button("Going", ids.MEETING_GOING, value, "primary"),
        kit.button("Maybe", ids.MEETING_MAYBE, value),
        kit.button("Can't", ids.MEETING_CANT, value),
    ]
    if snap.recurrence.is_recurring:
        elements.append(all_future_select(snap.id))
    elements.append(kit.button("Add to calendar", ids.MEETING_CALENDAR, str(snap.id)))
    blocks.append({"type": "actions", "block_id": f"meeting_rsvp_{snap.id}", "elements": elements})
    organiser = f"<@{snap.organiser_id}>" if snap.organiser_id else "the club's organisers"
    blocks.append(kit.context(f"Organised by {organiser} · {going} going"))
    return f"{_title(snap)}: {going} going, {maybe} maybe", blocks


def confirmation(snap: MeetingSnapshot, verb: str = "Scheduled") -> tuple[str, list[Block]]:
    """What was understood, for the organiser only, with Edit and Cancel."""
    reminders = format_offsets(snap.offsets) if snap.offsets else "none"
    lines = [
        f":white_check_mark: {verb} *{_title(snap)}* (meeting {snap.id})",
        f"*When:* {when_text(snap)}",
        f"*Channel:* <#{snap.channel_id}>",
        f"*Reminders:* {reminders} before" + ("" if snap.custom_offsets else " (club default)"),
    ]
    lines += _notices(snap)
    if snap.next_at is not None and snap.recurrence.is_recurring:
        # Clock changes never move an occurrence silently: the organiser sees which.
        ahead = wall_time_notes(
            snap.recurrence, snap.next_at - timedelta(seconds=1), snap.next_at + CLOCK_NOTES_AHEAD
        )
        lines += [f":clock1: {note}" for note in ahead]
    value = str(snap.id)
    blocks = [
        kit.section("\n".join(lines)),
        {
            "type": "actions",
            "elements": [
                kit.button("Edit", ids.MEETING_EDIT, value),
                kit.button("Cancel meeting", ids.MEETING_CANCEL, value, "danger"),
            ],
        },
    ]
    return f"{verb} {_title(snap)} (meeting {snap.id})", blocks


def meeting_list(snaps: list[MeetingSnapshot]) -> tuple[str, list[Block]]:
    if not snaps:
        return "No meetings are scheduled.", [kit.section("No meetings are scheduled yet.")]
    lines = [
        f"`{s.id}` *{_title(s)}*: {when_text(s)} in <#{s.channel_id}> · "
        f"{s.counts.get('going', 0)} going"
        for s in snaps
    ]
    blocks = [kit.section("*Upcoming club meetings*")]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > SECTION_MAX - 10 or len(chunk) == 20:
            blocks.append(kit.section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(kit.section("\n".join(chunk)))
    return f"{len(snaps)} upcoming meetings", blocks[:50]


def reminder_post(
    snap: MeetingSnapshot, occurrence: datetime, offset: timedelta
) -> tuple[str, list[Block]]:
    token = slack_date_token(occurrence, snap.recurrence.tz)
    lines = [
        f":alarm_clock: *{_title(snap)}* starts {token} (in {format_offset(offset)}).",
    ]
    if snap.location:
        lines.append(f"*Where:* {escape_mrkdwn(snap.location)}")
    if snap.agenda:
        lines.append(f"*Agenda:* {escape_mrkdwn(snap.agenda)}")
    going = snap.counts.get("going", 0)
    lines.append(f"{going} going so far. Answer on the announcement, or press Going below.")
    value = occurrence_value(snap.id, occurrence)
    blocks = [
        kit.section("\n".join(lines)),
        {
            "type": "actions",
            "elements": [
                kit.button("Going", ids.MEETING_GOING, value, "primary"),
                kit.button("Add to calendar", ids.MEETING_CALENDAR, str(snap.id)),
            ],
        },
    ]
    return f"Reminder: {_title(snap)} starts in {format_offset(offset)}", blocks


def reminder_dm(snap: MeetingSnapshot, occurrence: datetime) -> tuple[str, list[Block]]:
    token = slack_date_token(occurrence, snap.recurrence.tz)
    where = f"\n*Where:* {escape_mrkdwn(snap.location)}" if snap.location else ""
    text = (
        f":wave: You said you're going to *{_title(snap)}* in <#{snap.channel_id}>: "
        f"it starts {token}.{where}"
    )
    blocks = [
        kit.section(text),
        {
            "type": "actions",
            "elements": [kit.button("Stop these reminder DMs", ids.MEETING_DMS_OFF, "off")],
        },
    ]
    return f"{_title(snap)} starts soon", blocks


def people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def cancel_question(snap: MeetingSnapshot, going: int) -> tuple[str, list[Block]]:
    """Cancelling cannot be undone: the organiser confirms it first."""
    text = (
        f":warning: Cancel *{_title(snap)}* (meeting {snap.id}), {when_text(snap)}, "
        f"for good? <#{snap.channel_id}> and the {people(going)} going will be told, and no "
        "more reminders go out. To leave out only the next one, use "
        f"`/club meeting skip {snap.id}`. If you'd rather keep it, ignore this message."
    )
    blocks = [
        kit.section(text),
        {
            "type": "actions",
            "elements": [
                kit.button("Yes, cancel it", ids.MEETING_CANCEL_CONFIRM, str(snap.id), "danger")
            ],
        },
    ]
    return f"Cancel {_title(snap)}?", blocks


def change_dm(snap: MeetingSnapshot) -> str:
    """To each person going when an organiser moves the meeting's time or place."""
    when = when_text(snap)
    where = f"\n*Where:* {escape_mrkdwn(snap.location)}" if snap.location else ""
    return (
        f":arrows_counterclockwise: *{_title(snap)}* in <#{snap.channel_id}>, which you said "
        f"you'd go to, has changed.\n*When:* {when}{where}\nYou're still down as going; "
        "answer on the announcement if that no longer works."
    )


def skip_dm(snap: MeetingSnapshot, day: date, instant: datetime) -> str:
    nxt = (
        f" The next one is {slack_date_token(snap.next_at, snap.recurrence.tz)}."
        if snap.next_at
        else ""
    )
    return (
        f":no_entry_sign: *{_title(snap)}* in <#{snap.channel_id}> won't happen on "
        f"{format_long_date(day)} ({slack_date_token(instant, snap.recurrence.tz)}), which "
        f"you said you'd go to.{nxt}"
    )


def cancel_notice(snap: MeetingSnapshot) -> str:
    return (
        f":x: *{_title(snap)}* (meeting {snap.id}) is cancelled; there will be no more "
        "reminders for it."
    )


def cancel_dm(snap: MeetingSnapshot) -> str:
    return (
        f"Heads up: *{_title(snap)}* in <#{snap.channel_id}>, which you said you'd go to, "
        "has been cancelled."
    )


def skip_notice(snap: MeetingSnapshot, day: date, instant: datetime) -> str:
    return (
        f":no_entry_sign: *{_title(snap)}* won't happen on {format_long_date(day)} "
        f"({slack_date_token(instant, snap.recurrence.tz)}). "
        + (
            f"Next one: {slack_date_token(snap.next_at, snap.recurrence.tz)}."
            if snap.next_at
            else ""
        )
    )


# --- modals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleForm:
    """Initial values of the schedule / edit modal."""

    tz: str
    channel_id: str | None
    meeting_id: int | None = None
    title: str = ""
    day: date | None = None
    at: str | None = None  # "HH:MM"
    repeat: Repeat = Repeat.NONE
    agenda: str = ""
    location: str = ""
    offsets: str = ""
    origin_channel: str | None = None


def _input(
    block_id: str, label: str, element: Block, optional: bool = False, hint: str | None = None
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {**element, "action_id": block_id},
        "optional": optional,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _text_input(initial: str, multiline: bool = False, max_length: int | None = None) -> Block:
    element: Block = {"type": "plain_text_input", "multiline": multiline}
    if initial:
        element["initial_value"] = initial
    if max_length:
        element["max_length"] = max_length
    return element


def _option(text: str, value: str) -> Block:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def schedule_modal(form: ScheduleForm, default_offsets: str) -> Block:
    date_el: Block = {"type": "datepicker"}
    if form.day:
        date_el["initial_date"] = form.day.isoformat()
    time_el: Block = {"type": "timepicker"}
    if form.at:
        time_el["initial_time"] = form.at
    options = [_option(label, repeat.value) for repeat, label in REPEAT_LABELS.items()]
    repeat_el: Block = {
        "type": "static_select",
        "options": options,
        "initial_option": _option(REPEAT_LABELS[form.repeat], form.repeat.value),
    }
    channel_el: Block = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if form.channel_id:
        channel_el["initial_conversation"] = form.channel_id
    editing = form.meeting_id is not None
    metadata = json.dumps({"meeting_id": form.meeting_id, "origin": form.origin_channel})
    return {
        "type": "modal",
        "callback_id": ids.MEETING_SCHEDULE_VIEW,
        "private_metadata": metadata,
        "title": {
            "type": "plain_text",
            "text": "Edit meeting" if editing else "Schedule a meeting",
        },
        "submit": {"type": "plain_text", "text": "Save" if editing else "Schedule"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _input("title", "Title", _text_input(form.title, max_length=150)),
            _input("date", "Date", date_el),
            _input("time", "Time", time_el),
            _input(
                "tz",
                "Time zone",
                _text_input(form.tz, max_length=64),
                hint="An IANA name such as Europe/London; defaults to yours.",
            ),
            _input(
                "repeat",
                "Repeat",
                repeat_el,
                hint="Monthly repeats on the same weekday of the month as the date.",
            ),
            _input("channel", "Channel", channel_el),
            _input(
                "agenda",
                "Agenda",
                _text_input(form.agenda, multiline=True, max_length=1500),
                optional=True,
            ),
            _input(
                "location",
                "Link or place",
                _text_input(form.location, max_length=500),
                optional=True,
            ),
            _input(
                "reminders",
                "Reminders before",
                _text_input(form.offsets or default_offsets, max_length=100),
                optional=True,
                hint="e.g. 24h,1h. Leave empty for none.",
            ),
        ],
    }


def attendance_modal(snap: MeetingSnapshot, occurrence: datetime, prefill: list[str]) -> Block:
    element: Block = {"type": "multi_users_select"}
    if prefill:
        element["initial_users"] = prefill[:100]
    metadata = json.dumps({"meeting_id": snap.id, "occurrence": occurrence.isoformat()})
    when = slack_date_token(occurrence, snap.recurrence.tz)
    return {
        "type": "modal",
        "callback_id": ids.MEETING_ATTENDANCE_VIEW,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "Who came?"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            kit.section(f"*{_title(snap)}*, {when}. Prefilled from who said Going."),
            _input("attendees", "People who came", element, optional=True),
        ],
    }


def attendance_prompt(
    snap: MeetingSnapshot, occurrence: datetime, going: int
) -> tuple[str, list[Block]]:
    """The organiser's DM after a meeting ends: one press opens the prefilled form."""
    when = slack_date_token(occurrence, snap.recurrence.tz)
    text = (
        f":clipboard: *{_title(snap)}* in <#{snap.channel_id}> ({when}) is over. "
        f"Who came? {going} said they were going; marking who came counts on their path."
    )
    value = f"{snap.id}:{int(occurrence.timestamp())}"
    blocks = [
        kit.section(text),
        {
            "type": "actions",
            "elements": [
                kit.button("Mark who came", ids.MEETING_MARK_ATTENDANCE, value, "primary")
            ],
        },
    ]
    return f"Who came to {_title(snap)}?", blocks


def offsets_field(offsets: tuple[timedelta, ...]) -> str:
    """Offsets as the modal's text field shows them: 24h,1h."""
    parts = []
    for offset in offsets:
        minutes = int(offset.total_seconds() // 60)
        if minutes % 1440 == 0:
            parts.append(f"{minutes // 1440}d")
        elif minutes % 60 == 0:
            parts.append(f"{minutes // 60}h")
        else:
            parts.append(f"{minutes}m")
    return ",".join(parts)
