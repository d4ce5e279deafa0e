"""Claiming work from a queue table that several schedulers share (the e-mail outbox,
the letter jobs).

A row is due when it is pending, not cancelled by an administrator, and its
``next_attempt_at`` has passed. Claiming pushes
``next_attempt_at`` forward by ``hold``: no other scheduler takes the row meanwhile, and
if the claimer dies the row comes due again once the hold has passed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, select, update

from engine.core.models import utcnow
from engine.workflow.runtime import Runtime


def claim_due_ids(rt: Runtime, model: Any, pending: ColumnElement[bool], *, limit: int,
                  hold: timedelta) -> list[int]:
    """Claim up to ``limit`` due rows of ``model``, oldest first; return their ids."""
    now = utcnow()
    query = (select(model.id).where(pending, model.cancelled_at.is_(None),
                                    model.next_attempt_at <= now)
             .order_by(model.id).limit(limit))
    # Nearly every pass finds nothing: look first without taking the write lock.
    with rt.db.read() as session:
        if session.scalar(query) is None:
            return []
    with rt.db.write() as session:
        if rt.db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(session.scalars(query))
        if ids:
            session.execute(update(model).where(model.id.in_(ids))
                            .values(next_attempt_at=now + hold))
        return ids


def backoff(attempts: int, first: timedelta, cap: timedelta) -> timedelta:
    """How long a failed row waits: ``first``, doubling with each attempt, at most ``cap``.
    The exponent is capped too: a row retried for days must not overflow timedelta."""
    return min(first * 2 ** min(attempts, 12), cap)
