"""the blind index of complainants' and accused persons' names

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

One row per keyed hash of a term of a name (engine.core.name_index): the names stay
encrypted on the case, and the index holds no plain text. The migration has no key, so
it creates the table empty; `govflow init` (or `govflow reindex-names`) fills it for the
cases already there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "personal_name_term",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("term_hash", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"]),
        sa.PrimaryKeyConstraint("instance_id", "field", "term_hash"),
    )
    with op.batch_alter_table("personal_name_term", schema=None) as batch_op:
        batch_op.create_index("ix_personal_name_term_hash",
                              ["term_hash", "field", "instance_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("personal_name_term", schema=None) as batch_op:
        batch_op.drop_index("ix_personal_name_term_hash")
    op.drop_table("personal_name_term")
