"""What an administrator sees and does about the queues: e-mails that failed or are
stuck, letters likewise; retry one now, or cancel it for good (``admin`` only).

Recipients are shown masked (``s***@e***.org``); a sealed message (to a complainant) is
never opened for this page, its placeholder is shown instead. Both actions are audited
in their own transaction, naming the row, never its recipient.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.emails import is_email
from engine.core.errors import Conflict, NotFound
from engine.core.models import LetterJob, OutboxMessage, utcnow
from engine.services.admin.staff import require_admin
from engine.services.complaints.letters import LETTER_FILENAMES
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

#: Rows listed per queue, oldest first.
LIMIT = 200
#: The queues the actions take, by the name the page and the audit log use: the model,
#: and its column set once the row is done (sent, drawn).
KINDS: dict[str, tuple[Any, str]] = {"message": (OutboxMessage, "sent_at"),
                                     "letter": (LetterJob, "done_at")}


def mask_email(address: str) -> str:
    """``somsri@example.go.th`` → ``s***@e***.th``: enough to tell two apart, not to
    write to. Anything that is not one valid address is masked whole."""
    if not is_email(address):
        return "***"
    local, _, domain = address.rpartition("@")
    tld = domain.rsplit(".", 1)[-1]
    return f"{local[0]}***@{domain[0]}***.{tld}"


def _problem_rows(session: Session, kind: str, stuck_after: float) -> list[Any]:
    """Pending, uncancelled rows that failed or are older than ``stuck_after`` seconds,
    each with whether it is sealed (asked of the database; nothing is decrypted)."""
    model, done = KINDS[kind]
    old = utcnow() - timedelta(seconds=stuck_after)
    return list(session.execute(
        select(model, model.sealed.is_not(None))
        .where(getattr(model, done).is_(None), model.cancelled_at.is_(None),
               or_(model.last_error.is_not(None), model.created_at < old))
        .order_by(model.id).limit(LIMIT)).tuples())


def _common(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "failed_at": iso(row.failed_at),
        "created_at": iso(row.created_at),
        "next_attempt_at": iso(row.next_attempt_at),
    }


def _message_view(row: OutboxMessage, sealed: bool) -> dict[str, Any]:
    # A sealed message is never opened for this page: its row holds only a placeholder
    # ("ผู้ร้องเรียน เรื่องเลขที่ 12"), which names the case, not the person.
    return {**_common(row), "kind": "message", "subject": row.subject, "sealed": sealed,
            "recipient": row.recipient if sealed else mask_email(row.recipient)}


def _letter_view(row: LetterJob, _sealed: bool) -> dict[str, Any]:
    # A letter's addressee is in its sealed fields: the page names the case and the kind.
    return {**_common(row), "kind": "letter", "instance_id": row.instance_id,
            "letter": LETTER_FILENAMES.get(row.kind, row.kind)}


def list_problems(rt: Runtime, actor: Actor) -> dict[str, Any]:
    """Failed and stuck e-mails and letters, oldest first, recipients masked."""
    require_admin(actor)
    stuck_after = rt.settings.outbox_stuck_after
    with rt.db.read() as session:
        messages = [_message_view(*r) for r in _problem_rows(session, "message", stuck_after)]
        letters = [_letter_view(*r) for r in _problem_rows(session, "letter", stuck_after)]
    return {"messages": messages, "letters": letters, "stuck_after_s": stuck_after}


def _pending_row(session: Session, kind: str, row_id: int) -> Any:
    model, done = KINDS.get(kind, (None, ""))
    row = session.get(model, row_id) if model is not None else None
    if row is None:
        raise NotFound(f"ไม่พบรายการ {kind} {row_id} / no {kind} {row_id}")
    if getattr(row, done) is not None:
        raise Conflict("รายการนี้ส่งหรือจัดทำแล้ว / this one is already sent or drawn")
    if row.cancelled_at is not None:
        raise Conflict("รายการนี้ถูกยกเลิกแล้ว / this one was cancelled")
    return row


def retry(rt: Runtime, actor: Actor, kind: str, row_id: int) -> None:
    """Make a pending e-mail (``kind`` ``message``) or letter (``letter``) due now."""
    require_admin(actor)
    with rt.db.write() as session:
        row = _pending_row(session, kind, row_id)
        row.next_attempt_at = utcnow()
        detail: dict[str, Any] = {kind: row_id}  # "message" or "letter": the audit detail
        record(session, actor, f"outbox_{kind}_retried", **detail)


def cancel(rt: Runtime, actor: Actor, kind: str, row_id: int) -> None:
    """Give up on a pending e-mail or letter: it is never sent or drawn."""
    require_admin(actor)
    with rt.db.write() as session:
        row = _pending_row(session, kind, row_id)
        row.cancelled_at, row.cancelled_by = utcnow(), actor.username
        detail: dict[str, Any] = {kind: row_id}  # "message" or "letter": the audit detail
        record(session, actor, f"outbox_{kind}_cancelled", **detail)
