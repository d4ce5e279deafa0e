"""What every table shares: the declarative base, UTC timestamps and the integer bounds.

Times are stored as UTC; :class:`UTCDateTime` hands back aware datetimes on both
SQLite (which has no time-zone type) and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from engine.core import clock

if TYPE_CHECKING:
    from sqlalchemy import Table

#: The largest value an integer column holds on every backend (PostgreSQL's ``integer``):
#: ids, offsets and numbers past it are refused before they reach the driver, which
#: would fail on them.
MAX_DB_INT = 2**31 - 1


def valid_id(value: int) -> bool:
    """Could ``value`` be a row's id? (Larger numbers in a URL are simply missing.)"""
    return 0 < value <= MAX_DB_INT


def utcnow() -> datetime:
    # Through the engine clock, so tests that move time move every timestamp with it.
    return clock.now()


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON}

    if TYPE_CHECKING:
        # Every govflow model maps one declared Table (never a join or a select), so
        # Core statements on ``Model.__table__`` type-check as the table they are.
        __table__: ClassVar[Table]


def shortened(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters, the last one an ellipsis."""
    return value if len(value) <= limit else value[: limit - 1] + "…"
