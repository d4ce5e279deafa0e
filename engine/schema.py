"""Create or upgrade the database schema with Alembic."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from engine.db import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    _migrate(db, command.upgrade, revision)


def downgrade(db: Database, revision: str) -> None:
    _migrate(db, command.downgrade, revision)


def _migrate(db: Database, step: Callable[[Config, str], None], revision: str) -> None:
    config = alembic_config()
    with (db.engine.connect() as connection, _sqlite_tables_rebuildable(connection),
          connection.begin()):
        config.attributes["connection"] = connection
        step(config, revision)
        _check_foreign_keys(connection)


@contextmanager
def _sqlite_tables_rebuildable(connection: Connection) -> Iterator[None]:
    """SQLite alters a column by copying the table into a new one and dropping the old,
    which enforced foreign keys forbid as soon as another table's rows refer to it (a unit
    with users). So they are off while a migration runs (the pragma only takes effect
    outside a transaction) and checked before it commits."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL checks its foreign keys itself, migration or not
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration broke {len(broken)} foreign keys: {broken[:5]}")
