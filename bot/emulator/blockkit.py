"""Block Kit limits that Slack enforces and that a bot most often trips over.

Not a full schema (Slack publishes none): counts, lengths and ids, reported the
way Slack does, as "[ERROR] ... [json-pointer:/blocks/0/text/text]" messages.
Limits from Slack's Block Kit reference.
"""

from __future__ import annotations

from typing import Any

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
SECTION_TEXT_MAX = 3000
SECTION_FIELDS_MAX = 10
SECTION_FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTIONS_MAX = 100
ID_MAX = 255
ACTIONS_ELEMENTS_MAX = 25
CONTEXT_ELEMENTS_MAX = 10
LABEL_MAX = 2000
VIEW_TITLE_MAX = 24
PRIVATE_METADATA_MAX = 3000

Problems = list[str]


def _too_long(value: Any, limit: int, pointer: str, out: Problems) -> None:
    if isinstance(value, str) and len(value) > limit:
        out.append(f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}]")


def _text(obj: Any, limit: int, pointer: str, out: Problems) -> None:
    if isinstance(obj, dict):
        _too_long(obj.get("text"), limit, f"{pointer}/text", out)


def _options(options: Any, pointer: str, out: Problems) -> None:
    if not isinstance(options, list):
        return
    if len(options) > OPTIONS_MAX:
        out.append(f"[ERROR] must have at most {OPTIONS_MAX} items [json-pointer:{pointer}]")
    for i, option in enumerate(options):
        if isinstance(option, dict):
            _text(option.get("text"), OPTION_TEXT_MAX, f"{pointer}/{i}/text", out)
            _too_long(option.get("value"), OPTION_VALUE_MAX, f"{pointer}/{i}/value", out)


def _element(element: Any, pointer: str, out: Problems) -> None:
    if not isinstance(element, dict):
        return
    _too_long(element.get("action_id"), ID_MAX, f"{pointer}/action_id", out)
    if element.get("type") == "button":
        _text(element.get("text"), BUTTON_TEXT_MAX, f"{pointer}/text", out)
        _too_long(element.get("value"), BUTTON_VALUE_MAX, f"{pointer}/value", out)
    _options(element.get("options"), f"{pointer}/options", out)
    for g, group in enumerate(element.get("option_groups") or []):
        if isinstance(group, dict):
            _options(group.get("options"), f"{pointer}/option_groups/{g}/options", out)


def _block(block: dict[str, Any], pointer: str, out: Problems) -> None:
    kind = block.get("type")
    _too_long(block.get("block_id"), ID_MAX, f"{pointer}/block_id", out)
    if kind == "section":
        _text(block.get("text"), SECTION_TEXT_MAX, f"{pointer}/text", out)
        fields = block.get("fields") or []
        if len(fields) > SECTION_FIELDS_MAX:
            at = f"[json-pointer:{pointer}/fields]"
            out.append(f"[ERROR] must have at most {SECTION_FIELDS_MAX} items {at}")
        for i, field in enumerate(fields):
            _text(field, SECTION_FIELD_TEXT_MAX, f"{pointer}/fields/{i}", out)
        _element(block.get("accessory"), f"{pointer}/accessory", out)
    elif kind == "header":
        _text(block.get("text"), HEADER_TEXT_MAX, f"{pointer}/text", out)
    elif kind in ("actions", "context"):
        limit = ACTIONS_ELEMENTS_MAX if kind == "actions" else CONTEXT_ELEMENTS_MAX
        elements = block.get("elements") or []
        if len(elements) > limit:
            out.append(f"[ERROR] must have at most {limit} items [json-pointer:{pointer}/elements]")
        for i, element in enumerate(elements):
            _element(element, f"{pointer}/elements/{i}", out)
    elif kind == "input":
        _text(block.get("label"), LABEL_MAX, f"{pointer}/label", out)
        _element(block.get("element"), f"{pointer}/element", out)


def check_blocks(blocks: Any, pointer: str, max_blocks: int) -> Problems:
    """Problems with a `blocks` array, or [] when Slack would accept it."""
    if not isinstance(blocks, list):
        return [f"[ERROR] must be an array [json-pointer:{pointer}]"]
    out: Problems = []
    if len(blocks) > max_blocks:
        out.append(f"[ERROR] no more than {max_blocks} items allowed [json-pointer:{pointer}]")
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        here = f"{pointer}/{i}"
        if not isinstance(block, dict) or "type" not in block:
            out.append(f"[ERROR] missing required field: type [json-pointer:{here}]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in seen:
                out.append(
                    f"[ERROR] duplicate block_id {block_id!r} [json-pointer:{here}/block_id]"
                )
            seen.add(block_id)
        _block(block, here, out)
    return out


def check_message_blocks(blocks: Any) -> Problems:
    return check_blocks(blocks, "/blocks", MESSAGE_MAX_BLOCKS)


def check_view(view: Any, *, allowed_types: tuple[str, ...]) -> Problems:
    """Problems with a modal or home view as sent to views.*."""
    if not isinstance(view, dict):
        return ["[ERROR] must be an object [json-pointer:/view]"]
    out: Problems = []
    kind = view.get("type")
    if kind not in allowed_types:
        out.append(f"[ERROR] type must be one of {list(allowed_types)} [json-pointer:/view/type]")
    if "blocks" not in view:
        out.append("[ERROR] missing required field: blocks [json-pointer:/view]")
    else:
        out += check_blocks(view["blocks"], "/view/blocks", VIEW_MAX_BLOCKS)
    if kind == "modal":
        if not isinstance(view.get("title"), dict):
            out.append("[ERROR] missing required field: title [json-pointer:/view]")
        for key in ("title", "submit", "close"):
            _text(view.get(key), VIEW_TITLE_MAX, f"/view/{key}", out)
        has_input = any(
            isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or []
        )
        if has_input and not view.get("submit"):
            out.append("[ERROR] must provide a submit property when using input blocks")
    _too_long(view.get("private_metadata"), PRIVATE_METADATA_MAX, "/view/private_metadata", out)
    _too_long(view.get("callback_id"), ID_MAX, "/view/callback_id", out)
    return out
