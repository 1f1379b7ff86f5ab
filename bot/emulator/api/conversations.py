"""conversations.* and users.*: answered from the emulator's directory."""

from __future__ import annotations

import base64
from typing import Any

from bot.emulator.api.registry import Args, Reply, method, ok
from bot.emulator.errors import SlackError
from bot.emulator.timezones import tz_fields
from bot.emulator.workspace import Channel, User, Workspace

GROUP_DM_MAX_PEOPLE = 8


def channel_object(ws: Workspace, channel: Channel) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": channel.id,
        "created": channel.created,
        "is_archived": False,
        "is_im": channel.is_im,
        "is_mpim": channel.is_mpim,
        "is_private": channel.is_private,
        "is_org_shared": False,
        "context_team_id": ws.me.team_id,
    }
    if channel.is_im:
        user = ws.users.get(channel.user or "")
        obj.update(user=channel.user, is_user_deleted=bool(user and user.deleted), is_open=True)
        return obj
    obj.update(
        name=channel.name,
        name_normalized=channel.name,
        is_channel=not channel.is_private,
        is_group=channel.is_private and not channel.is_mpim,
        is_general=False,
        is_shared=False,
        is_ext_shared=False,
        is_member=ws.me.bot_user_id in channel.members,
        creator="",
        topic={"value": "", "creator": "", "last_set": 0},
        purpose={"value": "", "creator": "", "last_set": 0},
    )
    return obj


def user_object(ws: Workspace, user: User) -> dict[str, Any]:
    profile = {
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "team": ws.me.team_id,
    }
    if user.email:
        profile["email"] = user.email
    return {
        "id": user.id,
        "team_id": ws.me.team_id,
        "name": user.name,
        "deleted": user.deleted,
        "real_name": user.real_name,
        **tz_fields(user.tz, ws.now()),
        "profile": profile,
        "is_admin": False,
        "is_owner": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": 0,
    }


def _user_ids(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [u.strip() for u in raw.split(",") if u.strip()]
    if isinstance(raw, list):
        return [str(u) for u in raw]
    return []


@method("conversations.open")
def open_conversation(ws: Workspace, args: Args) -> Reply:
    if args.get("channel"):
        channel = ws.channel(args["channel"])
    else:
        users = _user_ids(args.get("users"))
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > GROUP_DM_MAX_PEOPLE:
            raise SlackError("too_many_users")
        for user_id in users:
            if ws.user(user_id).deleted:
                raise SlackError("user_disabled")
        channel = ws.dm_for(users[0]) if len(users) == 1 else ws.group_dm_for(users)
    full = str(args.get("return_im", "")).lower() in ("1", "true")
    body = channel_object(ws, channel) if full else {"id": channel.id}
    return Reply(ok(channel=body))


@method("conversations.info")
def info(ws: Workspace, args: Args) -> Reply:
    channel = ws.channel(args["channel"])
    obj = channel_object(ws, channel)
    if str(args.get("include_num_members", "")).lower() in ("1", "true"):
        obj["num_members"] = len(channel.members)
    return Reply(ok(channel=obj))


def _page(items: list[Any], args: Args) -> tuple[list[Any], str]:
    # Cursors are opaque to callers; here they are a base64 offset.
    start = (
        int(base64.b64decode(args["cursor"]).decode().split(":")[1]) if args.get("cursor") else 0
    )
    limit = int(args.get("limit") or 100)
    end = start + limit
    cursor = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return items[start:end], cursor


@method("conversations.members")
def members(ws: Workspace, args: Args) -> Reply:
    page, cursor = _page(ws.channel(args["channel"]).members, args)
    return Reply(ok(members=page, response_metadata={"next_cursor": cursor}))


@method("conversations.join")
def join(ws: Workspace, args: Args) -> Reply:
    channel = ws.channel(args["channel"])
    if channel.is_private:
        raise SlackError("method_not_supported_for_channel_type")
    body = ok()
    if ws.me.bot_user_id in channel.members:
        body["warning"] = "already_in_channel"
    else:
        channel.members.append(ws.me.bot_user_id)
    body["channel"] = channel_object(ws, channel)
    return Reply(body)


@method("conversations.history")
def history(ws: Workspace, args: Args) -> Reply:
    channel = ws.postable(args["channel"])
    top = [
        m for m in ws.messages.get(channel.id, {}).values() if m.get("thread_ts") in (None, m["ts"])
    ]
    page, cursor = _page(list(reversed(top)), args)
    return Reply(
        ok(messages=page, has_more=bool(cursor), response_metadata={"next_cursor": cursor})
    )


@method("conversations.replies")
def replies(ws: Workspace, args: Args) -> Reply:
    channel = ws.postable(args["channel"])
    parent = ws.message(channel.id, args["ts"])
    root = parent.get("thread_ts") or parent["ts"]
    thread = [
        m for m in ws.messages[channel.id].values() if m["ts"] == root or m.get("thread_ts") == root
    ]
    page, cursor = _page(thread, args)
    return Reply(
        ok(messages=page, has_more=bool(cursor), response_metadata={"next_cursor": cursor})
    )


@method("users.info")
def users_info(ws: Workspace, args: Args) -> Reply:
    return Reply(ok(user=user_object(ws, ws.user(args["user"]))))


@method("users.lookupByEmail")
def lookup_by_email(ws: Workspace, args: Args) -> Reply:
    wanted = str(args["email"]).lower()
    for user in ws.users.values():
        if user.email and user.email.lower() == wanted:
            return Reply(ok(user=user_object(ws, user)))
    raise SlackError("users_not_found")
