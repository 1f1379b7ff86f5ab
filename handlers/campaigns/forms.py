"""The campaign form (new or edit) and the I posted form: opened, read, submitted."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.campaigns import manage
from bot.campaigns.manage import CampaignProblem, CampaignSnap, Updated
from bot.campaigns.rules import (
    TEXT_MAX,
    Audience,
    Draft,
    close_problem,
    launch_problem,
    split_topics,
    title_problem,
)
from bot.deps import CONTEXT_KEY, Deps
from bot.quiet_hours import resolve_tz
from bot.roles.policy import Action
from handlers import payload
from handlers.campaigns import audience, views
from handlers.campaigns.posting import answer_post
from handlers.campaigns.tell import tell_person

log = logging.getLogger("clubbot.campaigns")

REFUSED = "Only organisers and campaign leads can run campaigns."
OUT_OF_DATE = "This form is out of date; close it and start again."


def open_form(
    deps: Deps, client: WebClient, trigger_id: str, user_id: str,
    snap: CampaignSnap | None = None,
) -> None:
    if snap is None:
        form = views.Form(tz=deps.notifier.profile(user_id).tz)
    else:
        zone = resolve_tz(snap.tz)
        form = views.Form(
            tz=snap.tz, campaign_id=snap.id, title=snap.title, brief=snap.brief,
            key_messages=snap.key_messages, links=snap.links, hashtags=snap.hashtags,
            disclosure=snap.disclosure,
            launch=snap.launch_at.astimezone(zone).replace(tzinfo=None),
            closes=snap.closes_at.astimezone(zone).replace(tzinfo=None),
            audience=snap.audience, step=snap.audience_step,
            topics=", ".join(snap.audience_topics),
        )
    client.views_open(trigger_id=trigger_id, view=views.campaign_modal(form))


def _field(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    found = (values.get(block_id) or {}).get(block_id)
    return dict(found) if isinstance(found, dict) else {}


def _text(values: dict[str, Any], block_id: str) -> str:
    value = _field(values, block_id).get("value")
    return value.strip()[:TEXT_MAX] if isinstance(value, str) else ""


def _moment(
    values: dict[str, Any], prefix: str, tz: str, errors: dict[str, str]
) -> datetime | None:
    """A date picker and a time picker, read as a wall time in `tz`, in UTC."""
    raw_day = _field(values, f"{prefix}_date").get("selected_date")
    raw_time = _field(values, f"{prefix}_time").get("selected_time")
    try:
        day = date.fromisoformat(raw_day) if isinstance(raw_day, str) else None
    except ValueError:
        day = None
    try:
        at = time.fromisoformat(raw_time) if isinstance(raw_time, str) else None
    except ValueError:
        at = None
    if day is None:
        errors[f"{prefix}_date"] = "Pick a date."
    if at is None:
        errors[f"{prefix}_time"] = "Pick a time."
    if day is None or at is None:
        return None
    local = datetime.combine(day, at.replace(tzinfo=None), tzinfo=resolve_tz(tz))
    return local.astimezone(UTC)


def read_form(
    values: dict[str, Any], tz: str, now: datetime, before: CampaignSnap | None
) -> tuple[Draft | None, dict[str, str]]:
    """The form as a draft, or errors keyed by block id (shown on their fields)."""
    errors: dict[str, str] = {}
    title = " ".join(_text(values, "title").split())
    problem = title_problem(title)
    if problem:
        errors["title"] = problem
    launch_at = _moment(values, "launch", tz, errors)
    closes_at = _moment(values, "close", tz, errors)
    if launch_at is not None:
        unchanged = before is not None and before.launch_at == launch_at
        problem = launch_problem(launch_at, now, unchanged=unchanged)
        if problem:
            errors["launch_time"] = problem
    if launch_at is not None and closes_at is not None and "launch_time" not in errors:
        problem = close_problem(launch_at, closes_at)
        if problem:
            errors["close_time"] = problem
    chosen = (_field(values, "audience").get("selected_option") or {}).get("value")
    try:
        kind = Audience(chosen or Audience.CHANNEL.value)
    except ValueError:
        kind = Audience.CHANNEL
        errors["audience"] = "Pick who to invite from the list."
    step = (_field(values, "step").get("selected_option") or {}).get("value")
    topics = split_topics(_text(values, "topics"))
    if kind is Audience.PATH and not step:
        errors["step"] = "Pick the path step people should have reached."
    if kind is Audience.TOPICS and not topics:
        errors["topics"] = "Name at least one topic, e.g. blogging."
    if errors or launch_at is None or closes_at is None:
        return None, errors
    return Draft(
        title=title, brief=_text(values, "brief"), key_messages=_text(values, "messages"),
        links=_text(values, "links"), hashtags=_text(values, "hashtags")[:500],
        disclosure=_text(values, "disclosure"), launch_at=launch_at, closes_at=closes_at, tz=tz,
        audience=kind, audience_step=step if isinstance(step, str) else None,
        audience_topics=topics,
    ), {}


def on_form_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps: Deps = context[CONTEXT_KEY]
    user_id = body["user"]["id"]
    if not deps.may(user_id, Action.RUN_CAMPAIGNS):
        ack(response_action="errors", errors={"title": REFUSED})
        return
    metadata = payload.metadata(view)
    if metadata is None:
        ack(response_action="errors", errors={"title": OUT_OF_DATE})
        return
    now = deps.clock.now()
    before: CampaignSnap | None = None
    raw_id = metadata.get("campaign_id")
    if raw_id is not None:  # an edit: the campaign it names must still be open
        campaign_id = payload.record_id(raw_id)
        found = (manage.editable(deps.db, campaign_id, now) if campaign_id is not None
                 else CampaignProblem(manage.NOT_FOUND))
        if isinstance(found, CampaignProblem):
            ack(response_action="errors", errors={"title": found.message})
            return
        before = found
    tz = before.tz if before else deps.notifier.profile(user_id).tz
    draft, errors = read_form((view.get("state") or {}).get("values") or {}, tz, now, before)
    if draft is None:
        ack(response_action="errors", errors=errors)
        return
    ack()
    if before is None:
        snap = manage.create(deps.db, user_id, draft, now)
        planned = audience.invite(deps, snap, skip=user_id)
        log.info("campaign created id=%s by=%s", snap.id, user_id)
        tell_person(deps, user_id, views.confirmation(snap, "Created", planned))
        return
    updated = manage.update(deps.db, before.id, draft, now)
    if isinstance(updated, CampaignProblem):
        tell_person(deps, user_id, f":warning: {updated.message}")
        return
    planned = audience.invite(deps, updated.snap, skip=user_id)
    tell_joiners_launch_moved(deps, updated)
    tell_person(deps, user_id, views.confirmation(updated.snap, "Updated", planned))


def tell_joiners_launch_moved(deps: Deps, updated: Updated) -> None:
    """Moving the launch tells everyone who joined (they asked to hear about it): the
    update wrote their DMs to the outbox; they go now rather than at the next tick."""
    if updated.moved_from is not None:
        deps.deliver()


def open_post_form(deps: Deps, client: WebClient, trigger_id: str, snap: CampaignSnap) -> None:
    client.views_open(trigger_id=trigger_id, view=views.post_modal(snap))


def on_post_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    deps: Deps = context[CONTEXT_KEY]
    user_id = body["user"]["id"]
    metadata = payload.metadata(view) or {}
    campaign_id = payload.record_id(metadata.get("campaign_id"))
    if campaign_id is None:
        ack(response_action="errors", errors={"link": OUT_OF_DATE})
        return
    values = (view.get("state") or {}).get("values") or {}
    link = _field(values, "link").get("value")
    chosen = _field(values, "named").get("selected_options")
    named = isinstance(chosen, list) and any(
        isinstance(o, dict) and o.get("value") == "yes" for o in chosen)
    message = answer_post(deps, campaign_id, user_id, link if isinstance(link, str) else "",
                          named)
    if message.inline:
        ack(response_action="errors", errors={"link": message.text})
        return
    ack()
    try:
        tell_person(deps, user_id, message.text)
    except SlackApiError as error:
        log.warning("post answer not sent user=%s error=%s", user_id, error.response.get("error"))
