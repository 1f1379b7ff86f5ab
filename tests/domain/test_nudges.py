"""Encouragement nudges: what people earn, and when clubbot may tell them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.encouragement.rules import (
    PATH_STEPS,
    Nudge,
    NudgeKind,
    NudgePolicy,
    PersonState,
    Skip,
    candidate_nudges,
    next_step,
    plan_nudges,
)
from bot.quiet_hours import WorkingHours

# Tuesday 2026-03-03 10:00 UTC: 11:00 in Berlin (working), 05:00 in New York (not yet).
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
POLICY = NudgePolicy()
DAY = timedelta(days=1)


def member(**changes: object) -> PersonState:
    """A settled member with nothing to celebrate: joined 20 days ago, active yesterday."""
    base = PersonState(
        user_id="U1",
        tz="Europe/Berlin",
        joined_at=NOW - 20 * DAY,
        last_active_at=NOW - DAY,
        steps_done=frozenset({"joined"}),
        step_reached_at={"joined": NOW - 20 * DAY},
        helpful_answers=0,
        opted_out=False,
        excluded=False,
        sent_keys=frozenset(),
        last_nudge_at=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def with_steps(person: PersonState, **reached: datetime) -> PersonState:
    return replace(
        person,
        steps_done=person.steps_done | frozenset(reached),
        step_reached_at={**person.step_reached_at, **reached},
    )


def keys(nudges: list[Nudge]) -> list[str]:
    return [n.key for n in nudges]


def plan(*people: PersonState, **kwargs: object) -> tuple[list[Nudge], list[Skip]]:
    now = kwargs.pop("now", NOW)
    policy = kwargs.pop("policy", POLICY)
    return plan_nudges(people, policy, now, **kwargs)  # type: ignore[arg-type]


# --- candidates: what has been earned ---------------------------------------------------


def test_a_settled_member_has_earned_nothing() -> None:
    assert candidate_nudges(member(), POLICY, NOW) == []


def test_brand_new_member_gets_only_the_step_just_reached() -> None:
    newcomer = member(
        joined_at=NOW - timedelta(hours=1),
        last_active_at=None,
        step_reached_at={"joined": NOW - timedelta(hours=1)},
    )
    # The welcome covers "joined": nothing else yet.
    assert candidate_nudges(newcomer, POLICY, NOW) == []
    newcomer = with_steps(newcomer, read_guidelines=NOW - timedelta(minutes=10))
    [nudge] = candidate_nudges(newcomer, POLICY, NOW)
    assert nudge.kind is NudgeKind.STEP_REACHED
    assert nudge.key == "step:read_guidelines"
    assert dict(nudge.details) == {
        "step": "read_guidelines",
        "step_number": "2",
        "of": "10",
        "steps_done": "2",
        "next_step": "first_question",
    }
    assert nudge.reason == "reached step 2/10 (read_guidelines) less than a day ago"


def test_steps_most_recent_first_and_only_recent_ones() -> None:
    person = with_steps(
        member(),
        read_guidelines=NOW - 15 * DAY,  # too old: history, not news
        first_question=NOW - 14 * DAY,  # exactly at the window edge: still news
        first_internal_post=NOW - 2 * DAY,
    )
    nudges = candidate_nudges(person, POLICY, NOW)
    assert keys(nudges) == ["step:first_internal_post", "step:first_question"]
    assert nudges[0].reason == "reached step 4/10 (first_internal_post) 2 days ago"


def test_steps_reached_together_furthest_first() -> None:
    at = NOW - DAY
    person = with_steps(member(), read_guidelines=at, first_question=at)
    assert keys(candidate_nudges(person, POLICY, NOW)) == [
        "step:first_question",
        "step:read_guidelines",
    ]


def test_a_step_before_an_already_congratulated_one_is_not_congratulated_later() -> None:
    person = with_steps(member(), read_guidelines=NOW - 3 * DAY, first_question=NOW - 2 * DAY)
    person = replace(person, sent_keys=frozenset({"step:first_question"}))
    assert candidate_nudges(person, POLICY, NOW) == []
    # But a step reached after it still is.
    person = with_steps(person, commented=NOW - DAY)
    assert keys(candidate_nudges(person, POLICY, NOW)) == ["step:commented"]


def test_next_step_is_the_first_gap_on_the_path() -> None:
    assert next_step({"joined", "read_guidelines", "commented"}) == "first_question"
    assert next_step(PATH_STEPS) is None
    person = with_steps(member(), **dict.fromkeys(PATH_STEPS[1:], NOW - DAY))
    nudge = candidate_nudges(person, POLICY, NOW)[0]
    assert nudge.key == "step:became_mentor"
    assert "next_step" not in nudge.details


def test_a_step_without_a_date_or_off_the_path_is_ignored() -> None:
    person = replace(member(), steps_done=frozenset({"joined", "first_question"}))
    assert candidate_nudges(person, POLICY, NOW) == []
    person = with_steps(member(), made_coffee=NOW - DAY)
    assert candidate_nudges(person, POLICY, NOW) == []


def test_first_helpful_answer_milestone() -> None:
    [nudge] = candidate_nudges(member(helpful_answers=1), POLICY, NOW)
    assert (nudge.kind, nudge.key, nudge.reason) == (
        NudgeKind.MILESTONE,
        "milestone:first_helpful",
        "first answer marked helpful",
    )
    assert nudge.details["milestone"] == "first_helpful"


def test_kudos_are_no_milestone_they_get_their_own_dm() -> None:
    # bot.encouragement.kudos tells the person at every kudos; a milestone would say it twice.
    assert candidate_nudges(member(), POLICY, NOW) == []


@pytest.mark.parametrize(
    ("joined_days_ago", "active_days_ago", "earned"),
    [(30, 1, True), (29, 1, False), (60, 30, True), (60, 31, False)],
)
def test_month_active_milestone(joined_days_ago: int, active_days_ago: int, earned: bool) -> None:
    person = member(
        joined_at=NOW - joined_days_ago * DAY, last_active_at=NOW - active_days_ago * DAY
    )
    found = "milestone:month_active" in keys(candidate_nudges(person, POLICY, NOW))
    assert found is earned


def test_month_active_needs_some_activity() -> None:
    person = member(joined_at=NOW - 40 * DAY, last_active_at=None)
    assert "milestone:month_active" not in keys(candidate_nudges(person, POLICY, NOW))


def test_inactive_after_the_configured_quiet_spell() -> None:
    last = datetime(2026, 2, 16, 15, 0, tzinfo=UTC)  # 14 days 19 hours before NOW
    [nudge] = candidate_nudges(member(last_active_at=last), POLICY, NOW)
    assert nudge.kind is NudgeKind.INACTIVE
    assert nudge.key == "inactive:2026-02-16"
    assert nudge.reason == "no activity for 14 days (since 2026-02-16)"
    assert nudge.details["next_step"] == "read_guidelines"
    # Exactly 14 days is not yet "older than" 14 days.
    assert candidate_nudges(member(last_active_at=NOW - 14 * DAY), POLICY, NOW) == []
    # The threshold is configurable.
    short = NudgePolicy(inactive_after=3 * DAY)
    assert keys(candidate_nudges(member(last_active_at=NOW - 4 * DAY), short, NOW)) == [
        "inactive:2026-02-27"
    ]


def test_inactive_once_per_spell_and_again_for_a_new_spell() -> None:
    person = member(last_active_at=NOW - 20 * DAY, sent_keys=frozenset({"inactive:2026-02-11"}))
    assert candidate_nudges(person, POLICY, NOW) == []
    # They come back today... and go quiet again for 20 days: a new spell, a new key.
    later = NOW + 20 * DAY
    person = replace(
        person, last_active_at=NOW, sent_keys=person.sent_keys | {"milestone:month_active"}
    )
    assert keys(candidate_nudges(person, POLICY, later)) == ["inactive:2026-03-03"]


def test_never_active_counts_from_joining() -> None:
    person = member(joined_at=NOW - 15 * DAY, last_active_at=None)
    assert keys(candidate_nudges(person, POLICY, NOW)) == [
        f"inactive:{(NOW - 15 * DAY).date().isoformat()}"
    ]


def test_mentor_waiting_reminders_oldest_first_after_a_day() -> None:
    mentor = member(
        waiting_requests=(
            (7, NOW - timedelta(hours=12)),  # not waiting long enough yet
            (42, datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
            (41, datetime(2026, 2, 27, 9, 0, tzinfo=UTC)),
        )
    )
    nudges = candidate_nudges(mentor, POLICY, NOW)
    assert keys(nudges) == ["mentor_waiting:41:2026-02-27", "mentor_waiting:42:2026-03-01"]
    first = nudges[0]
    assert first.kind is NudgeKind.MENTOR_WAITING
    assert first.reason == "request 41 waiting on them for 4 days"
    assert first.details["request_id"] == "41"
    assert first.details["others_waiting"] == "1"
    # Exactly one day is enough.
    mentor = member(waiting_requests=((7, NOW - DAY),))
    assert keys(candidate_nudges(mentor, POLICY, NOW)) == [
        f"mentor_waiting:7:{(NOW - DAY).date().isoformat()}"
    ]


def test_priority_mentor_then_step_then_milestone_then_inactive() -> None:
    person = with_steps(
        member(
            joined_at=NOW - 90 * DAY,
            last_active_at=NOW - 20 * DAY,
            helpful_answers=2,
            waiting_requests=((9, NOW - 2 * DAY),),
        ),
        first_question=NOW - 3 * DAY,
    )
    nudges = candidate_nudges(person, POLICY, NOW)
    assert [n.kind for n in nudges] == [
        NudgeKind.MENTOR_WAITING,
        NudgeKind.STEP_REACHED,
        NudgeKind.MILESTONE,
        NudgeKind.MILESTONE,
        NudgeKind.INACTIVE,
    ]
    assert keys(nudges)[2:4] == ["milestone:first_helpful", "milestone:month_active"]


def test_candidates_leave_out_sent_keys() -> None:
    person = member(
        helpful_answers=1,
        joined_at=NOW - 40 * DAY,
        sent_keys=frozenset({"milestone:month_active"}),
    )
    assert keys(candidate_nudges(person, POLICY, NOW)) == ["milestone:first_helpful"]


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        candidate_nudges(member(), POLICY, NOW.replace(tzinfo=None))


# --- plan: the rules of contact ---------------------------------------------------------


def test_plan_sends_the_top_candidate_and_explains_the_rest() -> None:
    person = member(helpful_answers=1, joined_at=NOW - 40 * DAY)
    sent, skipped = plan(person)
    assert keys(sent) == ["milestone:first_helpful"]
    assert skipped == [
        Skip(
            "U1",
            "milestone:month_active",
            "one nudge per run: milestone:first_helpful goes first",
            datetime(2026, 3, 10, 10, 0, tzinfo=UTC),
        )
    ]


def test_plan_one_nudge_per_person_even_if_listed_twice() -> None:
    person = member(helpful_answers=1)
    sent, skipped = plan(person, person)
    assert keys(sent) == ["milestone:first_helpful"]
    assert [s.reason for s in skipped] == ["duplicate person in this run"]


def test_plan_people_with_nothing_earned_get_no_rows() -> None:
    assert plan(member(), member(user_id="U2")) == ([], [])


def test_plan_already_sent_explains_the_silence_once() -> None:
    person = member(
        helpful_answers=1,
        sent_keys=frozenset({"milestone:first_helpful"}),
    )
    assert plan(person) == ([], [Skip("U1", "milestone:first_helpful", "already sent")])


def test_plan_opted_out_gets_nothing_not_even_mentor_reminders() -> None:
    person = member(opted_out=True, helpful_answers=1, waiting_requests=((3, NOW - 2 * DAY),))
    sent, skipped = plan(person)
    assert sent == []
    assert {(s.key, s.reason, s.retry_at) for s in skipped} == {
        ("mentor_waiting:3:2026-03-01", "opted out", None),
        ("milestone:first_helpful", "opted out", None),
    }


def test_plan_excluded_stops_all_contact() -> None:
    person = member(
        excluded=True, opted_out=False, helpful_answers=1, waiting_requests=((3, NOW - 2 * DAY),)
    )
    sent, skipped = plan(person)
    assert sent == []
    assert [s.reason for s in skipped] == ["excluded", "excluded"]


def test_plan_cap_boundary() -> None:
    person = member(helpful_answers=1)
    almost = replace(person, last_nudge_at=NOW - 7 * DAY + timedelta(seconds=1))
    sent, skipped = plan(almost)
    assert sent == []
    assert skipped == [
        Skip(
            "U1",
            "milestone:first_helpful",
            "cap: last nudge 6 days ago",
            NOW + timedelta(seconds=1),
        )
    ]
    exactly = replace(person, last_nudge_at=NOW - 7 * DAY)
    assert keys(plan(exactly)[0]) == ["milestone:first_helpful"]


def test_plan_cap_reason_wording_and_retry_in_working_hours() -> None:
    # Nudged yesterday at 18:00 UTC (19:00 Berlin): the cap ends at a Tuesday 19:00 Berlin,
    # so the retry is Wednesday 09:00 Berlin.
    person = member(helpful_answers=1, last_nudge_at=datetime(2026, 3, 2, 18, 0, tzinfo=UTC))
    [skip] = plan(person)[1]
    assert skip.reason == "cap: last nudge less than a day ago"
    assert skip.retry_at == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    person = replace(person, last_nudge_at=NOW - 2 * DAY)
    assert plan(person)[1][0].reason == "cap: last nudge 2 days ago"
    person = replace(person, last_nudge_at=NOW - DAY)
    assert plan(person)[1][0].reason == "cap: last nudge 1 day ago"


def test_plan_cap_applies_to_mentor_reminders_too() -> None:
    mentor = member(waiting_requests=((3, NOW - 2 * DAY),), last_nudge_at=NOW - DAY)
    sent, skipped = plan(mentor)
    assert sent == []
    assert skipped[0].reason.startswith("cap:")


def test_plan_local_working_hours_in_two_zones() -> None:
    berlin = member(user_id="UB", helpful_answers=1)
    new_york = member(user_id="UN", tz="America/New_York", helpful_answers=1)
    sent, skipped = plan(berlin, new_york)
    assert [n.user_id for n in sent] == ["UB"]
    assert skipped == [
        Skip(
            "UN",
            "milestone:first_helpful",
            "outside working hours (Tue 05:00 America/New_York)",
            datetime(2026, 3, 3, 14, 0, tzinfo=UTC),
        )
    ]
    # Five hours later it is 16:00 in Berlin and 10:00 in New York: both reachable.
    sent, _ = plan(berlin, new_york, now=NOW + timedelta(hours=5))
    assert [n.user_id for n in sent] == ["UB", "UN"]
    # Two hours after that Berlin has gone home.
    sent, skipped = plan(berlin, new_york, now=NOW + timedelta(hours=7))
    assert [n.user_id for n in sent] == ["UN"]
    assert skipped[0].reason == "outside working hours (Tue 18:00 Europe/Berlin)"


def test_plan_weekend_waits_for_monday() -> None:
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
    [skip] = plan(member(helpful_answers=1), now=saturday)[1]
    assert skip.reason == "outside working hours (Sat 11:00 Europe/Berlin)"
    assert skip.retry_at == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)


def test_plan_dst_moves_the_utc_window() -> None:
    # 07:30 UTC: 08:30 in Berlin before the EU change, 09:30 after it.
    person = member(helpful_answers=1)
    before = datetime(2026, 3, 27, 7, 30, tzinfo=UTC)
    after = datetime(2026, 3, 30, 7, 30, tzinfo=UTC)
    person_then = replace(person, joined_at=before - 20 * DAY, last_active_at=before - DAY)
    sent, skipped = plan(person_then, now=before)
    assert sent == []
    assert skipped[0].reason == "outside working hours (Fri 08:30 Europe/Berlin)"
    assert skipped[0].retry_at == datetime(2026, 3, 27, 8, 0, tzinfo=UTC)
    person_now = replace(person, joined_at=after - 20 * DAY, last_active_at=after - DAY)
    assert keys(plan(person_now, now=after)[0]) == ["milestone:first_helpful"]


def test_plan_blackout_days_are_local() -> None:
    holiday = date(2026, 3, 3)
    berlin = member(user_id="UB", helpful_answers=1)
    sent, skipped = plan(berlin, blackout_dates=[holiday])
    assert sent == []
    assert skipped == [
        Skip(
            "UB",
            "milestone:first_helpful",
            "blackout day (Tue 11:00 Europe/Berlin)",
            datetime(2026, 3, 4, 8, 0, tzinfo=UTC),
        )
    ]
    # 23:30 UTC on the 2nd is already the 3rd in Tokyo, but still the 2nd in New York.
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    night_owls = NudgePolicy(hours=WorkingHours(start=time(0), end=time(23, 59)))
    tokyo = member(user_id="UT", tz="Asia/Tokyo", helpful_answers=1)
    new_york = member(user_id="UN", tz="America/New_York", helpful_answers=1)
    sent, skipped = plan(new_york, tokyo, now=late, policy=night_owls, blackout_dates=[holiday])
    assert [n.user_id for n in sent] == ["UN"]
    assert skipped[0].user_id == "UT" and skipped[0].reason.startswith("blackout day")


def test_plan_unknown_zone_uses_utc() -> None:
    person = member(tz="", helpful_answers=1)
    assert keys(plan(person)[0]) == ["milestone:first_helpful"]
    [skip] = plan(person, now=NOW.replace(hour=8))[1]
    assert skip.reason == "outside working hours (Tue 08:00 UTC)"


def test_plan_rule_order_excluded_before_everything() -> None:
    person = member(
        excluded=True,
        opted_out=True,
        helpful_answers=1,
        last_nudge_at=NOW - DAY,
        tz="America/New_York",
    )
    assert plan(person)[1][0].reason == "excluded"
    assert plan(replace(person, excluded=False))[1][0].reason == "opted out"
    assert plan(replace(person, excluded=False, opted_out=False))[1][0].reason.startswith("cap:")


def test_plan_brand_new_member_gets_just_their_step() -> None:
    newcomer = with_steps(
        member(
            joined_at=NOW - timedelta(hours=2),
            last_active_at=NOW,
            step_reached_at={"joined": NOW - timedelta(hours=2)},
        ),
        read_guidelines=NOW - timedelta(minutes=5),
    )
    assert plan(newcomer) == (candidate_nudges(newcomer, POLICY, NOW), [])
    assert keys(plan(newcomer)[0]) == ["step:read_guidelines"]
