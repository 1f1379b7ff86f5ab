"""What a valid FAQ entry looks like, whoever typed it: a modal, a spreadsheet, a mentor.

Pure: returns the cleaned fields or a message per bad field, so the modal can show the
errors inline and the spreadsheet import can name row and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.content import FAQ_ANSWER_MAX_CHARS

QUESTION_MAX_CHARS = 300
# A real question and a real answer: "?" or "see wiki" helps nobody who asks.
QUESTION_MIN_CHARS = 10
ANSWER_MIN_CHARS = 10
PHRASING_MAX_CHARS = 300
PHRASINGS_MAX = 40
TAGS_MAX = 8
_TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
# Links people may put in an answer: <https://…>, <https://…|label>, <mailto:…|label>.
_LINK = re.compile(r"<(?:https?://|mailto:)[^<>\s|]+(?:\|[^<>]*)?>")


@dataclass(frozen=True)
class EntryFields:
    question: str
    alternatives: tuple[str, ...]
    answer: str
    tags: tuple[str, ...]


def is_tag(text: str) -> bool:
    """A tag as entries carry them: up to 30 lowercase letters, digits and dashes."""
    return bool(_TAG.match(text))


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def split_tags(text: str) -> list[str]:
    return [tag.strip().lower() for tag in re.split(r"[,\s]+", text or "") if tag.strip()]


def safe_answer(text: str) -> str:
    """Escape an answer's mrkdwn but keep its links: no `<!channel>`, no forged mentions."""
    out: list[str] = []
    last = 0
    for match in _LINK.finditer(text):
        out.append(_escape(text[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    # Leaves &amp; &lt; &gt; alone so an answer saved twice is not escaped twice.
    text = re.sub(r"&(?!amp;|lt;|gt;)", "&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def one_line(text: str) -> str:
    return " ".join((text or "").split())


def validate_entry(
    question: str, alternatives: Iterable[str], answer: str, tags: Iterable[str]
) -> tuple[EntryFields | None, dict[str, str]]:
    """Cleaned fields, or None and {field: what is wrong} (field is question,
    alternatives, answer or tags)."""
    errors: dict[str, str] = {}
    question = one_line(question)
    if not question:
        errors["question"] = "the question is empty"
    elif len(question) < QUESTION_MIN_CHARS or not re.search(r"[^\W\d_]{2}", question):
        errors["question"] = (
            f"the question is {len(question)} characters; write it as people would ask it, "
            f"in words, at least {QUESTION_MIN_CHARS} characters"
        )
    elif len(question) > QUESTION_MAX_CHARS:
        errors["question"] = (
            f"the question is {len(question)} characters; at most {QUESTION_MAX_CHARS}"
        )
    phrasings: list[str] = []
    for phrasing in (one_line(p) for p in alternatives):
        if phrasing and phrasing.lower() != question.lower() and phrasing not in phrasings:
            phrasings.append(phrasing)
    too_long = [p for p in phrasings if len(p) > PHRASING_MAX_CHARS]
    if too_long:
        errors["alternatives"] = (
            f"a phrasing is {len(too_long[0])} characters; at most {PHRASING_MAX_CHARS} each"
        )
    elif len(phrasings) > PHRASINGS_MAX:
        errors["alternatives"] = f"{len(phrasings)} phrasings; at most {PHRASINGS_MAX}"
    answer = safe_answer((answer or "").strip())
    if not answer:
        errors["answer"] = "the answer is empty"
    elif len(answer) < ANSWER_MIN_CHARS:
        errors["answer"] = (
            f"the answer is {len(answer)} characters; a helpful answer needs at least "
            f"{ANSWER_MIN_CHARS}, in a sentence or two"
        )
    elif len(answer) > FAQ_ANSWER_MAX_CHARS:
        errors["answer"] = f"the answer is {len(answer)} characters; at most {FAQ_ANSWER_MAX_CHARS}"
    cleaned_tags = list(dict.fromkeys(t.strip().lower() for t in tags if t.strip()))
    bad = [t for t in cleaned_tags if not _TAG.match(t)]
    if bad:
        errors["tags"] = (
            f"{bad[0]!r} is not a tag: use lowercase letters, digits and dashes "
            "(up to 30), separated by commas"
        )
    elif len(cleaned_tags) > TAGS_MAX:
        errors["tags"] = f"{len(cleaned_tags)} tags; at most {TAGS_MAX}"
    if errors:
        return None, errors
    return EntryFields(question, tuple(phrasings), answer, tuple(cleaned_tags)), {}
