"""Benchmark a pairing round: ``assign_round`` against the greedy baseline.

    .venv/bin/python bench/pairing.py [--mentors 1000] [--requests 2000] [--seeds 5]

For each seed it builds a random but realistic club (topics from the club's list
with a few popular ones, time zones across the world weighted towards Europe and
the Americas, capacities 1-3, some mentors full, paused or away, requests with
past mentors and declines), then times one round and compares totals.
Exit status 1 when the median round is slower than the target or a round scores
below greedy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.mentoring.pairing import (
    MentorProfile,
    MentorRequest,
    RoundPlan,
    assign_greedy,
    assign_round,
)

TARGET_SECONDS = 2.0

CLUB_TOPICS = (
    "Instagram", "TikTok", "Reels", "YouTube", "LinkedIn", "X / Twitter", "Threads",
    "Copywriting", "Storytelling", "Photography", "Video editing", "Graphic design",
    "Canva", "Branding", "Analytics", "Paid ads", "SEO", "Newsletters",
    "Community management", "Influencer outreach", "Crisis comms", "Content calendar",
    "Live streaming", "Podcasting", "Event promotion",
)  # fmt: skip
ZONES = (
    ("Europe/London", 8), ("Europe/Paris", 10), ("Europe/Berlin", 8), ("Europe/Madrid", 5),
    ("Europe/Helsinki", 3), ("Africa/Lagos", 3), ("Africa/Nairobi", 2),
    ("Asia/Kolkata", 5), ("Asia/Singapore", 3), ("Asia/Tokyo", 2), ("Australia/Sydney", 3),
    ("Pacific/Auckland", 1), ("America/New_York", 9), ("America/Chicago", 4),
    ("America/Denver", 2), ("America/Los_Angeles", 6), ("America/Sao_Paulo", 4),
    ("America/Mexico_City", 2), ("Asia/Dubai", 2), ("Asia/Kathmandu", 1),
)  # fmt: skip


def _hours(rng: np.random.Generator) -> tuple[time, time]:
    kind = rng.random()
    if kind < 0.75:  # office day
        start = int(rng.integers(7, 11))
        return time(start), time(start + int(rng.integers(6, 10)))
    if kind < 0.95:  # evenings, after the day job
        start = int(rng.integers(17, 20))
        return time(start, 30 if rng.random() < 0.3 else 0), time(min(23, start + 4))
    return time(22), time(6)  # night owls


def _topics(rng: np.random.Generator, low: int, high: int, weights: np.ndarray) -> frozenset[str]:
    k = int(rng.integers(low, high + 1))
    picked = rng.choice(len(CLUB_TOPICS), size=k, replace=False, p=weights)
    # free text: people type topics in their own case and spacing
    return frozenset(
        CLUB_TOPICS[i].lower() if rng.random() < 0.3 else f" {CLUB_TOPICS[i]}" for i in picked
    )


def _paused_until(rng: np.random.Generator, now: datetime) -> datetime | None:
    """8 % paused for a while yet, 7 % with a pause that has ended."""
    roll, days = rng.random(), timedelta(days=int(rng.integers(1, 30)))
    if roll < 0.08:
        return now + days
    return now - days if roll < 0.15 else None


def _last_offered(rng: np.random.Generator, now: datetime) -> datetime | None:
    if rng.random() < 0.3:
        return None
    return now - timedelta(hours=float(rng.uniform(1, 24 * 40)))


def _request_topics(rng: np.random.Generator, weights: np.ndarray) -> frozenset[str]:
    if rng.random() < 0.05:
        return frozenset({"(no topics)"})
    return _topics(rng, 1, 3, weights)


def population(
    seed: int, n_mentors: int, n_requests: int
) -> tuple[list[MentorProfile], list[MentorRequest], datetime]:
    rng = np.random.default_rng(seed)
    now = datetime(2025, 3, 3, 12, tzinfo=UTC) + timedelta(days=int(rng.integers(0, 60)))
    popularity = 1.0 / np.arange(1, len(CLUB_TOPICS) + 1) ** 0.8
    weights = popularity / popularity.sum()
    names = [z for z, _ in ZONES]
    zone_p = np.array([w for _, w in ZONES], dtype=float)
    zone_p /= zone_p.sum()

    mentors = []
    for n in range(n_mentors):
        start, end = _hours(rng)
        capacity = int(rng.integers(1, 4))
        mentors.append(
            MentorProfile(
                user_id=f"UM{n:05d}",
                topics=_topics(rng, 2, 6, weights),
                capacity=capacity,
                active_mentees=int(rng.integers(0, capacity + 1)) if rng.random() < 0.5 else 0,
                tz=str(rng.choice(names, p=zone_p)),
                work_start=start,
                work_end=end,
                paused_until=_paused_until(rng, now),
                away=rng.random() < 0.05,
                last_offered_at=_last_offered(rng, now),
            )
        )
    requests = []
    for n in range(n_requests):
        start, end = _hours(rng)
        past = rng.choice(n_mentors, size=int(rng.integers(0, 3)), replace=False)
        declined = rng.choice(n_mentors, size=int(rng.integers(0, 3)), replace=False)
        requests.append(
            MentorRequest(
                mentee_id=f"UN{n:05d}",
                topics=_request_topics(rng, weights),
                tz=str(rng.choice(names, p=zone_p)),
                work_start=start,
                work_end=end,
                past_mentor_ids=frozenset(f"UM{k:05d}" for k in past),
                declined_by=frozenset(f"UM{k:05d}" for k in declined),
                allow_repeat=rng.random() < 0.1,
            )
        )
    return mentors, requests, now


def _check(plan: RoundPlan, mentors: list[MentorProfile]) -> None:
    taken: dict[str, int] = {}
    for _, mentor_id, _ in plan.pairs:
        taken[mentor_id] = taken.get(mentor_id, 0) + 1
    for m in mentors:
        assert taken.get(m.user_id, 0) <= m.capacity - m.active_mentees, m.user_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentors", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)

    print(f"{args.mentors} mentors x {args.requests} requests, {args.seeds} seeds")
    header = "seed  places  round s  greedy s   round total  greedy total    gain  matched r/g"
    print(header)
    times, greedy_times, ok = [], [], True
    for seed in range(args.seeds):
        mentors, requests, now = population(seed, args.mentors, args.requests)
        places = sum(max(0, m.capacity - m.active_mentees) for m in mentors)
        t0 = clock.perf_counter()
        plan = assign_round(requests, mentors, now)
        t1 = clock.perf_counter()
        greedy = assign_greedy(requests, mentors, now)
        t2 = clock.perf_counter()
        _check(plan, mentors)
        gain = plan.total_score - greedy.total_score
        times.append(t1 - t0)
        greedy_times.append(t2 - t1)
        ok &= gain >= 0
        print(
            f"{seed:>4}  {places:>6}  {t1 - t0:>7.2f}  {t2 - t1:>8.2f}  {plan.total_score:>12.3f}"
            f"  {greedy.total_score:>12.3f}  {100 * gain / max(greedy.total_score, 1e-9):>+5.2f}%"
            f"  {len(plan.pairs):>5}/{len(greedy.pairs)}"
        )
    median, greedy_median = statistics.median(times), statistics.median(greedy_times)
    ok = median <= TARGET_SECONDS and ok
    print(
        f"round time: median {median:.2f} s, max {max(times):.2f} s "
        f"(target {TARGET_SECONDS:.0f} s); greedy median {greedy_median:.2f} s, "
        f"round / greedy {median / max(greedy_median, 1e-9):.1f}x; "
        f"{'OK' if ok else 'TARGET MISSED'}"
    )
    # The machine's load, as the figures depend on it.
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
