"""views.*: modals (with trigger ids) and App Home tabs."""

from __future__ import annotations

from typing import Any

from bot.emulator.api.registry import Args, Reply, method, ok
from bot.emulator.blockkit import check_view
from bot.emulator.errors import SlackError, invalid
from bot.emulator.workspace import Workspace


def _checked(view: Any, allowed_types: tuple[str, ...]) -> dict[str, Any]:
    problems = check_view(view, allowed_types=allowed_types)
    if problems:
        raise invalid("invalid_arguments", problems)
    return dict(view)


def _use_trigger(ws: Workspace, trigger_id: Any) -> None:
    # Slack's trigger ids expire after 3 s; here only unknown or reused ones fail,
    # which keeps tests deterministic.
    if trigger_id not in ws.triggers:
        raise SlackError("invalid_trigger_id")
    if ws.triggers[trigger_id]:
        raise SlackError("exchanged_trigger_id")
    ws.triggers[trigger_id] = True


def _store(
    ws: Workspace, view: dict[str, Any], view_id: str, **links: str | None
) -> dict[str, Any]:
    stored: dict[str, Any] = {
        "team_id": ws.me.team_id,
        **view,
        "id": view_id,
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "external_id": view.get("external_id", ""),
        "state": {"values": {}},
        "hash": f"{int(ws.now())}.{ws.new_id('')}",
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": links.get("root_view_id") or view_id,
        "previous_view_id": links.get("previous_view_id"),
        "app_id": ws.me.api_app_id,
        "app_installed_team_id": ws.me.team_id,
        "bot_id": ws.me.bot_id,
    }
    ws.views.pop(view_id, None)  # re-insert so the newest view is last
    ws.views[view_id] = stored
    return dict(stored)


@method("views.open")
def open_view(ws: Workspace, args: Args) -> Reply:
    view = _checked(args["view"], ("modal",))
    _use_trigger(ws, args["trigger_id"])
    return Reply(ok(view=_store(ws, view, ws.new_id("V"))))


@method("views.push")
def push_view(ws: Workspace, args: Args) -> Reply:
    view = _checked(args["view"], ("modal",))
    _use_trigger(ws, args["trigger_id"])
    return Reply(ok(view=_store(ws, view, ws.new_id("V"))))


def _find(ws: Workspace, args: Args) -> dict[str, Any]:
    if args.get("view_id"):
        found = ws.views.get(args["view_id"])
    elif args.get("external_id"):
        found = next(
            (v for v in ws.views.values() if v["external_id"] == args["external_id"]), None
        )
    else:
        raise invalid("invalid_arguments", ["[ERROR] either view_id or external_id is required"])
    if found is None:
        raise SlackError("not_found")
    return found


@method("views.update")
def update_view(ws: Workspace, args: Args) -> Reply:
    current = _find(ws, args)
    if args.get("hash") and args["hash"] != current["hash"]:
        raise SlackError("hash_conflict")
    view = _checked(args["view"], (current["type"],))
    stored = _store(
        ws,
        view,
        current["id"],
        root_view_id=current["root_view_id"],
        previous_view_id=current["previous_view_id"],
    )
    return Reply(ok(view=stored))


@method("views.publish")
def publish(ws: Workspace, args: Args) -> Reply:
    user = ws.user(args["user_id"])
    view = _checked(args["view"], ("home",))
    view_id = ws.home_views.get(user.id)
    if view_id is not None and args.get("hash") and args["hash"] != ws.views[view_id]["hash"]:
        raise SlackError("hash_conflict")
    view_id = view_id or ws.new_id("V")
    ws.home_views[user.id] = view_id
    return Reply(ok(view=_store(ws, view, view_id)), {"user": user.id})
