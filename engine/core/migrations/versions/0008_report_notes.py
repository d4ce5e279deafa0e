"""the head of Legal Affairs' problems and recommendations per report period

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10

ปัญหา อุปสรรค และข้อเสนอแนะ, written before the complaints report goes to the Director and
printed in it with its writer as the proposer (ผู้เสนอ).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report", sa.String(length=40), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("half", sa.Integer(), nullable=False),
        sa.Column("problems", sa.String(length=1000), nullable=False),
        sa.Column("recommendations", sa.String(length=1000), nullable=False),
        sa.Column("written_by", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["written_by"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report", "fiscal_year", "half"),
    )


def downgrade() -> None:
    op.drop_table("report_note")
