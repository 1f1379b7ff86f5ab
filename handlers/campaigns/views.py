"""Block Kit for launch campaigns: the form, invitations, the go-live DM, the link
form, the list, the status and the cancel question. Pure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.campaigns.manage import CampaignSnap, Figures, Listed
from bot.campaigns.rules import Audience, key_message_lines
from bot.content import campaigns as say
from bot.content import escape_mrkdwn, plural
from bot.content.path import PATH_STEPS
from handlers import blocks as kit
from handlers import ids

Block = dict[str, Any]
SECTION_MAX = 3000
LISTED_MAX = 10  # campaigns in one list message (each takes three blocks)

AUDIENCE_LABELS = {
    Audience.CHANNEL: "Everyone in the club channel",
    Audience.PATH: "Members at or past a path step",
    Audience.MENTORS: "Mentors (the social core)",
    Audience.TOPICS: "People with given topics",
}





def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text}


# ------------------------------------------------------------------ the form


@dataclass(frozen=True)
class Form:
    tz: str
    campaign_id: int | None = None
    title: str = ""
    brief: str = ""
    key_messages: str = ""
    links: str = ""
    hashtags: str = ""
    disclosure: str = say.DISCLOSURE_DEFAULT
    launch: datetime | None = None  # local wall time in `tz`
    closes: datetime | None = None
    audience: Audience = Audience.CHANNEL
    step: str | None = None
    topics: str = ""


def _text_input(block_id: str, label: str, initial: str, *, multiline: bool = False,
                optional: bool = False, max_length: int = 2500, hint: str = "") -> Block:
    element: Block = {"type": "plain_text_input", "action_id": block_id,
                      "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial
    block: Block = {"type": "input", "block_id": block_id, "label": _plain(label),
                    "element": element, "optional": optional}
    if hint:
        block["hint"] = _plain(hint)
    return block


def _picker(kind: str, block_id: str, label: str, initial: str | None) -> Block:
    element: Block = {"type": kind, "action_id": block_id}
    if initial:
        element["initial_date" if kind == "datepicker" else "initial_time"] = initial
    return {"type": "input", "block_id": block_id, "label": _plain(label), "element": element}


def _option(text: str, value: str) -> Block:
    return {"text": _plain(text[:75]), "value": value}


def campaign_modal(form: Form) -> Block:
    audience_options = [_option(label, kind.value) for kind, label in AUDIENCE_LABELS.items()]
    step_options = [_option(f"{s.number}. {s.title}", s.key) for s in PATH_STEPS]
    step_select: Block = {"type": "static_select", "action_id": "step", "options": step_options,
                          "placeholder": _plain("Pick a step")}
    if form.step:
        step_select["initial_option"] = next(o for o in step_options if o["value"] == form.step)
    blocks: list[Block] = [
        kit.context(f"Times are in *{escape_mrkdwn(form.tz)}*. Invitations go out within each "
                    "person's working hours; those who join hear from me when the embargo lifts."),
        _text_input("title", "Title", form.title, max_length=150),
        _text_input("brief", "What is launching", form.brief, multiline=True, optional=True,
                    hint="A short brief; Slack formatting (*bold*, links) works."),
        _text_input("messages", "Key messages", form.key_messages, multiline=True,
                    optional=True, hint="One per line."),
        _text_input("links", "Links to share", form.links, multiline=True, optional=True),
        _text_input("hashtags", "Hashtags", form.hashtags, optional=True, max_length=500),
        _text_input("disclosure", "Disclosure reminder", form.disclosure, multiline=True,
                    optional=True),
        _picker("datepicker", "launch_date", "Launch (embargo lifts): date",
                f"{form.launch:%Y-%m-%d}" if form.launch else None),
        _picker("timepicker", "launch_time", "Launch: time",
                f"{form.launch:%H:%M}" if form.launch else None),
        _picker("datepicker", "close_date", "Closes: date",
                f"{form.closes:%Y-%m-%d}" if form.closes else None),
        _picker("timepicker", "close_time", "Closes: time",
                f"{form.closes:%H:%M}" if form.closes else None),
        {"type": "input", "block_id": "audience", "label": _plain("Who to invite"),
         "element": {"type": "static_select", "action_id": "audience",
                     "options": audience_options,
                     "initial_option": next(o for o in audience_options
                                            if o["value"] == form.audience.value)}},
        {"type": "input", "block_id": "step", "optional": True,
         "label": _plain("Path step (for members at or past a step)"), "element": step_select},
        _text_input("topics", "Topics (for people with given topics)", form.topics,
                    optional=True, max_length=500, hint="Comma-separated, e.g. blogging, video"),
    ]
    return {
        "type": "modal",
        "callback_id": ids.CAMPAIGN_FORM_VIEW,
        "title": _plain("Edit campaign" if form.campaign_id else "New campaign"),
        "submit": _plain("Save" if form.campaign_id else "Create"),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps({"campaign_id": form.campaign_id}),
        "blocks": blocks,
    }


# ------------------------------------------------------------------ the brief


def brief_blocks(snap: CampaignSnap) -> list[Block]:
    blocks: list[Block] = []
    if snap.brief:
        blocks.append(kit.section(f"*What's launching*\n{say.brief_mrkdwn(snap.brief)}"))
    messages = key_message_lines(snap.key_messages)
    if messages:
        blocks.append(kit.section(f"*Key messages*\n{say.bullet_lines(messages)}"))
    extras = []
    if snap.links.strip():
        extras.append(f"*Links to share*\n{escape_mrkdwn(snap.links.strip())}")
    if snap.hashtags.strip():
        extras.append(f"*Hashtags* {escape_mrkdwn(snap.hashtags.strip())}")
    if extras:
        blocks.append(kit.section("\n".join(extras)))
    disclosure = snap.disclosure.strip() or say.DISCLOSURE_DEFAULT
    blocks.append(kit.context(f":memo: {escape_mrkdwn(disclosure)}  {say.DAY_GUIDELINES}"))
    return blocks


def invitation(snap: CampaignSnap, now: datetime) -> tuple[str, list[Block]]:
    launch = say.slack_time(snap.launch_at, snap.tz)
    intro = say.invitation_intro(snap.title, launch, snap.launched(now))
    value = str(snap.id)
    blocks = [kit.section(intro), *brief_blocks(snap), {
        "type": "actions", "block_id": f"campaign_invite_{snap.id}",
        "elements": [
            kit.button("I'm in", ids.CAMPAIGN_JOIN, value, "primary"),
            kit.button("Not this time", ids.CAMPAIGN_DECLINE, value),
            kit.button("No more campaign invites", ids.CAMPAIGN_INVITES_OFF, value),
        ],
    }]
    return f"The club is helping launch {snap.title}: are you in?", blocks


def golive(snap: CampaignSnap) -> tuple[str, list[Block]]:
    blocks = [kit.section(say.golive_intro(snap.title)), *brief_blocks(snap), {
        "type": "actions", "block_id": f"campaign_golive_{snap.id}",
        "elements": [kit.button("I posted", ids.CAMPAIGN_POSTED, str(snap.id), "primary")],
    }, kit.context(f"Or type `/club campaign post {snap.id} <link>`.")]
    return f"The embargo on {snap.title} has lifted: you can post now.", blocks


def post_modal(snap: CampaignSnap) -> Block:
    return {
        "type": "modal",
        "callback_id": ids.CAMPAIGN_POST_VIEW,
        "title": _plain("I posted"),
        "submit": _plain("Send"),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps({"campaign_id": snap.id}),
        "blocks": [
            kit.section(f"The link to what you published for {say.title(snap.title)}."),
            _text_input("link", "Link", "", max_length=1000,
                        hint="LinkedIn, X, Mastodon, Bluesky, YouTube, a blog or the internal "
                        "platform."),
            {"type": "input", "block_id": "named", "optional": True,
             "label": _plain("The roundup"),
             "element": {"type": "checkboxes", "action_id": "named",
                         "options": [_option("Name me in the club's thank-you", "yes")],
                         "initial_options": [_option("Name me in the club's thank-you",
                                                     "yes")]}},
        ],
    }


# ------------------------------------------------------------------ listing and status


def when(snap: CampaignSnap) -> str:
    return (f"Launch {say.slack_time(snap.launch_at, snap.tz)} · closes "
            f"{say.slack_time(snap.closes_at, snap.tz)}")


_ANSWERS = {"in": ":white_check_mark: You're in.", "out": "You said not this time."}


def listing(listed: list[Listed], now: datetime) -> tuple[str, list[Block]]:
    if not listed:
        return ("No campaigns are open or coming up right now.",
                [kit.section("No campaigns are open or coming up right now. When the club "
                             "helps with a launch, you'll find it here.")])
    blocks: list[Block] = [kit.section("*Open and upcoming campaigns*")]
    for item in listed[:LISTED_MAX]:
        snap = item.snap
        state = "live now" if snap.launched(now) else "under embargo"
        line = f"{say.title(snap.title)} (campaign {snap.id}, {state})\n{when(snap)}"
        if item.answer:
            line += f"\n{_ANSWERS[item.answer]}"
        blocks.append(kit.section(line))
        blocks.append({"type": "actions", "block_id": f"campaign_list_{snap.id}", "elements": [
            kit.button("I'm in", ids.CAMPAIGN_JOIN, str(snap.id), "primary"),
            kit.button("Not this time", ids.CAMPAIGN_DECLINE, str(snap.id)),
        ]})
    if len(listed) > LISTED_MAX:
        blocks.append(kit.context(f"And {len(listed) - LISTED_MAX} more."))
    return f"{plural(len(listed), 'open or upcoming campaign')}.", blocks


def network_line(by_network: dict[str, int]) -> str:
    if not by_network:
        return "none yet"
    return ", ".join(f"{say.NETWORK_LABELS.get(k, k)} {v}" for k, v in by_network.items())


def figures_text(fig: Figures) -> str:
    snap = fig.snap
    first = ("no post yet" if fig.minutes_to_first_post is None
             else f"{fig.minutes_to_first_post} min from launch to the first post")
    return (f"{say.title(snap.title)} (campaign {snap.id}, {snap.status})\n{when(snap)}\n"
            f"Invited *{fig.invited}* · joined *{fig.joined}* · declined *{fig.declined}* · "
            f"posted *{fig.posted}*\nPosts by network: {network_line(fig.by_network)}"
            f" · practice {fig.practice}\n{first}")


def status(figures: list[Figures]) -> tuple[str, list[Block]]:
    if not figures:
        empty = "No campaigns yet. `/club campaign new` starts one."
        return "No campaigns yet.", [kit.section(empty)]
    blocks = [kit.section(figures_text(fig)) for fig in figures]
    return "Campaign status", blocks


def cancel_question(snap: CampaignSnap) -> tuple[str, list[Block]]:
    text = f"Cancel {say.title(snap.title)} (campaign {snap.id})? Everyone who joined is told."
    return text, [kit.section(text), {
        "type": "actions", "block_id": f"campaign_cancel_{snap.id}",
        "elements": [
            kit.button("Yes, cancel it", ids.CAMPAIGN_CANCEL_CONFIRM, str(snap.id), "danger"),
            kit.button("Keep it", ids.CAMPAIGN_CANCEL_KEEP, str(snap.id)),
        ],
    }]


def confirmation(snap: CampaignSnap, verb: str, planned: int | None) -> str:
    text = f":white_check_mark: {verb} {say.title(snap.title)} (campaign {snap.id}). {when(snap)}."
    if planned is not None:
        text += (f" {planned} invitation{'s' if planned != 1 else ''} will go out within each "
                 "person's working hours.")
    return text
