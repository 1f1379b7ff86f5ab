"""Mentor pairing: which mentor a novice's request goes to, and why.

Pure functions: no Slack, no database, time comes in as ``now``.

Eligibility. A mentor is skipped (not merely ranked low) when they are:

- ``away``, or paused (``paused_until`` later than ``now``; a pause that has
  ended is ignored);
- full: ``active_mentees >= capacity``;
- already tried for this request (``declined_by``: declined or timed out);
- a past mentor of this mentee (``past_mentor_ids``), unless the mentee asked
  for a repeat (``allow_repeat``);
- the mentee themself.

Score. A weighted sum of four parts, each between 0 and 1, so the score is
between 0 and 1 (higher is better):

========  ======  ===========================================================
part      weight  value
========  ======  ===========================================================
topics    0.45    share of the mentee's topics the mentor covers (k of n);
                  0.5 for every mentor when the mentee named no topics
hours     0.25    shared working hours / the shorter of the two working days,
                  on the mentee's current local date (so DST is respected)
load      0.20    free places / capacity (0 of 2 taken: 1.0, 1 of 2: 0.5)
fairness  0.10    days since the mentor was last offered a request / 14,
                  capped at 1; never offered: 1
========  ======  ===========================================================

An eligible mentor always scores above 0 (a free place makes load > 0), so in
a round pairing someone always beats leaving them waiting. A mentor with no
topic in common stays eligible (a club generalist is better than nobody) but
loses the largest part. Scores are rounded to 1e-6 and kept internally as
integer micro-points, so totals compare exactly.

Ties are broken deterministically: least recently offered first (never offered
before anyone), then by user id.

Topics are free text: they are compared after Unicode NFKC, case folding,
dropping a leading ``#``, turning ``-``/``_`` into spaces and collapsing white
space; placeholders such as ``(no topics)``, ``none`` or ``any`` mean "no topic
preference".

Rounds. :func:`assign_round` pairs many waiting requests at once, maximising the
total score under mentor capacities (free places = ``capacity -
active_mentees``), as a minimum-cost full bipartite matching (scipy's LAPJVsp)
between requests and mentor places, each request also owning a "stay
unmatched" place of score 0. Between equal totals, earlier requests (in the
order given, i.e. waiting order) are paired first. Small rounds use every eligible pair and are
exactly optimal. Large rounds keep each request's best ``top_k`` mentors (20 by
default), the best ``top_k`` requests of each mentor who is among fewer than
``top_k`` requests' best, and every pair chosen by :func:`assign_greedy`. On the
benchmark's 3 000 x 7 000 clubs that gives the same total as ``top_k`` = 80 (10
already falls short by a few micro-points), and on clubs small enough to solve over
every pair the same total as the exact round (tests/domain/test_pairing.py). Because
greedy's pairing is a feasible solution of the reduced problem, the optimum found is never below
greedy's total (and a final check returns greedy's plan if it ever were).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from bot.working_hours import (
    as_utc,
    local_date,
    nominal_length,
    offset_difference,
    overlap_matrix,
    working_hours_overlap,
)

WEIGHT_TOPICS = 0.45
WEIGHT_HOURS = 0.25
WEIGHT_LOAD = 0.20
WEIGHT_FAIRNESS = 0.10
NO_TOPICS_SHARE = 0.5
FAIRNESS_HORIZON = timedelta(days=14)

_MICRO = 1_000_000
_FAR_PAST = datetime.min.replace(tzinfo=UTC)
_INELIGIBLE = -1
# Rounds with more (request, mentor place) edges than this are pruned to top_k.
EXACT_EDGE_LIMIT = 400_000
DEFAULT_TOP_K = 20

_PLACEHOLDER_TOPICS = frozenset(
    {"", "(no topics)", "no topics", "(none)", "none", "n/a", "na", "any", "anything", "?"}
)
_SEPARATORS = re.compile(r"[\s_\-]+")


@dataclass(frozen=True)
class MentorProfile:
    user_id: str
    topics: frozenset[str]
    capacity: int
    active_mentees: int
    tz: str
    work_start: time = time(9)
    work_end: time = time(17)
    paused_until: datetime | None = None
    away: bool = False
    last_offered_at: datetime | None = None


@dataclass(frozen=True)
class MentorRequest:
    mentee_id: str
    topics: frozenset[str]
    tz: str
    work_start: time = time(9)
    work_end: time = time(17)
    past_mentor_ids: frozenset[str] = frozenset()
    declined_by: frozenset[str] = frozenset()
    allow_repeat: bool = False


@dataclass(frozen=True)
class RankedMentor:
    user_id: str
    score: float
    reasons: tuple[str, ...]

    def summary(self) -> str:
        """One line for the mentor and organisers: "2 of 3 topics, 1 h apart, ..."."""
        return ", ".join(self.reasons)


@dataclass(frozen=True)
class RoundPlan:
    pairs: tuple[tuple[str, str, float], ...]  # (mentee_id, mentor_id, score)
    unmatched: tuple[str, ...]  # mentee ids left waiting
    total_score: float


# --- topics -----------------------------------------------------------------


def normalise_topic(text: str) -> str | None:
    """Canonical form of one free-text topic; ``None`` for a placeholder."""
    folded = unicodedata.normalize("NFKC", text).casefold().strip().lstrip("#")
    canonical = _SEPARATORS.sub(" ", folded).strip()
    return None if canonical in _PLACEHOLDER_TOPICS else canonical


def normalise_topics(topics: Iterable[str]) -> frozenset[str]:
    return frozenset(t for t in map(normalise_topic, topics) if t is not None)


# --- eligibility and score --------------------------------------------------


def is_available(mentor: MentorProfile, now: datetime) -> bool:
    """Not away, not paused at ``now``, and with a free place."""
    if mentor.away or mentor.capacity - mentor.active_mentees <= 0:
        return False
    return mentor.paused_until is None or as_utc(mentor.paused_until) <= as_utc(now)


def excluded_ids(request: MentorRequest) -> frozenset[str]:
    """Mentors this request must not be offered to, whatever their profile."""
    past = frozenset() if request.allow_repeat else request.past_mentor_ids
    return request.declined_by | past | {request.mentee_id}


def _fairness_key(mentor: MentorProfile) -> tuple[bool, datetime, str]:
    """Tie-break order: never offered first, then least recently offered, then id."""
    last = mentor.last_offered_at
    return (last is not None, _FAR_PAST if last is None else as_utc(last), mentor.user_id)


def _score_micro(
    requests: Sequence[MentorRequest], mentors: Sequence[MentorProfile], now: datetime
) -> np.ndarray:
    """Scores in micro-points (int32), shape (requests, mentors); ``-1`` = not eligible.

    Built for rounds of thousands by thousands: one float32 matrix accumulated in
    place, with everything that depends on fewer than both sides (hours by distinct
    key pair, load and fairness by mentor) computed small and added once. float32 is
    close enough: a score is below 1, so its rounding error stays under half a
    micro-point (at most one micro-point from a float64 sum, the same for every caller).
    """
    n_req, n_men = len(requests), len(mentors)
    if n_req == 0 or n_men == 0:
        return np.full((n_req, n_men), _INELIGIBLE, dtype=np.int32)
    moment = as_utc(now)

    # topics: counts of shared topics by a 0/1 matrix product over the asked vocabulary,
    # then each row scaled by its weight / topics asked (no topics asked: a flat share)
    asked = [normalise_topics(r.topics) for r in requests]
    vocab = {t: k for k, t in enumerate(sorted(set().union(*asked)))}
    req_m = np.zeros((n_req, max(1, len(vocab))), dtype=np.float32)
    men_m = np.zeros((n_men, max(1, len(vocab))), dtype=np.float32)
    for i, named in enumerate(asked):
        req_m[i, [vocab[t] for t in named]] = 1.0
    for j, mentor in enumerate(mentors):
        known = [vocab[t] for t in normalise_topics(mentor.topics) if t in vocab]
        men_m[j, known] = 1.0
    n_asked = np.array([len(named) for named in asked], dtype=np.float64)
    total = req_m @ men_m.T
    total *= (WEIGHT_TOPICS / np.maximum(n_asked, 1.0)).astype(np.float32)[:, None]
    total[n_asked == 0] = WEIGHT_TOPICS * NO_TOPICS_SHARE

    # hours: the weighted share per distinct (zone, start, end[, date]) key pair,
    # gathered into the big matrix once
    req_keys = [(r.tz, r.work_start, r.work_end, local_date(r.tz, moment)) for r in requests]
    men_keys = [(m.tz, m.work_start, m.work_end) for m in mentors]
    req_index = {k: n for n, k in enumerate(dict.fromkeys(req_keys))}
    men_index = {k: n for n, k in enumerate(dict.fromkeys(men_keys))}
    overlap = overlap_matrix(list(req_index), list(men_index))
    req_len = np.array([nominal_length(k[1], k[2]).total_seconds() for k in req_index])
    men_len = np.array([nominal_length(k[1], k[2]).total_seconds() for k in men_index])
    shorter = np.minimum(req_len[:, None], men_len[None, :])
    share = np.where(shorter > 0, np.minimum(overlap / np.maximum(shorter, 1.0), 1.0), 0.0)
    by_key = (WEIGHT_HOURS * share).astype(np.float32)
    rows_of = by_key[[req_index[k] for k in req_keys]]
    total += np.take(rows_of, [men_index[k] for k in men_keys], axis=1)

    # load and fairness are properties of the mentor alone
    capacity = np.array([m.capacity for m in mentors], dtype=np.float64)
    free = capacity - np.array([m.active_mentees for m in mentors], dtype=np.float64)
    load = np.where(capacity > 0, free / np.maximum(capacity, 1.0), 0.0)
    fairness = np.array([_fairness_part(m, moment) for m in mentors])
    total += (WEIGHT_LOAD * load + WEIGHT_FAIRNESS * fairness).astype(np.float32)[None, :]

    total *= _MICRO
    np.rint(total, out=total)
    micro = total.astype(np.int32)
    del total
    available = np.array([is_available(m, moment) for m in mentors])
    micro[:, ~available] = _INELIGIBLE
    column = {m.user_id: j for j, m in enumerate(mentors)}
    for i, request in enumerate(requests):
        for user_id in excluded_ids(request):
            col = column.get(user_id)
            if col is not None:
                micro[i, col] = _INELIGIBLE
    return micro


def _fairness_part(mentor: MentorProfile, now: datetime) -> float:
    if mentor.last_offered_at is None:
        return 1.0
    waited = now - as_utc(mentor.last_offered_at)
    return min(1.0, max(0.0, waited / FAIRNESS_HORIZON))


def pair_score(request: MentorRequest, mentor: MentorProfile, now: datetime) -> float | None:
    """The pair's score in 0..1, or ``None`` when the mentor is not eligible."""
    micro = int(_score_micro([request], [mentor], now)[0, 0])
    return None if micro == _INELIGIBLE else micro / _MICRO


