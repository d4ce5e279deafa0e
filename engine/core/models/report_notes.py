"""What the head of Legal Affairs writes into a periodic report before it goes to the
Director: the problems, obstacles and recommendations (ปัญหา อุปสรรค และข้อเสนอแนะ) of
the period, one row per report and period, with who wrote it last."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base, utcnow

#: Each part's limit: about a third of a page in the report's 14 pt column.
NOTE_CHARS = 1000


class ReportNote(Base):
    __tablename__ = "report_note"
    __table_args__ = (UniqueConstraint("report", "fiscal_year", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report: Mapped[str] = mapped_column(String(40))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    #: 1, 2, or 0 for the whole fiscal year (engine.documents.complaint_report.WHOLE_YEAR).
    half: Mapped[int] = mapped_column(Integer)
    problems: Mapped[str] = mapped_column(String(NOTE_CHARS), default="")
    recommendations: Mapped[str] = mapped_column(String(NOTE_CHARS), default="")
    written_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    written_at: Mapped[datetime] = mapped_column(default=utcnow)
