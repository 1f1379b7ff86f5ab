"""The answer threshold, fitted to the club's own FAQ when its index is built.

A threshold fitted once on HINT3 (12-14 phrasings per entry) does not transfer to a club's
FAQ with 1-5: confidences drift with phrasing count and FAQ size. So each build simulates
questions from the FAQ itself (`FaqMatcher.calibration_samples`): every sampled phrasing
asked with only itself hidden (in scope: right when its entry still ranks first), asked
with its whole entry hidden (out of scope), and the shipped off-topic questions of
bot/content/off_topic.txt (out of scope). The threshold that handles most of them right
is shrunk towards the shipped one by how little evidence there is: an FAQ whose entries
have one text each simulates no positive and keeps the shipped threshold.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from functools import lru_cache
from importlib import resources

import numpy as np

from bot.faq.match import FaqMatcher

# Texts simulated per build: enough for a stable threshold, few enough to build fast.
SAMPLE_TEXTS = 300
# The shipped threshold counts as this many simulated in-scope questions.
PRIOR_WEIGHT = 40
GRID = np.round(np.linspace(0.05, 0.95, 91), 2)


@lru_cache(maxsize=1)
def off_topic_questions() -> tuple[str, ...]:
    text = resources.files("bot.content").joinpath("off_topic.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.startswith("#"))


def fitted_threshold(
    matcher: FaqMatcher,
    off_topic: tuple[str, ...] | None = None,
    sample: int = SAMPLE_TEXTS,
    prior_weight: float = PRIOR_WEIGHT,
    seed: int = 0,
) -> float:
    """The threshold for this matcher's FAQ (its shipped one when nothing can be fitted)."""
    default = matcher.threshold
    texts = range(matcher.size)
    chosen = random.Random(seed).sample(texts, sample) if len(texts) > sample else texts
    questions = off_topic_questions() if off_topic is None else off_topic
    matcher.prime(questions)
    feats, correct, in_scope = matcher.calibration_samples(questions, chosen)
    positives = int(in_scope.sum())
    if positives == 0:
        return default
    conf = np.array([matcher.confidence_of(row) for row in feats])
    # Leave-entry-out and off-topic questions share the out-of-scope half equally.
    n_own = len(in_scope) - len(questions)
    weight = np.ones(len(in_scope))
    own_out = ~in_scope[:n_own]
    weight[:n_own][own_out] = 0.5
    if questions:
        weight[n_own:] = 0.5 * max(int(own_out.sum()), 1) / len(questions)
    rates = np.array([np.average(np.where(in_scope, (conf >= t) & correct, conf < t),
                                 weights=weight) for t in GRID])
    best = np.flatnonzero(rates >= rates.max() - 1e-9)
    fitted = float(GRID[best[np.argmin(np.abs(GRID[best] - default))]])  # ties: nearest
    return (positives * fitted + prior_weight * default) / (positives + prior_weight)


_FITTED: OrderedDict[int, float] = OrderedDict()
_FITTED_LOCK = threading.Lock()
_FITTED_KEEP = 16


def calibrated(matcher: FaqMatcher) -> FaqMatcher:
    """The matcher with its threshold fitted to its own FAQ; the same FAQ (texts and
    entries) is fitted once per process."""
    key = matcher.fingerprint
    with _FITTED_LOCK:
        known = _FITTED.get(key)
    if known is None:
        known = fitted_threshold(matcher)
        with _FITTED_LOCK:
            _FITTED[key] = known
            while len(_FITTED) > _FITTED_KEEP:
                _FITTED.popitem(last=False)
    matcher.threshold = known
    return matcher
