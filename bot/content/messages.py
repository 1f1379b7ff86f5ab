"""Everything clubbot says on its own initiative, as pure functions.

Each function returns a Slack mrkdwn string: no Slack calls, no database.
People are mentioned as ``<@U…>``; any argument that is a person's free text
is escaped with :func:`bot.content.escape_mrkdwn` and clipped, so no text can
ping a channel, forge a link or outgrow a section block (3000 characters).

Voice: warm, short, plain, never nagging. The club's assistant, not its boss.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, get_args

from bot.content import GUIDELINES_URL, escape_mrkdwn
from bot.content.path import PATH_STEPS, PathStep

__all__ = [
    "MilestoneKind",
    "checkin_question",
    "dont_know_yet",
    "guidelines_summary",
    "inactivity_nudge",
    "meeting_line",
    "mentor_intro",
    "mentor_waiting_reminder",
    "milestone_text",
    "nudge_footer",
    "slack_date",
    "step_congratulation",
    "welcome_text",
]

MilestoneKind = Literal["first_helpful_answer", "month_active", "kudos_received"]
MILESTONE_KINDS: tuple[str, ...] = get_args(MilestoneKind)

#: Longest piece of a person's free text quoted back in one message (escaped characters).
FREE_TEXT_MAX_CHARS = 500
#: Longest single mentoring topic, and how many topics are listed at most.
TOPIC_MAX_CHARS = 80
TOPICS_MAX = 8

_SLACK_ID = re.compile(r"^[A-Z0-9]{2,32}$")
# A Slack date token as built by slack_date(): kept intact by _escape_keeping_dates().
_DATE_TOKEN = re.compile(r"<!date\^\d{1,12}\^[^<>|]{1,100}\|[^<>]{0,200}>")
# Mentions as Slack escapes them in slash command text: <@U123|sam>, <#C123|club>.
_NAMED_REF = re.compile(r"<([@#])[A-Z0-9]{2,32}\|([^<>|]{1,80})>")
# "&" not starting one of the three entities escaping produces.
_BARE_AMP = re.compile(r"&(?!amp;|lt;|gt;)")


# ------------------------------------------------------------------ helpers


def _user(user_id: str) -> str:
    """``<@U…>`` for a Slack user id; refuses anything that isn't an id."""
    if not _SLACK_ID.match(user_id):
        raise ValueError(f"not a Slack user id: {user_id!r}")
    return f"<@{user_id}>"


def _channel(channel_id: str) -> str:
    """``<#C…>`` for a Slack channel id; refuses anything that isn't an id."""
    if not _SLACK_ID.match(channel_id):
        raise ValueError(f"not a Slack channel id: {channel_id!r}")
    return f"<#{channel_id}>"


def _cut(escaped: str, limit: int) -> str:
    """Cut already-escaped text to ``limit`` characters without splitting an entity."""
    if len(escaped) <= limit:
        return escaped
    if limit <= 1:
        return ""
    head = re.sub(r"&[a-z]{0,3}$", "", escaped[: limit - 1])
    return head.rstrip() + "…"


def _free(text: str, limit: int = FREE_TEXT_MAX_CHARS) -> str:
    """A person's free text, escaped and cut to ``limit`` characters, ready to quote.

    Whitespace is collapsed. Mentions Slack escaped in a slash command
    (``<@U123|sam>``) become a plain ``@sam`` first: readable, and nobody gets
    pinged by someone else's text.
    """
    text = " ".join(text[: limit * 4].split())
    return _cut(escape_mrkdwn(_NAMED_REF.sub(r"\1\2", text)), limit)


def _escape_once(text: str) -> str:
    """Like :func:`escape_mrkdwn`, but leaves existing ``&amp;``/``&lt;``/``&gt;`` alone."""
    return _BARE_AMP.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def _escape_keeping_dates(text: str, limit: int = 700) -> str:
    """Escape ``text`` but keep Slack ``<!date^…>`` tokens working.

    Lets callers pass a meeting line such as ``"Club meeting, <!date^…|…>"``
    where the title came from a person: everything except the date tokens is
    escaped, so ``<!channel>`` or a forged link in the title stays inert.
    Text that is already escaped (as :func:`meeting_line` returns it) is not
    escaped twice. The result is at most ``limit`` characters.
    """
    text = " ".join(text[: limit * 4].split())
    pieces: list[tuple[bool, str]] = []
    last = 0
    for match in _DATE_TOKEN.finditer(text):
        pieces.append((False, text[last : match.start()]))
        pieces.append((True, match.group(0)))
        last = match.end()
    pieces.append((False, text[last:]))
    out: list[str] = []
    budget = limit
    for is_token, piece in pieces:
        rendered = piece if is_token else _escape_once(piece)
        if len(rendered) > budget:
            if not is_token:
                out.append(_cut(rendered, budget))
            break
        out.append(rendered)
        budget -= len(rendered)
    return "".join(out).strip()


