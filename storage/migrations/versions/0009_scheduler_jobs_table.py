"""APScheduler's job table, created by the migrations rather than by each scheduler

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:15:00

Two replicas starting at once both ran SQLAlchemyJobStore's CREATE TABLE and one
failed. A database where a scheduler already made the table keeps it as it is (the
columns are the same).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table('apscheduler_jobs'):
        return
    op.create_table('apscheduler_jobs',
    sa.Column('id', sa.Unicode(length=191), nullable=False),
    sa.Column('next_run_time', sa.Float(precision=25), nullable=True),
    sa.Column('job_state', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_apscheduler_jobs'))
    )
    op.create_index(op.f('ix_apscheduler_jobs_next_run_time'), 'apscheduler_jobs',
                    ['next_run_time'], unique=False)


def downgrade() -> None:
    # The scheduler would create it again on start; dropping it loses only its jobs,
    # which the next start adds back.
    op.drop_index(op.f('ix_apscheduler_jobs_next_run_time'), table_name='apscheduler_jobs')
    op.drop_table('apscheduler_jobs')
