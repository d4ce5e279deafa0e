"""indexes that keep the periodic reads flat as the years of cases pile up

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

bench/growth.py found three reads of ``process_instance`` that filtered on a column no
index served, so each read every case of its process, however short its period:

* the publication log by the day a request was made (``process_key``, ``created_at``);
* the six-monthly report by the day a complaint was received (``process_key``,
  ``received_on``);
* ``govflow check --since`` by the cases changed lately (``updated_at``, beside the
  ``status`` index for the running ones).

and one of ``publication`` that read a category's every item: the feed's "last changed",
the newest replacement and withdrawal (``category``, ``superseded_at`` / ``withdrawn_at``).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_process_instance_key_created", "process_instance",
                    ["process_key", "created_at"])
    op.create_index("ix_process_instance_key_received", "process_instance",
                    ["process_key", "received_on"])
    op.create_index("ix_process_instance_updated_at", "process_instance", ["updated_at"])
    op.create_index("ix_publication_superseded", "publication", ["category", "superseded_at"])
    op.create_index("ix_publication_withdrawn", "publication", ["category", "withdrawn_at"])


def downgrade() -> None:
    op.drop_index("ix_publication_withdrawn", table_name="publication")
    op.drop_index("ix_publication_superseded", table_name="publication")
    op.drop_index("ix_process_instance_updated_at", table_name="process_instance")
    op.drop_index("ix_process_instance_key_received", table_name="process_instance")
    op.drop_index("ix_process_instance_key_created", table_name="process_instance")
