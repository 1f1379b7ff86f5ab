"""Mentor pairing rules: who is offered a request, in which order, and why."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.mentoring.pairing import (
    DEFAULT_TOP_K,
    MentorProfile,
    MentorRequest,
    RoundPlan,
    assign_greedy,
    assign_round,
    normalise_topic,
    normalise_topics,
    pair_score,
    rank_mentors,
)
from bot.working_hours import working_hours_overlap

NOW = datetime(2025, 1, 15, 12, tzinfo=UTC)
LONDON = "Europe/London"


def mentor(user_id: str = "UM1", **changes: object) -> MentorProfile:
    fields: dict[str, object] = {
        "user_id": user_id,
        "topics": frozenset({"instagram", "copywriting", "analytics"}),
        "capacity": 2,
        "active_mentees": 0,
        "tz": LONDON,
    }
    fields.update(changes)
    return MentorProfile(**fields)  # type: ignore[arg-type]


def request(**changes: object) -> MentorRequest:
    fields: dict[str, object] = {
        "mentee_id": "UN1",
        "topics": frozenset({"instagram", "copywriting", "analytics"}),
        "tz": LONDON,
    }
    fields.update(changes)
    return MentorRequest(**fields)  # type: ignore[arg-type]


def ranked_ids(req: MentorRequest, mentors: list[MentorProfile]) -> list[str]:
    return [r.user_id for r in rank_mentors(req, mentors, NOW)]


# --- topics ---------------------------------------------------------------------


def test_topics_are_compared_ignoring_case_spacing_and_hashes() -> None:
    assert normalise_topic("  Video   Editing ") == "video editing"
    assert normalise_topic("#Video-editing") == "video editing"
    assert normalise_topic("video_editing") == "video editing"
    assert normalise_topic("(no topics)") is None
    assert normalise_topics({"(No Topics)", " ", "None", "SEO"}) == {"seo"}


def test_more_shared_topics_rank_first() -> None:
    req = request(topics=frozenset({"Instagram", "TikTok", "SEO"}))
    mentors = [
        mentor("UM_one", topics=frozenset({"seo"})),
        mentor("UM_all", topics=frozenset({"instagram", " tiktok", "SEO ", "canva"})),
        mentor("UM_none", topics=frozenset({"canva"})),
        mentor("UM_two", topics=frozenset({"#instagram", "tiktok"})),
    ]
    ranked = rank_mentors(req, mentors, NOW)
    assert [r.user_id for r in ranked] == ["UM_all", "UM_two", "UM_one", "UM_none"]
    assert [r.reasons[0] for r in ranked] == [
        "3 of 3 topics",
        "2 of 3 topics",
        "1 of 3 topics",
        "0 of 3 topics",
    ]


def test_a_request_without_topics_is_ranked_on_the_other_parts() -> None:
    req = request(topics=frozenset({"(no topics)"}))
    busy = mentor("UM_busy", topics=frozenset({"seo"}), active_mentees=1)
    free = mentor("UM_free", topics=frozenset(), active_mentees=0)
    ranked = rank_mentors(req, [busy, free], NOW)
    assert [r.user_id for r in ranked] == ["UM_free", "UM_busy"]
    assert ranked[0].reasons[0] == "no topics asked"
    # neither gains nor loses on topics: the gap is the load part alone (0.20 x 1/2)
    assert ranked[0].score - ranked[1].score == pytest.approx(0.10)


# --- working hours -------------------------------------------------------------------


def overlap_hours(tz_a: str, tz_b: str, on: date, **hours: time) -> float:
    delta = working_hours_overlap(
        tz_a,
        hours.get("start_a", time(9)),
        hours.get("end_a", time(17)),
        tz_b,
        hours.get("start_b", time(9)),
        hours.get("end_b", time(17)),
        on,
    )
    return delta.total_seconds() / 3600


def test_working_hours_overlap_across_zones() -> None:
    winter = date(2025, 1, 15)
    assert overlap_hours(LONDON, LONDON, winter) == 8
    assert overlap_hours(LONDON, "Europe/Paris", winter) == 7
    assert overlap_hours(LONDON, "America/New_York", winter) == 3
    assert overlap_hours(LONDON, "Asia/Kolkata", winter) == 2.5  # half-hour zone
    assert overlap_hours(LONDON, "Asia/Tokyo", winter) == 0
    # symmetric
    assert overlap_hours("America/New_York", LONDON, winter) == 3


def test_working_hours_overlap_follows_daylight_saving_dates() -> None:
    # the US moves its clocks on 9 March 2025, the UK only on 30 March
    assert overlap_hours(LONDON, "America/New_York", date(2025, 3, 5)) == 3
    assert overlap_hours(LONDON, "America/New_York", date(2025, 3, 12)) == 4
    assert overlap_hours(LONDON, "America/New_York", date(2025, 4, 2)) == 3


def test_working_hours_overlap_across_the_date_line_and_midnight() -> None:
    winter = date(2025, 1, 15)  # Auckland is UTC+13, Los Angeles UTC-8: 21 h apart
    # an Auckland morning (09-17) is the Los Angeles afternoon of the day before (12-20)
    assert overlap_hours("Pacific/Auckland", "America/Los_Angeles", winter) == 5
    assert overlap_hours("America/Los_Angeles", "Pacific/Auckland", winter) == 5
    # a night shift 22:00-06:00 in London meets a Tokyo 09-17 day from 00:00 to 06:00 UTC
    night = {"start_a": time(22), "end_a": time(6)}
    assert overlap_hours(LONDON, "Asia/Tokyo", winter, **night) == 6
    empty = {"start_a": time(9), "end_a": time(9)}
    assert overlap_hours(LONDON, LONDON, winter, **empty) == 0


def test_shared_working_hours_rank_first() -> None:
    req = request(tz="America/New_York")  # 14:00-22:00 UTC in January
    mentors = [
        mentor("UM_tokyo", tz="Asia/Tokyo"),  # 00-08 UTC: nothing shared
        mentor("UM_london", tz=LONDON),  # 09-17 UTC: 3 h
        mentor("UM_chicago", tz="America/Chicago"),  # 15-23 UTC: 7 h
        mentor("UM_late", tz="America/New_York", work_start=time(13), work_end=time(21)),  # 4 h
    ]
    ranked = rank_mentors(req, mentors, NOW)
    assert [r.user_id for r in ranked] == ["UM_chicago", "UM_late", "UM_london", "UM_tokyo"]
    assert [(r.reasons[1], r.reasons[3]) for r in ranked] == [
        ("1 h apart", "7 h of working hours shared"),
        ("same time zone", "4 h of working hours shared"),
        ("5 h apart", "3 h of working hours shared"),
        ("14 h apart", "no working hours shared"),
    ]


# --- load and capacity --------------------------------------------------------------


def test_less_loaded_mentor_ranks_first_and_full_mentor_is_ineligible() -> None:
    mentors = [
        mentor("UM_half", capacity=2, active_mentees=1),
        mentor("UM_full", capacity=2, active_mentees=2),
        mentor("UM_over", capacity=1, active_mentees=3),
        mentor("UM_zero", capacity=0, active_mentees=0),
        mentor("UM_free", capacity=3, active_mentees=0),
    ]
    ranked = rank_mentors(request(), mentors, NOW)
    assert [r.user_id for r in ranked] == ["UM_free", "UM_half"]
    assert [r.reasons[2] for r in ranked] == ["0 of 3 places taken", "1 of 2 places taken"]
    assert rank_mentors(request(), [mentor(capacity=1)], NOW)[0].reasons[2] == (
        "0 of 1 place taken"
    )
    assert pair_score(request(), mentors[1], NOW) is None
    assert pair_score(request(), mentors[3], NOW) is None


# --- fairness --------------------------------------------------------------------


def test_least_recently_offered_ranks_first() -> None:
    mentors = [
        mentor("UM_a_yesterday", last_offered_at=NOW - timedelta(days=1)),
        mentor("UM_b_never"),
        mentor("UM_c_last_week", last_offered_at=NOW - timedelta(days=7)),
    ]
    assert ranked_ids(request(), mentors) == ["UM_b_never", "UM_c_last_week", "UM_a_yesterday"]


def test_equal_scores_are_ordered_by_last_offer_then_user_id() -> None:
    # both offered long enough ago to score the full fairness part: a tie on score
    long_ago = NOW - timedelta(days=60)
    mentors = [
        mentor("UM_a", last_offered_at=long_ago + timedelta(days=1)),
        mentor("UM_c"),
        mentor("UM_b", last_offered_at=long_ago),
        mentor("UM_d"),
    ]
    ranked = rank_mentors(request(), mentors, NOW)
    assert len({r.score for r in ranked}) == 1
    assert [r.user_id for r in ranked] == ["UM_c", "UM_d", "UM_b", "UM_a"]
    assert ranked_ids(request(), list(reversed(mentors))) == ["UM_c", "UM_d", "UM_b", "UM_a"]


# --- who is skipped ----------------------------------------------------------


def test_no_repeat_pair_unless_the_mentee_asks_for_it() -> None:
    past = mentor("UM_past")
    other = mentor("UM_other", topics=frozenset({"seo"}))
    assert ranked_ids(request(past_mentor_ids=frozenset({"UM_past"})), [past, other]) == [
        "UM_other"
    ]
    again = request(past_mentor_ids=frozenset({"UM_past"}), allow_repeat=True)
    ranked = rank_mentors(again, [past, other], NOW)
    assert [r.user_id for r in ranked] == ["UM_past", "UM_other"]
    assert ranked[0].reasons[-1] == "mentored you before, as you asked"
    assert "mentored you before" not in ranked[1].summary()


def test_paused_until_the_future_is_skipped_but_an_ended_pause_is_not() -> None:
    mentors = [
        mentor("UM_paused", paused_until=NOW + timedelta(minutes=1)),
        mentor("UM_back", paused_until=NOW - timedelta(days=3)),
        mentor("UM_back_now", paused_until=NOW),
    ]
    assert ranked_ids(request(), mentors) == ["UM_back", "UM_back_now"]


def test_away_mentors_the_tried_ones_and_the_mentee_themself_are_skipped() -> None:
    mentors = [
        mentor("UM_away", away=True),
        mentor("UM_declined"),
        mentor("UN1"),  # a mentor asking for a mentor of their own
        mentor("UM_ok"),
    ]
    assert ranked_ids(request(declined_by=frozenset({"UM_declined"})), mentors) == ["UM_ok"]


def test_naive_datetimes_are_taken_as_utc() -> None:
    paused = mentor(paused_until=datetime(2025, 1, 15, 13))
    assert pair_score(request(), paused, datetime(2025, 1, 15, 12)) is None
    assert pair_score(request(), paused, NOW + timedelta(hours=2)) is not None


# --- score and reasons -------------------------------------------------------


def test_reasons_explain_the_score() -> None:
    req = request(topics=frozenset({"instagram", "TikTok", "seo"}))
    paris = mentor(
        "UM_paris",
        topics=frozenset({"Instagram", "SEO"}),
        tz="Europe/Paris",
        last_offered_at=NOW - timedelta(days=3, hours=2),
    )
    (ranked,) = rank_mentors(req, [paris], NOW)
    assert ranked.summary() == (
        "2 of 3 topics, 1 h apart, 0 of 2 places taken, 7 h of working hours shared, "
        "last offered a request 3 days ago"
    )
    assert ranked.reasons == tuple(ranked.summary().split(", "))
    # 0.45 x 2/3 + 0.25 x 7/8 + 0.20 x 1 + 0.10 x (3 d 2 h / 14 d)
    expected = 0.45 * 2 / 3 + 0.25 * 7 / 8 + 0.20 + 0.10 * (74 / (14 * 24))
    assert ranked.score == pytest.approx(expected, abs=1e-6)
    assert pair_score(req, paris, NOW) == ranked.score


def test_reason_wording_for_singular_and_half_hours() -> None:
    req = request(topics=frozenset({"seo"}))
    delhi = mentor("UM_delhi", tz="Asia/Kolkata", last_offered_at=NOW - timedelta(hours=3))
    (ranked,) = rank_mentors(req, [delhi], NOW)
    assert ranked.reasons[:5] == (
        "0 of 1 topic",
        "5.5 h apart",
        "0 of 2 places taken",
        "2.5 h of working hours shared",
        "last offered a request today",
    )


def test_a_perfect_mentor_scores_one_and_everyone_eligible_scores_above_zero() -> None:
    assert pair_score(request(), mentor(), NOW) == 1.0
    worst = mentor(
        topics=frozenset(),
        tz="Asia/Tokyo",
        capacity=3,
        active_mentees=2,
        last_offered_at=NOW,
    )
    score = pair_score(request(), worst, NOW)
    assert score is not None and 0 < score < 0.1


# --- rounds ------------------------------------------------------------------------

TOPICS = ["instagram", "tiktok", "seo", "canva", "copywriting"]
ZONES = [LONDON, "America/New_York", "Asia/Kolkata", "Australia/Sydney"]


def random_club(
    seed: int, n_mentors: int, n_requests: int
) -> tuple[list[MentorProfile], list[MentorRequest]]:
    rng = random.Random(seed)
    mentors = []
    for n in range(n_mentors):
        capacity = rng.randint(1, 3)
        mentors.append(
            mentor(
                f"UM{n}",
                topics=frozenset(rng.sample(TOPICS, rng.randint(0, 3))),
                capacity=capacity,
                active_mentees=rng.randint(0, capacity),
                tz=rng.choice(ZONES),
                work_start=time(rng.choice([8, 9, 13])),
                away=rng.random() < 0.1,
                last_offered_at=rng.choice([None, NOW - timedelta(days=rng.randint(0, 20))]),
            )
        )
    requests = []
    for n in range(n_requests):
        ids = [m.user_id for m in mentors]
        requests.append(
            request(
                mentee_id=f"UN{n}",
                topics=frozenset(rng.sample(TOPICS, rng.randint(0, 3))),
                tz=rng.choice(ZONES),
                past_mentor_ids=frozenset(rng.sample(ids, min(len(ids), rng.randint(0, 1)))),
                declined_by=frozenset(rng.sample(ids, min(len(ids), rng.randint(0, 2)))),
                allow_repeat=rng.random() < 0.3,
            )
        )
    return mentors, requests


def brute_force_best(requests: list[MentorRequest], mentors: list[MentorProfile]) -> float:
    places = {m.user_id: m.capacity - m.active_mentees for m in mentors}
    options = [
        [(m.user_id, s) for m in mentors if (s := pair_score(r, m, NOW)) is not None]
        for r in requests
    ]

    def best(i: int) -> float:
        if i == len(requests):
            return 0.0
        result = best(i + 1)  # request i waits
        for user_id, score in options[i]:
            if places[user_id] > 0:
                places[user_id] -= 1
                result = max(result, score + best(i + 1))
                places[user_id] += 1
        return result

    return best(0)


def assert_valid(
    plan: RoundPlan, requests: list[MentorRequest], mentors: list[MentorProfile]
) -> None:
    by_id = {m.user_id: m for m in mentors}
    taken = Counter(mentor_id for _, mentor_id, _ in plan.pairs)
    for mentor_id, count in taken.items():
        assert count <= by_id[mentor_id].capacity - by_id[mentor_id].active_mentees
    paired = [mentee for mentee, _, _ in plan.pairs]
    assert len(paired) == len(set(paired))
    assert sorted(paired + list(plan.unmatched)) == sorted(r.mentee_id for r in requests)
    by_mentee = {r.mentee_id: r for r in requests}
    for mentee, mentor_id, score in plan.pairs:
        assert pair_score(by_mentee[mentee], by_id[mentor_id], NOW) == score
    assert plan.total_score == pytest.approx(sum(score for _, _, score in plan.pairs))


@pytest.mark.parametrize("seed", range(40))
def test_round_is_optimal_on_small_clubs(seed: int) -> None:
    mentors, requests = random_club(seed, n_mentors=3, n_requests=5)
    plan = assign_round(requests, mentors, NOW)
    assert_valid(plan, requests, mentors)
    assert plan.total_score == pytest.approx(brute_force_best(requests, mentors), abs=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_round_never_scores_below_greedy_even_when_pruned(seed: int) -> None:
    mentors, requests = random_club(1000 + seed, n_mentors=12, n_requests=30)
    greedy = assign_greedy(requests, mentors, NOW)
    assert_valid(greedy, requests, mentors)
    for top_k in (None, 3, 1):
        plan = assign_round(requests, mentors, NOW, top_k=top_k)
        assert_valid(plan, requests, mentors)
        assert plan.total_score >= greedy.total_score


@pytest.mark.parametrize("seed", range(6))
def test_a_pruned_round_finds_the_same_optimum_as_the_exact_one(seed: int) -> None:
    """Large rounds keep only each request's and each thin mentor's best pairs: on
    clubs small enough to solve over every pair, that loses nothing."""
    mentors, requests = random_club(2000 + seed, n_mentors=80, n_requests=200)
    exact = assign_round(requests, mentors, NOW, top_k=None)
    pruned = assign_round(requests, mentors, NOW, top_k=DEFAULT_TOP_K)
    assert_valid(pruned, requests, mentors)
    assert pruned.total_score == pytest.approx(exact.total_score, abs=1e-9)


def test_round_beats_greedy_when_first_come_takes_the_shared_mentor() -> None:
    generalist = mentor("UM_gen", topics=frozenset({"seo", "canva"}), capacity=1)
    specialist = mentor("UM_spec", topics=frozenset({"canva"}), capacity=1)
    first = request(mentee_id="UN_first", topics=frozenset({"canva"}))
    second = request(mentee_id="UN_second", topics=frozenset({"seo"}))
    greedy = assign_greedy([first, second], [generalist, specialist], NOW)
    plan = assign_round([first, second], [generalist, specialist], NOW)
    assert dict((m, t) for m, t, _ in greedy.pairs)["UN_first"] == "UM_gen"
    assert {(m, t) for m, t, _ in plan.pairs} == {("UN_first", "UM_spec"), ("UN_second", "UM_gen")}
    assert plan.total_score > greedy.total_score


def test_requests_without_an_eligible_mentor_are_left_unmatched() -> None:
    only = mentor("UM_only", capacity=1)
    tried = request(mentee_id="UN_tried", declined_by=frozenset({"UM_only"}))
    waiting = [tried, request(mentee_id="UN_a"), request(mentee_id="UN_b")]
    plan = assign_round(waiting, [only], NOW)
    assert [p[:2] for p in plan.pairs] == [("UN_a", "UM_only")]
    assert plan.unmatched == ("UN_tried", "UN_b")


def test_greedy_serves_requests_in_waiting_order() -> None:
    only = mentor("UM_only", capacity=1)
    keen = request(mentee_id="UN_keen", topics=frozenset({"instagram", "tiktok"}))
    perfect = request(mentee_id="UN_perfect")
    greedy = assign_greedy([keen, perfect], [only], NOW)
    assert [p[:2] for p in greedy.pairs] == [("UN_keen", "UM_only")]
    assert greedy.unmatched == ("UN_perfect",)
    # the round prefers the better-suited pair
    assert [p[:2] for p in assign_round([keen, perfect], [only], NOW).pairs] == [
        ("UN_perfect", "UM_only")
    ]


def test_empty_rounds_and_duplicate_mentors() -> None:
    assert assign_round([], [mentor()], NOW) == RoundPlan((), (), 0.0)
    assert assign_round([request()], [], NOW) == RoundPlan((), ("UN1",), 0.0)
    with pytest.raises(ValueError, match="twice"):
        assign_round([request()], [mentor("UM1"), mentor("UM1")], NOW)


def test_round_is_deterministic() -> None:
    mentors, requests = random_club(7, n_mentors=10, n_requests=25)
    first = assign_round(requests, mentors, NOW)
    assert assign_round(requests, list(reversed(mentors)), NOW) == first
