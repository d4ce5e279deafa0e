"""Observability: the scheduler's heartbeat, the health check and the metrics.

Nothing here reads a title, a name, a form field or any personal data: only counts,
process keys, states and times.

The scheduler writes one ``scheduler_heartbeat`` row per scheduler id. An idle pass
writes it at most every :data:`HEARTBEAT_EVERY` (remembered in this process), so a
pass that finds nothing to do stays one indexed read; a pass that did work writes
its figures each time (it already wrote far more).
"""

from __future__ import annotations

import logging
import time
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.core.models import (
    DueTimer,
    Escalation,
    LetterJob,
    OutboxMessage,
    SchedulerHeartbeat,
    Task,
    utcnow,
)
from engine.core.statuses import EscalationStatus, TaskStatus, TimerState
from engine.workflow.runtime import Runtime

log = logging.getLogger(__name__)

#: An idle pass records its heartbeat only if the last one is at least this old.
HEARTBEAT_EVERY = timedelta(seconds=5)
#: Heartbeats of schedulers silent this long are deleted (each restart makes a new id).
HEARTBEAT_FORGET = timedelta(days=7)

_beat = SchedulerHeartbeat.__table__
#: Per runtime: scheduler id -> when this process last wrote its heartbeat.
_written: weakref.WeakKeyDictionary[Runtime, dict[str, datetime]] = (
    weakref.WeakKeyDictionary()
)


def record_heartbeat(rt: Runtime, scheduler_id: str, figures: dict[str, Any], *,
                     busy: bool = False) -> bool:
    """Upsert ``scheduler_id``'s heartbeat; return whether a row was written.

    An idle pass (``busy`` false) skips the write while the last beat of this scheduler,
    as this process wrote it, is younger than :data:`HEARTBEAT_EVERY`.
    """
    now = utcnow()
    written = _written.setdefault(rt, {})
    last = written.get(scheduler_id)
    if not busy and last is not None and timedelta(0) <= now - last < HEARTBEAT_EVERY:
        return False
    values = {"scheduler_id": scheduler_id, "beat_at": now, "figures": figures}
    with rt.db.write() as session:
        conn = session.connection()
        insert = pg_insert if rt.db.dialect == "postgresql" else sqlite_insert
        conn.execute(
            insert(_beat).values(**values).on_conflict_do_update(
                index_elements=[_beat.c.scheduler_id],
                set_={"beat_at": now, "figures": figures},
            )
        )
        if last is None:  # once per scheduler and process: forget long-silent schedulers
            conn.execute(delete(_beat).where(_beat.c.beat_at < now - HEARTBEAT_FORGET))
    written[scheduler_id] = now
    return True


def _newest_beat(conn: Any) -> datetime | None:
    # max() keeps the column's type, so this is an aware UTC datetime on both backends.
    return conn.execute(select(func.max(_beat.c.beat_at))).scalar()


def _age(beat: datetime | None, now: datetime) -> float | None:
    return None if beat is None else round(max((now - beat).total_seconds(), 0.0), 3)


@dataclass(frozen=True)
class QueueState:
    """One queue's figures (the outbox or the letter jobs): pending rows (not sent or
    drawn, not cancelled), those whose last attempt failed, the attempts spent on them,
    and when the oldest was queued."""

    pending: int
    failing: int
    attempts: int
    oldest: datetime | None


#: Each queue's model and what "still to do" means for it.
QUEUES: dict[str, tuple[Any, Any]] = {
    "outbox": (OutboxMessage, OutboxMessage.sent_at.is_(None)),
    "letters": (LetterJob, LetterJob.done_at.is_(None)),
}


def queue_state(conn: Any, name: str) -> QueueState:
    model, pending = QUEUES[name]
    row = conn.execute(select(
        func.count(), func.count(model.last_error),
        func.coalesce(func.sum(model.attempts), 0), func.min(model.created_at),
    ).select_from(model).where(pending, model.cancelled_at.is_(None))).one()
    return QueueState(*row)


def _queue_report(state: QueueState, now: datetime, stuck_after: float) -> dict[str, Any]:
    age = _age(state.oldest, now)
    return {"ok": age is None or age <= stuck_after, "pending": state.pending,
            "failing": state.failing, "oldest_age_s": age, "stuck_after_s": stuck_after}


def health(rt: Runtime) -> tuple[dict[str, Any], int]:
    """The health report and its HTTP status: 200 when the database answers and a
    scheduler beat within ``heartbeat_max_age`` seconds, else 503 naming what failed.

    A queue (``outbox``, ``letters``) whose oldest pending row is older than
    ``outbox_stuck_after`` is named in ``failing`` and makes the status ``degraded``,
    but keeps HTTP 200: the site itself still serves, and a load balancer must not take
    it out of rotation for a stuck message.
    """
    max_age = rt.settings.heartbeat_max_age
    started = time.perf_counter()
    try:
        with rt.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            latency_ms = round((time.perf_counter() - started) * 1000, 3)
            beat = _newest_beat(conn)
            queues = {name: queue_state(conn, name) for name in QUEUES}
    except Exception as exc:  # noqa: BLE001 - any failure means the database is down
        # The exception's type only: its message may carry a path or a host.
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        return {
            "status": "down",
            "failing": ["database"],
            "database": {"ok": False, "error": type(exc).__name__},
            "scheduler": {"last_beat": None, "age_s": None, "ok": False},
        }, 503
    now = utcnow()
    age = _age(beat, now)
    scheduler_ok = age is not None and age <= max_age
    reports = {name: _queue_report(state, now, rt.settings.outbox_stuck_after)
               for name, state in queues.items()}
    failing = ([] if scheduler_ok else ["scheduler"]) + [
        name for name, report in reports.items() if not report["ok"]]
    return {
        "status": "degraded" if failing else "ok",
        "failing": failing,
        "database": {"ok": True, "latency_ms": latency_ms},
        "scheduler": {
            "last_beat": beat.isoformat() if beat else None,
            "age_s": age,
            "ok": scheduler_ok,
            "max_age_s": max_age,
        },
        **reports,
    }, 200 if scheduler_ok else 503


