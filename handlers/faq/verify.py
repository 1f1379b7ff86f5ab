"""The weekly FAQ review: the DM FAQ editors get, and its *Still right* buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.content import escape_mrkdwn
from bot.faq import verification
from bot.faq.verification import StaleEntry
from bot.roles.policy import Action, who_may
from handlers import ids, payload
from handlers.faq.manage import deps_from
from handlers.wiring import Wiring

Block = dict[str, Any]


def register(wire: Wiring) -> None:
    wire.action(ids.FAQ_VERIFY)(on_verify)


def review_message(stale: list[StaleEntry], total: int) -> tuple[str, list[Block]]:
    """One row per entry: why it is offered, *Still right*, and how to change it."""
    text = (f":mag: Weekly FAQ review: {total} entr{'ies' if total != 1 else 'y'} could use "
            "a look, to keep the club's answers true.")
    blocks: list[Block] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    for entry in stale:
        blocks.append({
            "type": "section",
            "block_id": f"faq_verify_{entry.entry_id}",
            "text": {"type": "mrkdwn", "text": (
                f"*#{entry.entry_id}* {escape_mrkdwn(entry.question)}\n_{_why(entry)}_ · "
                f"change it with `/club faq edit {entry.entry_id}`"
            )[:3000]},
            "accessory": {"type": "button", "action_id": ids.FAQ_VERIFY,
                          "text": {"type": "plain_text", "text": "Still right"},
                          "value": str(entry.entry_id)},
        })
    if total > len(stale):
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"…and {total - len(stale)} more; `/club faq list` shows every entry.")}]})
    return text, blocks


def _why(entry: StaleEntry) -> str:
    if entry.not_helpful >= verification.UNHELPFUL_MIN and entry.not_helpful > entry.helpful:
        return f"askers found it unhelpful {entry.not_helpful}× (helpful {entry.helpful}×)"
    if entry.verified_at is None:
        return "never verified"
    return f"last verified {entry.verified_at:%Y-%m-%d}"


def on_verify(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    deps = deps_from(context)
    user = body["user"]["id"]
    if not deps.may(user, Action.EDIT_FAQ):
        respond(text=f":no_entry: Only {who_may(Action.EDIT_FAQ)} can verify FAQ entries.",
                response_type="ephemeral", replace_original=False)
        return
    entry_id = payload.record_id(payload.action_value(body))
    question = (verification.verify(deps.db, entry_id, deps.clock.now())
                if entry_id is not None else None)
    if question is None:
        respond(text="That FAQ entry is no longer there; nothing changed.",
                response_type="ephemeral", replace_original=False)
        return
    respond(text=f":white_check_mark: #{entry_id} _{escape_mrkdwn(question)}_ is verified "
            "as of today. Thanks for keeping the answers true!",
            response_type="ephemeral", replace_original=False)
