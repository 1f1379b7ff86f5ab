"""The meetings' modals: the schedule form (new or edit) and "who came?", opened and read."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.content import escape_mrkdwn, plural
from bot.deps import CONTEXT_KEY, Deps
from bot.meetings import attendance
from bot.meetings import planning as meetings
from bot.meetings.offsets import ParseProblem, parse_offsets
from bot.meetings.planning import MeetingDraft, MeetingProblem, MeetingSnapshot
from bot.meetings.recurrence import (
    Recurrence,
    Repeat,
    nth_of_month,
    to_utc,
    too_far_ahead,
    wall_time_problem,
    zone,
)
from handlers import payload
from handlers.meetings import views
from handlers.meetings.announcements import (
    Announcer,
    channel_problem,
    default_channel,
    delete_quietly,
    enqueue_notices,
    is_organiser,
    redraw_announcement,
    reminder_defaults,
    send_notices_now,
    tell_person,
)

log = logging.getLogger("clubbot.meetings")


_Picked = TypeVar("_Picked", date, time)  # what the schedule modal's pickers hold


def after_schedule(deps: Deps, snap: MeetingSnapshot, tell: Any, announcer: Announcer) -> None:
    announced = announcer.posted(deps)
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


def open_schedule_modal(
    deps: Deps,
    client: WebClient,
    trigger_id: str,
    user_id: str,
    origin: str,
    snap: MeetingSnapshot | None = None,
) -> None:
    defaults = views.offsets_field(reminder_defaults(deps))
    if snap is None:
        form = views.ScheduleForm(
            tz=deps.notifier.profile(user_id).tz,
            channel_id=default_channel(deps, origin),
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


def field_value(values: dict[str, Any], block_id: str) -> dict[str, Any]:
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
    title = " ".join((field_value(values, "title").get("value") or "").split())
    if not title:
        errors["title"] = "Give the meeting a title."
    elif len(title) > 150:
        errors["title"] = "Keep the title to 150 characters or fewer."
    day_raw = field_value(values, "date").get("selected_date")
    time_raw = field_value(values, "time").get("selected_time")
    day = _picked_iso(
        day_raw, date.fromisoformat, errors, "date",
        bad="Pick a date from the calendar.", missing="Pick a date.",
    )  # fmt: skip
    at = _picked_iso(
        time_raw, time.fromisoformat, errors, "time",
        bad="Pick a time such as 15:00.", missing="Pick a time.",
    )  # fmt: skip
    tz = (field_value(values, "tz").get("value") or "").strip() or "UTC"
    try:
        zone(tz)
    except ValueError:
        errors["tz"] = f"I don't know the time zone “{tz}”. Use a name such as Europe/London."
    repeat = Repeat(
        (field_value(values, "repeat").get("selected_option") or {}).get("value", "none")
    )
    channel_id = field_value(values, "channel").get("selected_conversation")
    offsets_raw = (field_value(values, "reminders").get("value") or "").strip()
    offsets: tuple[Any, ...] | None = ()
    if offsets_raw:
        parsed = parse_offsets(offsets_raw)
        if isinstance(parsed, ParseProblem):
            errors["reminders"] = parsed.message[:150]
        else:
            offsets = None if parsed == tuple(reminder_defaults(deps)) else parsed
    if errors or day is None or at is None:
        return None, errors
    start_local = datetime.combine(day, at)
    far = too_far_ahead(day, deps.clock.now().astimezone(zone(tz)).date())
    if far is not None:
        return None, {"date": far[:150]}
    odd_time = wall_time_problem(start_local, tz)
    if odd_time is not None:
        return None, {"time": odd_time[:150]}
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
        agenda=(field_value(values, "agenda").get("value") or "").strip(),
        location=(field_value(values, "location").get("value") or "").strip(),
        offsets=offsets,
    )
    return draft, {}


def _plain(mrkdwn: str) -> str:
    """Inline modal errors are plain text: drop Slack's <#C…> markup."""
    return re.sub(r"<#([A-Z0-9]+)(?:\|[^>]*)?>", "that channel", mrkdwn).replace("`", "")


