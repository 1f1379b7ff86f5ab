"""offers: one row per attempt (a request may go to a mentor again)

A mentor who only timed out on a request, or asked not to be contacted and came
back, may be offered it again; each attempt is its own row, so the unique
(request_id, mentor_id) constraint goes. "One pending offer per request" stays
(uq_mentor_offers_pending_for).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mentor_offers", schema=None) as batch_op:
        batch_op.drop_constraint("uq_mentor_offers_request_id_mentor_id", type_="unique")


def downgrade() -> None:
    # Keeps the latest attempt per (request, mentor): the constraint allows one.
    op.execute(
        "DELETE FROM mentor_offers WHERE id NOT IN "
        "(SELECT MAX(id) FROM mentor_offers GROUP BY request_id, mentor_id)"
    )
    with op.batch_alter_table("mentor_offers", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_mentor_offers_request_id_mentor_id", ["request_id", "mentor_id"]
        )
