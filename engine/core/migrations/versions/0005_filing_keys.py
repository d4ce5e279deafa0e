"""keys that make a citizen's filing happen once

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

The website form's one-time token and the API's Idempotency-Key, hashed, each beside the
complaint it filed, until it expires (engine/services/complaints/filing_keys.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "filing_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("sealed_receipt", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    with op.batch_alter_table("filing_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_filing_key_instance_id"), ["instance_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_filing_key_expires_at"), ["expires_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("filing_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_filing_key_expires_at"))
        batch_op.drop_index(batch_op.f("ix_filing_key_instance_id"))
    op.drop_table("filing_key")
