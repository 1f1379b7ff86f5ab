"""Answering one person where no response_url exists (a form, the App Home)."""

from __future__ import annotations

from bot.deps import Deps


def tell_person(deps: Deps, user_id: str, text: str) -> None:
    """A DM the person asked for by acting (so it reaches them even if excluded)."""
    deps.notifier.dm(user_id, text, unsolicited=False)
