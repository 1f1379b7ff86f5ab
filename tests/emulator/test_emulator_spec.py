"""The distilled method table, and the script that makes it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from bot.emulator.spec import methods, missing_required

SCRIPT = Path(__file__).parents[2] / "scripts" / "distill_slack_spec.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("distill_slack_spec", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_table_has_the_methods_the_bot_uses() -> None:
    table = methods()
    assert table["chat.postMessage"].required == ("channel",)
    assert set(table["chat.scheduleMessage"].required) == {"channel", "post_at"}
    assert table["files.getUploadURLExternal"].required == ("filename", "length")
    assert table["files.completeUploadExternal"].required == ("files",)
    assert "apps.connections.open" in table
    assert table["views.open"].tier == "Tier4"
    assert all("token" not in m.required + m.optional for m in table.values())


def test_missing_required_treats_empty_as_missing() -> None:
    assert missing_required("chat.postEphemeral", {"channel": "", "user": "U1"}) == ["channel"]


def test_distill_merges_spec_tiers_and_overrides(tmp_path: Path) -> None:
    web_api = tmp_path / "web-api"
    web_api.mkdir()
    spec = {
        "paths": {
            "/chat.scheduleMessage": {
                "post": {
                    "parameters": [
                        {"name": "token", "in": "header", "required": True},
                        {"name": "channel", "in": "formData"},
                        {"name": "text", "in": "formData"},
                    ]
                }
            }
        }
    }
    (web_api / "slack_web_openapi_v2.json").write_text(json.dumps(spec))
    (web_api / "rate_limit_tiers.json").write_text(json.dumps({"chat.scheduleMessage": "Tier3"}))
    load_script().main([str(tmp_path), str(tmp_path / "out")])
    table = json.loads((tmp_path / "out" / "web_api_methods.json").read_text())
    assert table["chat.scheduleMessage"] == {
        "required": ["channel", "post_at"],
        "optional": ["text"],
        "scopes": [],
        "tier": "Tier3",
    }
    assert table["files.getUploadURLExternal"]["required"] == ["filename", "length"]
