"""FAQ matcher quality on HINT3 (or any data laid out like it).

    python bench/faq_quality.py DATA_DIR [--version v2] [--semantic] [--fit] [--loo]

DATA_DIR holds `<version>/{train,test}/<bot>_{train,test}.csv` with header `sentence,label`.
Each training label becomes one FAQ entry whose phrasings are its training sentences; each
test sentence is a question; label NO_NODES_DETECTED marks questions to abstain on.

--fit   fit the confidence calibration and threshold on the TRAINING files only (leave-one-out,
        see FaqMatcher.calibration_samples) and print the constants to paste into
        bot/domain/faq_match.py. Test files are not read.
--loo   print leave-one-out top-1 on the training files (for tuning without the test set).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import rankdata

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bot.faq.calibrate import calibrated
from bot.faq.match import FEATURES, Calibration, FaqDocument, FaqMatcher, Weights
from bot.faq.semantic import SentenceEncoder

OUT_OF_SCOPE = "NO_NODES_DETECTED"


class CachedEncoder:
    """Memoises an encoder per text: --fit asks every training phrasing many times."""

    def __init__(self, inner: SentenceEncoder) -> None:
        self.profile = getattr(inner, "profile", "minilm")
        self._inner = inner
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            vectors = np.asarray(self._inner.encode(missing))
            self._memo.update(zip(missing, vectors, strict=True))
        return np.stack([self._memo[t] for t in texts])


def read_rows(path: Path) -> list[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [(row["sentence"], row["label"]) for row in csv.DictReader(handle)]


def build_documents(train: list[tuple[str, str]]) -> tuple[list[FaqDocument], dict[str, int]]:
    by_label: dict[str, list[str]] = {}
    for sentence, label in train:
        by_label.setdefault(label, []).append(sentence)
    ids = {label: i for i, label in enumerate(sorted(by_label))}
    docs = [
        FaqDocument(entry_id=ids[label], question=texts[0], phrasings=tuple(texts[1:]))
        for label, texts in sorted(by_label.items())
    ]
    return docs, ids


def bots(data_dir: Path, version: str) -> list[str]:
    train_dir = data_dir / version / "train"
    names = sorted(p.name[: -len("_train.csv")] for p in train_dir.glob("*_train.csv"))
    return [n for n in names if not n.endswith("_subset")]


def auroc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Probability a random positive outranks a random negative (ties count half)."""
    if len(positive) == 0 or len(negative) == 0:
        return float("nan")
    ranks = rankdata(np.concatenate([positive, negative]))
    pos_rank_sum = ranks[: len(positive)].sum()
    u = pos_rank_sum - len(positive) * (len(positive) + 1) / 2
    return float(u / (len(positive) * len(negative)))


@dataclass
class Tally:
    in_scope: int = 0
    top1: int = 0
    rr: float = 0.0
    handled: int = 0
    total: int = 0
    pos_conf: list[float] | None = None
    neg_conf: list[float] | None = None

    def __post_init__(self) -> None:
        self.pos_conf = []
        self.neg_conf = []

    def add(self, other: Tally) -> None:
        self.in_scope += other.in_scope
        self.top1 += other.top1
        self.rr += other.rr
        self.handled += other.handled
        self.total += other.total
        assert self.pos_conf is not None and self.neg_conf is not None
        self.pos_conf += other.pos_conf or []
        self.neg_conf += other.neg_conf or []

    def line(self, name: str) -> str:
        top1 = self.top1 / max(self.in_scope, 1)
        mrr = self.rr / max(self.in_scope, 1)
        roc = auroc(np.asarray(self.pos_conf), np.asarray(self.neg_conf))
        handled = self.handled / max(self.total, 1)
        return (
            f"{name:<14} top1 {top1:6.1%}  MRR@5 {mrr:.3f}  AUROC {roc:.3f}  "
            f"handled-right {handled:6.1%}  (in-scope {self.in_scope}, "
            f"out-of-scope {self.total - self.in_scope})"
        )


