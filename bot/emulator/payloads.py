"""Pure builders for what Slack sends an app: event envelopes and interaction payloads.

Shapes follow java-slack-sdk's json-logs samples (samples/events/*Payload.json,
samples/app-backend/*Payload.json), trimmed to the keys Slack sets for a
non-enterprise workspace.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

VERIFICATION_TOKEN = "emulator-verification-token"  # legacy field; Bolt ignores it


@dataclass(frozen=True)
class Team:
    id: str
    api_app_id: str
    bot_user_id: str
    domain: str = "clubbot-emulator"


def envelope(team: Team, event: dict[str, Any], event_id: str, event_time: int) -> dict[str, Any]:
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team.id,
        "api_app_id": team.api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team.id,
                "user_id": team.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-emulator-{event_id}",
    }


def interaction_base(team: Team, kind: str, user_id: str, user_name: str) -> dict[str, Any]:
    return {
        "type": kind,
        "team": {"id": team.id, "domain": team.domain},
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team.id},
        "api_app_id": team.api_app_id,
        "token": VERIFICATION_TOKEN,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def walk_elements(blocks: Any) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """(block_id, element) for every interactive element in a blocks array."""
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        block_id = block.get("block_id")
        kind = block.get("type")
        if kind == "actions":
            elements = block.get("elements") or []
        elif kind == "section":
            elements = [block.get("accessory")]
        elif kind == "input":
            elements = [block.get("element")]
        else:
            continue
        for element in elements:
            if isinstance(element, dict):
                yield block_id, element


def find_element(blocks: Any, action_id: str) -> tuple[str | None, dict[str, Any]]:
    for block_id, element in walk_elements(blocks):
        if element.get("action_id") == action_id:
            return block_id, element
    found = [e.get("action_id") for _, e in walk_elements(blocks)]
    raise ValueError(f"no element with action_id {action_id!r}; found {found}")


def is_view(target: dict[str, Any]) -> bool:
    return target.get("type") in ("modal", "home")
