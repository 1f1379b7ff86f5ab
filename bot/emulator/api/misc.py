"""api.test, auth.test, reactions.add, apps.connections.open."""

from __future__ import annotations

from bot.emulator import socket_mode
from bot.emulator.api.registry import Args, Reply, method, ok
from bot.emulator.errors import SlackError
from bot.emulator.workspace import Workspace


@method("api.test")
def api_test(ws: Workspace, args: Args) -> Reply:
    if args.get("error"):
        raise SlackError(str(args["error"]), args=args)
    return Reply(ok(args=args))


@method("auth.test")
def auth_test(ws: Workspace, args: Args) -> Reply:
    return Reply(
        ok(
            url=f"https://{ws.me.domain}.slack.com/",
            team="Club",
            user="clubbot",
            team_id=ws.me.team_id,
            user_id=ws.me.bot_user_id,
            bot_id=ws.me.bot_id,
            is_enterprise_install=False,
        )
    )


@method("reactions.add")
def add_reaction(ws: Workspace, args: Args) -> Reply:
    channel = ws.postable(args["channel"])
    message = ws.message(channel.id, args["timestamp"])
    name = str(args["name"])
    if not name or name.startswith(":") or name.endswith(":"):
        raise SlackError("invalid_name")
    reactions = message.setdefault("reactions", [])
    entry = next((r for r in reactions if r["name"] == name), None)
    if entry is None:
        entry = {"name": name, "users": [], "count": 0}
        reactions.append(entry)
    if ws.me.bot_user_id in entry["users"]:
        raise SlackError("already_reacted")
    entry["users"].append(ws.me.bot_user_id)
    entry["count"] += 1
    return Reply(ok(), {"channel": channel.id, "ts": message["ts"]})


@method("apps.connections.open")
def connections_open(ws: Workspace, args: Args) -> Reply:
    # The app-level token was checked by the dispatcher; the link is one-use, as on Slack.
    hub = socket_mode.hub_for(ws)
    if hub is None:
        raise SlackError("emulator_not_implemented", method="apps.connections.open")
    return Reply(ok(url=hub.open_link()))
