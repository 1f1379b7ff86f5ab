"""learned FAQ wordings wait for review

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "faq_wordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("wording_key", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("learned_from", sa.String(length=32), nullable=True),
        sa.Column("confirmed_by", sa.String(length=32), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["faq_entries.id"],
                                name=op.f("fk_faq_wordings_entry_id_faq_entries"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_wordings")),
        sa.UniqueConstraint("entry_id", "wording_key",
                            name=op.f("uq_faq_wordings_entry_id_wording_key")),
    )
    with op.batch_alter_table("faq_wordings") as batch:
        batch.create_index(batch.f("ix_faq_wordings_wording_key"), ["wording_key"])
        batch.create_index(batch.f("ix_faq_wordings_status"), ["status"])
        batch.create_index(batch.f("ix_faq_wordings_learned_from"), ["learned_from"])


def downgrade() -> None:
    op.drop_table("faq_wordings")
