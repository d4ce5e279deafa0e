"""The audit log: every command leaves an event in the same transaction.

Details never carry personal data: callers pass field names, not values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.core.actors import Actor
from engine.core.models import AuditEvent, utcnow

_INSERT = insert(AuditEvent.__table__)
#: How a citizen who files or adds evidence on the website appears in a case's history.
PUBLIC_NAME = "public"
PUBLIC_DISPLAY = "ผู้ร้องเรียนทางเว็บไซต์"


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    *,
    instance_id: int | None = None,
    task_id: str | None = None,
    acting_for: str | None = None,
    public: bool = False,
    **detail: Any,
) -> None:
    """``actor`` None is govflow itself, or with ``public`` a citizen on the website.

    An event done for a role held by appointment (``acting_for``) also records, in its
    detail, the appointment's kind as it was at that moment (``acting_kind``: "acting",
    รักษาราชการแทน, or "delegated", ปฏิบัติราชการแทน)."""
    if acting_for and actor is not None:
        detail["acting_kind"] = actor.acting_kind_for(acting_for) or "acting"
    system = (PUBLIC_NAME, PUBLIC_DISPLAY) if public else ("system", "ระบบ")
    session.connection().execute(
        _INSERT,
        {
            "at": utcnow(),
            "actor_id": actor.id if actor else None,
            "actor_name": actor.username if actor else system[0],
            "actor_display": actor.display_name if actor else system[1],
            "acting_for": acting_for,
            "instance_id": instance_id,
            "task_id": task_id,
            "action": action,
            "detail": detail,
        },
    )
