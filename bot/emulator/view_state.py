"""Build a view's `state.values` the way Slack sends it on view_submission.

A test says what the person typed or picked (`{"title": "Pairing", "day": "2024-05-01"}`,
keyed by block_id or action_id); this turns it into Slack's per-element value shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Given = str | list[str] | None
Values = dict[str, dict[str, dict[str, Any]]]

# element type -> (state key, initial_* key); one value each.
_SINGLE = {
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
    "users_select": ("selected_user", "initial_user"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "channels_select": ("selected_channel", "initial_channel"),
}
_MULTI = {
    "multi_users_select": ("selected_users", "initial_users"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
}
_ONE_OPTION = {"static_select", "external_select", "radio_buttons"}
_MANY_OPTIONS = {"multi_static_select", "multi_external_select", "checkboxes"}
_NOT_STATEFUL = {"button", "overflow", "image", "workflow_button"}


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _option(element: dict[str, Any], value: str) -> dict[str, Any]:
    options = _options(element)
    if not options:  # external selects: Slack echoes what the app suggested
        return {"text": {"type": "plain_text", "text": value}, "value": value}
    for option in options:
        if option.get("value") == value:
            return option
    known = [o.get("value") for o in options]
    raise ValueError(f"{element.get('action_id')}: no option with value {value!r} (have {known})")


def _one(given: Given) -> str | None:
    if isinstance(given, list):
        raise ValueError(f"expected one value, got a list: {given!r}")
    return given


def _many(given: Given) -> list[str] | None:
    return [given] if isinstance(given, str) else given


def element_state(element: dict[str, Any], given: Given) -> dict[str, Any]:
    """One element's entry in state.values (initial values stand when nothing is given)."""
    kind = element.get("type", "")
    state: dict[str, Any] = {"type": kind}
    if kind in _SINGLE:
        key, initial = _SINGLE[kind]
        state[key] = _one(given) if given is not None else element.get(initial)
    elif kind in _MULTI:
        key, initial = _MULTI[kind]
        state[key] = _many(given) if given is not None else element.get(initial, [])
    elif kind in _ONE_OPTION:
        value = _one(given)
        state["selected_option"] = (
            _option(element, value) if value is not None else element.get("initial_option")
        )
    elif kind in _MANY_OPTIONS:
        values = _many(given)
        state["selected_options"] = (
            [_option(element, v) for v in values]
            if values is not None
            else element.get("initial_options", [])
        )
    elif kind == "rich_text_input":
        text = _one(given)
        state["rich_text_value"] = (
            element.get("initial_value")
            if text is None
            else {
                "type": "rich_text",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        )
    else:  # plain_text_input, number_input, email_text_input, url_text_input, ...
        state["value"] = _one(given) if given is not None else element.get("initial_value")
    return state


def _stateful_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    kind = block.get("type")
    if kind == "input":
        candidates = [block.get("element")]
    elif kind == "actions":
        candidates = list(block.get("elements") or [])
    elif kind == "section":
        candidates = [block.get("accessory")]
    else:
        return []
    return [e for e in candidates if isinstance(e, dict) and e.get("type") not in _NOT_STATEFUL]


def state_values(view: Mapping[str, Any], inputs: Mapping[str, Given]) -> Values:
    """state.values for `view`, with `inputs` keyed by block_id or action_id.

    Blocks or elements without ids get positional ones ("block0", "action0"),
    the same whichever copy of the view is passed. Unknown keys raise ValueError,
    so a typo in a test fails loudly.
    """
    values: Values = {}
    used: set[str] = set()
    for i, block in enumerate(view.get("blocks") or []):
        if not isinstance(block, dict):
            continue
        block_id = block.get("block_id") or f"block{i}"
        for j, element in enumerate(_stateful_elements(block)):
            action_id = element.get("action_id") or f"action{j}"
            key = block_id if block_id in inputs else action_id
            used.add(key)
            values.setdefault(block_id, {})[action_id] = element_state(element, inputs.get(key))
    unknown = set(inputs) - used
    if unknown:
        raise ValueError(f"no input element for {sorted(unknown)}; view has {sorted(values)}")
    return values
