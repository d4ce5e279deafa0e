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

from typing import Literal

from sqlalchemy import text
from sqlalchemy.orm import Session

from engine.core.models import RegisterCounter

Register = Literal["outgoing", "incoming"]
REGISTERS: dict[str, str] = {"outgoing": "ทะเบียนหนังสือส่ง", "incoming": "ทะเบียนหนังสือรับ"}


#: The upsert as text: SQLAlchemy cannot cache its ``on_conflict_do_update`` construct
#: ("no key"), so building and compiling it was most of a number's cost. PostgreSQL and
#: SQLite (3.35 and later) take the same statement.
_NEXT_NUMBER = text(
    "INSERT INTO register_counter (register, year, last_number) "
    "VALUES (:register, :year, 1) "
    "ON CONFLICT (register, year) DO UPDATE "
    "SET last_number = register_counter.last_number + 1 "
    "RETURNING last_number"
)
assert RegisterCounter.__tablename__ == "register_counter"


def next_number(session: Session, register: Register, year: int) -> int:
    """The register's next number in Buddhist-Era ``year`` (1 for the year's first)."""
    number: int = session.connection().execute(
        _NEXT_NUMBER, {"register": register, "year": year}).scalar_one()
    return number
