"""The next number of a register, drawn once, whatever runs at the same time.

One counter row per (register, Buddhist-Era year) holds the last number issued. Taking a
number is one statement, ``INSERT ... ON CONFLICT (register, year) DO UPDATE SET
last_number = last_number + 1 RETURNING last_number``, which PostgreSQL and SQLite both
run atomically: on PostgreSQL the conflicting update locks the counter row, so a second
issuer waits for the first to commit and then counts on from its number; on SQLite every
write command already holds the database's write lock (``BEGIN IMMEDIATE``,
engine/core/db.py). Counting ``max(number) + 1`` over the entries instead would give two
concurrent issuers the same number. The counter moves in the caller's transaction: a
command that is refused takes its number back with it, so only committed numbers exist,
and a committed number is never handed out again. The unique key on the entries is the
second guard.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.core.models import RegisterCounter

Register = Literal["outgoing", "incoming"]
REGISTERS: dict[str, str] = {"outgoing": "ทะเบียนหนังสือส่ง", "incoming": "ทะเบียนหนังสือรับ"}


def _upsert(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, RegisterCounter.__table__)
    upsert = insert(table).values(register=bindparam("register"), year=bindparam("year"),
                                  last_number=1)
    return upsert.on_conflict_do_update(
        index_elements=[table.c.register, table.c.year],
        set_={"last_number": table.c.last_number + 1},
    ).returning(table.c.last_number)


#: The statement per dialect, built once: building it was most of a number's cost.
_UPSERTS = {dialect: _upsert(dialect) for dialect in ("postgresql", "sqlite")}


def next_number(session: Session, register: Register, year: int) -> int:
    """The register's next number in Buddhist-Era ``year`` (1 for the year's first)."""
    conn = session.connection()
    statement = _UPSERTS["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    number: int = conn.execute(statement, {"register": register, "year": year}).scalar_one()
    return number