def slack_date(unix_ts: int, fallback: str) -> str:
    """A date Slack shows in each reader's own time zone.

    ``fallback`` is shown where Slack cannot localise (notifications, old
    clients), e.g. ``"Thu 5 March, 16:00 UTC"``.
    """
    safe_fallback = _free(fallback.replace("|", "/"), 100)
    return f"<!date^{int(unix_ts)}^{{date_short_pretty}} at {{time}}|{safe_fallback}>"


def meeting_line(title: str, starts_at_unix: int, fallback: str) -> str:
    """One line for a meeting: escaped title and a localised date.

    The result is what :func:`welcome_text` expects as ``next_meeting``.
    """
    return f"*{_free(title, 150)}*, {slack_date(starts_at_unix, fallback)}"


# ------------------------------------------------------------------- texts


def guidelines_summary() -> str:
    """The guidelines in a few lines, with a link to the full text."""
    return (
        "*The guidelines, in short*\n"
        "• Be yourself, and say you work here when you write about work.\n"
        "• Speak for yourself: your opinions are your own.\n"
        "• Keep confidential things confidential.\n"
        "• Respect customers, colleagues and competitors.\n"
        "• Made a mistake? Correct it openly.\n"
        "• Pass journalists to the communications team.\n"
        "• When in doubt, ask before you post.\n"
        f"The full text: <{GUIDELINES_URL}|social media guidelines>."
    )


def welcome_text(user_id: str, club_channel_id: str, next_meeting: str | None) -> str:
    """The welcome a new member gets when they join the club channel.

    ``next_meeting`` is a short line such as :func:`meeting_line` builds
    (title and ``<!date^…>`` token). It is escaped here except for its date
    tokens, so a title typed by an organiser is safe as it is.
    """
    if next_meeting is not None and next_meeting.strip():
        meeting = (
            f"*Next meeting:* {_escape_keeping_dates(next_meeting)}. "
            "Press *Going* on the announcement and I'll remind you."
        )
    else:
        meeting = (
            "*Meetings:* the next one will be announced in "
            f"{_channel(club_channel_id)} as soon as it's set."
        )
    return (
        f"Welcome to the social media club, {_user(user_id)}! :wave:\n"
        "We're simply people curious about social media, learning from colleagues who "
        "already do it. No question is too basic here.\n\n"
        "*The guidelines in a few lines*\n"
        "• It's OK to blog and post, inside and outside the firewall.\n"
        "• Say you work here when you write about work, and speak for yourself.\n"
        "• Keep confidential things confidential; pass journalists to communications.\n"
        f"• The full text: <{GUIDELINES_URL}|social media guidelines>.\n\n"
        f"*Ask a question:* just ask in {_channel(club_channel_id)}, or send me a DM. "
        "I answer in a thread so others learn too.\n"
        "*Find a mentor:* type `/club mentor request` and I'll introduce you to a "
        "volunteer from the social core.\n"
        f"{meeting}\n\n"
        "Go at your own pace. `/club progress` shows the path whenever you're curious."
    )


def step_congratulation(step: PathStep, next_step: PathStep | None, steps_done: int) -> str:
    """Said when a member completes a step of the path. Steps come in any order, so the
    count is of steps done, not the step's number ("step 10 of 10" misled new mentors)."""
    done = (
        f":tada: *{step.title}.* Nicely done! "
        f"That's {steps_done} of {len(PATH_STEPS)} steps on your path."
    )
    if next_step is None:
        return (
            f"{done}\n"
            "That's the whole path. Thank you for walking it, and for helping others "
            "walk it too."
        )
    return f"{done}\nWhenever you feel like it, here's a next step:\n{next_step.how_to}"


def nudge_footer() -> str:
    """The line under every nudge saying how to stop them."""
    return (
        "_Not the right time? `/club nudges off` stops these messages, and "
        "`/club nudges on` brings them back._"
    )


def inactivity_nudge(
    user_id: str, suggestion_step: PathStep | None, *, with_footer: bool = True
) -> str:
    """A gentle hello after a quiet spell, with one concrete suggestion.

    The opt-out footer is included unless ``with_footer`` is false (for a
    caller that renders :func:`nudge_footer` as its own context block).
    """
    if suggestion_step is None:
        body = (
            f"Hi {_user(user_id)}, a friendly hello from the club. You've walked the whole "
            "path, so there's nothing to suggest. If a newcomer's question catches your "
            "eye in the channel, your answer would mean a lot."
        )
    else:
        body = (
            f"Hi {_user(user_id)}, a friendly hello from the club. If you have a few "
            f"minutes this week, here's one idea:\n{suggestion_step.how_to}\n"
            "No pressure at all; the club is here whenever you are."
        )
    return f"{body}\n{nudge_footer()}" if with_footer else body


