"""How far could small CPU models go on HINT3's "handled right"? A diagnostic, not a tuner.

    python bench/faq_ceiling.py DATA_DIR [--version v2]

Needs the `semantic` extra (sentence-transformers brings scikit-learn). For each bot it scores
the test questions with five confidences and prints, for each, AUROC and the share handled
right at the *best threshold chosen on the test questions themselves* (an oracle no shipped
setting may use): the shipped lexical and semantic matchers, a TF-IDF logistic-regression
classifier, nearest-neighbour cosine over sentence embeddings, and a logistic stack of all of
them fitted on the other two bots' *test* questions (leave-one-bot-out). Nothing here sets a
constant in the matcher; it tells whether a target is within reach of this model class.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.faq_quality import OUT_OF_SCOPE, auroc, bots, build_documents, read_rows
from bot.faq import normalise as tn
from bot.faq.match import FaqMatcher
from bot.faq.semantic import SentenceEncoder

SCORERS = ("lexical", "semantic", "tfidf-logreg", "embedding-knn")


@dataclass
class Scored:
    """Per test question: each scorer's confidence and whether its top answer is right."""

    confidence: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SCORERS})
    right: dict[str, list[bool]] = field(default_factory=lambda: {s: [] for s in SCORERS})
    out_of_scope: list[bool] = field(default_factory=list)
    bot: list[int] = field(default_factory=list)


def oracle_handled_right(conf: np.ndarray, right: np.ndarray, oos: np.ndarray) -> float:
    return max(float(((conf >= t) & right | (conf < t) & oos).mean()) for t in np.unique(conf))


def clean(text: str) -> str:
    return " ".join(tn.tokens(text))


def score_bot(root: Path, bot: str, index: int, encoder: SentenceEncoder, out: Scored) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_union

    train = read_rows(root / "train" / f"{bot}_train.csv")
    test = read_rows(root / "test" / f"{bot}_test.csv")
    labels = np.array([label for _, label in train])
    docs, ids = build_documents(train)
    names = {v: k for k, v in ids.items()}
    matchers = {"lexical": FaqMatcher(docs), "semantic": FaqMatcher(docs, encoder=encoder)}

    vectoriser = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
    )
    classifier = LogisticRegression(C=10, max_iter=3000)
    classifier.fit(vectoriser.fit_transform([clean(s) for s, _ in train]), labels)
    proba = classifier.predict_proba(vectoriser.transform([clean(s) for s, _ in test]))

    def embed(texts: list[str]) -> np.ndarray:
        vectors = np.asarray(encoder.encode([clean(t) for t in texts]))
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    cosine = embed([s for s, _ in test]) @ embed([s for s, _ in train]).T

    for row, (sentence, label) in enumerate(test):
        for name, matcher in matchers.items():
            best = matcher.decide(sentence).best
            out.confidence[name].append(best.confidence if best else 0.0)
            out.right[name].append(best is not None and names[best.entry_id] == label)
        out.confidence["tfidf-logreg"].append(float(proba[row].max()))
        out.right["tfidf-logreg"].append(classifier.classes_[proba[row].argmax()] == label)
        out.confidence["embedding-knn"].append(float(cosine[row].max()))
        out.right["embedding-knn"].append(labels[cosine[row].argmax()] == label)
        out.out_of_scope.append(label == OUT_OF_SCOPE)
        out.bot.append(index)


def stacked(scored: Scored) -> tuple[np.ndarray, np.ndarray]:
    """Logistic stack of every scorer's confidence plus agreement with the semantic answer,
    fitted leave-one-bot-out on test questions; answers are the semantic matcher's."""
    from sklearn.linear_model import LogisticRegression

    right = np.asarray(scored.right["semantic"])
    columns = [np.asarray(scored.confidence[s]) for s in SCORERS]
    columns += [np.asarray(scored.right[s]) == right for s in SCORERS[2:]]
    features = np.column_stack(columns).astype(float)
    bot = np.asarray(scored.bot)
    conf = np.zeros(len(bot))
    for held in np.unique(bot):
        model = LogisticRegression(max_iter=2000).fit(features[bot != held], right[bot != held])
        conf[bot == held] = model.predict_proba(features[bot == held])[:, 1]
    return conf, right


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--version", default="v2")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bot.faq.semantic import load_default_encoder

    encoder = load_default_encoder()
    scored = Scored()
    for index, bot in enumerate(bots(args.data_dir, args.version)):
        score_bot(args.data_dir / args.version, bot, index, encoder, scored)
    oos = np.asarray(scored.out_of_scope)
    rows = [(s, np.asarray(scored.confidence[s]), np.asarray(scored.right[s])) for s in SCORERS]
    rows.append(("stack (oracle fit)", *stacked(scored)))
    for name, conf, right in rows:
        print(
            f"{name:<19} top1 {right[~oos].mean():6.1%}  AUROC {auroc(conf[right], conf[oos]):.3f}"
            f"  best-threshold handled-right {oracle_handled_right(conf, right, oos):6.1%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
