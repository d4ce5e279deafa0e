"""The schedulers' signs of life, read by /healthz and /metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.core.models.base import Base


class SchedulerHeartbeat(Base):
    """The last sign of life of one scheduler (its id: host, pid and a random suffix) and
    the figures of its last recorded pass; /healthz and /metrics read the newest beat."""

    __tablename__ = "scheduler_heartbeat"

    scheduler_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column()
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
