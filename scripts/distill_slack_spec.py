"""Distil Slack's Web API spec into the small table the emulator validates against.

Usage: python scripts/distill_slack_spec.py SPEC_DIR OUT_DIR

SPEC_DIR holds `web-api/slack_web_openapi_v2.json` (slackapi/slack-api-specs) and
`web-api/rate_limit_tiers.json` (slackapi/java-slack-sdk). OUT_DIR receives
`web_api_methods.json`: {method: {"required": [...], "optional": [...], "tier": "Tier3",
"scopes": [...]}} (any one of the scopes allows the call) and `event_scopes.json`:
{manifest event name: [scopes, any one of which allows the subscription]}, read from
`events-api/slack_events_api_async_v1.json`.
The 2020 OpenAPI file under-marks some required arguments and lacks newer methods,
so OVERRIDES below patches it; each entry says why.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

# method -> (required, optional). Merged over the spec; a method absent from the spec is added.
OVERRIDES: dict[str, tuple[list[str], list[str]]] = {
    # The spec marks no argument required; Slack refuses a call without these.
    "chat.scheduleMessage": (["channel", "post_at"], []),
    "chat.postMessage": (["channel"], []),
    "chat.delete": (["channel", "ts"], []),
    "conversations.info": (["channel"], []),
    "conversations.members": (["channel"], []),
    "conversations.join": (["channel"], []),
    "conversations.history": (["channel"], []),
    "conversations.replies": (["channel", "ts"], []),
    "users.info": (["user"], []),
    "views.update": (["view"], []),
    # Newer than the 2020 spec; slack-sdk's files_upload_v2 and Socket Mode use them.
    "files.getUploadURLExternal": (["filename", "length"], ["alt_txt", "snippet_type"]),
    "files.completeUploadExternal": (
        ["files"],
        ["channel_id", "channels", "initial_comment", "thread_ts", "blocks"],
    ),
    "apps.connections.open": ([], []),
}

# Legacy scope names in the 2020 spec, and what a bot token asks for today.
SCOPE_RENAMES = {"chat:write:bot": "chat:write", "chat:write:user": "chat:write"}
# Scopes Slack requires today where the 2020 spec lists none or lacks the method.
SCOPE_OVERRIDES: dict[str, list[str]] = {
    "files.getUploadURLExternal": ["files:write"],
    "files.completeUploadExternal": ["files:write"],
    "apps.connections.open": ["connections:write"],
}
EVENT_SCOPE_OVERRIDES: dict[str, list[str]] = {
    "app_mention": ["app_mentions:read"],  # the spec says none; Slack requires this scope
    "app_home_opened": [],  # newer than the spec; needs no scope
}

# The emulator reads the token from the Authorization header, never as an argument.
IGNORED_ARGS = {"token"}


def parameters(operation: dict[str, Any]) -> tuple[list[str], list[str]]:
    required: list[str] = []
    optional: list[str] = []
    for param in operation.get("parameters", []):
        name = param["name"]
        if name in IGNORED_ARGS:
            continue
        (required if param.get("required") else optional).append(name)
    return required, optional


def scopes(operations: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for operation in operations.values():
        for requirement in operation.get("security", []):
            for scope in requirement.get("slackAuth", []):
                scope = SCOPE_RENAMES.get(scope, scope)
                if scope != "none" and scope not in found:  # "none": no scope needed
                    found.append(scope)
    return found


def event_scopes(events_spec: dict[str, Any]) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for topic, body in events_spec["topics"].items():
        # Topics are dotted ("app.mention", "message.im"); manifests use "app_mention",
        # "message.im": only the message.* family keeps its dot.
        name = topic if topic.startswith("message.") else topic.replace(".", "_")
        table[name] = list(body.get("subscribe", {}).get("x-scopes-required") or [])
    table.update(EVENT_SCOPE_OVERRIDES)
    return dict(sorted(table.items()))


def distill(spec: dict[str, Any], tiers: dict[str, str]) -> dict[str, dict[str, Any]]:
    methods: dict[str, dict[str, Any]] = {}
    for path, operations in spec["paths"].items():
        method = path.lstrip("/")
        required: list[str] = []
        optional: list[str] = []
        for operation in operations.values():
            req, opt = parameters(operation)
            required += [n for n in req if n not in required]
            optional += [n for n in opt if n not in optional]
        methods[method] = {"required": required, "optional": optional, "scopes": scopes(operations)}
    for method, (req, opt) in OVERRIDES.items():
        entry = methods.setdefault(method, {"required": [], "optional": []})
        entry["required"] = entry["required"] + [n for n in req if n not in entry["required"]]
        entry["optional"] = [n for n in entry["optional"] + opt if n not in entry["required"]]
        entry["optional"] = list(dict.fromkeys(entry["optional"]))
    for method, granted in SCOPE_OVERRIDES.items():
        methods[method]["scopes"] = granted
    for method, entry in methods.items():
        entry["tier"] = tiers.get(method)
    return dict(sorted(methods.items()))


def dump(methods: dict[str, dict[str, Any]]) -> str:
    # One method per line: diffable, yet far smaller than indent=2.
    lines = [
        f"  {json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}"
        for name, entry in methods.items()
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    web_api = args.spec_dir / "web-api"
    spec = json.loads((web_api / "slack_web_openapi_v2.json").read_text())
    tiers = json.loads((web_api / "rate_limit_tiers.json").read_text())
    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / "web_api_methods.json"
    methods = distill(spec, tiers)
    out.write_text(dump(methods))
    print(f"wrote {len(methods)} methods to {out}")
    events_file = args.spec_dir / "events-api" / "slack_events_api_async_v1.json"
    if not events_file.exists():
        return
    events_spec = json.loads(events_file.read_text())
    events_out = args.out_dir / "event_scopes.json"
    events = event_scopes(events_spec)
    events_out.write_text(json.dumps(events, indent=1) + "\n")
    print(f"wrote {len(events)} events to {events_out}")


if __name__ == "__main__":
    main()
