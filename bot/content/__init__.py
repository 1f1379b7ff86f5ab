"""Everything clubbot says, as content the code loads.

- ``faq_starter.yaml``: the starter FAQ (load it with :func:`load_faq_starter`).
- :mod:`bot.content.path`: the proficiency path as typed data.
- :mod:`bot.content.messages`: pure functions that return mrkdwn texts.

This package has no Slack and no database dependency.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "ALLOWED_TAGS",
    "COURSE_URL",
    "FAQ_ANSWER_MAX_CHARS",
    "FAQ_STARTER_RESOURCE",
    "GUIDELINES_URL",
    "INTERNAL_PLATFORM_URL",
    "FaqContentError",
    "FaqEntry",
    "escape_mrkdwn",
    "load_faq_starter",
    "parse_faq_entries",
]

#: The tags an FAQ entry may carry.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "joining",
        "guidelines",
        "blogging",
        "platform",
        "disclosure",
        "comments",
        "press",
        "time",
        "mentoring",
        "social-core",
        "meetings",
        "training",
        "measuring",
        "platforms",
        "privacy",
        "clubbot",
    }
)

# Placeholder intranet links, all under intranet.example.com so they are easy to
# find and replace. faq_starter.yaml uses the same addresses.
GUIDELINES_URL = "https://intranet.example.com/social-media/guidelines"
INTERNAL_PLATFORM_URL = "https://intranet.example.com/blogs"
COURSE_URL = "https://intranet.example.com/learning/community"

#: An answer must fit comfortably in one Slack section block (limit 3000).
FAQ_ANSWER_MAX_CHARS = 1200

#: File name of the starter FAQ inside this package.
FAQ_STARTER_RESOURCE = "faq_starter.yaml"


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 offer", "2 offers", "1 person", "3 people": the count with the right word."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def escape_mrkdwn(text: str) -> str:
    """Escape a person's free text for Slack mrkdwn.

    Slack only requires ``&``, ``<`` and ``>`` to be escaped. Without this, a
    person's text could contain ``<!channel>`` (pinging everyone), a forged
    ``<https://evil|innocent label>`` link or a mention.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class FaqContentError(ValueError):
    """The FAQ file is malformed; the message says which entry and why."""


@dataclass(frozen=True)
class FaqEntry:
    """One FAQ entry: a question, other ways of asking it, an mrkdwn answer, tags."""

    question: str
    alternatives: tuple[str, ...]
    answer: str
    tags: tuple[str, ...]


def _strings(value: Any, where: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FaqContentError(f"{where}: '{field}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def parse_faq_entries(data: Any) -> list[FaqEntry]:
    """Validate parsed YAML (a list of mappings) and turn it into entries."""
    if not isinstance(data, list):
        raise FaqContentError("the FAQ file must be a list of entries")
    entries: list[FaqEntry] = []
    for index, raw in enumerate(data, start=1):
        where = f"entry {index}"
        if not isinstance(raw, dict):
            raise FaqContentError(f"{where}: must be a mapping")
        question = raw.get("question")
        answer = raw.get("answer")
        if not isinstance(question, str) or not question.strip():
            raise FaqContentError(f"{where}: 'question' must be a non-empty string")
        where = f"entry {index} ({question.strip()!r})"
        if not isinstance(answer, str) or not answer.strip():
            raise FaqContentError(f"{where}: 'answer' must be a non-empty string")
        if len(answer) > FAQ_ANSWER_MAX_CHARS:
            raise FaqContentError(
                f"{where}: answer is {len(answer)} characters, at most "
                f"{FAQ_ANSWER_MAX_CHARS} allowed"
            )
        alternatives = _strings(raw.get("alternatives", []), where, "alternatives")
        tags = _strings(raw.get("tags", []), where, "tags")
        unknown = sorted(set(tags) - ALLOWED_TAGS)
        if unknown:
            raise FaqContentError(f"{where}: unknown tags {unknown}")
        extra = sorted(set(raw) - {"question", "alternatives", "answer", "tags"})
        if extra:
            raise FaqContentError(f"{where}: unknown fields {extra}")
        entries.append(
            FaqEntry(
                question=question.strip(),
                alternatives=alternatives,
                answer=answer.strip(),
                tags=tags,
            )
        )
    return entries


def load_faq_starter(path: str | Path | None = None) -> list[FaqEntry]:
    """Load and validate the starter FAQ (or another FAQ file in the same format)."""
    if path is None:
        return list(_starter_entries())
    return parse_faq_entries(_load_yaml(Path(path).read_text(encoding="utf-8")))


@functools.cache
def _starter_entries() -> tuple[FaqEntry, ...]:
    # The packaged file never changes while the process runs, and every new database
    # is seeded from it: parse it once (the entries are frozen, so sharing them is safe).
    text = resources.files(__name__).joinpath(FAQ_STARTER_RESOURCE).read_text("utf-8")
    return tuple(parse_faq_entries(_load_yaml(text)))


def _load_yaml(text: str) -> Any:
    # libyaml's loader when PyYAML was built with it: the same safe subset, much faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)
