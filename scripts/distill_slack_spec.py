"""Distil Slack's Web API spec into the small table the emulator validates against.

Usage: python scripts/distill_slack_spec.py SPEC_DIR OUT_DIR

SPEC_DIR holds `web-api/slack_web_openapi_v2.json` (slackapi/slack-api-specs) and
`web-api/rate_limit_tiers.json` (slackapi/java-slack-sdk). OUT_DIR receives
`web_api_methods.json`: {method: {"required": [...], "optional": [...], "tier": "Tier3"}}.
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
        methods[method] = {"required": required, "optional": optional}
    for method, (req, opt) in OVERRIDES.items():
        entry = methods.setdefault(method, {"required": [], "optional": []})
        entry["required"] = entry["required"] + [n for n in req if n not in entry["required"]]
        entry["optional"] = [n for n in entry["optional"] + opt if n not in entry["required"]]
        entry["optional"] = list(dict.fromkeys(entry["optional"]))
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


if __name__ == "__main__":
    main()
