"""FAQ matching: rank FAQ entries for a member's question, with a calibrated confidence.

How an entry is scored
----------------------
Every entry is indexed through all its texts (the question, each phrasing, and its tags as
one extra text); a question is scored against each text and an entry takes the best of its
texts (max), so one close phrasing is enough and long lists of phrasings do not drown it.

A text's score blends two lexical channels, both bounded to [0, 1] so that the blend and the
confidence mean the same on a 10-entry club FAQ and on a 5 000-entry one:

* words: BM25 over Snowball stems of the content words (stop words removed), divided by
  the summed IDF of the question's own terms, so 1 means "every question term found".
  Question words missing from the index count in that sum, which pulls out-of-scope
  questions down. An unknown word of 4+ letters is mapped to a known stem one edit away
  (Damerau, so "blgo" -> "blog"), at a discount.
* characters: TF-IDF cosine over word-bounded character 3-5-grams, which catches typos,
  compounds ("pincode"/"pin code") and word forms the stemmer misses.

With an optional `SentenceEncoder` (see `bot.faq.semantic`) a third, embedding cosine
channel is blended in (`SEMANTIC_WEIGHTS`, word 0.2 / characters 0.2 / embedding 0.6, chosen
by leave-one-out top-1 on training data), with its own fitted `SEMANTIC_CALIBRATION` and
`SEMANTIC_THRESHOLD`. Question and texts are embedded from the same normalised words.

Confidence
----------
`confidence = sigmoid(w · [score, margin, 1/length] + b)`: score of the entry, its margin
over the best other entry, and one over the number of distinct content words in the
question (a one-word question matches by luck more often). All three mean the same on any
FAQ size; richer features (per-channel scores, agreement between an entry's phrasings,
share of known words) added nothing on held-out training data and tied the confidence to
how many phrasings an entry has, so they were left out.
The weights and `DEFAULT_THRESHOLD` were fitted on training data only (HINT3 train
splits) by `bench/faq_quality.py --fit`: every training phrasing is asked once with itself
left out (an in-scope question; positive when the right entry still ranks first) and once
with its whole entry left out (an out-of-scope question the matcher must abstain on); the
other bots' training phrasings are asked as off-topic questions too (`--off-topic`), the two
kinds of out-of-scope question weighing half each, since real out-of-scope questions are not
all another intent of the same FAQ. The threshold maximises the share handled right on
those simulated questions. Test sentences are never used. See bench/README.md.
"""

from __future__ import annotations

import math
import pickle
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np

from bot.faq import normalise as tn
from bot.faq.semantic import SentenceEncoder, normalise_rows, profile_of


@dataclass(frozen=True)
class FaqDocument:
    entry_id: int
    question: str
    phrasings: Sequence[str] = ()
    tags: Sequence[str] = ()


@dataclass(frozen=True)
class Candidate:
    entry_id: int
    score: float  # raw retrieval score, 0..1 blend of the channels
    confidence: float  # calibrated probability that this entry answers the question


@dataclass(frozen=True)
class Decision:
    answered: bool
    best: Candidate | None
    candidates: tuple[Candidate, ...]


# What the confidence model sees of a candidate, in this order (see `_features`).
FEATURES = ("score", "margin", "inverse_length")


