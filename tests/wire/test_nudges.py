"""Nudges: each kind, each rule (opt-out, cap, local hours, blackout, once only), the CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.cli import main as cli
from bot.local import MARCO, MEI, NINA, OLIVIA, PRIYA, LocalClub
from handlers import ids
from storage.encouragement.models import ClubCounter, SentNudge
from storage.faq.models import FaqEntry, FaqQuestion
from storage.meetings.models import Holiday
from storage.members import queries as members
from storage.members.models import Member
from storage.path import queries as progress

TEN_MINUTES = timedelta(minutes=10)


def reach(club: LocalClub, user: str, *keys: str, at: datetime | None = None) -> None:
    assert club.db is not None
    with club.db.transaction() as session:
        for key in keys:
            progress.record_step(session, user, key, at or club.clock.now())


def nudges_to(club: LocalClub, user: str) -> list[dict]:  # type: ignore[type-arg]
    return [
        m for m in club.replies(club.dm_channel(user))
        if any(b.get("block_id") == "nudge_opt_out" for b in m.get("blocks") or [])
    ]


def sent_keys(club: LocalClub, user: str) -> list[str]:
    assert club.db is not None
    with club.db.transaction() as session:
        return [r.key for r in session.query(SentNudge).filter_by(user_id=user)]


def test_a_step_nudge_carries_the_next_step_and_the_opt_out_button(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined", "read_guidelines")
    club.advance(TEN_MINUTES)
    (nudge,) = nudges_to(club, PRIYA.user_id)
    assert "2 of 10 steps" in nudge["text"] and "Ask one question" in nudge["text"]
    assert "/club nudges off" in nudge["text"]
    assert sent_keys(club, PRIYA.user_id) == ["step:read_guidelines"]


def test_nothing_is_ever_sent_twice(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined", "read_guidelines")
    club.advance(timedelta(days=20), step=timedelta(hours=1))
    keys = sent_keys(club, PRIYA.user_id)
    assert len(keys) == len(set(keys))
    assert keys.count("step:read_guidelines") == 1


def test_planning_runs_at_most_every_ten_minutes(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined")
    club.tick()
    reach(club, PRIYA.user_id, "read_guidelines")
    club.advance(timedelta(minutes=9))
    assert nudges_to(club, PRIYA.user_id) == []
    club.advance(timedelta(minutes=1))
    assert len(nudges_to(club, PRIYA.user_id)) == 1


def test_the_opt_out_button_and_command_stop_nudges(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined", "read_guidelines")
    club.advance(TEN_MINUTES)
    (nudge,) = nudges_to(club, PRIYA.user_id)
    club.press(PRIYA.user_id, nudge, ids.NUDGES_OFF)
    assert "no more nudges" in club.last_reply()["text"]
    club.press(PRIYA.user_id, nudge, ids.NUDGES_OFF)
    assert "already off" in club.last_reply()["text"]
    reach(club, PRIYA.user_id, "first_question")
    club.advance(timedelta(days=8), step=timedelta(hours=1))
    assert len(nudges_to(club, PRIYA.user_id)) == 1

    club.command(PRIYA.user_id, "nudges on")
    assert "Nudges are on" in club.last_reply()["text"]
    club.advance(TEN_MINUTES)
    assert len(nudges_to(club, PRIYA.user_id)) == 2
    club.command(PRIYA.user_id, "nudges")
    assert "Your nudges are *on*" in club.last_reply()["text"]


def test_nudges_command_bad_input(club: LocalClub) -> None:
    club.command(PRIYA.user_id, "nudges please stop")
    assert "I understand `/club nudges off` and `/club nudges on`" in club.last_reply()["text"]
    club.command(PRIYA.user_id, "nudges off")
    club.command(PRIYA.user_id, "nudges off")
    assert "already off; nothing changed" in club.last_reply()["text"]


def test_at_most_one_nudge_a_week(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined", "read_guidelines")
    club.advance(TEN_MINUTES)
    reach(club, PRIYA.user_id, "first_question")
    club.advance(timedelta(days=6), step=timedelta(hours=1))
    assert len(nudges_to(club, PRIYA.user_id)) == 1
    club.advance(timedelta(days=1, hours=1), step=timedelta(hours=1))
    assert len(nudges_to(club, PRIYA.user_id)) == 2
    assert "3 of 10 steps" in nudges_to(club, PRIYA.user_id)[-1]["text"]


def test_nudges_wait_for_the_recipients_local_working_hours(club: LocalClub) -> None:
    # 10:00 UTC is 05:00 in New York: Nina hears at 09:00 her time, 14:00 UTC.
    reach(club, NINA.user_id, "joined", "read_guidelines")
    club.advance(timedelta(hours=3, minutes=50), step=TEN_MINUTES)
    assert nudges_to(club, NINA.user_id) == []
    club.advance(timedelta(minutes=20), step=TEN_MINUTES)
    (nudge,) = nudges_to(club, NINA.user_id)
    assert nudge["ts"]
    assert datetime(2026, 12, 1, 14, 0, tzinfo=UTC) <= club.clock.now()


def test_no_nudges_at_the_weekend(club: LocalClub) -> None:
    club.clock.set(datetime(2026, 12, 5, 10, 0, tzinfo=UTC))  # a Saturday
    reach(club, PRIYA.user_id, "joined", "read_guidelines")
    club.advance(timedelta(days=1), step=timedelta(hours=1))
    assert nudges_to(club, PRIYA.user_id) == []
    club.advance(timedelta(days=1), step=timedelta(hours=1))  # Monday in Kolkata
    assert len(nudges_to(club, PRIYA.user_id)) == 1


def test_no_nudges_on_club_holidays(club: LocalClub) -> None:
    assert club.db is not None
    with club.db.transaction() as session:
        session.add(Holiday(day=date(2026, 12, 1), name="Club day off", added_by=OLIVIA.user_id,
                            added_at=club.clock.now()))
    reach(club, PRIYA.user_id, "joined", "read_guidelines")
    club.advance(timedelta(hours=12), step=timedelta(hours=1))
    assert nudges_to(club, PRIYA.user_id) == []
    club.advance(timedelta(hours=12), step=timedelta(hours=1))  # Wednesday in Kolkata
    assert len(nudges_to(club, PRIYA.user_id)) == 1


def test_a_quiet_member_gets_one_gentle_nudge_per_quiet_spell(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined", at=club.clock.now() - timedelta(days=15))
    club.advance(TEN_MINUTES)
    (nudge,) = nudges_to(club, PRIYA.user_id)
    assert "a friendly hello" in nudge["text"] and "guidelines" in nudge["text"]
    club.advance(timedelta(days=10), step=timedelta(hours=1))
    assert len(nudges_to(club, PRIYA.user_id)) == 1


def test_a_month_active_and_a_helpful_answer_are_milestones_and_kudos_are_told_apart(
    club: LocalClub,
) -> None:
    assert club.db is not None
    now = club.clock.now()
    reach(club, MARCO.user_id, "joined", at=now - timedelta(days=40))
    with club.db.transaction() as session:
        members.get_or_create(session, MARCO.user_id, now).last_active_at = now
        entry = FaqEntry(question="q", answer="a", created_at=now, updated_at=now,
                         helpful_count=1)
        session.add(entry)
        session.flush()
        session.add(FaqQuestion(channel="C0CLUB", message_ts="1.1", asker=NINA.user_id,
                                text="q", via="channel", asked_at=now, status="mentor_answered",
                                answered_by=MARCO.user_id, saved_entry_id=entry.id))
    club.command(NINA.user_id, f"kudos <@{MARCO.user_id}|marco> for the tour")  # Rome, 11:00
    club.advance(timedelta(days=15), step=timedelta(hours=1))
    texts = [n["text"] for n in nudges_to(club, MARCO.user_id)]
    assert "your answer just helped a colleague" in texts[0]
    assert "part of the club for a month" in texts[1]  # the cap: a week later
    assert not any("kudos" in text for text in texts)
    # The kudos had its own DM at once (who, and what for), not a nudge under the cap.
    kudos_dms = [m["text"] for m in club.replies(club.dm_channel(MARCO.user_id))
                 if "sends you kudos" in m["text"]]
    assert kudos_dms == [
        ":raised_hands: <@U0MARCO>, <@U0NINA> sends you kudos for the tour! (<#C0CLUB>)"
    ]


def test_mentors_are_reminded_of_a_request_waiting_on_them(club: LocalClub) -> None:
    mentoring = pytest.importorskip("storage.mentoring.models")  # the pairing feature's tables
    MentorOffer, MentorRequestRow = mentoring.MentorOffer, mentoring.MentorRequestRow
    assert club.db is not None
    now = club.clock.now()
    with club.db.transaction() as session:
        members.get_or_create(session, NINA.user_id, now)
        request = MentorRequestRow(mentee_id=NINA.user_id, created_at=now)
        session.add(request)
        session.flush()
        session.add(MentorOffer(request_id=request.id, mentor_id=MARCO.user_id,
                                offered_at=now - timedelta(days=2),
                                expires_at=now + timedelta(days=1)))
        members.get_or_create(session, MARCO.user_id, now)
    club.advance(TEN_MINUTES)
    (nudge,) = nudges_to(club, MARCO.user_id)
    assert "waiting for a mentor" in nudge["text"]
    assert sent_keys(club, MARCO.user_id)[0].startswith("mentor_waiting:")


def test_a_failed_send_is_retried_after_a_backoff_and_counted_once(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined", "read_guidelines")
    club.emulator.fail_next("chat.postMessage", "internal_error")
    club.tick()
    assert nudges_to(club, PRIYA.user_id) == []
    # Decided once: the outbox holds the DM until Slack takes it.
    assert sent_keys(club, PRIYA.user_id) == ["step:read_guidelines"]
    club.advance(timedelta(seconds=31), step=timedelta(seconds=31))
    assert len(nudges_to(club, PRIYA.user_id)) == 1
    club.advance(TEN_MINUTES * 3)
    assert len(nudges_to(club, PRIYA.user_id)) == 1
    assert club.db is not None
    with club.db.transaction() as session:
        assert session.get(ClubCounter, "nudges_sent").value == 1  # type: ignore[union-attr]


def test_excluded_people_get_no_nudges(club: LocalClub) -> None:
    reach(club, PRIYA.user_id, "joined", "read_guidelines")
    club.command(PRIYA.user_id, "exclude me")
    club.advance(timedelta(days=2), step=timedelta(hours=1))
    assert nudges_to(club, PRIYA.user_id) == []
    club.command(PRIYA.user_id, "include me")
    club.advance(TEN_MINUTES)
    assert len(nudges_to(club, PRIYA.user_id)) == 1


def test_dry_run_prints_who_would_get_what_and_why(
    club: LocalClub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reach(club, PRIYA.user_id, "joined", "read_guidelines")
    reach(club, NINA.user_id, "joined", "read_guidelines")
    reach(club, MEI.user_id, "joined", "read_guidelines")
    club.command(MEI.user_id, "nudges off")
    assert club.db is not None
    with club.db.transaction() as session:  # profiles as Slack gave them earlier
        for person in (PRIYA, NINA):
            session.get(Member, person.user_id).tz = person.tz  # type: ignore[union-attr]
    monkeypatch.setenv("DATABASE_URL", club.database_url)
    assert cli.main(["nudges", "run", "--dry-run", "--at", "2026-12-01T10:00:00Z"]) == 0
    out = capsys.readouterr().out
    assert "nudges at 2026-12-01 10:00 UTC (dry run: nothing sent)" in out
    assert "WOULD SEND  U0PRIYA      step:read_guidelines" in out
    assert "SKIP        U0NINA       step:read_guidelines" in out
    assert "outside working hours (Tue 05:00 America/New_York); retry 2026-12-01 14:00" in out
    (mei_line,) = [line for line in out.splitlines() if "U0MEI" in line]
    assert mei_line.startswith("SKIP") and mei_line.endswith("opted out")
    assert "1 would send, 2 held back" in out
    assert nudges_to(club, PRIYA.user_id) == []  # a dry run sends nothing
    assert cli.main(["nudges", "run", "--dry-run", "--at", "yesterday"]) == 2


def test_a_person_slack_does_not_know_costs_two_calls_in_six_days(club: LocalClub) -> None:
    ghost = "U0GHOST"  # on the path in our database, unknown to Slack (left the company)
    reach(club, ghost, "joined", "read_guidelines")
    club.advance(timedelta(days=6), step=TEN_MINUTES)
    calls = [
        c for c in club.emulator.calls
        if ghost in (str(c.args.get("user", "")), str(c.args.get("users", "")))
    ]
    # Once users.info (the time zone; remembered for a week), once conversations.open
    # (the nudge: a permanent error, not retried). Issue 12 measured 1 728 before.
    assert [(c.method, c.response.get("error")) for c in calls] == [
        ("users.info", "user_not_found"),
        ("conversations.open", "user_not_found"),
    ]
    # Nobody needs to chase a missed nudge: organisers are not told.
    assert club.replies(club.dm_channel(OLIVIA.user_id)) == []
