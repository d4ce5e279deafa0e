"""What process owners edit in the browser before it goes live: one draft per process, and
who has the process's editor open.

A draft is never read by the inbox or the engine: a case only ever runs a deployed
version. It lives in the database, so it outlasts a sign-out and a restart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base, utcnow


class ProcessDraft(Base):
    """The saved, not yet deployed, BPMN of one process.

    ``revision`` counts the saves: a save names the revision it was made from and loses,
    refused, when another save came first (see engine/services/admin/drafts.py).
    """

    __tablename__ = "process_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), unique=True)
    #: The BPMN XML as the editor saved it (up to the upload limit, 5 MB: Text, not varchar).
    bpmn: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    #: The deployed version the draft was started from.
    base_version: Mapped[int] = mapped_column(Integer)
    saved_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Lane id → role, for lanes whose role the draft changes (processes.toml's lanes).
    lanes: Mapped[dict[str, Any] | None] = mapped_column()


class EditorPresence(Base):
    """Someone has the process's editor open: the page says so every minute or so, and
    the others see who else is editing."""

    __tablename__ = "editor_presence"

    process_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    #: When this stretch of editing began (a gap longer than the presence window restarts it).
    since: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