@dataclass(frozen=True)
class Calibration:
    """Logistic model from match features to confidence; fitted by bench/faq_quality.py."""

    bias: float
    weights: tuple[float, ...]

    def confidence(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * f for w, f in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Weights:
    """Channel blend; the lexical defaults were chosen by leave-one-out on training data."""

    word: float = 0.5
    char: float = 0.5
    semantic: float = 0.0


# Fitted by `bench/faq_quality.py --fit --off-topic --shapes 3,5,0` on HINT3 v2 train (see
# module docstring): club-shaped FAQs (3 and 5 phrasings per entry) as well as HINT3's own.
LEXICAL_CALIBRATION = Calibration(bias=-3.478, weights=(5.460, 4.401, -2.822))
DEFAULT_THRESHOLD: float = 0.39
# With the embedding channel (`--fit --off-topic --semantic`, same training data). The blend is the
# smallest semantic share on the leave-one-out plateau (0.6..0.9 all give 88.1-88.6 % top-1):
# the lexical channels keep catching typos, which training phrasings under-represent.
SEMANTIC_WEIGHTS = Weights(word=0.2, char=0.2, semantic=0.6)
SEMANTIC_CALIBRATION = Calibration(bias=-6.531, weights=(7.708, 6.130, -0.369))
SEMANTIC_THRESHOLD: float = 0.42
# multilingual-e5-small (the `e5` extra), embeddings mean-centred on the FAQ's own texts
# (e5's cosines crowd into 0.7-0.95); fitted the same way (`--fit --off-topic --semantic`).
E5_WEIGHTS = Weights(word=0.2, char=0.2, semantic=0.6)
E5_CALIBRATION = Calibration(bias=-6.071, weights=(8.055, 5.315, -0.499))
E5_THRESHOLD: float = 0.39


@dataclass(frozen=True)
class _SemanticProfile:
    weights: Weights
    calibration: Calibration
    threshold: float
    centre: bool
    whole_text: bool  # embed the text as written (any script), not its Latin tokens
    # Word IDF over entries (the lexical matcher's) or over texts: the semantic constants
    # were fitted with IDF over texts and keep it until they are refitted with the model.
    entry_idf: bool = False


_PROFILES = {
    "minilm": _SemanticProfile(SEMANTIC_WEIGHTS, SEMANTIC_CALIBRATION, SEMANTIC_THRESHOLD,
                               centre=False, whole_text=False),
    "e5": _SemanticProfile(E5_WEIGHTS, E5_CALIBRATION, E5_THRESHOLD, centre=True,
                           whole_text=True),
}

_K1 = 1.2
_B = 0.75
_FUZZY_DISCOUNT = 0.8  # a corrected typo is weaker evidence than the word itself
_FUZZY_MIN_LEN = 4  # below this, one edit turns a word into too many others
# Above this no word is a typo worth correcting, and its deletion variants (one string per
# character, each nearly as long) would cost quadratic memory: 40 000 characters, 1.6 GB.
FUZZY_MAX_LEN = 40
# The matcher reads at most this much of a question (callers clip earlier; this bounds any).
QUERY_MAX_CHARS = 4000
_NGRAMS = (3, 4, 5)
_SOFTMAX_TAU = 0.1


class _Postings:
    """Inverted index term -> (text ids, weights) in flat CSR arrays, for fast gathers."""

    def __init__(self, text_ids: np.ndarray, term_ids: np.ndarray, weights: np.ndarray,
                 n_terms: int, n_texts: int) -> None:
        # One (text, term, weight) triple per posting, grouped by term with a stable sort
        # so each term's texts stay in text order.
        order = np.argsort(term_ids, kind="stable")
        counts = np.bincount(term_ids, minlength=n_terms)
        self.indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.indices = text_ids[order].astype(np.int64)
        self.data = weights[order].astype(np.float64)
        self.n_texts = n_texts

    def texts_of(self, term: int) -> np.ndarray:
        return self.indices[self.indptr[term] : self.indptr[term + 1]]

    def accumulate(self, terms: Sequence[int], weights: Sequence[float]) -> np.ndarray:
        out = np.zeros(self.n_texts)
        if not terms:
            return out
        spans = [(self.indptr[t], self.indptr[t + 1]) for t in terms]
        idx = [self.indices[a:b] for a, b in spans]
        val = [self.data[a:b] * w for (a, b), w in zip(spans, weights, strict=True)]
        return np.bincount(np.concatenate(idx), np.concatenate(val), minlength=self.n_texts)


def _triples(counts_per_text: list[Counter[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(text ids, term ids, term counts) of every distinct term of every text, flat."""
    sizes = [len(counts) for counts in counts_per_text]
    text_ids = np.repeat(np.arange(len(counts_per_text), dtype=np.int64), sizes)
    total = sum(sizes)
    terms = np.fromiter(chain.from_iterable(counts_per_text), np.int64, total)
    tfs = np.fromiter(chain.from_iterable(c.values() for c in counts_per_text), np.float64,
                      total)
    return text_ids, terms, tfs


def _entry_frequency(owners: np.ndarray, terms: np.ndarray, n_terms: int) -> np.ndarray:
    """How many entries hold each term (in any of their texts)."""
    pairs = np.unique(owners * np.int64(max(n_terms, 1)) + terms)
    return np.bincount(pairs % max(n_terms, 1), minlength=n_terms).astype(np.float64)


@lru_cache(maxsize=131072)
def _text_words(text: str) -> tuple[str, ...]:
    """A text's content words, memoised: a rebuild after an edit re-reads the same texts."""
    return tuple(tn.content_tokens(text))


@lru_cache(maxsize=262144)
def _word_grams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    return tuple(
        padded[i : i + n] for n in _NGRAMS for i in range(max(1, len(padded) - n + 1))
    )


def _char_grams(words: Sequence[str]) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in words:
        grams.update(_word_grams(word))
    return grams


def _deletions(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


def _within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance <= 1 (substitution, indel or adjacent swap)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) <= 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass(frozen=True)
class _Scores:
    total: np.ndarray  # blended score per text
    length: int  # distinct content stems in the question


class FaqMatcher:
    """Immutable index over a set of FAQ entries. Rebuild it when the FAQ changes."""

    def __init__(
        self,
        documents: Iterable[FaqDocument],
        threshold: float | None = None,
        encoder: SentenceEncoder | None = None,
        *,
        weights: Weights | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        profile = _PROFILES.get(profile_of(encoder), _PROFILES["minilm"]) if encoder else None
        if threshold is None:
            threshold = profile.threshold if profile else DEFAULT_THRESHOLD
        self.threshold = threshold
        self._encoder = encoder
        self._centre_embeddings = bool(profile and profile.centre)
        self._whole_text = bool(profile and profile.whole_text)
        self._entry_idf = profile.entry_idf if profile else True
        self._weights = weights or (profile.weights if profile else Weights())
        self._calibration = calibration or (
            profile.calibration if profile else LEXICAL_CALIBRATION
        )
        self._entry_ids: list[int] = []
        texts: list[str] = []
        owners: list[int] = []
        for doc in documents:
            own = [doc.question, *doc.phrasings]
            if doc.tags:
                own.append(" ".join(doc.tags))
            owners.extend([len(self._entry_ids)] * len(own))
            texts.extend(own)
            self._entry_ids.append(doc.entry_id)
        self._raw_texts = texts
        self._owner = np.asarray(owners, dtype=np.int64)
        # Texts are grouped per entry, so np.maximum.reduceat over these offsets is "max per entry".
        self._starts = np.searchsorted(self._owner, np.arange(len(self._entry_ids)))
        self._build_words([_text_words(t) for t in texts])
        self._build_semantic(texts)

    @property
    def fingerprint(self) -> int:
        """Equal for two matchers over the same texts of the same entries (and channels)."""
        return hash((tuple(self._raw_texts), tuple(self._entry_ids), self._owner.tobytes(),
                     self._encoder is not None, self.threshold))

    @property
    def size(self) -> int:
        """How many texts (questions, phrasings, tag lines) the index holds."""
        return len(self._raw_texts)

    # -- index construction -------------------------------------------------------------

    def _build_words(self, words_per_text: list[tuple[str, ...]]) -> None:
        n = len(words_per_text)
        self._vocab: dict[str, int] = {}
        term_counts: list[Counter[int]] = []
        for words in words_per_text:
            term_counts.append(Counter(
                self._vocab.setdefault(s, len(self._vocab)) for s in map(tn.stem, words)
            ))
        text_ids, terms, tfs = _triples(term_counts)
        df = np.bincount(terms, minlength=len(self._vocab)).astype(np.float64)
        self._df = df
        # IDF over entries, not texts: a word that every phrasing of one entry repeats is
        # that entry's mark, not a common word, and an entry with 14 phrasings should not
        # make its own words look common (HINT3 v2 train, leave-one-out top-1 82.1 -> 84.0 %).
        units, unit_df = n, df
        if self._entry_idf:
            units = len(self._entry_ids)
            unit_df = _entry_frequency(self._owner[text_ids], terms, len(self._vocab))
        self._idf = np.log1p((units - unit_df + 0.5) / (unit_df + 0.5))
        self._unknown_idf = math.log1p((units + 0.5) / 0.5)
        lengths = np.array([sum(c.values()) for c in term_counts], dtype=np.float64)
        avgdl = float(lengths.mean()) if n and lengths.mean() > 0 else 1.0
        norm = _K1 * (1 - _B + _B * lengths[text_ids] / avgdl)
        bm25 = self._idf[terms] * tfs * (_K1 + 1) / (tfs + norm)
        self._words = _Postings(text_ids, terms, bm25, len(self._vocab), n)

        deletions: dict[str, list[int]] = {}
        for term, term_id in self._vocab.items():
            if _FUZZY_MIN_LEN <= len(term) <= FUZZY_MAX_LEN:
                for key in {term} | _deletions(term):
                    deletions.setdefault(key, []).append(term_id)
        # Flat: key -> row of one array, not key -> list. Tens of thousands of lists made
        # every full garbage collection of the bot's heap 100+ ms longer, and loading a
        # packed index (`unpacked`) as long.
        self._deletion_rows = {key: row for row, key in enumerate(deletions)}
        lists = list(deletions.values())
        self._deletion_ptr = np.cumsum([0, *map(len, lists)], dtype=np.int64)
        self._deletion_terms = np.fromiter(chain.from_iterable(lists), np.int64,
                                           int(self._deletion_ptr[-1]))
        self._terms = list(self._vocab)

        self._grams: dict[str, int] = {}
        # Each distinct word's gram ids once; a text's grams are its words' grams counted.
        gram_ids: dict[str, list[int]] = {}
        for words in words_per_text:
            for word in words:
                if word not in gram_ids:
                    gram_ids[word] = [self._grams.setdefault(g, len(self._grams))
                                      for g in _word_grams(word)]
        gram_counts = [
            Counter(chain.from_iterable(gram_ids[word] for word in words))
            for words in words_per_text
        ]
        text_ids, grams, tfs = _triples(gram_counts)
        gdf = np.bincount(grams, minlength=len(self._grams)).astype(np.float64)
        self._gram_idf = np.log((1 + n) / (1 + gdf)) + 1
        self._unknown_gram_idf = math.log(1 + n) + 1
        weights = (1 + np.log(tfs)) * self._gram_idf[grams]
        norms = np.sqrt(np.bincount(text_ids, weights * weights, minlength=n))
        norms[norms == 0] = 1.0
        self._chars = _Postings(text_ids, grams, weights / norms[text_ids], len(self._grams), n)

    def _build_semantic(self, texts: list[str]) -> None:
        self._embeddings: np.ndarray | None = None
        self._known_vectors: dict[str, np.ndarray] = {}
        self._centre: np.ndarray | float = 0.0
        if self._encoder is not None and texts:
            clean = [self._embedding_text(t) for t in texts]
            raw = np.asarray(self._encoder.encode(clean), dtype=float)
            # The FAQ's own texts, embedded once: calibration asks each of them again.
            self._known_vectors = dict(zip(clean, raw, strict=True))
            if self._centre_embeddings:
                # What every FAQ text shares says nothing about which entry is meant.
                self._centre = raw.mean(axis=0)
            self._embeddings = normalise_rows(raw - self._centre)

    def _embedding_text(self, text: str) -> str:
        """What the sentence model reads: all words, stop words kept ("not", "how", "why"
        carry meaning); for a multilingual model, the text as written in any script."""
        if self._whole_text:
            return " ".join(tn.strip_slack_markup(text).split())
        return " ".join(tn.tokens(text))

    def _embed(self, clean: str) -> np.ndarray:
        known = self._known_vectors.get(clean)
        if known is not None:
            return known[None, :]
        assert self._encoder is not None
        return np.asarray(self._encoder.encode([clean]), dtype=float)

    def prime(self, questions: Iterable[str]) -> None:
        """Embed many questions in one batch before asking them one by one (calibration's
        off-topic questions)."""
        if self._encoder is None or self._embeddings is None:
            return
        clean = [c for c in dict.fromkeys(self._embedding_text(q) for q in questions)
                 if c not in self._known_vectors]
        if clean:
            vectors = np.asarray(self._encoder.encode(clean), dtype=float)
            self._known_vectors.update(zip(clean, vectors, strict=True))

    # -- scoring ------------------------------------------------------------------------

    def _known(self, postings: _Postings, term: int, hidden: np.ndarray | None) -> bool:
        # Leave-one-out calibration hides texts; a term seen only in hidden texts is unknown.
        return hidden is None or not bool(hidden[postings.texts_of(term)].all())

    def _fuzzy(self, stem: str, hidden: np.ndarray | None) -> int | None:
        if not _FUZZY_MIN_LEN <= len(stem) <= FUZZY_MAX_LEN:
            return None
        found: set[int] = set()
        for key in {stem} | _deletions(stem):
            row = self._deletion_rows.get(key)
            if row is not None:
                start, end = self._deletion_ptr[row], self._deletion_ptr[row + 1]
                found.update(self._deletion_terms[start:end].tolist())
        best: int | None = None
        for term in sorted(found):  # ties go the same way in every process
            if not _within_one_edit(stem, self._terms[term]):
                continue
            if not self._known(self._words, term, hidden):
                continue
            # Prefer the commoner word: a typo is likelier of a frequent term.
            if best is None or self._df[term] > self._df[best]:
                best = term
        return best

    def _text_scores(self, question: str, hidden: np.ndarray | None = None) -> _Scores | None:
        """Per-text channel scores, or None when the question has no content words."""
        question = question[:QUERY_MAX_CHARS]
        words = tn.content_tokens(question)
        n = len(self._owner)
        if n == 0 or not (words or (self._embeddings is not None
                                    and self._embedding_text(question))):
            return None  # nothing to compare (a question in another script still has tokens)

        terms: list[int] = []
        term_weights: list[float] = []
        ideal = 0.0
        stems = list(dict.fromkeys(tn.stem(w) for w in words))
        for stem in stems:
            term = self._vocab.get(stem)
            weight = 1.0
            if term is not None and not self._known(self._words, term, hidden):
                term = None
            if term is None:
                term = self._fuzzy(stem, hidden)
                weight = _FUZZY_DISCOUNT
            if term is None:
                ideal += self._unknown_idf
                continue
            ideal += float(self._idf[term])
            terms.append(term)
            term_weights.append(weight)
        word = self._words.accumulate(terms, term_weights) / (ideal or 1.0)
        np.minimum(word, 1.0, out=word)

        grams = _char_grams(words)
        g_terms: list[int] = []
        g_weights: list[float] = []
        sq = 0.0
        for g, tf in grams.items():
            gid = self._grams.get(g)
            idf = self._unknown_gram_idf if gid is None else float(self._gram_idf[gid])
            w = (1 + math.log(tf)) * idf
            sq += w * w
            if gid is not None:
                g_terms.append(gid)
                g_weights.append(w)
        char = self._chars.accumulate(g_terms, g_weights) / (math.sqrt(sq) or 1.0)

        wts = self._weights
        total = wts.word * word + wts.char * char
        if self._embeddings is not None and self._encoder is not None and wts.semantic:
            # Embedded exactly like the indexed texts (all words, stop words kept: the
            # sentence model reads "not", "how", "why" as meaning).
            q = normalise_rows(self._embed(self._embedding_text(question)) - self._centre)
            total = total + wts.semantic * np.clip(self._embeddings @ q[0], 0.0, 1.0)
        total /= wts.word + wts.char + wts.semantic
        if hidden is not None:
            total[hidden] = 0.0
        return _Scores(total, max(len(stems), 1))

    def _features(self, scores: _Scores, score: float, other: float) -> list[float]:
        # Short questions match by luck more often ("hi sir", "not active"), hence 1/length.
        return [score, score - other, 1.0 / scores.length]

    def _entry_scores(self, total: np.ndarray) -> np.ndarray:
        best = np.maximum.reduceat(total, self._starts)
        if _SOFTMAX_TAU <= 0:
            return best
        # Soft-max: the best text plus a small bonus per other text that scores nearly as well.
        near = np.exp((total - best[self._owner]) / _SOFTMAX_TAU) * (total > 0)
        mass = np.maximum(np.add.reduceat(near, self._starts), 1.0)
        return np.minimum(best + _SOFTMAX_TAU * np.log(mass), 1.0) * (best > 0)

    def _rank(
        self, question: str, k: int, hidden: np.ndarray | None = None
    ) -> tuple[tuple[Candidate, ...], list[float] | None]:
        if not self._entry_ids or k <= 0:
            return (), None
        scores = self._text_scores(question, hidden)
        if scores is None:
            return (), None
        entry_scores = self._entry_scores(scores.total)
        top_n = min(k + 1, len(entry_scores))
        top = np.argpartition(-entry_scores, top_n - 1)[:top_n]
        top = top[np.argsort(-entry_scores[top], kind="stable")]
        ranked = [int(i) for i in top if entry_scores[i] > 0]
        out: list[Candidate] = []
        first: list[float] | None = None
        for rank, idx in enumerate(ranked[:k]):
            # Margin against the best other entry: the runner-up for the top, else the top.
            other_idx = (ranked[1] if len(ranked) > 1 else None) if rank == 0 else ranked[0]
            other = float(entry_scores[other_idx]) if other_idx is not None else 0.0
            features = self._features(scores, float(entry_scores[idx]), other)
            if rank == 0:
                first = features
            conf = self._calibration.confidence(features)
            out.append(Candidate(self._entry_ids[idx], features[0], conf))
        return tuple(out), first

    # -- public API ---------------------------------------------------------------------

    def rank(self, question: str, k: int = 5) -> tuple[Candidate, ...]:
        """Up to k entries that share anything with the question, best first."""
        return self._rank(question, k)[0]

    def decide(self, question: str, k: int = 5) -> Decision:
        """Rank, then answer with the best entry only if its confidence reaches the threshold."""
        candidates = self.rank(question, k)
        best = candidates[0] if candidates else None
        answered = best is not None and best.confidence >= self.threshold
        return Decision(answered=answered, best=best, candidates=candidates)

    # -- calibration support ------------------------------------------------------------

    def confidence_of(self, features: Sequence[float]) -> float:
        """The confidence this matcher gives a candidate with these features."""
        return self._calibration.confidence(features)

    def calibration_samples(
        self, off_topic: Iterable[str] = (), text_ids: Iterable[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Simulated questions from the index itself, for fitting the confidence.

        Returns (features, correct, in_scope): for every text of every entry with 2+ texts,
        one in-scope sample (the text asked with only itself hidden; correct when its entry
        still ranks first) and, for every text, one out-of-scope sample (asked with its whole
        entry hidden). Each `off_topic` question (e.g. another FAQ's phrasings) adds one more
        out-of-scope sample, asked of the full index; they come last. Features (see FEATURES)
        are the top candidate's, zeros when nothing matched. `text_ids` limits the simulated
        questions to those texts (a sample, for a large FAQ).
        """
        texts = self._raw_texts
        chosen = range(len(texts)) if text_ids is None else sorted(set(text_ids))
        feats: list[list[float]] = []
        correct: list[bool] = []
        in_scope: list[bool] = []
        n = len(self._owner)
        sizes = np.bincount(self._owner, minlength=len(self._entry_ids))
        for text_id in chosen:
            text = texts[text_id]
            entry = int(self._owner[text_id])
            if sizes[entry] > 1:
                hidden = np.zeros(n, dtype=bool)
                hidden[text_id] = True
                cands, f = self._rank(text, 1, hidden)
                feats.append(f or [0.0] * len(FEATURES))
                correct.append(bool(cands) and cands[0].entry_id == self._entry_ids[entry])
                in_scope.append(True)
            hidden = self._owner == entry
            _, f = self._rank(text, 1, hidden)
            feats.append(f or [0.0] * len(FEATURES))
            correct.append(False)
            in_scope.append(False)
        for question in off_topic:
            _, f = self._rank(question, 1)
            feats.append(f or [0.0] * len(FEATURES))
            correct.append(False)
            in_scope.append(False)
        return np.asarray(feats), np.asarray(correct), np.asarray(in_scope)

    @property
    def entry_count(self) -> int:
        return len(self._entry_ids)

    # -- handing a built index to another process ---------------------------------------

    def packed(self) -> tuple[bytes, ...]:
        """The index as pickled parts, one per attribute, without the encoder: built in a
        child process, it is loaded by the bot part by part (`unpacked`), so that no single
        load holds the interpreter for long (the largest, 67 MB of n-gram postings at
        15 000 entries, loads in about 20 ms)."""
        return tuple(pickle.dumps((name, value), protocol=pickle.HIGHEST_PROTOCOL)
                     for name, value in vars(self).items() if name != "_encoder")

    @classmethod
    def unpacked(cls, parts: Iterable[bytes], encoder: SentenceEncoder | None) -> FaqMatcher:
        """The index `packed` gave, with this process's encoder (the same model the child
        embedded with; None for a lexical index)."""
        matcher = cls.__new__(cls)
        for part in parts:
            name, value = pickle.loads(part)
            setattr(matcher, name, value)
        matcher._encoder = encoder
        return matcher
