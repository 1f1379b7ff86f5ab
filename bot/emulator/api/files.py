"""files.getUploadURLExternal / upload URL / files.completeUploadExternal (files_upload_v2)."""

from __future__ import annotations

import json
import mimetypes
from typing import Any

from bot.emulator.api.registry import Args, Reply, method, ok
from bot.emulator.errors import SlackError, invalid
from bot.emulator.workspace import UploadedFile, Workspace


@method("files.getUploadURLExternal")
def get_upload_url(ws: Workspace, args: Args) -> Reply:
    try:
        length = int(args["length"])
    except (TypeError, ValueError):
        raise invalid("invalid_arguments", ["[ERROR] length must be an integer"]) from None
    file_id = ws.new_id("F")
    ws.files[file_id] = UploadedFile(
        id=file_id, name=str(args["filename"]), length=length, alt_txt=args.get("alt_txt")
    )
    return Reply(ok(upload_url=f"{ws.base_url}/upload/{file_id}", file_id=file_id))


def receive_upload(ws: Workspace, file_id: str, content: bytes) -> bool:
    """Store bytes POSTed to an upload URL; False when the URL is unknown."""
    with ws.lock:
        uploaded = ws.files.get(file_id)
        if uploaded is None or uploaded.completed:
            return False
        uploaded.content = content
        return True


def _file_object(ws: Workspace, f: UploadedFile) -> dict[str, Any]:
    mimetype = mimetypes.guess_type(f.name)[0] or "application/octet-stream"
    return {
        "id": f.id,
        "created": int(ws.now()),
        "name": f.name,
        "title": f.title,
        "mimetype": mimetype,
        "filetype": f.name.rsplit(".", 1)[-1] if "." in f.name else "binary",
        "user": ws.me.bot_user_id,
        "size": len(f.content or b""),
        "channels": list(f.channels),
        "url_private": f"{ws.base_url}/files/{f.id}/{f.name}",
        "permalink": f"https://{ws.me.domain}.slack.com/files/{ws.me.bot_user_id}/{f.id}/{f.name}",
    }


def _channels(ws: Workspace, args: Args) -> list[str]:
    raw = [args.get("channel_id"), *str(args.get("channels") or "").split(",")]
    return [ws.postable(c.strip()).id for c in raw if c and c.strip()]


@method("files.completeUploadExternal")
def complete_upload(ws: Workspace, args: Args) -> Reply:
    entries = args["files"]
    if isinstance(entries, str):
        entries = json.loads(entries)
    if not isinstance(entries, list) or not entries:
        raise invalid("invalid_arguments", ["[ERROR] files must be a non-empty array"])
    channels = _channels(ws, args)
    done: list[UploadedFile] = []
    for entry in entries:
        uploaded = ws.files.get(str(entry.get("id"))) if isinstance(entry, dict) else None
        if uploaded is None or uploaded.content is None or uploaded.completed:
            raise SlackError("file_not_found")
        done.append(uploaded)
    for entry, uploaded in zip(entries, done, strict=True):
        uploaded.title = entry.get("title") or uploaded.name
        uploaded.channels = channels
        uploaded.initial_comment = args.get("initial_comment")
        uploaded.thread_ts = args.get("thread_ts")
        uploaded.completed = True
    objects = [_file_object(ws, f) for f in done]
    for channel_id in channels:
        # Sharing posts a message carrying the files, as Slack does.
        message: dict[str, Any] = {
            "type": "message",
            "user": ws.me.bot_user_id,
            "bot_id": ws.me.bot_id,
            "text": args.get("initial_comment") or "",
            "files": objects,
            "upload": True,
        }
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        ws.add_message(channel_id, message)
    return Reply(ok(files=objects), {"channels": channels})
