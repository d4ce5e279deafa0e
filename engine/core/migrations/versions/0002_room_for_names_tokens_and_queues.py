"""room for Thai names; named API tokens; forced password change; sealed file names;
failed and cancelled outbox messages and letters

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

The first change after the initial schema (0001 is frozen from here on). Thai unit,
position and display names run past 60 characters, so the columns holding them grow to
300; the new columns hold several named tokens per user with their
last use, a password change forced after a reset, complaint file names kept encrypted,
and failed or cancelled queue items told apart from pending ones.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, nullable, old length, new length)
WIDENED: tuple[tuple[str, str, bool, int, int], ...] = (
    ("unit", "name", False, 200, 300),
    ("user_account", "display_name", False, 200, 300),
    ("user_account", "position", False, 200, 300),
    ("task", "assignee_display", True, 200, 300),
    ("audit_event", "actor_display", False, 200, 300),
    ("comment", "author_display", False, 200, 300),
    ("letter_job", "letter_number", False, 40, 100),
    ("publication", "unit_name", False, 200, 300),
    ("publication", "published_by_display", False, 200, 300),
    ("publication", "withdrawn_by_display", True, 200, 300),
)

#: The columns added to both queues (the outbox and the letter jobs).
QUEUE_COLUMNS = ("failed_at", "cancelled_at", "cancelled_by")


def _queue_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(length=80), nullable=True),
    ]


def upgrade() -> None:
    # A name of a widened column in the first loop, an added column in the last.
    column: str | sa.Column[Any]
    for table, column, nullable, old, new in WIDENED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=old),
                                  type_=sa.String(length=new), existing_nullable=nullable)
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                      server_default="0"))
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=100), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_filename", sa.LargeBinary(), nullable=True))
    for table in ("outbox_message", "letter_job"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in _queue_columns():
                batch_op.add_column(column)


def downgrade() -> None:
    for table in ("letter_job", "outbox_message"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(QUEUE_COLUMNS):
                batch_op.drop_column(name)
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("sealed_filename")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("name")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
    for table, column, nullable, old, new in reversed(WIDENED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=new),
                                  type_=sa.String(length=old), existing_nullable=nullable)
