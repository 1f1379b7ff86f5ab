"""Greetings and thanks sent to the bot: not questions, so never matched or escalated.

A small, explicit list on purpose (no NLP): only a whole message that is one of these
phrases counts, so "hi, how do I start a blog?" is still a question.
"""

from __future__ import annotations

import re
from enum import StrEnum


class SmallTalk(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"


_GREETINGS = frozenset({
    "hi", "hello", "hey", "hiya", "howdy", "heya", "hallo", "hej",
    "good morning", "good afternoon", "good evening", "morning",
})
_THANKS = frozenset({
    "thanks", "thank you", "thx", "ty", "cheers", "many thanks", "thanks a lot",
    "thanks so much", "thank you so much", "thank you very much", "thanks a bunch",
    "great thanks", "ok thanks", "ok thank you", "perfect thanks", "awesome thanks",
    "that helped thanks", "got it thanks",
})
# Who the greeting is addressed to: "hi there", "thanks clubbot", "hello everyone".
_ADDRESSEES = ("there", "clubbot", "bot", "all", "everyone", "team")
_EMOJI = re.compile(r":[a-z0-9_+\-]+:")
_NOT_WORD = re.compile(r"[^a-z\s]")


def _normalise(text: str) -> str:
    lowered = _EMOJI.sub(" ", text.lower().replace("’", "'"))
    words = _NOT_WORD.sub(" ", lowered).split()
    if len(words) > 1 and words[-1] in _ADDRESSEES:
        words = words[:-1]
    return " ".join(words)


def small_talk(text: str) -> SmallTalk | None:
    """GREETING or THANKS when the whole message is one; None for anything else."""
    phrase = _normalise(text)
    if phrase in _GREETINGS:
        return SmallTalk.GREETING
    if phrase in _THANKS:
        return SmallTalk.THANKS
    return None


def _alternation(phrases: frozenset[str]) -> str:
    # Longest first, so "thank you so much" wins over "thank you".
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len,
                                                                         reverse=True))


_ADDRESSEE = r"(?:\s+(?:" + "|".join(_ADDRESSEES) + r"))?"
# A bare "morning" or "ty" could start or end a real question ("morning meetings?").
_OPENING = re.compile(
    r"^\s*(?:" + _alternation(_GREETINGS - {"morning"}) + r")" + _ADDRESSEE
    + r"\b[\s,.!:;\-–]*", re.IGNORECASE)
_CLOSING = re.compile(
    r"[\s,.!;\-–]*\b(?:" + _alternation(_THANKS - {"ty"}) + r")" + _ADDRESSEE
    + r"[\s.!]*$", re.IGNORECASE)


def without_small_talk(text: str) -> str:
    """The question without an opening greeting or closing thanks ("Hi! how do I start a
    blog? thanks" -> "how do I start a blog?"), so politeness doesn't hide the question."""
    trimmed = _CLOSING.sub("", _OPENING.sub("", text, count=1), count=1).strip()
    return trimmed or text
