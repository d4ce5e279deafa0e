"""Does every case's bookkeeping match its workflow? (``govflow check``)

The inbox rows (``task``), the scheduler's timer rows (``due_timer``) and the
escalations are written in the same transaction as the workflow state, so after any
crash they must still agree with it. This module reads each case's saved workflow and
compares; it changes nothing. It is what the crash-safety test asserts after killing
processes, and what an administrator runs after a restore or an outage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.core.models import DueTimer, Escalation, ProcessInstance, Task, utcnow
from engine.core.statuses import InstanceStatus, TaskStatus, TimerState
from engine.workflow.cases import case_workflow
from engine.workflow.runner import scan
from engine.workflow.runtime import Runtime

#: A waiting timer this long past its due time means no scheduler is firing timers.
DEFAULT_LATE_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Mismatch:
    """One disagreement, named by ids only (never case data)."""

    instance_id: int
    kind: str
    item_id: str

    def describe(self) -> str:
        return f"case {self.instance_id}: {self.kind} {self.item_id}"


@dataclass
class IntegrityReport:
    instances: int = 0
    open_tasks: int = 0
    waiting_timers: int = 0
    fired_timers: int = 0
    escalations: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok, "instances": self.instances, "open_tasks": self.open_tasks,
            "waiting_timers": self.waiting_timers, "fired_timers": self.fired_timers,
            "escalations": self.escalations,
            "mismatches": [m.describe() for m in self.mismatches],
        }


#: What each kind of mismatch means, for the report a person reads.
KINDS = {
    "task_missing": "a step is ready in the workflow but has no open inbox row (lost task)",
    "task_stale": "an open inbox row for a step that is not ready in the workflow",
    "timer_missing": "a timer waits in the workflow but the scheduler has no row for it (lost)",
    "timer_stale": "the scheduler waits on a timer the workflow no longer waits on",
    "timer_due_differs": "the scheduler's due time differs from the workflow's",
    "timer_unrecorded": "a timer fired in the workflow but its row does not say fired",
    "timer_late": "a timer is long past due and has not fired (no scheduler running?)",
    "escalation_missing": "a timer that escalates fired without its escalation",
    "escalation_unexpected": "an escalation whose timer has not fired in the workflow",
}


def check_all(rt: Runtime, *, late_after: timedelta = DEFAULT_LATE_AFTER,
              since: datetime | None = None) -> IntegrityReport:
    """Compare every case, or with ``since`` the cases still running and those changed
    since then; each case is read in its own snapshot, so running apps may go on.

    A case that ended before ``since`` has not been written since: a crash or an outage
    after it cannot have parted its rows from its workflow, so the cases to read stay the
    office's open work and the last days' changes however many years of cases are kept
    (``ix_process_instance_updated_at``). After a restore, check every case.
    """
    report = IntegrityReport()
    query = select(ProcessInstance.id).order_by(ProcessInstance.id)
    if since is not None:
        query = query.where(or_(ProcessInstance.status == InstanceStatus.RUNNING,
                                ProcessInstance.updated_at >= since))
    with rt.db.read() as session:
        ids = list(session.scalars(query))
    for instance_id in ids:
        with rt.db.read() as session:
            if rt.db.dialect == "postgresql":
                # One snapshot for the workflow and its rows, or a step committed between
                # the two reads would look like a mismatch.
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            _check_instance(rt, session, instance_id, utcnow() - late_after, report)
    return report


def _check_instance(rt: Runtime, session: Session, instance_id: int, late_before: datetime,
                    report: IntegrityReport) -> None:
    found = scan(case_workflow(rt, session, instance_id))
    version_id = session.execute(
        select(ProcessInstance.version_id).where(ProcessInstance.id == instance_id)).scalar_one()
    bundle = rt.definitions.by_id(session, version_id).bundle
    report.instances += 1

    def add(kind: str, ids: Iterable[str]) -> None:
        report.mismatches.extend(Mismatch(instance_id, kind, i) for i in sorted(ids))

    ready = {str(task.id) for task in found.ready_user}
    rows = set(session.scalars(select(Task.id).where(
        Task.instance_id == instance_id, Task.state == TaskStatus.OPEN)))
    report.open_tasks += len(rows)
    add("task_missing", ready - rows)
    add("task_stale", rows - ready)

    timers = {t.id: t for t in session.scalars(
        select(DueTimer).where(DueTimer.instance_id == instance_id))}
    waiting = {str(task.id): due for task, due in found.timers}
    waiting_rows = {tid for tid, t in timers.items() if t.state == TimerState.WAITING}
    report.waiting_timers += len(waiting_rows)
    add("timer_missing", waiting.keys() - waiting_rows)
    add("timer_stale", waiting_rows - waiting.keys())
    add("timer_due_differs", [tid for tid in waiting.keys() & waiting_rows
                              if timers[tid].due_at != waiting[tid]])
    add("timer_late", [tid for tid in waiting_rows if timers[tid].due_at < late_before])

    fired = {str(task.id): task.task_spec.bpmn_id for task, _ in found.fired_timers}
    report.fired_timers += len(fired)
    add("timer_unrecorded", [tid for tid in fired
                             if tid not in timers or timers[tid].state != TimerState.FIRED])
    escalating = {tid for tid, bpmn_id in fired.items()
                  if bundle.escalation_for(bpmn_id) is not None}
    raised = set(session.scalars(select(Escalation.timer_id).where(
        Escalation.instance_id == instance_id)))
    report.escalations += len(raised)
    add("escalation_missing", escalating - raised)
    add("escalation_unexpected", raised - fired.keys())
