"""The scheduler: fires due BPMN timers on time and exactly once, and sends the outbox.

One pass (:func:`tick`) claims due timer rows with a lease (``FOR UPDATE SKIP LOCKED``
on PostgreSQL; SQLite's write lock serialises claimers), then fires each in its own
transaction. Firing re-checks the row and the workflow: a timer fires only if its
row is still waiting and leased to this scheduler, and the revision check on the
case stops a second writer. A claimer that dies leaves a lease that lapses, and
another scheduler takes the timer over. Timers that came due while nothing ran
fire at the next pass, oldest first.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select, update

from engine.core.audit import record
from engine.core.errors import ProcessError
from engine.core.logs import error_fields
from engine.core.models import DueTimer, utcnow
from engine.core.statuses import TimerState
from engine.jobs.mailer import deliver_outbox
from engine.services.complaints.letters import draw_pending_letters
from engine.services.complaints.report_delivery import deliver_due_report
from engine.services.ops.health import record_heartbeat
from engine.workflow.cases import load_case, run_engine, save_case
from engine.workflow.runtime import Runtime

log = logging.getLogger(__name__)

#: How long a claimed timer is left to its scheduler: after a crash, the longest a due
#: timer waits for another scheduler to take it over.
LEASE = timedelta(seconds=30)
BATCH = 200
_timer = DueTimer.__table__


def scheduler_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class TickReport:
    claimed: int = 0
    #: Timers fired (a case whose timers are all due fires them in one command).
    fired: int = 0
    #: Claimed timers that had already fired with another of their case's timers.
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    mail_sent: int = 0
    mail_failed: int = 0
    #: Letters drawn as PDFs and kept on their cases, and those that failed (retried).
    letters_drawn: int = 0
    letters_failed: int = 0
    #: Six-monthly reports handed to their readers in this pass (0 or 1).
    reports_delivered: int = 0


# Built once: an idle pass should cost little more than the indexed query itself.
_DUE = (
    select(_timer.c.id, _timer.c.instance_id)
    .where(
        _timer.c.state == TimerState.WAITING,
        # Strictly past, as SpiffWorkflow compares: a deadline of 16:30 fires after it.
        _timer.c.due_at < bindparam("now"),
        or_(_timer.c.lease_until.is_(None), _timer.c.lease_until < bindparam("now")),
    )
    .order_by(_timer.c.due_at)
    .limit(bindparam("limit"))
)
_DUE_SKIP_LOCKED = _DUE.with_for_update(skip_locked=True)


def claim_due(rt: Runtime, owner: str, limit: int = BATCH) -> list[tuple[str, int]]:
    """Lease up to ``limit`` due timers to ``owner``; return (timer id, instance id) pairs."""
    now = utcnow()
    # Nearly every pass finds nothing due: look first without taking the write lock.
    with rt.db.read() as session:
        if session.connection().execute(_DUE, {"now": now, "limit": 1}).first() is None:
            return []
    with rt.db.write() as session:
        query = _DUE_SKIP_LOCKED if rt.db.dialect == "postgresql" else _DUE
        rows = [
            (r.id, r.instance_id)
            for r in session.connection().execute(query, {"now": now, "limit": limit})
        ]
        if rows:
            session.connection().execute(
                update(_timer)
                .where(_timer.c.id.in_([timer_id for timer_id, _ in rows]))
                .values(lease_owner=owner, lease_until=now + LEASE)
            )
        return rows


def fire(rt: Runtime, owner: str, timer_id: str, instance_id: int) -> int:
    """Run the case of one leased timer; return how many of its timers fired (every
    timer of the case that is due fires in the same command, in due order)."""
    with rt.workflow_guard() as guard, rt.db.write() as session:
        conn = session.connection()
        row = conn.execute(
            select(_timer.c.state, _timer.c.lease_owner).where(_timer.c.id == timer_id)
        ).first()
        if row is None or row.state != TimerState.WAITING or row.lease_owner != owner:
            return 0
        case = load_case(rt, session, guard, instance_id)
        run_engine(case, "ตัวจับเวลา / a timer")
        save_case(rt, session, guard, case)
        # Not fired after all (e.g. a holiday moved it later): free it for a later pass.
        conn.execute(
            update(_timer)
            .where(_timer.c.id == timer_id, _timer.c.state == TimerState.WAITING)
            .values(lease_owner=None, lease_until=None)
        )
        return len(case.fired)


def _mark_error(rt: Runtime, timer_id: str, instance_id: int, error: ProcessError) -> None:
    with rt.db.write() as session:
        session.connection().execute(
            update(_timer).where(_timer.c.id == timer_id).values(state=TimerState.ERROR)
        )
        record(session, None, "timer_failed", instance_id=instance_id, timer_id=timer_id,
               error=error.message[:300])


def tick(rt: Runtime, owner: str | None = None) -> TickReport:
    """One pass: fire every due timer, draw queued letters, hand over a due six-monthly
    report, then deliver due mail."""
    owner = owner or scheduler_id()
    started = time.perf_counter()
    report = TickReport()
    while True:
        claimed = claim_due(rt, owner)
        report.claimed += len(claimed)
        for timer_id, instance_id in claimed:
            try:
                fired = fire(rt, owner, timer_id, instance_id)
                report.fired += fired
                report.skipped += 0 if fired else 1
            except ProcessError as exc:
                _mark_error(rt, timer_id, instance_id, exc)
                # The code only: the message may quote the case's data (the audit has it).
                log.warning("timer_failed", extra={
                    "timer_id": timer_id, "instance_id": instance_id, "error_code": exc.code})
                report.errors.append(timer_id)
            except Exception as exc:  # noqa: BLE001 - one bad case must not stop the others
                # The lease lapses and another pass retries it. Ids, type and frames only:
                # the exception's text may quote the case's data.
                log.error("timer_failed", extra={
                    "timer_id": timer_id, "instance_id": instance_id, **error_fields(exc)})
                report.errors.append(timer_id)
        if len(claimed) < BATCH:
            break
    report.letters_drawn, report.letters_failed = draw_pending_letters(rt)
    try:
        report.reports_delivered = int(deliver_due_report(rt, utcnow()))
    except Exception as exc:  # noqa: BLE001 - a report that cannot be built must not stop the mail
        log.error("report_delivery_failed", extra=error_fields(exc))
    report.mail_sent, report.mail_failed = deliver_outbox(rt)
    figures = pass_figures(report, time.perf_counter() - started)
    busy = any(value for key, value in figures.items() if key != "duration_ms")
    if busy:  # an idle pass a second would drown the log; the heartbeat says it ran
        log.info("scheduler_pass", extra={"scheduler_id": owner, **figures})
    _heartbeat(rt, owner, figures, busy)
    return report


def pass_figures(report: TickReport, seconds: float) -> dict[str, int | float]:
    """A pass's figures (counts only), for its heartbeat and its log line alike."""
    return {
        "claimed": report.claimed, "fired": report.fired, "skipped": report.skipped,
        "errors": len(report.errors), "mail_sent": report.mail_sent,
        "mail_failed": report.mail_failed, "letters_drawn": report.letters_drawn,
        "letters_failed": report.letters_failed,
        "reports_delivered": report.reports_delivered, "duration_ms": round(seconds * 1000, 3),
    }


def _heartbeat(rt: Runtime, owner: str, figures: dict[str, int | float], busy: bool) -> None:
    """Record that this scheduler is alive, with the pass's figures."""
    try:
        record_heartbeat(rt, owner, figures, busy=busy)
    except Exception as exc:  # noqa: BLE001 - a missed beat must not stop the timers
        log.error("heartbeat_failed", extra={"scheduler_id": owner, **error_fields(exc)})


def make_scheduler(rt: Runtime, *, background: bool, interval: float = 1.0) -> Any:
    """An APScheduler running :func:`tick` every ``interval`` seconds, one pass at a time."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    owner = scheduler_id()
    scheduler = (BackgroundScheduler if background else BlockingScheduler)(timezone="UTC")
    scheduler.add_job(
        tick, "interval", args=[rt, owner], seconds=interval, max_instances=1, coalesce=True,
        next_run_time=utcnow(), id="govflow-tick",
    )
    return scheduler
