"""Create or upgrade the database schema with Alembic."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect

from engine.core.db import Database
from engine.core.models import Base
from engine.core.text_search import create_text_indexes

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(db: Database, revision: str = "head", *, replay: bool = False) -> None:
    """Bring the schema to ``revision``. An empty database going to the head is created
    straight from the models and stamped (Alembic's own recipe for new databases): replaying
    every migration costs a table rebuild per altered column on SQLite, paid by each new
    database. ``replay`` runs the migrations even then (tests/integration/test_schema.py proves that
    both ways give the same schema)."""
    if revision == "head" and not replay and _is_empty(db):
        _create_at_head(db)
        return
    _migrate(db, command.upgrade, revision)


def _is_empty(db: Database) -> bool:
    with db.engine.connect() as connection:
        return not inspect(connection).get_table_names()


def _create_at_head(db: Database) -> None:
    config = alembic_config()
    with db.engine.begin() as connection:
        Base.metadata.create_all(connection)
        # What the models cannot describe (trigram indexes); migration 0004 makes the same.
        create_text_indexes(connection)
        config.attributes["connection"] = connection
        command.stamp(config, "head")


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
    # pysqlite's driver connection is the sqlite3 module's own.
    raw = cast(sqlite3.Connection, connection.connection.driver_connection)
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
