"""After a load or crash run: let the schedulers catch up, then count lost and doubled work.

Lost: a complaint whose tracking code a citizen was given but that is not on file; a
completion a clerk was told succeeded that is not recorded; a task, timer or escalation
the workflow expects that has no row (``govflow check``); mail in the outbox that never
reached the SMTP server. Doubled: a task completed twice, an escalation raised or
mailed twice, a letter drawn twice. Mail delivered twice (same Message-ID) is allowed —
delivery is at least once — and reported separately.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from engine.core.models import (
    Attachment,
    AuditEvent,
    DueTimer,
    LetterJob,
    OutboxMessage,
    Task,
    TrackingCode,
    utcnow,
)
from engine.services.ops.integrity import check_all
from engine.workflow.runtime import Runtime
from tests.load.cluster import Cluster
from tests.load.load_clients import DROPPED, Outcomes

_ESCALATION_MAIL = re.compile(r"<escalation-(\d+)-(\d+)\.")


def backlog(rt: Runtime) -> dict[str, int]:
    """Work the schedulers still owe: due timers, unsent mail, undrawn letters."""
    now = utcnow()
    with rt.db.read() as session:
        return {
            "due_timers": session.scalar(select(func.count()).select_from(DueTimer).where(
                DueTimer.state == "waiting", DueTimer.due_at <= now)),
            "unsent_mail": session.scalar(select(func.count()).select_from(OutboxMessage)
                                          .where(OutboxMessage.sent_at.is_(None))),
            "letters_pending": session.scalar(select(func.count()).select_from(LetterJob)
                                              .where(LetterJob.done_at.is_(None))),
        }


def drain(rt: Runtime, timeout: float) -> tuple[float, dict[str, int]]:
    """Wait until the schedulers owe nothing; return how long it took and what is left."""
    started = time.monotonic()
    left = backlog(rt)
    while any(left.values()) and time.monotonic() - started < timeout:
        time.sleep(0.5)
        left = backlog(rt)
    return round(time.monotonic() - started, 1), left


def verify(cluster: Cluster, rt: Runtime, outcomes: Outcomes) -> dict[str, Any]:
    integrity = check_all(rt, late_after=timedelta(seconds=30))
    with rt.db.read() as session:
        codes = set(session.scalars(select(TrackingCode.code)))
        completed = dict(session.execute(
            select(Task.id, Task.state).where(Task.id.in_([t for t, _ in outcomes.completed]))
        ).all()) if outcomes.completed else {}
        completions = Counter(session.scalars(select(AuditEvent.task_id).where(
            AuditEvent.action == "task_completed")))
        mail = session.execute(select(OutboxMessage.message_id, OutboxMessage.sent_at)).all()
        letters_done = session.scalar(select(func.count()).select_from(LetterJob)
                                      .where(LetterJob.done_at.is_not(None)))
        letter_files = session.scalar(select(func.count()).select_from(Attachment)
                                      .where(Attachment.kind == "letter"))
    escalation_mail = Counter(m.group(1, 2) for m in
                              (_ESCALATION_MAIL.match(mid) for mid, _ in mail) if m)
    received = cluster.mail.received
    dropped_files = outcomes.statuses["file"][DROPPED]
    return {
        "integrity": integrity.as_dict() | {"mismatches": [m.describe() for m in
                                                           integrity.mismatches[:20]]},
        "lost": {
            "complaints_filed": sum(1 for code in outcomes.filed if code not in codes),
            "completions": sum(1 for task_id, _ in outcomes.completed
                               if completed.get(task_id) != "completed"),
            "tasks_and_timers": len(integrity.mismatches),
            "mail_unsent": sum(1 for _, sent_at in mail if sent_at is None),
            "mail_never_received": sum(1 for mid, sent_at in mail
                                       if sent_at is not None and received[mid] == 0),
        },
        "duplicated": {
            "complaints_filed": max(0, len(codes) - len(outcomes.filed) - dropped_files),
            "task_completions": sum(1 for n in completions.values() if n > 1),
            "escalation_mails": sum(1 for n in escalation_mail.values() if n > 1),
            "letters": max(0, letter_files - letters_done),
        },
        "mail": {
            "outbox": len(mail),
            "delivered_ids": sum(1 for n in received.values() if n > 0),
            "delivered_twice_same_message_id": sum(1 for n in received.values() if n > 1),
            "received_not_in_outbox": len(set(received) - {mid for mid, _ in mail}),
        },
        "escalations": integrity.escalations,
        "fired_timers": integrity.fired_timers,
        "cases": integrity.instances,
        "website_complaints_on_file": len(codes),
    }


def zero_lost_or_doubled(result: dict[str, Any]) -> bool:
    return (not any(result["lost"].values()) and not any(result["duplicated"].values())
            and result["mail"]["received_not_in_outbox"] == 0)
