"""RSVPs per occurrence

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

An RSVP names the occurrence it answers (`occurrence_at`); NULL is the answer for all
future occurrences. Every RSVP stored before this revision was given for the whole
series (that is all the bot could record), so it keeps exactly that meaning: NULL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SERIES_ONLY = sa.text("occurrence_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("meeting_rsvps", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("occurrence_at", storage.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_constraint("uq_meeting_rsvps_meeting_id_user_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_meeting_rsvps_meeting_id_user_id_occurrence_at",
            ["meeting_id", "user_id", "occurrence_at"],
        )
        batch_op.create_index(
            "uq_meeting_rsvps_series",
            ["meeting_id", "user_id"],
            unique=True,
            sqlite_where=_SERIES_ONLY,
            postgresql_where=_SERIES_ONLY,
        )


def downgrade() -> None:
    # Back to one answer per person per meeting: the series answer, else the latest.
    op.execute(
        "DELETE FROM meeting_rsvps WHERE occurrence_at IS NOT NULL AND EXISTS ("
        " SELECT 1 FROM meeting_rsvps AS other WHERE other.meeting_id = meeting_rsvps.meeting_id"
        " AND other.user_id = meeting_rsvps.user_id AND ("
        "  other.occurrence_at IS NULL OR other.answered_at > meeting_rsvps.answered_at"
        "  OR (other.answered_at = meeting_rsvps.answered_at AND other.id > meeting_rsvps.id)))"
    )
    with op.batch_alter_table("meeting_rsvps", schema=None) as batch_op:
        batch_op.drop_index("uq_meeting_rsvps_series")
        batch_op.drop_constraint("uq_meeting_rsvps_meeting_id_user_id_occurrence_at", type_="unique")
        batch_op.create_unique_constraint(
            "uq_meeting_rsvps_meeting_id_user_id", ["meeting_id", "user_id"]
        )
        batch_op.drop_column("occurrence_at")