# --- reasons ------------------------------------------------------------------


def _hours_text(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours == int(hours) else f"{hours:.2f}".rstrip("0") + " h"


def pair_reasons(request: MentorRequest, mentor: MentorProfile, now: datetime) -> tuple[str, ...]:
    """Human reasons behind a pair's score, in the order of the score's parts."""
    moment = as_utc(now)
    asked = normalise_topics(request.topics)
    if asked:
        shared = len(asked & normalise_topics(mentor.topics))
        topics = f"{shared} of {len(asked)} topic{'s' if len(asked) != 1 else ''}"
    else:
        topics = "no topics asked"
    apart = offset_difference(request.tz, mentor.tz, moment)
    zones = "same time zone" if not apart else f"{_hours_text(apart)} apart"
    overlap = working_hours_overlap(
        request.tz, request.work_start, request.work_end,
        mentor.tz, mentor.work_start, mentor.work_end,
        local_date(request.tz, moment),
    )  # fmt: skip
    shared_hours = (
        f"{_hours_text(overlap)} of working hours shared" if overlap else "no working hours shared"
    )
    places = "place" if mentor.capacity == 1 else "places"
    load = f"{mentor.active_mentees} of {mentor.capacity} {places} taken"
    reasons = [topics, zones, load, shared_hours, _offered_text(mentor, moment)]
    if request.allow_repeat and mentor.user_id in request.past_mentor_ids:
        reasons.append("mentored you before, as you asked")
    return tuple(reasons)


def _offered_text(mentor: MentorProfile, now: datetime) -> str:
    if mentor.last_offered_at is None:
        return "not offered a request before"
    days = math.floor((now - as_utc(mentor.last_offered_at)) / timedelta(days=1))
    if days < 1:
        return "last offered a request today"
    return f"last offered a request {days} day{'s' if days != 1 else ''} ago"


def rank_mentors(
    request: MentorRequest, mentors: Sequence[MentorProfile], now: datetime
) -> list[RankedMentor]:
    """Eligible mentors for ``request``, best first, each with its reasons."""
    ordered = sorted(mentors, key=_fairness_key)
    micro = _score_micro([request], ordered, now)[0]
    eligible = [j for j in range(len(ordered)) if micro[j] != _INELIGIBLE]
    eligible.sort(key=lambda j: -int(micro[j]))  # stable: ties keep the fairness order
    return [
        RankedMentor(
            user_id=ordered[j].user_id,
            score=int(micro[j]) / _MICRO,
            reasons=pair_reasons(request, ordered[j], now),
        )
        for j in eligible
    ]


# --- rounds -------------------------------------------------------------------


def _round_inputs(
    requests: Sequence[MentorRequest], mentors: Sequence[MentorProfile], now: datetime
) -> tuple[list[MentorProfile], np.ndarray, np.ndarray]:
    ids = [m.user_id for m in mentors]
    if len(set(ids)) != len(ids):
        raise ValueError("a mentor appears twice in the round")
    # Only mentors who can take someone now: the rest would be columns of "not eligible".
    ordered = sorted((m for m in mentors if is_available(m, now)), key=_fairness_key)
    micro = _score_micro(requests, ordered, now)
    free = np.array([max(0, m.capacity - m.active_mentees) for m in ordered], dtype=np.int64)
    return ordered, micro, np.minimum(free, len(requests))


def _greedy_choice(micro: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Per request (in order) its best mentor with a free place, or -1."""
    work = micro.copy()
    remaining = free.copy()
    work[:, remaining <= 0] = _INELIGIBLE
    choice = np.full(micro.shape[0], -1, dtype=np.int64)
    if micro.shape[1] == 0:
        return choice
    for i in range(micro.shape[0]):
        j = int(work[i].argmax())
        if work[i, j] == _INELIGIBLE:
            continue
        choice[i] = j
        remaining[j] -= 1
        if remaining[j] == 0:
            work[:, j] = _INELIGIBLE
    return choice


def _plan(
    requests: Sequence[MentorRequest],
    mentors: Sequence[MentorProfile],
    micro: np.ndarray,
    choice: np.ndarray,
) -> RoundPlan:
    pairs: list[tuple[str, str, float]] = []
    unmatched: list[str] = []
    total = 0
    for i, request in enumerate(requests):
        j = int(choice[i])
        if j < 0:
            unmatched.append(request.mentee_id)
            continue
        total += int(micro[i, j])
        pairs.append((request.mentee_id, mentors[j].user_id, int(micro[i, j]) / _MICRO))
    return RoundPlan(tuple(pairs), tuple(unmatched), total / _MICRO)


def assign_greedy(
    requests: Sequence[MentorRequest], mentors: Sequence[MentorProfile], now: datetime
) -> RoundPlan:
    """Baseline: requests in waiting order, each takes its best mentor with a free place.

    This is what offering requests one at a time with :func:`rank_mentors` gives.
    """
    ordered, micro, free = _round_inputs(requests, mentors, now)
    return _plan(requests, ordered, micro, _greedy_choice(micro, free))


def _candidate_edges(
    micro: np.ndarray, greedy: np.ndarray, top_k: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(request, mentor) edges kept: best ``top_k`` per request and per mentor, and greedy's."""
    n_req, n_men = micro.shape
    if top_k is not None and top_k < 1:
        raise ValueError("top_k must be at least 1")
    if top_k is None or top_k >= n_men or n_req == 0:
        rows, cols = np.nonzero(micro != _INELIGIBLE)
        return rows, cols
    # Exactly k per row (argpartition, not a threshold: scores tie often, and ties
    # would double the edges the matching has to look at).
    keep = np.zeros(micro.shape, dtype=bool)
    top = np.argpartition(micro, n_men - top_k, axis=1)[:, n_men - top_k :]
    keep[np.repeat(np.arange(n_req), top_k), top.ravel()] = True
    # Each less popular mentor's best requests too (those among fewer than top_k
    # requests' best), so every mentor has candidates of their own.
    per_mentor = min(n_req, top_k)
    needy = np.nonzero(np.count_nonzero(keep, axis=0) < per_mentor)[0]
    if needy.size:
        by_mentor = np.ascontiguousarray(micro[:, needy].T)
        best = np.argpartition(by_mentor, n_req - per_mentor, axis=1)[:, n_req - per_mentor :]
        keep[best.ravel(), np.repeat(needy, per_mentor)] = True
    taken = np.nonzero(greedy >= 0)[0]
    keep[taken, greedy[taken]] = True
    keep &= micro != _INELIGIBLE
    rows, cols = np.nonzero(keep)  # unique and in order, without a sort
    return rows, cols


def _optimal_choice(
    micro: np.ndarray, free: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Max-score matching of requests to mentor places over the given edges."""
    n_req = micro.shape[0]
    choice = np.full(n_req, -1, dtype=np.int64)
    live = free[cols] > 0
    rows, cols = rows[live], cols[live]
    if rows.size == 0:
        return choice
    first_place = np.concatenate([[0], np.cumsum(free)[:-1]])
    n_places = int(free.sum())
    copies = free[cols]
    edge_of = np.repeat(np.arange(rows.size), copies)
    copy_no = np.arange(edge_of.size) - np.repeat(np.cumsum(copies) - copies, copies)
    place = first_place[cols[edge_of]] + copy_no
    # cost = 2 - score > 0 (LAPJVsp needs non-zero weights); waiting costs 2 (score 0).
    # Scaled by n_req + 1 so that, between equal totals, a small extra cost for
    # leaving an earlier request waiting makes the earliest requests win.
    scale = float(n_req + 1)
    cost = (2 * _MICRO - micro[rows, cols]).astype(np.float64) * scale
    wait = 2.0 * _MICRO * scale + np.arange(n_req, 0, -1, dtype=np.float64)
    data = np.concatenate([cost[edge_of], wait])
    r = np.concatenate([rows[edge_of], np.arange(n_req)])
    c = np.concatenate([place, n_places + np.arange(n_req)])
    graph = csr_array((data, (r, c)), shape=(n_req, n_places + n_req))
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    owner = np.repeat(np.arange(free.size), free)
    real = col_ind < n_places
    choice[row_ind[real]] = owner[col_ind[real]]
    return choice


def assign_round(
    requests: Sequence[MentorRequest],
    mentors: Sequence[MentorProfile],
    now: datetime,
    *,
    top_k: int | None = None,
) -> RoundPlan:
    """Pair waiting requests with mentors, maximising the total score.

    Each request gets at most one mentor, no mentor gets more new mentees than
    free places, and the total is never below :func:`assign_greedy`'s. ``top_k``
    (default: exact when small, :data:`DEFAULT_TOP_K` otherwise) bounds the
    mentors considered per request.
    """
    ordered, micro, free = _round_inputs(requests, mentors, now)
    greedy = _greedy_choice(micro, free)
    if top_k is None:
        edges = int(((micro != _INELIGIBLE) * free[None, :]).sum()) if micro.size else 0
        top_k = None if edges <= EXACT_EDGE_LIMIT else DEFAULT_TOP_K
    rows, cols = _candidate_edges(micro, greedy, top_k)
    best = _optimal_choice(micro, free, rows, cols)
    plan = _plan(requests, ordered, micro, best)
    fallback = _plan(requests, ordered, micro, greedy)
    return plan if plan.total_score >= fallback.total_score else fallback
