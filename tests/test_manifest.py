"""app.yaml is a valid Slack manifest and asks for exactly what the code uses.

The schema files come from slackapi/manifest-schema and the Web API / Events
facts from slackapi/slack-api-specs, distilled into the repo (see
tests/data/slack_spec/SOURCE.md and scripts/distill_slack_spec.py).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from bot.clock import ManualClock
from bot.emulator.data import __file__ as _data_init
from bot.local import LocalClub
from handlers import ids
from handlers.wiring import Wiring

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "tests" / "data" / "slack_spec" / "manifest"
DATA = Path(_data_init).parent
REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"
# Code that talks to Slack on the bot's behalf (the emulator and console only imitate Slack).
BOT_CODE = ["bot", "handlers", "schedules", "storage"]
NOT_BOT_CODE = ("bot/emulator", "bot/console", "bot/local.py")
# slack-sdk helpers that call several Web API methods.
COMPOSITE = {"files_upload_v2": ["files.getUploadURLExternal", "files.completeUploadExternal"]}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "app.yaml").read_text())


@pytest.fixture(scope="module")
def wiring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wiring]:
    from datetime import UTC, datetime

    url = f"sqlite:///{tmp_path_factory.mktemp('manifest') / 'club.db'}"
    with LocalClub(url, ManualClock(datetime(2026, 12, 1, tzinfo=UTC))) as club:
        yield club.bot.wiring


def web_api_methods() -> dict[str, dict]:
    return json.loads((DATA / "web_api_methods.json").read_text())


def event_scopes() -> dict[str, list[str]]:
    return json.loads((DATA / "event_scopes.json").read_text())


def called_methods() -> dict[str, set[str]]:
    """Web API methods the bot's code calls, found by reading it: method -> files."""
    known = web_api_methods()
    found: dict[str, set[str]] = {}
    for folder in BOT_CODE:
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(NOT_BOT_CODE):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    name = node.func.attr
                    candidates = COMPOSITE.get(name, [name.replace("_", ".")])
                    if name in COMPOSITE or candidates[0] in known:
                        for method in candidates:
                            found.setdefault(method, set()).add(relative)
    return found


def test_app_yaml_is_a_valid_manifest(manifest: dict) -> None:
    root = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    registry: Registry = Registry()
    for version in ("1.0.0", "2.0.0"):
        schema = json.loads((SCHEMAS / f"manifest.schema.{version}.json").read_text())
        registry = registry.with_resource(
            REMOTE + f"manifest.schema.{version}.json", Resource.from_contents(schema)
        )
    validator = jsonschema.Draft7Validator(root, registry=registry)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(manifest)]
    assert errors == []


def test_the_schema_check_catches_a_broken_manifest(manifest: dict) -> None:
    root = json.loads((SCHEMAS / "manifest.schema.1.0.0.json").read_text())
    broken = {**manifest, "features": {**manifest["features"], "bot_user": {}}}
    assert list(jsonschema.Draft7Validator(root).iter_errors(broken))


def test_commands_match_both_ways(manifest: dict, wiring: Wiring) -> None:
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert declared == wiring.commands


def test_events_match_both_ways(manifest: dict, wiring: Wiring) -> None:
    subscribed = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    listened = {e.split(".")[0] for e in subscribed}
    assert listened == wiring.events, "every bot event needs a listener, and vice versa"


def test_interactivity_is_on_when_the_code_handles_actions_or_views(
    manifest: dict, wiring: Wiring
) -> None:
    needs = bool(wiring.actions or wiring.views)
    assert manifest["settings"]["interactivity"]["is_enabled"] is needs


def test_every_action_and_callback_id_is_declared_in_ids_and_used(wiring: Wiring) -> None:
    declared = {
        value
        for name, value in vars(ids).items()
        if name.isupper() and isinstance(value, str) and name != "COMMAND"
    }
    registered = wiring.actions | wiring.views
    patterns = [re.compile(p) for p in registered if not p.isidentifier()]
    assert {r for r in registered if r.isidentifier()} <= declared
    unused = {
        value
        for value in declared
        if value not in registered and not any(p.fullmatch(value) for p in patterns)
    }
    assert unused == set(), "ids declared in handlers/ids.py but never listened to"


def test_every_web_api_method_called_exists() -> None:
    known = web_api_methods()
    unknown = {m: sorted(files) for m, files in called_methods().items() if m not in known}
    assert unknown == {}


def test_scopes_are_exactly_what_the_code_uses(manifest: dict) -> None:
    granted = set(manifest["oauth_config"]["scopes"]["bot"])
    known = web_api_methods()
    events = event_scopes()
    missing: dict[str, list[str]] = {}
    justified: set[str] = set()
    for method in called_methods():
        options = set(known[method].get("scopes", []))
        if options and not options & granted:
            missing[method] = sorted(options)
        justified |= options & granted
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        options = set(events.get(event, []))
        if options and not options & granted:
            missing[event] = sorted(options)
        justified |= options & granted
    if manifest["features"].get("slash_commands"):
        justified.add("commands")
    assert missing == {}, "the code calls methods whose scopes app.yaml does not ask for"
    assert granted - justified == set(), "app.yaml asks for scopes the code never uses"


def test_the_bot_calls_chat_methods_found_by_the_scanner() -> None:
    # Guards the scanner itself: the foundation is known to post and open DMs.
    methods = called_methods()
    assert "chat.postMessage" in methods
    assert "conversations.open" in methods
