"""The `/club` command: one entry point, subcommands registered by each feature.

Every subcommand names the policy action it needs, so refusals and the help
listing come from one place.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot import events
from bot.content import escape_mrkdwn
from bot.deps import CONTEXT_KEY, Deps
from bot.edge.text import unescape_slack
from bot.roles.policy import Action, Role, may, who_may
from handlers import ids
from handlers.wiring import Wiring

log = logging.getLogger("clubbot.commands")


@dataclass(frozen=True)
class CommandCall:
    deps: Deps
    user_id: str
    channel_id: str
    args: str
    roles: frozenset[Role]
    respond: Respond
    client: WebClient
    trigger_id: str
    body: dict[str, Any]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    run: Callable[[CommandCall], None]
    action: Action = Action.USE_BOT
    group: str = "General"


@dataclass
class CommandRouter:
    subcommands: dict[str, Subcommand] = field(default_factory=dict)

    def add(self, subcommand: Subcommand) -> None:
        if subcommand.name in self.subcommands:
            raise ValueError(f"subcommand {subcommand.name!r} registered twice")
        self.subcommands[subcommand.name] = subcommand

    def resolve(self, text: str) -> tuple[Subcommand, str] | None:
        """Longest registered name that prefixes the text, word by word."""
        words = text.split()
        for length in range(min(len(words), 3), 0, -1):
            name = " ".join(words[:length]).lower()
            if name in self.subcommands:
                rest = text.split(None, length)
                return self.subcommands[name], rest[length] if len(rest) > length else ""
        return None

    def closest(self, text: str) -> Subcommand | None:
        words = text.lower().split()
        candidates = list(self.subcommands)
        for length in (2, 1):
            guess = " ".join(words[:length])
            match = difflib.get_close_matches(guess, candidates, n=1, cutoff=0.6)
            if match:
                return self.subcommands[match[0]]
        # "mentor" alone: show the first subcommand of that family.
        family = [name for name in candidates if words and name.split()[0] == words[0]]
        return self.subcommands[family[0]] if family else None

    def visible_to(self, caller_roles: frozenset[Role]) -> list[Subcommand]:
        return [sub for sub in self.subcommands.values() if may(caller_roles, sub.action)]


def help_blocks(router: CommandRouter, caller_roles: frozenset[Role]) -> list[dict[str, Any]]:
    groups: dict[str, list[Subcommand]] = {}
    for sub in router.visible_to(caller_roles):
        groups.setdefault(sub.group, []).append(sub)
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Here's what you can ask me.* You can also just DM me a question, "
                "or mention me with one.",
            },
        }
    ]
    for group, subs in sorted(groups.items(), key=lambda item: _group_rank(item[0])):
        lines = "\n".join(f"`{ids.COMMAND} {sub.usage}`  {sub.summary}" for sub in subs)
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{group}*\n{lines}"}}
        )
    return blocks


# Help reads from what members use most to what only organisers need.
GROUP_ORDER = (
    "FAQ",
    "Mentoring",
    "Meetings",
    "Campaigns",
    "Your progress",
    "General",
    "Privacy",
    "Mentoring (organisers)",
    "Organisers",
    "Administration",
)


def _group_rank(group: str) -> int:
    return GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER)


def help_text(router: CommandRouter, caller_roles: frozenset[Role]) -> str:
    names = ", ".join(f"{ids.COMMAND} {sub.usage}" for sub in router.visible_to(caller_roles))
    return f"Here's what you can ask me: {names}"


def register(wire: Wiring, router: CommandRouter) -> None:
    router.add(
        Subcommand(
            name="help",
            usage="help",
            summary="this list",
            run=lambda call: _show_help(call, router),
        )
    )

    @wire.command(ids.COMMAND)
    def on_club_command(
        ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        ack()  # within Slack's 3 seconds; everything below answers through response_url
        deps: Deps = context[CONTEXT_KEY]
        user_id = body["user_id"]
        # As typed: Slack's &amp; &lt; &gt; undone once here, escaped once when shown.
        text = unescape_slack(body.get("text") or "").strip()
        events.touch_member(
            deps.db,
            user_id,
            deps.clock.now(),
            in_club_channel=body.get("channel_id") == deps.settings.club_channel,
        )
        caller_roles = deps.roles_of(user_id)
        log.info("command user=%s text=%r", user_id, text[:80])
        call_args = dict(
            deps=deps,
            user_id=user_id,
            channel_id=body.get("channel_id", ""),
            roles=caller_roles,
            respond=respond,
            client=client,
            trigger_id=body.get("trigger_id", ""),
            body=body,
        )
        if not text:
            _show_help(CommandCall(args="", **call_args), router)  # type: ignore[arg-type]
            return
        resolved = router.resolve(text)
        if resolved is None:
            _unknown(text, router, caller_roles, respond)
            return
        subcommand, args = resolved
        if not may(caller_roles, subcommand.action):
            respond(
                text=f":no_entry: Only {who_may(subcommand.action)} can use "
                f"`{ids.COMMAND} {subcommand.name}`. Ask an organiser if you think you should.",
                response_type="ephemeral",
            )
            return
        subcommand.run(CommandCall(args=args, **call_args))  # type: ignore[arg-type]


def _show_help(call: CommandCall, router: CommandRouter) -> None:
    call.respond(
        text=help_text(router, call.roles),
        blocks=help_blocks(router, call.roles),
        response_type="ephemeral",
    )


def family_blocks(
    router: CommandRouter, caller_roles: frozenset[Role], family: str
) -> list[dict[str, Any]]:
    """The subcommands of one family (`faq`, `meeting`, ...) the caller may use."""
    subs = [
        sub for sub in router.visible_to(caller_roles) if sub.name.split()[0] == family
    ]
    if not subs:
        return []
    lines = "\n".join(f"`{ids.COMMAND} {sub.usage}`  {sub.summary}" for sub in subs)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": lines[:3000]}}]


def _in_family(
    text: str, router: CommandRouter, caller_roles: frozenset[Role], respond: Respond
) -> bool:
    """`/club faq` alone lists the faq subcommands; `/club meeting shedule` is answered with
    the closest of the meeting subcommands, not "I don't know /club meeting"."""
    words = text.lower().split()
    family = family_blocks(router, caller_roles, words[0])
    if not family:
        return False
    if len(words) == 1:
        intro = f"Here's what `{ids.COMMAND} {_escape(words[0])}` can do:"
        respond(text=intro, blocks=[_mrkdwn(intro), *family], response_type="ephemeral")
        return True
    names = [
        sub.name for sub in router.visible_to(caller_roles) if sub.name.split()[0] == words[0]
    ]
    guess = None
    for length in (3, 2):
        typed = " ".join(words[:length])
        match = difflib.get_close_matches(typed, names, n=1, cutoff=0.6)
        if match:
            guess = router.subcommands[match[0]]
            break
    shown = _escape(" ".join(text.split()[:2]))
    hint = f" Did you mean `{ids.COMMAND} {guess.usage}`?" if guess else ""
    intro = f"I don't know `{ids.COMMAND} {shown}`.{hint}"
    respond(
        text=intro,
        blocks=[_mrkdwn(intro + f" The `{_escape(words[0])}` commands:"), *family],
        response_type="ephemeral",
    )
    return True


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _unknown(
    text: str, router: CommandRouter, caller_roles: frozenset[Role], respond: Respond
) -> None:
    if _in_family(text, router, caller_roles, respond):
        return
    word = text.split()[0]
    if len(word) > 40:  # echoed, not stored: a sample is enough to see the typo
        word = word[:39] + "…"
    suggestion = router.closest(text)
    hint = (
        f" Did you mean `{ids.COMMAND} {suggestion.usage}`?"
        if suggestion is not None and may(caller_roles, suggestion.action)
        else ""
    )
    intro: dict[str, Any] = {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": f"I don't know `{ids.COMMAND} {_escape(word)}`.{hint}",
        },
    }
    respond(
        text=f"I don't know {ids.COMMAND} {escape_mrkdwn(word)}.{hint}",
        blocks=[intro, *help_blocks(router, caller_roles)],
        response_type="ephemeral",
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")
