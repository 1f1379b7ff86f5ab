"""`/club forget me`: every feature says how to forget a person.

Each repository module that stores personal data registers a function here that
deletes (or anonymises) one person's rows, keeping only anonymous counts.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

Forgetter = Callable[[Session, str], None]

FORGETTERS: list[Forgetter] = []


def forgets(function: Forgetter) -> Forgetter:
    """Decorator for a repository function that forgets one person."""
    FORGETTERS.append(function)
    return function


def forget_person(session: Session, user_id: str) -> None:
    for forget in FORGETTERS:
        forget(session, user_id)
