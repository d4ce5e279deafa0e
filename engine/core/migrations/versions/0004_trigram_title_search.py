"""trigram indexes for searching case titles and publications by any fragment

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Thai has no spaces between words, so the case search and the public category search
look for fragments: an FTS5 ``trigram`` table kept by triggers on SQLite, ``pg_trgm`` GIN
indexes on PostgreSQL. Both are made by engine.core.text_search, the same code a new
database created from the models runs, and filled from the rows already there.
"""

from collections.abc import Sequence

from alembic import op

from engine.core.text_search import create_text_indexes, drop_text_indexes

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_text_indexes(op.get_bind())


def downgrade() -> None:
    drop_text_indexes(op.get_bind())
