"""What clubbot tells organisers when a message cannot be delivered."""

from __future__ import annotations

# Slack's permanent errors, in words an organiser can act on.
_WHY = {
    "user_not_found": "Slack doesn't know that person (any more)",
    "users_not_found": "Slack doesn't know that person (any more)",
    "account_inactive": "their account is deactivated",
    "user_disabled": "their account is deactivated",
    "channel_not_found": "the channel doesn't exist, or I can't see it",
    "is_archived": "the channel is archived",
    "not_in_channel": "I'm not a member of the channel (invite me with `/invite @clubbot`)",
    "cannot_dm_bot": "it's a bot, and bots can't be sent DMs",
    "missing_scope": "the app lacks a Slack scope for it (reinstall it from `app.yaml`)",
}


def _mention(recipient: str) -> str:
    if "," in recipient:  # a group DM of these people
        return " and ".join(_mention(person) for person in recipient.split(","))
    return f"<@{recipient}>" if recipient[:1] in ("U", "W") else f"<#{recipient}>"


def undeliverable(about: str, recipient: str, error: str) -> str:
    why = _WHY.get(error, f"Slack said `{error}`")
    return (
        f":warning: I couldn't deliver {about} to {_mention(recipient)}: {why}. "
        "I won't try that one again; I'm telling you once so you can sort it out."
    )


def _count(n: int) -> str:
    return f"{n:,}".replace(",", " ")  # 1 200


def progress_line(label: str, delivered: int, total: int, unreachable: int) -> str:
    """The one line a mass send keeps up to date for its organiser."""
    line = f":outbox_tray: {label}: {_count(delivered)} of {_count(total)} delivered"
    if unreachable:
        line += f", {_count(unreachable)} could not be reached"
    return line + ("." if delivered + unreachable >= total else " so far.")
