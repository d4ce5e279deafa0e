"""What govflow sends: e-mails in the outbox, in-app notifications, letters to draw and
periodic reports delivered."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from engine.core.models.base import Base, shortened, utcnow


def _fit_own_text(row: Base, key: str, value: str) -> str:
    # Text govflow builds itself (a subject or notice made from a task name) is cut to its
    # column: nobody typed it, so there is no one to refuse, and a longer value would stop
    # the scheduler's command with a database error on PostgreSQL.
    column_type = row.__table__.c[key].type
    if not isinstance(column_type, String) or column_type.length is None:
        raise TypeError(f"{key} is not a text column of bounded length")
    return shortened(value, column_type.length)


class OutboxMessage(Base):
    """An e-mail to send; the scheduler delivers it at least once, retrying on failure."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column()
    #: When the last attempt failed (None once sent, or before any failure).
    failed_at: Mapped[datetime | None] = mapped_column()
    #: An administrator gave up on the message; it is never sent.
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancelled_by: Mapped[str | None] = mapped_column(String(80))
    #: Recipient and body encrypted together when they are personal data (a message to a
    #: complainant); ``recipient`` and ``body`` then hold only a placeholder.
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    _fit_subject = validates("subject")(_fit_own_text)


class Notification(Base):
    """A message shown in the app to one user."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()

    _fit_text = validates("text")(_fit_own_text)


class LetterJob(Base):
    """A letter to draw: decided in the command that completed its step, drawn by the
    scheduler outside any user's transaction (a Thai PDF costs ~0.1 s of CPU), then kept
    as an attachment of the case."""

    __tablename__ = "letter_job"
    __table_args__ = (Index("ix_letter_job_pending", "done_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date] = mapped_column(Date)
    letter_number: Mapped[str] = mapped_column(String(100), default="")
    #: The letter's fields, encrypted: they name the complainant or the accused.
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    done_at: Mapped[datetime | None] = mapped_column()
    #: When the last attempt failed (None once drawn, or before any failure).
    failed_at: Mapped[datetime | None] = mapped_column()
    #: An administrator gave up on the letter; it is never drawn.
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancelled_by: Mapped[str | None] = mapped_column(String(80))
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    #: The marks chosen on the step (keys of engine.documents.letter_marks; "" for none).
    urgency: Mapped[str] = mapped_column(String(20), default="", server_default="")
    secrecy: Mapped[str] = mapped_column(String(20), default="", server_default="")
    #: What else the letter carries, fixed at issue and encrypted beside the fields: the
    #: signer as they stood that day, the enclosures' names and the อ้างถึง text.
    sealed_parts: Mapped[bytes | None] = mapped_column(LargeBinary)


class ReportDelivery(Base):
    """A periodic report handed to its readers once: the unique key makes a second
    scheduler's attempt a no-op."""

    __tablename__ = "report_delivery"
    __table_args__ = (UniqueConstraint("report", "fiscal_year", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report: Mapped[str] = mapped_column(String(40))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    half: Mapped[int] = mapped_column(Integer)
    delivered_at: Mapped[datetime] = mapped_column(default=utcnow)