def on_schedule_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps: Deps = context[CONTEXT_KEY]
    user_id = body["user"]["id"]
    if not is_organiser(deps, user_id):
        ack(
            response_action="errors",
            errors={"title": "Only organisers can schedule or change meetings."},
        )
        return
    metadata = payload.metadata(view)
    if metadata is None:
        ack(response_action="errors", errors={
            "title": "This form is out of date; close it and start again."})
        return
    meeting_id, origin = metadata.get("meeting_id"), metadata.get("origin")
    now = deps.clock.now()
    if meeting_id is not None:  # an edit: the meeting it names must still be on
        meeting_id = payload.record_id(meeting_id)
        found = (
            meetings.get_active_meeting(deps.db, meeting_id, now, reminder_defaults(deps))
            if meeting_id is not None else MeetingProblem("That meeting doesn't exist.")
        )
        if isinstance(found, MeetingProblem):
            ack(response_action="errors", errors={"title": found.message})
            return
    draft, errors = read_schedule_form(view["state"]["values"], deps, client)
    if draft is None:
        ack(response_action="errors", errors=errors)
        return
    ack()
    origin = origin if isinstance(origin, str) else None

    def tell(text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        tell_person(deps, user_id, origin or draft.channel_id, text, blocks)

    if meeting_id is None:
        announcer = Announcer(now)
        created = meetings.create_meeting(
            deps.db, user_id, draft, now, reminder_defaults(deps), announcer
        )
        if isinstance(created, MeetingProblem):
            tell(f":warning: {created.message}")
            return
        after_schedule(deps, created, tell, announcer)
        return
    before = meetings.get_meeting(deps.db, meeting_id, now, reminder_defaults(deps))
    def say(session: Session, change: meetings.Edited) -> None:
        snap = change.meeting
        # The key names the new time and place: the same move twice is one notice.
        where = hashlib.sha256(f"{snap.next_at}|{snap.location}".encode()).hexdigest()[:12]
        enqueue_notices(
            session, change.tell, views.change_dm(snap), f"change:{snap.id}:{where}", now,
            about=f"the notice that *{escape_mrkdwn(snap.title)}* moved",
            not_after=snap.next_at,
        )  # fmt: skip

    announcer = Announcer(now)
    updated = meetings.update_meeting(
        deps.db, meeting_id, draft, now, reminder_defaults(deps), say, announcer
    )
    if isinstance(updated, MeetingProblem):
        tell(f":warning: {updated.message}")
        return
    edited, updated = updated, updated.meeting
    moved = isinstance(before, MeetingSnapshot) and before.channel_id != updated.channel_id
    if moved and before.announcement_ts and before.announcement_channel:  # type: ignore[union-attr]
        delete_quietly(deps, before.announcement_channel, before.announcement_ts)  # type: ignore[union-attr]
    if announcer.keys:  # announced afresh, in the new channel
        announcer.posted(deps)
    else:
        redraw_announcement(deps, updated.id)
    text, blocks = views.confirmation(updated, verb="Updated")
    if edited.moved:
        send_notices_now(deps)
        told = len(edited.tell)
        text += f" I told {views.people(told)} going about the new time or place by DM."
        blocks[0]["text"]["text"] += f"\nI told {views.people(told)} going by DM."
    tell(text, blocks)


def open_attendance_modal(
    deps: Deps,
    client: WebClient,
    trigger_id: str,
    meeting_id: int,
    occurrence: datetime | None,
) -> str | None:
    """Open the "who came?" form; returns what to tell the organiser when it can't."""
    form = attendance.attendance_form(
        deps.db, meeting_id, deps.clock.now(), reminder_defaults(deps), occurrence
    )
    if isinstance(form, MeetingProblem):
        return form.message
    client.views_open(
        trigger_id=trigger_id,
        view=views.attendance_modal(form.meeting, form.occurrence, form.prefill),
    )
    return None


def on_attendance_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    deps: Deps = context[CONTEXT_KEY]
    user_id = body["user"]["id"]
    if not is_organiser(deps, user_id):
        ack(response_action="errors", errors={"attendees": "Only organisers can mark attendance."})
        return
    metadata = payload.metadata(view) or {}
    meeting_id = payload.record_id(metadata.get("meeting_id"))
    occurrence = payload.moment(metadata.get("occurrence"))
    people = field_value(view["state"]["values"], "attendees").get("selected_users") or []
    if meeting_id is None or occurrence is None or not all(
        isinstance(person, str) for person in people
    ):
        ack(response_action="errors", errors={
            "attendees": "This form is out of date; open it again from the meeting."})
        return
    ack()
    marked = attendance.mark_attendance(
        deps.db, meeting_id, occurrence, people, user_id, deps.clock.now()
    )
    if isinstance(marked, MeetingProblem):
        tell_person(deps, user_id, None, marked.message)
        return
    came = plural(len(marked), "person", "people")
    tell_person(deps, user_id, None, f"Thanks! Marked {came} as having come.")
