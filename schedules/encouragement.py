"""Due work for encouragement nudges: planned at most every 10 minutes (see
bot.encouragement.nudges.PLAN_EVERY), so each nudge goes out early in the person's
local working day."""

from __future__ import annotations

from bot.deps import Deps
from bot.encouragement import nudges


def send_due_nudges(deps: Deps) -> None:
    nudges.tick(deps)
