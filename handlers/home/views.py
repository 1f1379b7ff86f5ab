"""Block Kit for the App Home. Pure: HomeData in, a `home` view out.

Every list is cut to a few lines with "and N more", and every text is clipped, so the
view stays within Slack's limits (100 blocks, 3000 characters a section, 75 a button)
however big the club grows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.content import escape_mrkdwn
from bot.content.path import PATH_STEPS
from bot.home.contents import ClubHealth, HomeData, MeetingLine
from bot.meetings.timing import slack_date_token
from handlers import ids
from handlers.campaigns.views import figures_text
from storage.reports.queries import QuestionRow

Block = dict[str, Any]

MAX_BLOCKS = 100
SECTION_MAX = 3000
FIELD_MAX = 2000
BUTTON_TEXT_MAX = 75
QUESTION_SHOWN_CHARS = 140

STATUS_LABELS = {
    "answered": ":white_check_mark: answered from the FAQ",
    "mentor_answered": ":white_check_mark: answered by a mentor",
    "escalated": ":hourglass_flowing_sand: waiting for a mentor",
    "unknown": ":grey_question: not answered yet",
}
ANSWER_LABELS = {"going": "Going", "maybe": "Maybe", "no": "Can't make it"}


# --- small builders ----------------------------------------------------------------------


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when something was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def lines_within(lines: Sequence[str], hidden: int, limit: int = SECTION_MAX) -> str:
    """Join lines, dropping whole lines from the end to fit, and say how many are left out."""
    kept = list(lines)
    while True:
        more = hidden + len(lines) - len(kept)
        tail = [f"_…and {more} more_"] if more else []
        text = "\n".join(kept + tail)
        if len(text) <= limit or not kept:
            return clip(text, limit)
        kept.pop()


def _section(text: str, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_MAX)}}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, SECTION_MAX)}]}


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, 150)}}


def _divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, BUTTON_TEXT_MAX)},
        "action_id": action_id,
    }
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def _actions(block_id: str, *elements: Block) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def _date(moment: datetime) -> str:
    return f"<!date^{int(moment.timestamp())}^{{date_short}}|{moment:%Y-%m-%d}>"


# --- sections ------------------------------------------------------------------------------


def path_blocks(data: HomeData) -> list[Block]:
    done = sum(1 for s in PATH_STEPS if s.key in data.reached)
    dots = "".join(":large_green_circle:" if s.key in data.reached else ":white_circle:"
                   for s in PATH_STEPS)
    lines = [f"*Your path:* {done} of {len(PATH_STEPS)} steps", dots]
    if data.next_step is None:
        lines.append(":trophy: You've walked the whole path. Thank you for passing it on!")
    else:
        lines.append(f"*Next:* {data.next_step.number}. {data.next_step.title}")
        lines.append(data.next_step.how_to)
    return [
        _section("\n".join(lines)),
        _context("`/club progress` shows every step and lets you tick the ones only you know."),
    ]


def question_line(row: QuestionRow) -> str:
    text = escape_mrkdwn(clip(" ".join(row.text.split()), QUESTION_SHOWN_CHARS))
    state = STATUS_LABELS.get(row.status, escape_mrkdwn(row.status))
    return f"• _{text}_ ({_date(row.asked_at)}): {state}"


def question_blocks(data: HomeData) -> list[Block]:
    if not data.questions:
        return [
            _section(
                "*Your questions*\nNothing asked yet. DM me a question, mention me, or ask in "
                "the club channel: no question is too basic."
            )
        ]
    lines = [question_line(row) for row in data.questions]
    hidden = data.questions_total - len(data.questions)
    return [_section("*Your questions*\n" + lines_within(lines, hidden, SECTION_MAX - 20))]


def _people(user_ids: Sequence[str]) -> str:
    return ", ".join(f"<@{user_id}>" for user_id in user_ids)


def mentoring_blocks(data: HomeData) -> list[Block]:
    lines: list[str] = []
    if data.mentors:
        lines.append(f"Your mentor: {_people(data.mentors)}")
    if data.mentees:
        shown, rest = data.mentees[:20], len(data.mentees) - 20
        extra = f" and {rest} more" if rest > 0 else ""
        lines.append(f"You're mentoring {_people(shown)}{extra}.")
    elif data.is_mentor:
        lines.append("You're in the social core; no mentee right now.")
    if data.waiting_for_mentor_since is not None:
        lines.append(
            f"Your request for a mentor is open since {_date(data.waiting_for_mentor_since)}; "
            "I'll introduce you as soon as a mentor accepts."
        )
    if lines or data.offers:
        return [_section("*Mentoring*\n" + "\n".join(lines)), *offer_blocks(data)]
    return [
        _section(
            "*Mentoring*\nA volunteer from the social core can help you get going.",
            button("Find me a mentor", ids.MENTOR_REQUEST_OPEN, "home"),
        )
    ]


def offer_blocks(data: HomeData) -> list[Block]:
    """A mentor's offers waiting for an answer, each with Accept and Decline (the same
    buttons as the offer's DM: the listener checks the offer is still theirs and pending)."""
    blocks: list[Block] = []
    for offer in data.offers:
        topics = ", ".join(escape_mrkdwn(clip(t, 60)) for t in offer.topics[:10])
        value = str(offer.offer_id)
        blocks += [
            _section(
                f":raised_hand: <@{offer.mentee_id}> would like a mentor"
                f"{f' ({topics})' if topics else ''}. Please answer by {_date(offer.expires_at)}."
            ),
            _actions(
                f"home_offer_{offer.offer_id}",
                button("Accept", ids.MENTOR_OFFER_ACCEPT, value, "primary"),
                button("Decline", ids.MENTOR_OFFER_DECLINE, value),
            ),
        ]
    return blocks


