"""The office's own changes to the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
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


class CalendarGapAnswer(Base):
    """An administrator's answer to a usual holiday the calendar cannot date for a fiscal
    year (e.g. Royal Ploughing Day, announced yearly by the Royal Household): the day was
    added (``override_id`` is that addition) or the reminder dismissed, with who, when and
    why. Until one is recorded, the holiday list and the fiscal-year banner name the day.
    """

    __tablename__ = "calendar_gap_answer"
    __table_args__ = (
        Index("ix_calendar_gap_answer_year", "fiscal_year", "usual_day", "revoked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column()  # Buddhist Era
    usual_day: Mapped[str] = mapped_column(String(40))  # engine.thai.usual_holidays key
    kind: Mapped[str] = mapped_column(String(10))  # "added" or "dismissed"
    override_id: Mapped[int | None] = mapped_column(ForeignKey("holiday_override.id"))
    reason: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by: Mapped[str | None] = mapped_column(String(80))
