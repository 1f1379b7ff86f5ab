"""Greetings, thanks, asking for help and keyboard noise sent to the bot: not questions,
so never matched or escalated.

Small, explicit lists on purpose (no NLP): only a whole message that is one of these
phrases counts, so "hi, how do I start a blog?" and "help me start a blog" are still
questions. Noise is judged word by word and only on Latin letters, so a question in
Japanese or Greek is never mistaken for it.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class SmallTalk(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    NOISE = "noise"


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
# Asking what the bot is for, rather than asking it something.
_HELP = frozenset({
    "help", "help me", "help please", "please help", "halp", "what can you do",
    "what do you do", "what can i ask", "what can i ask you", "what can you help with",
    "what can you help me with", "how do you work", "how does this work", "how does it work",
    "who are you", "what are you", "what is this", "what is clubbot", "commands", "menu",
    "options", "what are the commands", "show commands", "list commands", "usage",
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
    """What kind of not-a-question the whole message is; None for a question."""
    phrase = _normalise(text)
    if not phrase and (_only_emoji(text) or _EMOTICON.fullmatch(text.strip())):
        # A lone :wave: says hello; a lone :+1: or :pray: after an answer says thanks.
        return SmallTalk.GREETING if "wave" in text or "👋" in text else SmallTalk.THANKS
    if phrase in _GREETINGS:
        return SmallTalk.GREETING
    if phrase in _THANKS:
        return SmallTalk.THANKS
    if phrase in _HELP or _QUESTION_MARKS.fullmatch(text.strip()):
        return SmallTalk.HELP
    if is_noise(text):
        return SmallTalk.NOISE
    return None


def _only_emoji(text: str) -> bool:
    rest = _EMOJI.sub("", text).strip()
    has_emoji = bool(_EMOJI.search(text)) or any(unicodedata.category(c) == "So" for c in rest)
    return has_emoji and all(
        unicodedata.category(c) in {"So", "Sk", "Mn", "Cf", "Zs"} or c in "!." for c in rest
    )


_EMOTICON = re.compile(r"[:;=8]['-]?[)D(pP3]+")
_QUESTION_MARKS = re.compile(r"[?？]+")
_SLACK_MARKUP = re.compile(r"<[^>]*>")  # links, mentions and channels say something
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
_VOWELS = frozenset("aeiouy")


def _mashed(word: str) -> bool:
    """A word no language the club writes in would spell: a run along one keyboard row,
    one letter or syllable repeated, or a long stretch without a vowel."""
    if len(word) >= 4 and any(word in row or word[:4] in row for row in _ROWS):
        return True
    if len(word) == 3 and not _VOWELS & set(word) and any(word in row for row in _ROWS):
        return True  # "jkl", "sdf"; "why", "SMC" or "thx" stay words
    for size in (1, 2, 3):
        unit = word[:size]
        if len(word) >= 3 * size and len(word) >= 3 and unit * (len(word) // size) == word:
            return True
    run = longest = 0
    for letter in word:
        run = 0 if letter in _VOWELS else run + 1
        longest = max(longest, run)
    return longest >= 6 or (len(word) >= 5 and not _VOWELS & set(word))


def is_noise(text: str) -> bool:
    """True for keyboard noise such as "asdfgh", "jkjkjk ???" or "....": every word
    mashed, or no word at all. Anything with digits, markup or non-Latin letters is
    given the benefit of the doubt."""
    stripped = _EMOJI.sub(" ", text.lower())
    if _SLACK_MARKUP.search(stripped) or any(c.isdigit() for c in stripped):
        return False
    if any(c.isalpha() and not c.isascii() for c in stripped):
        return False
    words = re.findall(r"[a-z]+", stripped)
    if not words:
        return bool(stripped.strip()) and not _EMOJI.search(text)
    return all(_mashed(word) for word in words)


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


# How a question to the club starts ("how do I...", "anyone know...", "is it ok to...").
_QUESTION_WORDS = frozenset({
    "how", "what", "whats", "where", "wheres", "when", "why", "who", "whos", "whom", "which",
    "can", "could", "should", "would", "will", "shall", "may", "might", "must", "is", "isnt",
    "are", "arent", "am", "do", "dont", "does", "doesnt", "did", "has", "have", "was", "were",
    "anyone", "anybody", "any", "help",
})
_SENTENCES = re.compile(r"[.!;:\n]+")


def is_question(text: str) -> bool:
    """Whether a channel message asks something: a question mark, or a sentence that
    starts the way questions do. Announcements ("I just started a blog!") and thanks in
    the club channel are conversation, not questions put to the FAQ."""
    if "?" in text or "？" in text:
        return True
    for sentence in _SENTENCES.split(without_small_talk(text).lower()):
        words = _NOT_WORD.sub(" ", sentence.replace("'", "").replace("’", "")).split()
        if words and words[0] in _QUESTION_WORDS:
            return True
    return False
