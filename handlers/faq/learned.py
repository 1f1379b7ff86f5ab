"""`/club faq learned`: FAQ editors review the wordings askers found helpful.

A wording waits here until an editor approves it (it becomes one of the entry's
phrasings) or drops it (never proposed again), unless a second asker confirms it first.
Each button names a stored wording; the presser's right and the wording's state are
checked on the server.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.content import escape_mrkdwn
from bot.faq import learning
from bot.faq.learning import Review, Reviewed, Waiting
from bot.roles.policy import Action, who_may
from handlers import ids, payload
from handlers.commands import CommandCall, CommandRouter, Subcommand
from handlers.faq.manage import GROUP, deps_from
from handlers.wiring import Wiring

Block = dict[str, Any]


def register(wire: Wiring, router: CommandRouter) -> None:
    router.add(Subcommand("faq learned", "faq learned",
                          "approve or drop the wordings askers found helpful", _learned,
                          Action.EDIT_FAQ, GROUP))
    wire.action(ids.FAQ_LEARNED_APPROVE)(on_approve)
    wire.action(ids.FAQ_LEARNED_DROP)(on_drop)


def _learned(call: CommandCall) -> None:
    text, blocks = review_list(*learning.waiting(call.deps.db))
    call.respond(text=text, blocks=blocks, response_type="ephemeral")


def on_approve(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    _decide(body, respond, context, approve=True)


def on_drop(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    _decide(body, respond, context, approve=False)


def _decide(body: dict[str, Any], respond: Respond, context: BoltContext, approve: bool) -> None:
    deps = deps_from(context)
    editor = body["user"]["id"]
    if not deps.may(editor, Action.EDIT_FAQ):
        respond(text=f":no_entry: Only {who_may(Action.EDIT_FAQ)} can review learned "
                "wordings.", response_type="ephemeral", replace_original=False)
        return
    wording_id = payload.record_id(payload.action_value(body))
    reviewed = (
        learning.review(deps.db, wording_id, editor, approve, deps.clock.now())
        if wording_id is not None else Reviewed(Review.GONE)
    )
    text, blocks = review_list(*learning.waiting(deps.db), note=outcome_line(reviewed))
    respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)


def outcome_line(reviewed: Reviewed) -> str:
    said = f"“{escape_mrkdwn(reviewed.wording)}” for _{escape_mrkdwn(reviewed.entry_question)}_"
    # Opening with the wording reads fine in every line below.
    if reviewed.outcome is Review.APPROVED:
        return f":white_check_mark: Approved {said}: I'll recognise it for everyone now."
    if reviewed.outcome is Review.DROPPED:
        return f":wastebasket: Dropped {said}; it won't be proposed again."
    if reviewed.outcome is Review.DECIDED:
        by = f" by <@{reviewed.decided_by}>" if reviewed.decided_by else ""
        return f"{said} was already decided{by}; nothing changed."
    return "That wording is no longer waiting (its entry may have been removed); nothing changed."


def review_list(rows: list[Waiting], total: int, note: str = "") -> tuple[str, list[Block]]:
    """The waiting wordings with Approve / Drop buttons, oldest first."""
    blocks: list[Block] = []
    if note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    if not rows:
        text = "No learned wordings are waiting for review."
        blocks.append(_section(f":sparkles: {text} When askers press *Helpful*, their "
                               "wording waits here for an FAQ editor."))
        return (f"{note} {text}".strip(), blocks)
    more = f" (the oldest {len(rows)} shown)" if total > len(rows) else ""
    text = f"{total} learned wording{'s' if total != 1 else ''} waiting for review{more}."
    blocks.append(_section(f"*{text}* Approve one and I'll recognise it for everyone; "
                           "drop it and it won't be proposed again."))
    for row in rows:
        who = f" · from <@{row.learned_from}>" if row.learned_from else ""
        blocks.append({
            "type": "section",
            "block_id": f"learned_{row.wording_id}",
            "text": {"type": "mrkdwn", "text": (
                f"“{escape_mrkdwn(row.wording)}”\n→ _{escape_mrkdwn(row.entry_question)}_ "
                f"(#{row.entry_id}){who}"
            )[:3000]},
        })
        blocks.append({
            "type": "actions",
            "block_id": f"learned_actions_{row.wording_id}",
            "elements": [
                _button("Approve", ids.FAQ_LEARNED_APPROVE, row.wording_id, "primary"),
                _button("Drop", ids.FAQ_LEARNED_DROP, row.wording_id, None),
            ],
        })
    return (f"{note} {text}".strip(), blocks)


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(label: str, action_id: str, wording_id: int, style: str | None) -> Block:
    button: Block = {"type": "button", "text": {"type": "plain_text", "text": label},
                     "action_id": action_id, "value": str(wording_id)}
    if style:
        button["style"] = style
    return button
