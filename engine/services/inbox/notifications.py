"""Messages shown in the app to one user (deadline reminders and escalations)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from engine.core.actors import Actor
from engine.core.models import Notification, utcnow
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

PAGE = 50


def list_notifications(rt: Runtime, actor: Actor, *, unread_only: bool = False) -> list[dict]:
    with rt.db.read() as session:
        query = select(Notification).where(Notification.user_id == actor.id)
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        rows = session.scalars(query.order_by(Notification.id.desc()).limit(PAGE))
        return [
            {"id": n.id, "instance_id": n.instance_id, "text": n.text,
             "created_at": iso(n.created_at), "read": n.read_at is not None}
            for n in rows
        ]


def unread_count(rt: Runtime, actor: Actor) -> int:
    with rt.db.read() as session:
        return session.scalar(
            select(func.count()).where(Notification.user_id == actor.id,
                                       Notification.read_at.is_(None))
        ) or 0


def mark_all_read(rt: Runtime, actor: Actor) -> int:
    with rt.db.write() as session:
        return cast(CursorResult[Any], session.execute(
            update(Notification)
            .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )).rowcount
