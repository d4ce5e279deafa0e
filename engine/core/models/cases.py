"""The cases themselves: deployed process versions, the running instances, their tasks,
waiting timers, escalations, files, comments, citizens' tracking codes and the blind
index of the names in complaints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from engine.core.models.base import Base, utcnow


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
    __table_args__ = (
        # The periodic reads stay flat as the years of cases pile up (migration 0011):
        # the publication log by the day a request was made, the six-monthly report by
        # the day a complaint was received, `govflow check --since` by the last change.
        Index("ix_process_instance_key_created", "process_key", "created_at"),
        Index("ix_process_instance_key_received", "process_key", "received_on"),
        Index("ix_process_instance_updated_at", "updated_at"),
    )

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
    #: Supplied by the complainant (filed with the complaint, or by a citizen on the
    #: website): never enclosed with a letter to the accused or their unit.
    from_complainant: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default=false())
    # None for evidence a citizen attached on the website.
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    author_name: Mapped[str] = mapped_column(String(80))
    author_display: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(Text)


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


class PersonalNameTerm(Base):
    """One term of a complainant's or accused person's name, kept only as its keyed hash
    (the blind index, engine.core.name_index): never a name, never a term in plain text.
    """

    __tablename__ = "personal_name_term"
    __table_args__ = (
        # A search looks hashes up and counts them per case and field: all from the index.
        Index("ix_personal_name_term_hash", "term_hash", "field", "instance_id"),
    )

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"),
                                             primary_key=True)
    #: "complainant" or "accused".
    field: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: HMAC-SHA256 of the term under the name-index key, its first 16 bytes in hex.
    term_hash: Mapped[str] = mapped_column(String(32), primary_key=True)
