"""Club meetings: the series, RSVPs, blackout days, sent reminders and attendance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class Meeting(Base):
    """A meeting series (or a one-off). The rule is kept as local wall time plus an
    IANA zone so daylight-saving changes never move it; instants are derived in UTC."""

    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_due", "status", "next_reminder_at"),
        Index("ix_meetings_attendance_due", "status", "attendance_prompt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # NULL once the organiser asked the bot to forget them.
    organiser_id: Mapped[str | None] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    tz: Mapped[str] = mapped_column(String(64))
    # Naive wall time "YYYY-MM-DDTHH:MM:SS" of the first occurrence, in `tz`.
    start_local: Mapped[str] = mapped_column(String(19))
    repeat: Mapped[str] = mapped_column(String(12))
    monthly_nth: Mapped[int | None] = mapped_column(Integer, default=None)
    agenda: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    # Comma-separated seconds, largest first; None means the club's defaults.
    reminder_offsets: Mapped[str | None] = mapped_column(String(200), default=None)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | cancelled
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    announcement_channel: Mapped[str | None] = mapped_column(String(32), default=None)
    announcement_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    # The reminder engine: reminders due up to here have been decided; the next one
    # falls due at next_reminder_at (indexed, so a tick touches only due meetings).
    reminders_checked_until: Mapped[datetime]
    next_reminder_at: Mapped[datetime | None] = mapped_column(default=None)
    # When the next occurrence ends: then the organiser is asked who came (indexed).
    attendance_prompt_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set when the announcement names someone it no longer should (`/club forget me`):
    # the tick redraws it, since forgetting happens without a Slack client at hand.
    announcement_stale: Mapped[bool] = mapped_column(default=False)


class MeetingSkip(Base):
    """One occurrence left out (`/club meeting skip`): a local date in the meeting's zone."""

    __tablename__ = "meeting_skips"
    __table_args__ = (UniqueConstraint("meeting_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    skipped_by: Mapped[str | None] = mapped_column(String(32))
    skipped_at: Mapped[datetime]


class Rsvp(Base):
    """One person's answer for one occurrence of a meeting (`occurrence_at`, UTC), or for
    all its future occurrences (`occurrence_at` None: the explicit "all future ones"
    choice; RSVPs given before answers were per occurrence keep this meaning, since they
    were given for the series). An answer for one occurrence wins over the series answer.
    Pressing again changes it. A forgotten person's answer stays without a name (user_id
    None), so the counts stay right."""

    __tablename__ = "meeting_rsvps"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", "occurrence_at"),
        # NULLs are distinct in a unique constraint: one series answer per person needs
        # its own (partial) index, or a double click could store two.
        Index(
            "uq_meeting_rsvps_series",
            "meeting_id",
            "user_id",
            unique=True,
            sqlite_where=text("occurrence_at IS NULL"),
            postgresql_where=text("occurrence_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(String(32))
    occurrence_at: Mapped[datetime | None] = mapped_column(default=None)
    answer: Mapped[str] = mapped_column(String(8))  # going | maybe | no
    answered_at: Mapped[datetime]


class Holiday(Base):
    """A club-wide blackout day: no meeting on this local date, whatever the series."""

    __tablename__ = "meeting_holidays"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    added_by: Mapped[str | None] = mapped_column(String(32))
    added_at: Mapped[datetime]


class SentReminder(Base):
    """A reminder decided once: its key is unique, so whoever inserts it first sends it
    (another instance's insert fails and it stays quiet). A post that failed for a
    passing reason is "retry" until one instance moves it to "retrying" and posts again."""

    __tablename__ = "meeting_reminders_sent"
    __table_args__ = (Index("ix_meeting_reminders_sent_outcome", "outcome"),)

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    occurrence_at: Mapped[datetime]
    offset_seconds: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    decided_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(12))  # sent|skipped|failed|retry|retrying


class Attendance(Base):
    """Who came to one occurrence, as marked by an organiser (user_id None: someone
    who was forgotten; they still count)."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "occurrence_at", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    occurrence_at: Mapped[datetime]
    user_id: Mapped[str | None] = mapped_column(String(32))
    marked_by: Mapped[str | None] = mapped_column(String(32))
    marked_at: Mapped[datetime]


class MeetingDmOptOut(Base):
    """People who said Going but don't want the last-offset reminder DM."""

    __tablename__ = "meeting_dm_opt_outs"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    opted_out_at: Mapped[datetime]


class AttendancePrompt(Base):
    """The organiser was asked "who came?" about one occurrence: unique, so exactly once."""

    __tablename__ = "meeting_attendance_prompts"
    __table_args__ = (UniqueConstraint("meeting_id", "occurrence_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    occurrence_at: Mapped[datetime]
    asked_at: Mapped[datetime]
