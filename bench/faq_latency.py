"""Lookup latency of FaqMatcher.decide on a large synthetic FAQ.

    python bench/faq_latency.py [--entries 5000] [--queries 2000] [--seed 7]

Entries are generated from a fixed vocabulary with a fixed seed (3 phrasings each, 4-10
words drawn Zipf-like so that common words have long posting lists, as in real text).
Questions are a mix of paraphrases (words of one entry, shuffled, one typo in a third of
them) and out-of-scope word salad, so both the hit and the abstain paths are timed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.faq.match import FaqDocument, FaqMatcher

_SYLLABLES = "ba be bi bo bu ca co da de di do fa fe fi ga go ka ke ki la le li lo ma me mi mo"


def vocabulary(rng: random.Random, size: int) -> list[str]:
    syllables = _SYLLABLES.split()
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def sentence(rng: random.Random, vocab: list[str], weights: list[float]) -> str:
    return " ".join(rng.choices(vocab, weights=weights, k=rng.randint(4, 10)))


def typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def synthesize(entries: int, seed: int) -> tuple[list[FaqDocument], list[str]]:
    rng = random.Random(seed)
    vocab = vocabulary(rng, 8000)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    docs = [
        FaqDocument(
            entry_id=i,
            question=sentence(rng, vocab, weights) + "?",
            phrasings=tuple(sentence(rng, vocab, weights) for _ in range(2)),
        )
        for i in range(entries)
    ]
    questions: list[str] = []
    for _ in range(2000):
        if rng.random() < 0.6:
            words = rng.choice(docs).question.rstrip("?").split()
            rng.shuffle(words)
            if rng.random() < 0.33:
                words[0] = typo(rng, words[0])
            questions.append(" ".join(words[: rng.randint(2, len(words))]))
        else:
            questions.append(sentence(rng, vocab, weights))
    return docs, questions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    docs, questions = synthesize(args.entries, args.seed)
    started = time.perf_counter()
    matcher = FaqMatcher(docs)
    build = time.perf_counter() - started
    for q in questions[:50]:  # warm caches (stemmer memo, numpy dispatch)
        matcher.decide(q)
    times: list[float] = []
    answered = 0
    for i in range(args.queries):
        q = questions[i % len(questions)]
        t0 = time.perf_counter()
        decision = matcher.decide(q)
        times.append((time.perf_counter() - t0) * 1000)
        answered += decision.answered
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    print(
        f"entries {args.entries}  texts {3 * args.entries}  build {build:.2f} s  "
        f"queries {len(times)}  answered {answered / len(times):.0%}"
    )
    print(f"decide  p50 {p50:.2f} ms  p99 {p99:.2f} ms  max {times[-1]:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
