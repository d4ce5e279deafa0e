"""Rows per table, as the manifest records them and a restore compares them."""

from __future__ import annotations

import sqlite3

from sqlalchemy import text
from sqlalchemy.engine import Connection


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    # Table names come from the catalogue and are quoted.
    return {name: conn.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]  # noqa: S608
            for name in names}


def pg_counts(conn: Connection) -> dict[str, int]:
    names = conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )).scalars().all()
    return {name: conn.execute(text(f"SELECT count(*) FROM {_quote(name)}")  # noqa: S608
                               ).scalar_one()
            for name in names}
