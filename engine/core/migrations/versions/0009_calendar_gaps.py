"""administrators answer the usual holidays the calendar cannot date for a fiscal year

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

Royal Ploughing Day (วันพืชมงคล) is announced yearly and the holidays package stops
knowing it after 2026: the holiday list and a banner at the start of each fiscal year
name it until an administrator adds the day or dismisses the reminder for that year.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_gap_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("usual_day", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("override_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(["override_id"], ["holiday_override.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("calendar_gap_answer", schema=None) as batch_op:
        batch_op.create_index("ix_calendar_gap_answer_year",
                              ["fiscal_year", "usual_day", "revoked_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("calendar_gap_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_calendar_gap_answer_year")
    op.drop_table("calendar_gap_answer")
