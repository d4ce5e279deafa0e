"""Text a person types, checked against the length of the column it lands in.

The limit is read from the model's column, so a widened column widens the check with it
and no service keeps a copy of the number. Lengths count characters, as PostgreSQL's
``varchar(n)`` does (a Thai name of 57 characters fits in 300, whatever its UTF-8 bytes).
SQLite enforces no length at all, so without this check a value would be kept there and
refused with a database error on PostgreSQL. The same holds for a NUL character, which
PostgreSQL's text types cannot hold at all, whatever the column's length.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from engine.core.errors import InvalidData


def column_limit(column: InstrumentedAttribute[Any]) -> int | None:
    """The length of a ``String(n)`` column; None for text without a limit."""
    return getattr(column.property.columns[0].type, "length", None)


def too_long(limit: int, length: int) -> str:
    """The message for one field: the limit, and how long the value was."""
    return (f"ยาวเกิน {limit:,} ตัวอักษร (มี {length:,}) / longer than {limit:,} characters "
            f"({length:,} given)")


NUL = ("มีอักขระ NUL (รหัส 0) ซึ่งระบบรับไม่ได้ กรุณาลบออก / contains a NUL character (code 0), "
       "which govflow cannot take: remove it")


def fit_problems(values: Mapping[str, tuple[InstrumentedAttribute[Any], str | None]]
                 ) -> dict[str, str]:
    """For each field (name → (column, value)) whose value its column cannot hold (too
    long, or a NUL character), what is wrong; empty when every value fits."""
    problems = {}
    for field, (column, value) in values.items():
        limit = column_limit(column)
        if value is None:
            continue
        if "\x00" in value:
            problems[field] = NUL
        elif limit is not None and len(value) > limit:
            problems[field] = too_long(limit, len(value))
    return problems


def require_fit(values: Mapping[str, tuple[InstrumentedAttribute[Any], str | None]],
                message: str = "ข้อความยาวเกินกำหนด / a value is too long") -> None:
    """Refuse, naming every field and what to fix, when a column cannot hold a value."""
    problems = fit_problems(values)
    if problems:
        fields = ", ".join(problems)
        raise InvalidData(f"{message} ({fields})", problems)
