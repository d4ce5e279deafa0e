"""The database tables, in SQLAlchemy 2.0's typed ORM style.

Times are stored as UTC; :class:`UTCDateTime` hands back aware datetimes on both
SQLite (which has no time-zone type) and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

from engine.core import clock

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


def shortened(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters, the last one an ellipsis."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _fit_own_text(row: Base, key: str, value: str) -> str:
    # Text govflow builds itself (a subject or notice made from a task name) is cut to its
    # column: nobody typed it, so there is no one to refuse, and a longer value would stop
    # the scheduler's command with a database error on PostgreSQL.
    return shortened(value, row.__table__.c[key].type.length)


class Unit(Base):
    """A data-owning unit of the office (กลุ่ม/หน่วย), e.g. the ICT group."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    #: The unit's full Thai name, e.g. "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร".
    name: Mapped[str] = mapped_column(String(300))


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(300))
    position: Mapped[str] = mapped_column(String(300), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Part of every web session's identity; signing out raises it, so a session cookie
    #: copied before sign-out no longer signs anyone in (Flask's sessions are signed cookies
    #: the server cannot otherwise take back).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Set by an administrator's password reset: the user must choose a new password at
    #: the next sign-in before any other page opens.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default="0")

    unit: Mapped[Unit | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


class ApiToken(Base):
    """An API token; only its SHA-256 is stored, so a leaked table grants nothing.

    A user may hold several, one per system that calls the API, told apart by ``name``.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class ProcessVersion(Base):
    """One deployed version of a BPMN process, identified by the file's content hash."""

    __tablename__ = "process_version"
    __table_args__ = (
        UniqueConstraint("process_key", "version"),
        UniqueConstraint("process_key", "version_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    version_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    file_name: Mapped[str] = mapped_column(String(300))
    bpmn_xml: Mapped[bytes] = mapped_column(LargeBinary)
    # Forms (resolved JSON Schemas by file name), lane mapping and per-task facts,
    # frozen with the version so a running case never sees a later edit.
    bundle: Mapped[dict[str, Any]] = mapped_column(JSON)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    deployed_at: Mapped[datetime] = mapped_column(default=utcnow)
    deployed_by: Mapped[str] = mapped_column(String(80), default="system")


class ProcessInstance(Base):
    __tablename__ = "process_instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
    #: The Bangkok date the case was received (a complaint's received_at; else the start date).
    received_on: Mapped[date | None] = mapped_column(Date)
    # Bumped by every command that changes the workflow; a writer whose revision
    # is stale loses with a conflict instead of overwriting.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    serializer_version: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(Text, deferred=True)
    next_timer_due: Mapped[datetime | None] = mapped_column(index=True)
    # Complainant's and accused's personal data, encrypted (see engine.core.personal_data).
    personal_data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    # SQLAlchemy adds "AND revision = <old>" to every UPDATE and raises StaleDataError
    # when another writer got there first: optimistic concurrency without extra code.
    __mapper_args__ = {"version_id_col": revision}


class Task(Base):
    """An inbox row: one open or finished user task, denormalised for fast listing."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_open_role", "state", "role", "process_key", "due_at"),
        Index("ix_task_assignee", "assignee_id", "state", "due_at"),
        Index("ix_task_open_due", "state", "due_at"),
        Index("ix_task_open_received", "state", "received_on"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(100))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    lane_id: Mapped[str | None] = mapped_column(String(200))
    lane_name: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str | None] = mapped_column(String(40))
    # Set for data-owner lanes: only staff of this unit may see or act on the task.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    title: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(20), default="open")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Copied from the user so listing an inbox page needs no join.
    assignee_name: Mapped[str | None] = mapped_column(String(80))
    assignee_display: Mapped[str | None] = mapped_column(String(300))
    received_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class AuditEvent(Base):
    """Who did what, when: the case history and the administrators' audit log."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(80), default="system")
    actor_display: Mapped[str] = mapped_column(String(300), default="")
    #: The role the actor held only through an acting appointment (รักษาราชการแทน), if any.
    acting_for: Mapped[str | None] = mapped_column(String(40))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ActingAppointment(Base):
    """รักษาราชการแทน: a user acts for a role over a date range (Bangkok dates, inclusive)."""

    __tablename__ = "acting_appointment"
    __table_args__ = (Index("ix_acting_user_dates", "user_id", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    role: Mapped[str] = mapped_column(String(40))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    author_name: Mapped[str] = mapped_column(String(80))
    author_display: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(Text)


class Attachment(Base):
    """A file attached to a case; its bytes live under instance/attachments, not the web root."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    #: The file's name as uploaded; for a sealed file only a neutral stand-in
    #: ("file-12.pdf"), the real name being in ``sealed_filename``.
    filename: Mapped[str] = mapped_column(String(255))
    #: The uploaded name, encrypted: scans are often named after the people in a complaint.
    sealed_filename: Mapped[bytes | None] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    #: The stored bytes are encrypted (files of cases that hold personal data).
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: "file" (uploaded by a person) or "letter" (a letter govflow issued).
    kind: Mapped[str] = mapped_column(String(20), default="file")
    # None for evidence a citizen attached on the website.
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow)


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


class DueTimer(Base):
    """A waiting BPMN timer, the scheduler's queue: written with the workflow state.

    A scheduler claims due rows with a lease; the lease lapses if the claimer dies.
    """

    __tablename__ = "due_timer"
    __table_args__ = (Index("ix_due_timer_waiting", "state", "due_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the Spiff task id
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    bpmn_id: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column()
    state: Mapped[str] = mapped_column(String(20), default="waiting")
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column()
    fired_at: Mapped[datetime | None] = mapped_column()


class Escalation(Base):
    """A deadline reached on a task: who is told, when it was due and fired, acknowledged."""

    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_status", "status", "fired_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    timer_id: Mapped[str] = mapped_column(String(36), unique=True)  # fires once per timer
    code: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer)
    notify_role: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="open")
    due_at: Mapped[datetime] = mapped_column()
    fired_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()


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


class TrackingCode(Base):
    """A citizen's handle on a complaint filed on the website: a public code and a secret.

    Only the secret's SHA-256 is kept; the citizen holds the secret itself.
    """

    __tablename__ = "tracking_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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


class Publication(Base):
    """An item on the public information pages (/public), made when a publishing request's
    publication step completes. It stays as a record after it leaves the pages: a newer
    item replaces it ("superseded") or a web administrator withdraws it ("withdrawn")."""

    __tablename__ = "publication"
    __table_args__ = (
        Index("ix_publication_listing", "status", "category", "published_at"),
        # The feed's "last change" per category, without reading whole rows.
        Index("ix_publication_changes", "category", "published_at", "superseded_at",
              "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # the publication number people quote
    #: The request case; a case publishes at most once.
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="published")
    category: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text)
    external_link: Mapped[str] = mapped_column(String(2000), default="")
    legal_basis: Mapped[str] = mapped_column(String(40))
    #: The legal basis in words as the request form of the case's version put it.
    legal_basis_title: Mapped[str] = mapped_column(String(300), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    #: The unit as the request names it (the form's "unit"), shown on the public page.
    unit_name: Mapped[str] = mapped_column(String(300), default="")
    #: The source/owner the web administrator recorded at the check (seed step 3).
    source_owner: Mapped[str] = mapped_column(String(300), default="")
    #: The web administrator's note on the publish form (staff pages only).
    note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_by: Mapped[str] = mapped_column(String(80))
    published_by_display: Mapped[str] = mapped_column(String(300), default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id"))
    superseded_at: Mapped[datetime | None] = mapped_column()
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_by: Mapped[str | None] = mapped_column(String(80))
    withdrawn_by_display: Mapped[str | None] = mapped_column(String(300))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


class PublicationFile(Base):
    """A case file published with an item: the list is fixed at publication, so a file
    attached to the case afterwards never goes public by itself."""

    __tablename__ = "publication_file"
    __table_args__ = (UniqueConstraint("publication_id", "attachment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # the public file number (/public/files/<id>)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"))


class SchedulerHeartbeat(Base):
    """The last sign of life of one scheduler (its id: host, pid and a random suffix) and
    the figures of its last recorded pass; /healthz and /metrics read the newest beat."""

    __tablename__ = "scheduler_heartbeat"

    scheduler_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column()
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