def milestone_text(kind: MilestoneKind, **details: str | int) -> str:
    """A short celebration.

    - ``first_helpful_answer``: ``user_id`` (who answered).
    - ``month_active``: ``user_id``; optional ``months`` (default 1).
    - ``kudos_received``: ``user_id`` (who receives), and either ``from_id``
      (who gives) with an optional ``reason`` (the giver's free text, escaped
      here), or a running total as ``count`` (alias ``kudos``, e.g. 5).

    Milestones sent as nudges should carry :func:`nudge_footer` as well.
    """

    def need(name: str) -> str:
        value = details.get(name)
        if not isinstance(value, str) or not value:
            raise ValueError(f"milestone {kind!r} needs {name}=...")
        return value

    if kind == "first_helpful_answer":
        return (
            f":sparkles: {_user(need('user_id'))}, your answer just helped a colleague. "
            "That's what the club is about. Thank you!"
        )
    if kind == "month_active":
        months = int(details.get("months", 1))
        span = "a month" if months <= 1 else f"{months} months"
        return (
            f":seedling: {_user(need('user_id'))}, you've been part of the club for {span} "
            "now. Thanks for being here; every question and comment makes it better."
        )
    if kind == "kudos_received":
        to = _user(need("user_id"))
        if "from_id" not in details:
            count = int(details.get("count", details.get("kudos", 1)))
            if count <= 1:
                return (
                    f":raised_hands: {to}, a colleague just sent you your first kudos. "
                    "Thank you for helping!"
                )
            return (
                f":raised_hands: {to}, that's {count} kudos from colleagues now. "
                "Thank you for all the help you give!"
            )
        giver = _user(need("from_id"))
        reason = str(details.get("reason", "")).strip()
        if reason.lower().startswith("for "):
            reason = reason[4:].strip()
        why = f" for {_free(reason)}" if reason else ""
        count = int(details.get("count", details.get("kudos", 1)))
        tally = f" That's {count} kudos from colleagues now." if count > 1 else ""
        return f":raised_hands: {to}, {giver} sends you kudos{why}!{tally}"
    raise ValueError(f"unknown milestone kind {kind!r}; expected one of {MILESTONE_KINDS}")


def mentor_waiting_reminder(count: int) -> str:
    """For the social core: how many newcomers are waiting for a mentor.

    Volunteers are never overloaded: the text asks only those with room.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return "Nobody is waiting for a mentor right now. Thank you, social core!"
    who = "One newcomer is" if count == 1 else f"{count} newcomers are"
    return (
        f":wave: {who} waiting for a mentor. If you have room for one more right now, "
        "update your topics or capacity with `/club mentor signup` and I'll make the "
        "introduction.\n"
        "If you're full, that's completely fine: looking after yourself comes first."
    )


def dont_know_yet() -> str:
    """The honest answer when no FAQ entry fits."""
    return (
        "I don't know that one yet, and I'd rather say so than guess. :slightly_smiling_face:\n"
        "Press *Ask a mentor* and I'll pass your question to the mentors of the social "
        "core; their answer comes back to you right here. Or get a mentor of your own "
        "with `/club mentor request`."
    )


def mentor_intro(
    mentor_id: str, mentee_id: str, topics: str | Sequence[str], goal: str | None
) -> str:
    """Introduces a new pairing in their group DM, with first steps.

    ``topics`` and ``goal`` are the mentee's own words: escaped and clipped.
    """
    topic_list = [topics] if isinstance(topics, str) else list(topics)
    cleaned = [_free(t, TOPIC_MAX_CHARS) for t in topic_list if t.strip()][:TOPICS_MAX]
    mentor, mentee = _user(mentor_id), _user(mentee_id)
    lines = [
        f":handshake: {mentee}, meet {mentor}, your mentor from the social core. "
        f"{mentor}, meet {mentee}, who'd like some company on the path.",
    ]
    if cleaned:
        lines.append(f"*Topics:* {', '.join(cleaned)}")
    if goal is not None and goal.strip():
        lines.append(f"*Goal:* {_free(goal)}")
    lines.append(
        "*First steps*\n"
        "• Find half an hour this week for an intro chat.\n"
        "• Agree on one goal you'd like to reach together.\n"
        f"• {mentee}: bring a question, an idea or a draft, however rough.\n"
        f"• {mentor}: share how you started, stumbles included."
    )
    lines.append("Keep it light: about an hour a month is plenty. I'll check in now and then.")
    return "\n".join(lines)


def checkin_question() -> str:
    """The occasional check-in sent to a pairing."""
    return (
        "Quick check-in from the club: how is your mentoring going? A word or two is "
        "plenty. If it has run its course, that's fine too."
    )
