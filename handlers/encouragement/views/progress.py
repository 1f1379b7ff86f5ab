"""Block Kit for `/club progress`: a member's path and the club's distribution."""

from __future__ import annotations

from typing import Any

from bot.content import plural
from bot.content.path import PATH_STEPS, PathStep
from bot.encouragement.progress import ClubDistribution, Progress
from handlers import ids


def _section(text: str, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def _tick_button(owner: str, step: PathStep) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": ids.PROGRESS_TICK_PREFIX + step.key,
        "text": {"type": "plain_text", "text": "I've done this"},
        "value": f"{owner}:{step.key}",
    }


def _how_it_ticks(step: PathStep) -> str:
    if step.detected:
        return "_I tick this one myself when I see it happen._"
    if step.organiser_recorded:
        return "_An organiser records this one for you._"
    return ""


def progress_text(progress: Progress) -> str:
    upcoming = f" Next: {progress.next.title}." if progress.next else " The whole path!"
    done = f"{progress.done_count} of {len(PATH_STEPS)}"
    return f"Your proficiency path: {done} steps done.{upcoming}"


def progress_blocks(progress: Progress) -> list[dict[str, Any]]:
    blocks = [_section(f"*{progress_text(progress)}*")]
    for step in PATH_STEPS:
        title = f"{step.number}. {step.title}"
        if step.key in progress.reached:
            blocks.append(_section(f":white_check_mark: ~{title}~"))
            continue
        is_next = progress.next is not None and progress.next.key == step.key
        mark = f":arrow_right: *{title}* (your next step)" if is_next else f":white_circle: {title}"
        lines = [mark]
        if is_next:
            lines.append(step.how_to)
        note = _how_it_ticks(step)
        if note:
            lines.append(note)
        button = _tick_button(progress.user_id, step) if step.self_ticked else None
        blocks.append(_section("\n".join(lines), button))
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Go at your own pace; steps can be done in any order.",
                }
            ],
        }
    )
    return blocks


def distribution_text(distribution: ClubDistribution) -> str:
    lines = [
        f"*The club along the path* ({plural(distribution.members, 'person', 'people')} on it, "
        f"{distribution.completed} walked it all)"
    ]
    for count in distribution.steps:
        lines.append(
            f"{count.step.number}. {count.step.title}: *{count.reached}* reached, "
            f"{count.next_here} have it as their next step"
        )
    return "\n".join(lines)


def distribution_blocks(distribution: ClubDistribution) -> list[dict[str, Any]]:
    return [_section(distribution_text(distribution))]
