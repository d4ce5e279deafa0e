"""The audit log: every command leaves an event in the same transaction.

Details never carry personal data: callers pass field names, not values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.actors import Actor
from engine.models import AuditEvent, utcnow

_INSERT = insert(AuditEvent.__table__)


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    *,
    instance_id: int | None = None,
    task_id: str | None = None,
    acting_for: str | None = None,
    **detail: Any,
) -> None:
    session.connection().execute(
        _INSERT,
        {
            "at": utcnow(),
            "actor_id": actor.id if actor else None,
            "actor_name": actor.username if actor else "system",
            "actor_display": actor.display_name if actor else "ระบบ",  # the system itself
            "acting_for": acting_for,
            "instance_id": instance_id,
            "task_id": task_id,
            "action": action,
            "detail": detail,
        },
    )
