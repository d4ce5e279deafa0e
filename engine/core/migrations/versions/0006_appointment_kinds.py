"""acting appointments say whether they act for the post or sign under delegation

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

รักษาราชการแทน ("acting", every appointment made so far) or ปฏิบัติราชการแทน
("delegated"): the line printed under a signer's name on letters and forms.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("acting_appointment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=False,
                                      server_default="acting"))


def downgrade() -> None:
    with op.batch_alter_table("acting_appointment", schema=None) as batch_op:
        batch_op.drop_column("kind")
