"""Seed a big club quickly for the scale benchmarks (bench/report_scale.py, bench/tick_scale.py).

`fresh_database(url)` drops every clubbot table in that database and migrates it again, so
point it only at a database kept for benchmarks. `seed(db, ...)` fills it with bulk inserts
(SQLAlchemy Core executemany, in chunks), about a second per 100 000 rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, insert, text

from storage import migrate
from storage.db import Database
from storage.encouragement.models import Kudos, SentNudge
from storage.faq.models import FaqEntry, FaqQuestion
from storage.meetings.models import Attendance, Meeting, Rsvp
from storage.members.models import Member
from storage.mentoring.models import MentorRequestRow, Pairing
from storage.path.models import PathStepReached
from storage.schema import Base

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
CHUNK = 5_000
STATES = ("answered", "answered", "mentor_answered", "unknown", "escalated", "silent")
WORDS = (
    "how", "do", "I", "schedule", "a", "post", "on", "Instagram", "reels", "analytics",
    "hashtags", "best", "time", "LinkedIn", "carousel", "brand", "voice", "caption",
)


def fresh_database(url: str) -> Database:
    """Every clubbot table dropped and migrated again: the benchmark's own, empty club."""
    db = Database(url)
    with db.engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        connection.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))
    migrate.upgrade(db)
    return db


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _bulk(db: Database, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    with db.engine.begin() as connection:
        for chunk in _chunks(rows):
            connection.execute(insert(table), list(chunk))


def member_id(i: int) -> str:
    return f"U{i:08d}"


def seed_members(db: Database, members: int, rng: random.Random) -> None:
    zones = ("UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Europe/London")
    _bulk(db, Member.__table__, [
        {
            "user_id": member_id(i), "display_name": f"Member {i}", "tz": rng.choice(zones),
            "first_seen_at": NOW - timedelta(days=rng.randint(1, 400)),
            "last_active_at": NOW - timedelta(days=rng.randint(0, 60)),
            "excluded": i % 97 == 0,
        }
        for i in range(members)
    ])  # fmt: skip


def seed_path(db: Database, members: int) -> None:
    """Everyone joined; every third person also introduced themselves: all are on the path,
    so the nudge planner considers all of them."""
    _bulk(db, PathStepReached.__table__, [
        {
            "user_id": member_id(i), "step": step, "reached_at": NOW - timedelta(days=i % 60),
            "source": "bench",
        }
        for i in range(members) for step in (("joined", "intro") if i % 3 == 0 else ("joined",))
    ])  # fmt: skip


def seed(
    db: Database,
    *,
    members: int = 10_000,
    questions: int = 100_000,
    pairings: int = 2_000,
    meetings: int = 500,
    faq_entries: int = 300,
    seed_value: int = 16,
) -> None:
    rng = random.Random(seed_value)
    seed_members(db, members, rng)
    seed_path(db, members)
    _bulk(db, FaqEntry.__table__, [
        {
            "id": e + 1, "question": f"FAQ {e}: " + " ".join(rng.choices(WORDS, k=8)),
            "answer": "An answer.", "created_at": NOW, "updated_at": NOW,
            "times_used": rng.randint(0, 500), "helpful_count": rng.randint(0, 50),
            "not_helpful_count": rng.randint(0, 10),
        }
        for e in range(faq_entries)
    ])  # fmt: skip
    _bulk(db, FaqQuestion.__table__, [
        {
            "id": q + 1, "channel": "D0BENCH", "message_ts": f"{q}.000", "asker":
            member_id(rng.randrange(members)), "text": " ".join(rng.choices(WORDS, k=14)),
            "via": "dm", "asked_at": NOW - timedelta(minutes=q), "status": rng.choice(STATES),
            "entry_id": rng.randint(1, faq_entries) if faq_entries else None,
            "answered_by": None, "answered_at": None,
        }
        for q in range(questions)
    ])  # fmt: skip
    _bulk(db, MentorRequestRow.__table__, [
        {
            "id": p + 1, "mentee_id": member_id(p % members), "topics": ["Instagram", "SEO"],
            "status": "paired" if p < pairings else "waiting",
            "open_for": None if p < pairings else member_id(p % members),
            "created_at": NOW - timedelta(days=p % 90),
        }
        for p in range(pairings + min(500, members - pairings if members > pairings else 0))
    ])  # fmt: skip
    _bulk(db, Pairing.__table__, [
        {
            "id": p + 1, "request_id": p + 1, "mentor_id": member_id((p * 7 + 1) % members),
            "mentee_id": member_id(p % members), "status": "active" if p % 3 else "ended",
            "started_at": NOW - timedelta(days=p % 90),
            "ended_at": None if p % 3 else NOW - timedelta(days=1),
            "checkin_due_at": NOW + timedelta(days=1 + p % 7) if p % 3 else None,
        }
        for p in range(pairings)
    ])  # fmt: skip
    _bulk(db, Meeting.__table__, [
        {
            "id": m + 1, "title": f"Meeting {m}", "organiser_id": member_id(m), "channel_id":
            "C0BENCH", "tz": "Europe/Paris", "start_local": "2026-01-05T18:00:00",
            "repeat": "weekly", "status": "active", "created_at": NOW, "updated_at": NOW,
            "reminders_checked_until": NOW,
            "next_reminder_at": NOW + timedelta(days=1 + m % 6),
            "attendance_prompt_at": NOW + timedelta(days=1 + m % 6, hours=2),
        }
        for m in range(meetings)
    ])  # fmt: skip
    _bulk(db, Rsvp.__table__, [
        {
            "meeting_id": m + 1, "user_id": member_id((m * 31 + k) % members),
            "occurrence_at": None, "answer": ("going", "maybe", "no")[k % 3],
            "answered_at": NOW,
        }
        for m in range(meetings) for k in range(20)
    ])  # fmt: skip
    _bulk(db, Attendance.__table__, [
        {
            "meeting_id": m + 1, "occurrence_at": NOW - timedelta(days=7 * w, hours=m % 24),
            "user_id": member_id((m * 13 + k) % members), "marked_by": None,
            "marked_at": NOW,
        }
        for m in range(meetings) for w in range(4) for k in range(5)
    ])  # fmt: skip
    _bulk(db, Kudos.__table__, [
        {
            "giver_id": member_id(rng.randrange(members)),
            "receiver_id": member_id(rng.randrange(members)), "reason": "thanks",
            "given_at": NOW - timedelta(hours=k),
        }
        for k in range(members)
    ])  # fmt: skip
    _bulk(db, SentNudge.__table__, [
        {
            "user_id": member_id(i), "key": f"milestone:{i}", "kind": "milestone",
            "sent_at": NOW - timedelta(days=i % 30),
        }
        for i in range(0, members, 2)
    ])  # fmt: skip
