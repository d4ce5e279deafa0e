"""The comment thread of a case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import InvalidData
from engine.core.limits import require_fit
from engine.core.models import Comment, utcnow
from engine.workflow.case_access import visible_case
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

MAX_COMMENT = 5000


def _view(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "at": iso(comment.at),
        "author": comment.author_name,
        "author_display": comment.author_display,
        "text": comment.text,
    }


def add_comment(rt: Runtime, actor: Actor, instance_id: int, text: str) -> dict[str, Any]:
    text = (text or "").strip()
    if not text or len(text) > MAX_COMMENT:
        raise InvalidData(
            "ความคิดเห็นต้องไม่ว่างและไม่เกิน 5,000 ตัวอักษร / a comment must be 1–5,000 characters",
            {"text": f"1–{MAX_COMMENT} ตัวอักษร / characters"},
        )
    require_fit({"text": (Comment.text, text)}, "บันทึกความคิดเห็นไม่ได้ / the comment cannot be saved")
    with rt.db.write() as session:
        visible_case(rt, session, actor, instance_id)
        comment = Comment(
            instance_id=instance_id,
            author_id=actor.id,
            author_name=actor.username,
            author_display=actor.display_name,
            at=utcnow(),
            text=text,
        )
        session.add(comment)
        session.flush()
        # The audit log says that a comment was made, not what it says.
        record(session, actor, "comment_added", instance_id=instance_id, comment_id=comment.id)
        return _view(comment)


def list_comments(rt: Runtime, actor: Actor, instance_id: int) -> list[dict[str, Any]]:
    with rt.db.read() as session:
        visible_case(rt, session, actor, instance_id)
        rows = session.scalars(
            select(Comment).where(Comment.instance_id == instance_id).order_by(Comment.id)
        )
        return [_view(c) for c in rows]
