"""The office's letter registers (ทะเบียนหนังสือส่ง, ทะเบียนหนังสือรับ) and their counters.

One database holds one office, so each register is one sequence per calendar year (the
Buddhist-Era year of the Bangkok date), as the สารบรรณ rules number them from 1 each year.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base, utcnow


class RegisterCounter(Base):
    """The last number a register issued in a year. The one row per (register, year) is
    what concurrent issuers serialise on: each takes the next number with one atomic
    ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (engine/services/registry)."""

    __tablename__ = "register_counter"

    register: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class RegisterEntry(Base):
    """One number of a register: a letter sent (``outgoing``) or received (``incoming``).

    A number is kept once committed, whatever becomes of the letter afterwards (a letter
    that fails to draw keeps its number): the unique key is a second guard against reuse.
    Rows of complaint letters (``confidential``) hold the other party and the subject only
    in ``sealed``, encrypted: the party may be the complainant or the accused.
    """

    __tablename__ = "register_entry"
    __table_args__ = (
        UniqueConstraint("register", "year", "number", name="uq_register_entry_number"),
        Index("ix_register_entry_day", "register", "entry_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "outgoing" (ทะเบียนหนังสือส่ง) or "incoming" (ทะเบียนหนังสือรับ).
    register: Mapped[str] = mapped_column(String(10))
    #: The Buddhist-Era year the number runs in, e.g. 2569.
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    #: The Bangkok day the letter was registered (sent, or received).
    entry_date: Mapped[date] = mapped_column(Date)
    #: The subject; empty on a confidential row (it is in ``sealed``).
    subject: Mapped[str] = mapped_column(String(300), default="")
    #: To whom (outgoing) or from whom (incoming); empty on a confidential row.
    party: Mapped[str] = mapped_column(String(300), default="")
    #: {"subject": ..., "party": ...} encrypted, for a complaint letter's row.
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: A complaint letter's row: shown only to the roles that read personal data.
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The kind of letter: a letter template's kind ("result_notice"), or how a letter
    #: came in ("letter", "in_person").
    letter_kind: Mapped[str] = mapped_column(String(40))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"),
                                                    index=True)
    #: An incoming letter's own date (ลงวันที่) and number (ที่), as the sender wrote them.
    letter_date: Mapped[date | None] = mapped_column(Date)
    letter_ref: Mapped[str] = mapped_column(String(100), default="")
    #: The outgoing letter's job (engine.core.models.messages.LetterJob).
    letter_job_id: Mapped[int | None] = mapped_column(ForeignKey("letter_job.id"))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: The username, or "public" for a citizen's filing, "system" for govflow.
    registered_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
