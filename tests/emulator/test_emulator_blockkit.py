"""Block Kit limit checks, without a server."""

from __future__ import annotations

from typing import Any

from bot.emulator.blockkit import check_message_blocks, check_view


def button(text: str = "Go", value: str = "v") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "value": value}


def test_a_sane_message_passes() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Hi"}},
        {"type": "section", "block_id": "a", "text": {"type": "mrkdwn", "text": "x"}},
        {"type": "actions", "block_id": "b", "elements": [button()]},
    ]
    assert check_message_blocks(blocks) == []


def test_duplicate_block_ids_and_missing_types() -> None:
    problems = check_message_blocks([{"type": "divider", "block_id": "x"}] * 2 + [{}])
    assert any("duplicate block_id" in p for p in problems)
    assert any("missing required field: type" in p for p in problems)


def test_option_and_button_value_limits() -> None:
    select = {
        "type": "static_select",
        "action_id": "s",
        "options": [{"text": {"type": "plain_text", "text": "o"}, "value": "v" * 151}],
    }
    blocks = [{"type": "actions", "elements": [select, button(value="v" * 2001)]}]
    problems = check_message_blocks(blocks)
    assert any("/elements/0/options/0/value" in p for p in problems)
    assert any("/elements/1/value" in p for p in problems)


def test_modal_rules() -> None:
    input_block = {
        "type": "input",
        "label": {"type": "plain_text", "text": "L"},
        "element": {"type": "plain_text_input", "action_id": "a"},
    }
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": [input_block]}
    assert any("submit" in p for p in check_view(view, allowed_types=("modal",)))
    assert check_view({**view, "type": "home"}, allowed_types=("modal",))
    assert check_view({"type": "home", "blocks": []}, allowed_types=("home",)) == []
    long_metadata = {"type": "home", "blocks": [], "private_metadata": "m" * 3001}
    assert check_view(long_metadata, allowed_types=("home",))
