"""Does the FAQ decision transfer across FAQ shapes? HINT3 resampled to 1, 3, 5 and all
phrasings per entry, per bot and with the three bots pooled into one FAQ.

    python bench/faq_shapes.py /work/shared/bench-data/hint3 [--version v2] [--seed 13]

A club's FAQ has 1-5 phrasings per entry and grows from 30 entries to thousands; HINT3's
entries have 12-14. For each shape (fixed seeds) this prints, on the test sentences:
top-1, handled right with the shipped decision, handled right at the single threshold
that is best on that shape's *training* data (leave-one-phrasing-out positives and
leave-entry-out negatives, as `FaqMatcher.calibration_samples` simulates them, plus the
other bots' phrasings as off-topic questions), the threshold that would have been best on
the test data itself (a ceiling, never used to choose anything), and the always-abstain
floor. The pooled FAQ keeps each sentence's own bot label; out-of-scope stays out.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from faq_quality import OUT_OF_SCOPE, bots, read_rows

from bot.faq.calibrate import PRIOR_WEIGHT, fitted_threshold
from bot.faq.match import FaqDocument, FaqMatcher

SHAPES = (1, 3, 5, 0)  # phrasings per entry; 0 = all of them
GRID = np.round(np.linspace(0.02, 0.98, 97), 2)

Rows = list[tuple[str, str]]


def resample(train: Rows, per_entry: int, seed: int) -> Rows:
    """At most `per_entry` training sentences of each label, chosen with a fixed seed."""
    by_label: dict[str, list[str]] = {}
    for sentence, label in train:
        if label != OUT_OF_SCOPE:
            by_label.setdefault(label, []).append(sentence)
    rng = random.Random(seed)
    kept: Rows = []
    for label, sentences in sorted(by_label.items()):
        chosen = sentences if not per_entry else rng.sample(sentences, min(per_entry,
                                                                          len(sentences)))
        kept.extend((s, label) for s in chosen)
    return kept


def documents(train: Rows) -> tuple[list[FaqDocument], dict[str, int]]:
    by_label: dict[str, list[str]] = {}
    for sentence, label in train:
        by_label.setdefault(label, []).append(sentence)
    ids = {label: i for i, label in enumerate(sorted(by_label))}
    return [FaqDocument(ids[label], texts[0], tuple(texts[1:]))
            for label, texts in sorted(by_label.items())], ids


@dataclass(frozen=True)
class Outcome:
    confidence: np.ndarray  # best candidate's confidence per test sentence
    correct: np.ndarray  # in scope and ranked first
    in_scope: np.ndarray
    answered: np.ndarray  # the shipped decision

    def handled(self, threshold: float | None = None) -> float:
        answered = self.answered if threshold is None else self.confidence >= threshold
        return float(np.where(self.in_scope, answered & self.correct, ~answered).mean())


def run_test(matcher: FaqMatcher, ids: dict[str, int], test: Rows) -> Outcome:
    conf, correct, scope, answered = [], [], [], []
    for sentence, label in test:
        decision = matcher.decide(sentence)
        best = decision.best
        conf.append(best.confidence if best else 0.0)
        inside = label != OUT_OF_SCOPE and label in ids
        scope.append(inside)
        correct.append(inside and best is not None and best.entry_id == ids[label])
        answered.append(decision.answered)
    return Outcome(np.asarray(conf), np.asarray(correct), np.asarray(scope),
                   np.asarray(answered))


def train_threshold(matcher: FaqMatcher, off_topic: list[str]) -> float | None:
    """The threshold best on simulated questions from the training FAQ itself, or None
    when the FAQ has no entry with two texts (then nothing simulates a positive)."""
    feats, correct, in_scope = matcher.calibration_samples(off_topic)
    if not in_scope.any():
        return None
    conf = np.array([matcher.confidence_of(row) for row in feats])
    n_own = len(in_scope) - len(off_topic)
    weight = np.ones(len(in_scope))
    weight[:n_own][~in_scope[:n_own]] = 0.5  # leave-entry-out and off-topic share the
    if off_topic:                            # out-of-scope half equally
        weight[n_own:] = 0.5 * max(int((~in_scope[:n_own]).sum()), 1) / len(off_topic)
    rates = [float(np.average(np.where(in_scope, (conf >= t) & correct, conf < t),
                              weights=weight)) for t in GRID]
    return float(GRID[int(np.argmax(rates))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--version", default="v2")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--prior", type=float, default=PRIOR_WEIGHT,
                        help="weight of the fixed threshold in the fitted one (as shipped)")
    parser.add_argument("--off-topic-sample", type=int, default=300,
                        help="other bots' phrasings asked as off-topic (per FAQ)")
    args = parser.parse_args()
    names = bots(args.data_dir, args.version)
    train = {b: read_rows(args.data_dir / args.version / "train" / f"{b}_train.csv")
             for b in names}
    test = {b: read_rows(args.data_dir / args.version / "test" / f"{b}_test.csv")
            for b in names}
    faqs = {b: (train[b], test[b]) for b in names}
    faqs["pooled"] = (
        [(s, f"{b}:{label}") for b in names for s, label in train[b]],
        [(s, label if label == OUT_OF_SCOPE else f"{b}:{label}") for b in names
         for s, label in test[b]],
    )
    print(f"{'FAQ':<13}{'shape':>6} {'entries':>8} {'top1':>7} {'fixed':>7} "
          f"{'shipped (fitted)':>17} {'train-best':>15} {'test-best':>15} {'floor':>7} "
          f"{'gap':>6}")
    worst_gap = 0.0
    shipped_all: list[float] = []
    for name, (rows, test_rows) in faqs.items():
        others = [s for b in names if b != name and name != "pooled" for s, _ in train[b]]
        for shape in SHAPES:
            kept = resample(rows, shape, args.seed + shape)
            docs, ids = documents(kept)
            matcher = FaqMatcher(docs)
            outcome = run_test(matcher, ids, test_rows)
            fitted = fitted_threshold(matcher, prior_weight=args.prior)
            rng = random.Random(args.seed)
            off_topic = rng.sample(others, min(args.off_topic_sample, len(others)))
            chosen = train_threshold(matcher, off_topic)
            fixed = outcome.handled()
            shipped = outcome.handled(fitted)
            shipped_all.append(shipped)
            at_train = outcome.handled(chosen) if chosen is not None else float("nan")
            test_rates = [outcome.handled(t) for t in GRID]
            oracle = int(np.argmax(test_rates))
            floor = float((~outcome.in_scope).mean())
            top1 = float(outcome.correct[outcome.in_scope].mean())
            gap = shipped - at_train if chosen is not None else float("nan")
            shipped_text = f"{shipped:6.1%} @{fitted:.2f}"
            if chosen is not None:
                worst_gap = min(worst_gap, gap)
            label = "all" if shape == 0 else str(shape)
            chosen_text = (f"{at_train:6.1%} @{chosen:.2f}" if chosen is not None
                           else "(no positives)")
            print(f"{name:<13}{label:>6} {len(docs):>8} {top1:7.1%} {fixed:7.1%} "
                  f"{shipped_text:>17} {chosen_text:>15} "
                  f"{test_rates[oracle]:6.1%} @{GRID[oracle]:.2f} "
                  f"{floor:7.1%} {gap * 100:+6.1f}")
    print(f"shipped decision vs. each shape's train-best threshold: worst gap "
          f"{worst_gap * 100:+.1f} points (target: no worse than -2.0); mean handled right "
          f"{np.mean(shipped_all):.1%}")


if __name__ == "__main__":
    main()