# Prometheus text exposition format 0.0.4 -------------------------------------------------

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float | int | None) -> str:
    if value is None:
        return "NaN"
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    return str(int(value))


class _Exposition:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, help_text: str,
               samples: list[tuple[dict[str, str], float | int | None]]) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} gauge")
        for labels, value in samples:
            label_text = ",".join(f'{k}="{_label(v)}"' for k, v in sorted(labels.items()))
            self.lines.append(f"{name}{{{label_text}}} {_number(value)}" if label_text
                              else f"{name} {_number(value)}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def metrics(rt: Runtime) -> str:
    """Counts for monitoring in Prometheus's text format; no titles, no personal data."""
    now = utcnow()
    out = _Exposition()
    with rt.db.read() as session:
        open_by_process = dict(session.execute(
            select(Task.process_key, func.count())
            .where(Task.state == TaskStatus.OPEN).group_by(Task.process_key)
        ).tuples().all())
        overdue_by_process = dict(session.execute(
            select(Task.process_key, func.count())
            .where(Task.state == TaskStatus.OPEN, Task.due_at < now).group_by(Task.process_key)
        ).tuples().all())
        timers = {"waiting": 0, "fired": 0}
        timers.update(session.execute(
            select(DueTimer.state, func.count()).group_by(DueTimer.state)
        ).tuples().all())
        timers_late = session.scalar(
            select(func.count()).select_from(DueTimer)
            .where(DueTimer.state == TimerState.WAITING, DueTimer.due_at < now)
        )
        escalations = {"open": 0, "acknowledged": 0}
        escalations.update(session.execute(
            select(Escalation.status, func.count())
            .where(Escalation.status != EscalationStatus.RESOLVED).group_by(Escalation.status)
        ).tuples().all())
        outbox = queue_state(session, "outbox")
        letters = queue_state(session, "letters")
        beat = _newest_beat(session.connection())
        alive = session.scalar(
            select(func.count()).select_from(SchedulerHeartbeat).where(
                SchedulerHeartbeat.beat_at >= now - timedelta(seconds=rt.settings.heartbeat_max_age)
            )
        )

    processes = sorted(set(open_by_process) | set(overdue_by_process))
    out.family("govflow_tasks_open", "Open user tasks, by process.",
               [({"process": p}, open_by_process.get(p, 0)) for p in processes])
    out.family("govflow_tasks_overdue", "Open user tasks past their deadline, by process.",
               [({"process": p}, overdue_by_process.get(p, 0)) for p in processes])
    out.family("govflow_timers", "BPMN timers by state (waiting, fired, error).",
               [({"state": s}, n) for s, n in sorted(timers.items())])
    out.family("govflow_timers_late",
               "Waiting timers already past their due time (the scheduler is behind).",
               [({}, timers_late)])
    out.family("govflow_escalations", "Escalations not yet resolved, by status.",
               [({"status": s}, n) for s, n in sorted(escalations.items())])
    out.family("govflow_outbox_unsent", "E-mails in the outbox not sent yet (nor cancelled).",
               [({}, outbox.pending)])
    out.family("govflow_outbox_failing",
               "Unsent e-mails whose last attempt to build or send them failed.",
               [({}, outbox.failing)])
    out.family("govflow_outbox_failed_attempts",
               "Delivery attempts made so far for e-mails still unsent.",
               [({}, outbox.attempts)])
    out.family("govflow_outbox_oldest_unsent_age_seconds",
               "Seconds since the oldest unsent e-mail was queued (NaN: none).",
               [({}, _age(outbox.oldest, now))])
    out.family("govflow_letter_jobs_pending", "Letters waiting to be drawn as PDF.",
               [({}, letters.pending)])
    out.family("govflow_letter_jobs_failing",
               "Letters waiting to be drawn whose last attempt failed.",
               [({}, letters.failing)])
    out.family("govflow_letter_jobs_oldest_pending_age_seconds",
               "Seconds since the oldest letter still to draw was queued (NaN: none).",
               [({}, _age(letters.oldest, now))])
    out.family("govflow_scheduler_heartbeat_age_seconds",
               "Seconds since the newest scheduler heartbeat (NaN: none recorded).",
               [({}, _age(beat, now))])
    out.family("govflow_schedulers_alive",
               "Schedulers whose heartbeat is younger than GOVFLOW_HEARTBEAT_MAX_AGE.",
               [({}, alive)])
    return out.text()
