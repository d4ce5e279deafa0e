"""The office's own changes to the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base, utcnow


class HolidayOverride(Base):
    """A day an administrator adds as a day off, or removes (declares a working day).

    Royal Ploughing Day after 2026 and cabinet-declared days arrive this way, each with
    its reason and reference (e.g. the cabinet resolution).
    """

    __tablename__ = "holiday_override"
    __table_args__ = (Index("ix_holiday_override_day", "day", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # "add" or "remove"
    reason: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by: Mapped[str | None] = mapped_column(String(80))