def evaluate(matcher: FaqMatcher, ids: dict[str, int], test: list[tuple[str, str]]) -> Tally:
    tally = Tally()
    assert tally.pos_conf is not None and tally.neg_conf is not None
    for sentence, label in test:
        decision = matcher.decide(sentence, k=5)
        conf = decision.best.confidence if decision.best else 0.0
        tally.total += 1
        if label == OUT_OF_SCOPE or label not in ids:
            tally.neg_conf.append(conf)
            tally.handled += not decision.answered
            continue
        tally.in_scope += 1
        ranked = [c.entry_id for c in decision.candidates]
        want = ids[label]
        correct = bool(ranked) and ranked[0] == want
        tally.top1 += correct
        tally.rr += 1 / (ranked.index(want) + 1) if want in ranked else 0.0
        tally.handled += decision.answered and correct
        if correct:
            tally.pos_conf.append(conf)
    return tally


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1e-3, weight: np.ndarray | None = None
) -> np.ndarray:
    """Newton-Raphson logistic regression with a light L2 penalty; returns [bias, *weights]."""
    design = np.hstack([np.ones((len(x), 1)), x])
    sw = np.ones(len(x)) if weight is None else weight
    w = np.zeros(design.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-design @ w))
        grad = design.T @ (sw * (p - y)) + l2 * w
        hess = design.T @ (design * (sw * p * (1 - p))[:, None]) + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fit(
    data_dir: Path,
    version: str,
    encoder: SentenceEncoder | None,
    constants: bool = True,
    weights: Weights | None = None,
    off_topic: bool = False,
    shapes: Sequence[int] = (0,),
) -> None:
    from faq_shapes import resample  # imports this module: not at the top

    feats, correct, in_scope, weight = [], [], [], []
    names = bots(data_dir, version)
    train = {b: read_rows(data_dir / version / "train" / f"{b}_train.csv") for b in names}
    for bot, shape in [(b, shape) for b in names for shape in shapes]:
        # Club-shaped FAQs too: each bot resampled to `shape` phrasings per entry (same
        # seeds as faq_shapes.py), so the confidence is not fitted to 12-14 phrasings only.
        rows = resample(train[bot], shape, 13 + shape) if shape else train[bot]
        docs, _ = build_documents(rows)
        others = [q for b in names if b != bot for q, _ in train[b]] if off_topic else []
        matcher = FaqMatcher(docs, encoder=encoder, weights=weights)
        f, c, s = matcher.calibration_samples(others)
        if not s.any():
            continue  # one text per entry: no in-scope question to simulate
        feats.append(f)
        correct.append(c)
        in_scope.append(s)
        # Out-of-scope half: other intents of this bot (leave-entry-out) and, with
        # --off-topic, other bots' phrasings, weighing half each.
        w = np.ones(len(s))
        if others:
            n_own = len(s) - len(others)
            own_out = int((~s[:n_own]).sum())
            w[:n_own][~s[:n_own]] = 0.5
            w[n_own:] = 0.5 * own_out / len(others)
        weight.append(w)
        n_in = int(s.sum())
        where = f"{bot}/{shape or 'all'}" if len(shapes) > 1 else bot
        print(f"{where:<14} leave-one-out top1 {c[s].mean():6.1%} over {n_in} phrasings")
    all_s = np.concatenate(in_scope)
    print(f"{'pooled':<14} leave-one-out top1 {np.concatenate(correct)[all_s].mean():6.1%}")
    if not constants:
        return
    x, y, s = np.vstack(feats), np.concatenate(correct), np.concatenate(in_scope)
    sw = np.concatenate(weight)
    w = fit_logistic(x, y.astype(float), weight=sw)
    cal = Calibration(bias=float(w[0]), weights=tuple(float(v) for v in w[1:]))
    conf = np.array([cal.confidence(row) for row in x])
    # Handled right on the simulated questions: in-scope answered correctly, or abstained on.
    grid = np.linspace(0.05, 0.95, 91)
    rates = [float(np.average(np.where(s, (conf >= t) & y, conf < t), weights=sw)) for t in grid]
    best = int(np.argmax(rates))
    print(f"simulated AUROC {auroc(conf[s & y], conf[~s]):.3f} (unweighted)")
    weights_text = ", ".join(f"{v:.3f}" for v in w[1:])
    print(f"Calibration(bias={w[0]:.3f}, weights=({weights_text}))  # {', '.join(FEATURES)}")
    print(f"DEFAULT_THRESHOLD = {grid[best]:.2f}  (simulated handled-right {rates[best]:.1%})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--version", default="v2")
    parser.add_argument("--semantic", action="store_true", help="blend sentence embeddings")
    parser.add_argument("--fit", action="store_true", help="fit calibration on train only")
    parser.add_argument("--loo", action="store_true", help="leave-one-out top-1 on train")
    parser.add_argument(
        "--off-topic",
        action="store_true",
        help="with --fit: other bots' training phrasings as extra out-of-scope questions",
    )
    parser.add_argument(
        "--shapes",
        default="0",
        help="with --fit: phrasings per entry to resample each bot to, 0 = all (e.g. 3,5,0)",
    )
    parser.add_argument(
        "--weights",
        help="channel blend word,char[,semantic] (default: the shipped blend for the mode)",
    )
    args = parser.parse_args(argv)
    weights: Weights | None = None
    if args.weights:
        weights = Weights(*(float(v) for v in args.weights.split(",")))

    encoder: SentenceEncoder | None = None
    if args.semantic:
        from bot.faq.semantic import load_encoder

        encoder = CachedEncoder(load_encoder())
        print(f"encoder: {encoder.profile}")
    if args.fit or args.loo:
        fit(
            args.data_dir,
            args.version,
            encoder,
            constants=args.fit,
            weights=weights,
            off_topic=args.off_topic,
            shapes=tuple(int(v) for v in args.shapes.split(",")),
        )
        return 0

    overall = Tally()
    for bot in bots(args.data_dir, args.version):
        root = args.data_dir / args.version
        docs, ids = build_documents(read_rows(root / "train" / f"{bot}_train.csv"))
        matcher = calibrated(FaqMatcher(docs, encoder=encoder, weights=weights))
        tally = evaluate(matcher, ids, read_rows(root / "test" / f"{bot}_test.csv"))
        print(f"{tally.line(bot)}  threshold {matcher.threshold:.2f} (fitted to this FAQ)")
        overall.add(tally)
    print(overall.line("overall"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
