"""APScheduler's job table, owned by the migrations.

SQLAlchemyJobStore creates its table when the scheduler starts if it is missing; two
replicas starting at once on one database would both try (PostgreSQL refuses the
second CREATE TABLE). Created here, under Alembic's lock, the store only ever finds it.
The columns are APScheduler 3's own (apscheduler/jobstores/sqlalchemy.py).
"""

from __future__ import annotations

from sqlalchemy import Column, Float, LargeBinary, Table, Unicode

from storage.base import Base

JOBS_TABLE = "apscheduler_jobs"

scheduler_jobs = Table(
    JOBS_TABLE,
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