def _meeting_text(line: MeetingLine) -> str:
    answer = ANSWER_LABELS.get(line.my_answer or "", "not answered yet")
    return (
        f"*{escape_mrkdwn(clip(line.title, 150))}*\n"
        f"{slack_date_token(line.next_at, line.tz)} · {line.going} going · you: {answer}"
    )


def meeting_blocks(data: HomeData, room: int = MAX_BLOCKS) -> list[Block]:
    """The upcoming meetings with RSVP buttons, two blocks each, in at most `room` blocks
    (a header and the "…and N more" line included)."""
    if not data.meetings:
        return [_section("*Upcoming meetings*\nNothing scheduled yet.")]
    shown = data.meetings[: max(0, (room - 2) // 2)]
    blocks = [_section("*Upcoming meetings*")]
    for line in shown:
        value = str(line.id)
        blocks.append(_section(_meeting_text(line)))
        blocks.append(
            _actions(
                f"home_rsvp_{line.id}",
                button("Going", ids.HOME_RSVP_GOING, value,
                       "primary" if line.my_answer == "going" else None),
                button("Maybe", ids.HOME_RSVP_MAYBE, value),
                button("Can't make it", ids.HOME_RSVP_CANT, value),
            )
        )
    hidden = data.meetings_total - len(shown)
    if hidden > 0:
        blocks.append(_context(f"…and {hidden} more: `/club meeting list` shows them all."))
    return blocks


def kudos_blocks(data: HomeData) -> list[Block]:
    received, given = data.kudos_received, data.kudos_given
    return [_context(
        f":raised_hands: Kudos: {received} received, {given} given. "
        "`/club kudos @someone for ...` thanks a colleague in the club channel."
    )]  # fmt: skip


def nudge_blocks(data: HomeData) -> list[Block]:
    if data.nudges_on:
        text = ("*Nudges are on:* now and then a congratulation or a gentle idea, at most one "
                "a week, in your working hours.")
        toggle = button("Turn nudges off", ids.HOME_NUDGES_TOGGLE, "off")
    else:
        text = "*Nudges are off.* I won't send encouragement messages."
        toggle = button("Turn nudges on", ids.HOME_NUDGES_TOGGLE, "on")
    blocks = [_section(text, toggle)]
    if data.excluded:
        blocks.append(
            _context("You asked me not to contact you, so I send nothing at all; "
                     "`/club include me` undoes that.")
        )
    return blocks


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "n/a"


def _field(label: str, value: object) -> Block:
    return {"type": "mrkdwn", "text": clip(f"*{label}*\n{value}", FIELD_MAX)}


ATTENDANCE_BAR_WIDTH = 20


def attendance_bar(attended: int, most: int) -> str:
    """A text bar (the Home has no images of its own): full width for the best-attended
    meeting shown, at least one notch for any attendance, fixed width so bars line up."""
    if attended <= 0 or most <= 0:
        return "·" * ATTENDANCE_BAR_WIDTH
    filled = max(1, round(ATTENDANCE_BAR_WIDTH * min(attended, most) / most))
    return "█" * filled + "·" * (ATTENDANCE_BAR_WIDTH - filled)


def health_blocks(health: ClubHealth) -> list[Block]:
    q = health.questions
    fields = [
        _field("Members", health.members),
        _field("Active this month", health.active_this_month),
        _field("Questions asked", q.asked),
        _field("Answered", f"{q.answered} ({q.by_faq} by the FAQ, {q.by_mentor} by mentors)"),
        _field("Unanswered", q.unanswered),
        _field("FAQ answer rate", percent(q.by_faq, q.asked)),
        _field("Pairings waiting", health.pairings_waiting),
        _field("Pairings active", health.pairings_active),
        # Ten fields at most in one section (Slack's limit): this is the last two.
        _field("Kudos this month", health.kudos_this_month),
        _field(
            "Thanked most this month",
            ", ".join(f"<@{u}> ({n})" for u, n in health.most_thanked) or "nobody yet",
        ),
    ]
    if health.recent_attendance:
        most = max(a.attended for a in health.recent_attendance)
        lines = [
            f"`{attendance_bar(a.attended, most)}` {a.attended} · "
            f"{escape_mrkdwn(clip(a.title, 100))}, {_date(a.occurrence_at)}"
            for a in health.recent_attendance
        ]
        attendance = "*Attendance at recent meetings*\n" + lines_within(lines, 0)
    else:
        attendance = ("*Attendance at recent meetings*\nNone marked yet "
                      "(`/club meeting attendance <id>` after a meeting).")
    return [
        _divider(),
        _header("Club health"),
        {"type": "section", "fields": fields},
        _section(attendance),
        _actions(
            "home_organiser",
            button("Schedule a meeting", ids.HOME_SCHEDULE_MEETING),
            button("Run a pairing round", ids.HOME_PAIRING_ROUND),
            button("Get the report", ids.HOME_REPORT),
        ),
    ]


def campaign_blocks(data: HomeData) -> list[Block]:
    """For organisers and campaign leads: invited, joined, declined, posted, posts by
    network and minutes from launch to the first post, per campaign."""
    if not data.campaigns:
        return []
    return [
        _divider(),
        _header("Launch campaigns"),
        *[_section(figures_text(fig)) for fig in data.campaigns],
        _context("`/club campaign status <id>` for one campaign, `/club campaign new` for "
                 "another."),
    ]


def review_blocks(data: HomeData) -> list[Block]:
    """For FAQ editors: how many wordings askers found helpful wait for a decision."""
    if not data.wordings_waiting:
        return []
    count = data.wordings_waiting
    return [_section(
        f":mag: *FAQ review*: {count} wording{'s' if count != 1 else ''} askers found "
        f"helpful {'wait' if count != 1 else 'waits'} for an editor. "
        "`/club faq learned` shows them with Approve and Drop."
    )]


def home_view(data: HomeData) -> Block:
    head: list[Block] = [
        _header("Your social media club"),
        _actions("home_top", button("Refresh", ids.HOME_REFRESH)),
        *path_blocks(data),
        _divider(),
        *question_blocks(data),
        _divider(),
        *mentoring_blocks(data),
        _divider(),
    ]
    tail: list[Block] = [
        _divider(), *kudos_blocks(data), *nudge_blocks(data), *review_blocks(data),
        *campaign_blocks(data),
    ]
    if data.health is not None:
        tail += health_blocks(data.health)
    # Meetings give way first, so an organiser's club health is never cut off.
    meetings = meeting_blocks(data, room=MAX_BLOCKS - len(head) - len(tail))
    return {"type": "home", "blocks": [*head, *meetings, *tail][:MAX_BLOCKS]}


def home_text(data: HomeData) -> str:
    """A plain summary for logs and the console."""
    done = sum(1 for s in PATH_STEPS if s.key in data.reached)
    return (
        f"path {done}/{len(PATH_STEPS)}, {data.questions_total} questions, "
        f"{len(data.meetings)} upcoming meetings, nudges {'on' if data.nudges_on else 'off'}"
    )
