"""process owners' drafts of a process, and who has its editor open

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

The browser editor saves a draft per process (not live until deployed through the
upload preview) and tells two owners editing the same process of each other.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "process_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=100), nullable=False),
        sa.Column("bpmn", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lanes", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["saved_by"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("process_key"),
    )
    op.create_table(
        "editor_presence",
        sa.Column("process_key", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("process_key", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("editor_presence")
    op.drop_table("process_draft")
