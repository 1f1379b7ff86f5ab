"""files.getUploadURLExternal / upload URL / files.completeUploadExternal (files_upload_v2),
files.info, and url_private downloads of files people shared."""

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
        "user": f.user or ws.me.bot_user_id,
        "size": len(f.content or b""),
        "channels": list(f.channels),
        "url_private": f"{ws.base_url}/files/{f.id}/{f.name}",
        "url_private_download": f"{ws.base_url}/files/{f.id}/download/{f.name}",
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


@method("files.info")
def info(ws: Workspace, args: Args) -> Reply:
    found = ws.files.get(str(args.get("file") or ""))
    if found is None or not found.completed:
        raise SlackError("file_not_found")
    return Reply(ok(file=_file_object(ws, found), comments=[], response_metadata={}))


def share_file(
    ws: Workspace, user_id: str, channel_id: str, name: str, content: bytes
) -> dict[str, Any]:
    """A person shares a file in a conversation: stored, and its Slack file object returned."""
    with ws.lock:
        ws.user(user_id)
        file_id = ws.new_id("F")
        ws.files[file_id] = UploadedFile(
            id=file_id, name=name, length=len(content), title=name, content=content,
            channels=[ws.channel(channel_id).id], completed=True, user=user_id,
        )
        return _file_object(ws, ws.files[file_id])


def download(ws: Workspace, path: str, authorization: str | None) -> bytes | None:
    """Bytes behind a url_private(_download) for the bot's token; None when refused."""
    if authorization != f"Bearer {ws.me.bot_token}":
        return None
    file_id = path.split("/", 1)[0]
    with ws.lock:
        found = ws.files.get(file_id)
        return found.content if found is not None and found.completed else None
