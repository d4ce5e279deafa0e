"""the office's letter registers, and what a letter carries besides its fields

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10

ทะเบียนหนังสือส่ง and ทะเบียนหนังสือรับ (register_entry), each numbered from 1 every
Buddhist-Era year by a counter row per (register, year); the letter job's marks
(ชั้นความเร็ว, ชั้นความลับ) and its sealed signer, enclosures and reference; and which
files of a case the complainant supplied (never enclosed with a letter to the accused).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "register_counter",
        sa.Column("register", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("register", "year"),
    )
    op.create_table(
        "register_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("party", sa.String(length=300), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("letter_kind", sa.String(length=40), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("letter_ref", sa.String(length=100), nullable=False),
        sa.Column("letter_job_id", sa.Integer(), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("registered_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"]),
        sa.ForeignKeyConstraint(["letter_job_id"], ["letter_job.id"]),
        sa.ForeignKeyConstraint(["registered_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("register", "year", "number", name="uq_register_entry_number"),
    )
    with op.batch_alter_table("register_entry", schema=None) as batch_op:
        batch_op.create_index("ix_register_entry_day", ["register", "entry_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_register_entry_instance_id"), ["instance_id"],
                              unique=False)
    with op.batch_alter_table("letter_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgency", sa.String(length=20), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("secrecy", sa.String(length=20), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("sealed_parts", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_complainant", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("from_complainant")
    with op.batch_alter_table("letter_job", schema=None) as batch_op:
        batch_op.drop_column("sealed_parts")
        batch_op.drop_column("secrecy")
        batch_op.drop_column("urgency")
    with op.batch_alter_table("register_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_register_entry_instance_id"))
        batch_op.drop_index("ix_register_entry_day")
    op.drop_table("register_entry")
    op.drop_table("register_counter")
