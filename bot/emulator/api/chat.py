"""chat.*: post, ephemeral, update, delete, schedule, permalink."""

from __future__ import annotations

from typing import Any

from bot.emulator.api.registry import Args, Reply, method, ok
from bot.emulator.blockkit import check_message_blocks
from bot.emulator.errors import SlackError, invalid
from bot.emulator.workspace import Message, Workspace

TEXT_MAX = 40_000
SCHEDULE_MAX_SECONDS = 120 * 24 * 3600
CONTENT_KEYS = ("text", "blocks", "attachments")


def check_content(args: Args) -> None:
    """Refuse what Slack refuses in any message body (also used for response_url posts)."""
    if all(args.get(k) in (None, "", []) for k in CONTENT_KEYS):
        raise SlackError("no_text")
    text = args.get("text")
    if isinstance(text, str) and len(text) > TEXT_MAX:
        raise SlackError("msg_too_long")
    if args.get("blocks") not in (None, ""):
        problems = check_message_blocks(args["blocks"])
        if problems:
            raise invalid("invalid_blocks", problems)


def bot_message(ws: Workspace, args: Args) -> Message:
    message: Message = {
        "type": "message",
        "user": ws.me.bot_user_id,
        "bot_id": ws.me.bot_id,
        "app_id": ws.me.api_app_id,
        "team": ws.me.team_id,
        "text": args.get("text") or "",
    }
    for key in ("blocks", "attachments", "thread_ts", "metadata"):
        if args.get(key) not in (None, ""):
            message[key] = args[key]
    return message


@method("chat.postMessage")
def post_message(ws: Workspace, args: Args) -> Reply:
    channel = ws.postable(args["channel"])
    check_content(args)
    message = ws.add_message(channel.id, bot_message(ws, args))
    body = ok(channel=channel.id, ts=message["ts"], message=dict(message))
    return Reply(body, {"channel": channel.id, "ts": message["ts"]})


@method("chat.postEphemeral")
def post_ephemeral(ws: Workspace, args: Args) -> Reply:
    channel = ws.postable(args["channel"])
    user = ws.user(args["user"])
    # Ephemeral messages only reach people in the conversation; DMs always qualify.
    if not (channel.is_im or user.id in channel.members):
        raise SlackError("user_not_in_channel")
    check_content(args)
    ts = ws.next_ts()
    return Reply(ok(message_ts=ts), {"channel": channel.id, "ts": ts, "ephemeral": True})


def _own_message(ws: Workspace, args: Args, refusal: str) -> tuple[str, Message]:
    channel = ws.postable(args["channel"])
    message = ws.message(channel.id, args["ts"])
    if message.get("user") != ws.me.bot_user_id:
        raise SlackError(refusal)
    return channel.id, message


@method("chat.update")
def update(ws: Workspace, args: Args) -> Reply:
    channel_id, message = _own_message(ws, args, "cant_update_message")
    check_content(args)
    # Slack replaces the content: blocks left out of an update disappear.
    for key in CONTENT_KEYS:
        message.pop(key, None)
    message.update({k: args[k] for k in CONTENT_KEYS if args.get(k) not in (None, "")})
    message.setdefault("text", "")
    message["edited"] = {"user": ws.me.bot_user_id, "ts": ws.next_ts()}
    body = ok(channel=channel_id, ts=message["ts"], text=message["text"], message=dict(message))
    return Reply(body, {"channel": channel_id, "ts": message["ts"]})


@method("chat.delete")
def delete(ws: Workspace, args: Args) -> Reply:
    channel_id, message = _own_message(ws, args, "cant_delete_message")
    del ws.messages[channel_id][message["ts"]]
    return Reply(ok(channel=channel_id, ts=message["ts"]), {"channel": channel_id})


@method("chat.scheduleMessage")
def schedule_message(ws: Workspace, args: Args) -> Reply:
    channel = ws.postable(args["channel"])
    try:
        post_at = int(args["post_at"])
    except (TypeError, ValueError):
        raise SlackError("invalid_time") from None
    now = ws.now()
    if post_at <= now:
        raise SlackError("time_in_past")
    if post_at > now + SCHEDULE_MAX_SECONDS:
        raise SlackError("time_too_far")
    check_content(args)
    scheduled_id = ws.new_id("Q")
    message = {**bot_message(ws, args), "type": "delayed_message", "subtype": "bot_message"}
    ws.scheduled[scheduled_id] = {
        "id": scheduled_id,
        "channel_id": channel.id,
        "post_at": post_at,
        "date_created": int(now),
        "text": message["text"],
        "message": message,
    }
    body = ok(
        channel=channel.id, scheduled_message_id=scheduled_id, post_at=post_at, message=message
    )
    return Reply(body, {"channel": channel.id})


@method("chat.deleteScheduledMessage")
def delete_scheduled(ws: Workspace, args: Args) -> Reply:
    channel = ws.postable(args["channel"])
    entry = ws.scheduled.get(args["scheduled_message_id"])
    if entry is None or entry["channel_id"] != channel.id:
        raise SlackError("invalid_scheduled_message_id")
    del ws.scheduled[entry["id"]]
    return Reply(ok())


@method("chat.scheduledMessages.list")
def list_scheduled(ws: Workspace, args: Args) -> Reply:
    wanted = args.get("channel")
    keys = ("id", "channel_id", "post_at", "date_created", "text")
    listed: list[dict[str, Any]] = [
        {k: e[k] for k in keys}
        for e in sorted(ws.scheduled.values(), key=lambda e: e["post_at"])
        if not wanted or e["channel_id"] == wanted
    ]
    return Reply(ok(scheduled_messages=listed, response_metadata={"next_cursor": ""}))


@method("chat.getPermalink")
def get_permalink(ws: Workspace, args: Args) -> Reply:
    channel = ws.channel(args["channel"])
    message = ws.message(channel.id, args["message_ts"])
    link = (
        f"https://{ws.me.domain}.slack.com/archives/{channel.id}/p{message['ts'].replace('.', '')}"
    )
    root = message.get("thread_ts")
    if root and root != message["ts"]:
        link += f"?thread_ts={root}&cid={channel.id}"
    return Reply(ok(channel=channel.id, permalink=link))
