"""Loading a case's live workflow for a command, and saving it with its inbox rows.

Every command on a case goes: load (from the cache when the revision matches) →
change the workflow → save state, inbox rows and audit in the same transaction.
A stale revision loses with a conflict instead of overwriting.

This is the hot path of every command, so it speaks SQLAlchemy Core through
statements built once, and writes only the inbox rows that changed.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any, cast
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import (
    Row,
    Table,
    bindparam,
    insert,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from engine.bpmn.definitions import Definition
from engine.bpmn.placeholders import fill_name
from engine.core.audit import record
from engine.core.errors import Conflict, ExpressionError, NotFound, ProcessError
from engine.core.limits import column_limit
from engine.core.models import DueTimer, ProcessInstance, Task, utcnow
from engine.core.statuses import InstanceStatus, TaskStatus, TimerState
from engine.workflow.case import Case, CaseRow, FiredTimer
from engine.workflow.escalations import raise_escalations, resolve_for_finished_tasks
from engine.workflow.runner import advance, attached_timer_due, case_data, status_of
from engine.workflow.runtime import Runtime, WorkflowGuard
from engine.workflow.workflow_state import SERIALIZER_VERSION, dump, restore

# The mapped classes' tables (the models type __table__ as any FROM clause).
_instance = cast(Table, ProcessInstance.__table__)
_task = cast(Table, Task.__table__)

#: The instance columns a command needs; the state blob is read only on a cache miss.
CASE_COLUMNS = (
    _instance.c.id,
    _instance.c.process_key,
    _instance.c.version_id,
    _instance.c.revision,
    _instance.c.status,
    _instance.c.title,
    _instance.c.unit_id,
    _instance.c.started_by_id,
    _instance.c.ended_at,
    _instance.c.serializer_version,
    _instance.c.created_at,
    _instance.c.updated_at,
    _instance.c.received_on,
)
_LOAD_CASE = select(*CASE_COLUMNS).where(_instance.c.id == bindparam("iid"))
_LOAD_CASE_LOCKED = _LOAD_CASE.with_for_update()
_INSERT_CASE = insert(_instance)
_LOAD_STATE = select(_instance.c.state).where(_instance.c.id == bindparam("iid"))
_SAVE_CASE = (
    update(_instance)
    .where(_instance.c.id == bindparam("iid"), _instance.c.revision == bindparam("old_revision"))
    .values(
        state=bindparam("state"),
        revision=bindparam("new_revision"),
        version_id=bindparam("version_id"),
        serializer_version=bindparam("serializer_version"),
        status=bindparam("status"),
        next_timer_due=bindparam("next_timer_due"),
        updated_at=bindparam("updated_at"),
        ended_at=bindparam("ended_at"),
    )
)
_CANCEL_TASK = (
    update(_task)
    .where(_task.c.id == bindparam("tid"), _task.c.state == TaskStatus.OPEN)
    .values(state=TaskStatus.CANCELLED, completed_at=bindparam("now"))
)
_SET_DUE = update(_task).where(_task.c.id == bindparam("tid")).values(due_at=bindparam("due"))
_INSERT_TASK = insert(_task)
_timer = cast(Table, DueTimer.__table__)
_FINISH_TIMER = (
    update(_timer)
    .where(_timer.c.id == bindparam("tid"))
    .values(state=bindparam("state"), fired_at=bindparam("at"), lease_owner=None,
            lease_until=None)
)
_MOVE_TIMER = update(_timer).where(_timer.c.id == bindparam("tid")).values(
    due_at=bindparam("due")
)
_INSERT_TIMER = insert(_timer)
#: The case's open inbox rows and its timer rows, in one statement (save_case needs both).
_TASK_KIND, _TIMER_KIND = "task", "timer"
_OPEN_TASKS_AND_TIMERS = union_all(
    select(literal_column(f"'{_TASK_KIND}'").label("kind"), _task.c.id, _task.c.bpmn_id,
           _task.c.state, _task.c.due_at)
    .where(_task.c.instance_id == bindparam("iid"), _task.c.state == TaskStatus.OPEN),
    select(literal_column(f"'{_TIMER_KIND}'").label("kind"), _timer.c.id, _timer.c.bpmn_id,
           _timer.c.state, _timer.c.due_at)
    .where(_timer.c.instance_id == bindparam("iid")),
)
#: A filled name may outgrow its column (PostgreSQL refuses what SQLite keeps).
_NAME_MAX = column_limit(Task.name)


def _not_found(instance_id: int) -> NotFound:
    return NotFound(f"ไม่พบเรื่องเลขที่ {instance_id} / case {instance_id} not found")


def read_case_row(conn: Connection, instance_id: int, *, lock: bool = False) -> CaseRow:
    row = conn.execute(_LOAD_CASE_LOCKED if lock else _LOAD_CASE, {"iid": instance_id}).first()
    if row is None:
        raise _not_found(instance_id)
    return CaseRow(**row._mapping)


def load_case(rt: Runtime, session: Session, guard: WorkflowGuard, instance_id: int, *,
              locked_row: CaseRow | None = None, state: str | None = None) -> Case:
    """The case for a command. ``locked_row``: its instance row, when the caller has read
    it already, locked, in this transaction (complete_task reads it with the task's), and
    ``state`` its saved state read with it, restored on a cache miss."""
    conn = session.connection()
    instance = locked_row if locked_row is not None else read_case_row(conn, instance_id,
                                                                       lock=True)
    guard.touch(instance_id)
    rt.refresh_calendar(session)
    definition = rt.definitions.by_id(session, instance.version_id)
    workflow = rt.workflows.take(instance_id, instance.revision)
    if workflow is None:
        workflow = _restore(rt, conn, instance, definition, state)
    return Case(instance, definition, workflow)


def _restore(rt: Runtime, conn: Connection, instance: CaseRow, definition: Definition,
             state: str | None = None) -> BpmnWorkflow:
    """The case's workflow from its saved state (a cache miss); ``state`` when the caller
    has read it already."""
    if state is None:
        state = conn.execute(_LOAD_STATE, {"iid": instance.id}).scalar_one()
    return restore(state, definition.spec, definition.subprocess_specs,
                   instance.serializer_version, rt.script_engine)


def case_workflow(rt: Runtime, session: Session, instance_id: int) -> BpmnWorkflow:
    """The case's workflow for reading: the cached one at its revision, else restored."""
    conn = session.connection()
    instance = read_case_row(conn, instance_id)
    workflow = rt.workflows.peek(instance_id, instance.revision)
    if workflow is None:
        definition = rt.definitions.by_id(session, instance.version_id)
        workflow = _restore(rt, conn, instance, definition)
    return workflow


def case_data_of(rt: Runtime, session: Session, instance_id: int) -> dict[str, Any]:
    """The case's current data (no personal data: it never enters the workflow)."""
    return case_data(case_workflow(rt, session, instance_id))


def submitted_values(workflow: BpmnWorkflow, task_id: str | None,
                     fields: Any) -> dict[str, Any]:
    """What a completed step recorded: its form's fields as that task left them.

    The case's data holds only the latest value of each field; a step repeated (each
    follow-up round) keeps its own values on its own task.
    """
    if not task_id or not isinstance(fields, list):
        return {}
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (ValueError, TaskNotFoundException):
        return {}
    if task is None:
        return {}
    return {name: task.data[name] for name in fields if name in task.data}


def new_workflow(rt: Runtime, definition: Definition, data: dict) -> BpmnWorkflow:
    """A new case's workflow: its start data and its version's settings (``triage_days``).

    The settings are copied into the case's data once, here: a running case keeps the
    values it started with when a later version changes them.
    """
    workflow = BpmnWorkflow(
        definition.spec, definition.subprocess_specs, script_engine=rt.script_engine
    )
    workflow.task_tree.data.update(data)
    workflow.task_tree.data.update(definition.bundle.setting_values())
    return workflow


def run_engine(case: Case, step: str) -> None:
    """Advance the workflow; turn a failure inside the BPMN into an error a person can act on."""
    try:
        case.scan = advance(case.workflow)
    except SpiffWorkflowException as exc:
        raise ProcessError(engine_failure_message(exc, step)) from exc


def engine_failure_message(exc: SpiffWorkflowException, step: str) -> str:
    task = getattr(exc, "task", None)
    where = task.task_spec.bpmn_id if task is not None else "?"
    # SpiffWorkflow's text says only that an expression failed; the restricted evaluator's
    # own message (Thai / English) says why, e.g. a result too large.
    cause = exc.__cause__ or exc.__context__
    thai_why, english_why = "", ""
    if isinstance(cause, ExpressionError):
        thai, _sep, english = str(cause).partition(" / ")
        thai_why, english_why = f" ({thai})", f" ({english or thai})"
    return (
        f"กระบวนงานทำงานต่อไม่ได้ที่ขั้นตอน '{where}' หลัง{step}{thai_why}: แจ้งผู้ดูแลกระบวนงานให้แก้ไฟล์ "
        f"BPMN / the process failed at '{where}' after {step}: {exc}{english_why}. Nothing was "
        "saved; ask the process owner to fix the BPMN file."
    )


def insert_case(session: Session, values: dict[str, Any]) -> int:
    """Insert a new instance row at revision 0; ``save_case`` then writes its state."""
    result = session.connection().execute(_INSERT_CASE, {"revision": 0, "state": "", **values})
    key = result.inserted_primary_key
    assert key is not None, "an INSERT of one row has its key"
    return key[0]


def save_case(
    rt: Runtime, session: Session, guard: WorkflowGuard, case: Case
) -> list[SimpleNamespace]:
    """Write the case's state and inbox rows; return the inbox rows this command opened."""
    assert case.scan is not None, "run_engine before save_case"
    now = utcnow()
    instance, workflow = case.instance, case.workflow
    status = status_of(workflow, case.scan)
    ended_at = instance.ended_at or (now if status == InstanceStatus.COMPLETED else None)
    saved = session.connection().execute(
        _SAVE_CASE,
        {
            "iid": instance.id,
            "old_revision": instance.revision,
            "new_revision": instance.revision + 1,
            "version_id": instance.version_id,
            "state": dump(workflow),
            "serializer_version": SERIALIZER_VERSION,
            "status": status,
            "next_timer_due": case.scan.next_timer,
            "updated_at": now,
            "ended_at": ended_at,
        },
    )
    if saved.rowcount != 1:
        raise Conflict(
            "เรื่องนี้เพิ่งถูกแก้ไขโดยผู้อื่น กรุณาโหลดใหม่แล้วลองอีกครั้ง / "
            "this case was changed by someone else just now; reload and try again"
        )
    finished_now = (status == InstanceStatus.COMPLETED
                    and instance.status != InstanceStatus.COMPLETED)
    # A case saved for the first time (start_case inserted it at revision 0 in this very
    # transaction) has no inbox or timer rows yet: nothing to read.
    conn = session.connection()
    task_rows, timer_rows = ([], []) if instance.revision == 0 else _task_and_timer_rows(
        conn, instance.id)
    instance.revision += 1
    instance.status, instance.ended_at, instance.updated_at = status, ended_at, now
    if finished_now:
        record(session, None, "instance_completed", instance_id=instance.id)
    opened = sync_tasks(conn, case, now, task_rows)
    case.fired, ever_fired = sync_timers(conn, case, now, timer_rows)
    if case.fired:
        raise_escalations(session, case, case.fired, now)
    if ever_fired:
        open_ids = {str(t.id) for t in case.scan.ready_user}
        resolve_for_finished_tasks(session.connection(), instance.id, open_ids, now)
    workflow.get_events()  # thrown events are routed above, from the timers that fired
    guard.saved_at(instance.id, instance.revision, workflow)
    return opened


def _task_and_timer_rows(conn: Connection, instance_id: int) -> tuple[list[Row], list[Row]]:
    tasks: list[Row] = []
    timers: list[Row] = []
    for row in conn.execute(_OPEN_TASKS_AND_TIMERS, {"iid": instance_id}):
        (tasks if row.kind == _TASK_KIND else timers).append(row)
    return tasks, timers


def sync_tasks(conn: Connection, case: Case, now: datetime,
               open_rows: list[Row]) -> list[SimpleNamespace]:
    """Make the inbox rows match the workflow's ready user tasks (``open_rows``: the case's
    open rows as they stand); return the new rows."""
    assert case.scan is not None
    ready = {str(task.id): task for task in case.scan.ready_user}
    cancelled, moved = [], []
    for row in open_rows:
        task = ready.pop(row.id, None)
        if task is None:
            cancelled.append({"tid": row.id, "now": now})
            continue
        rule = case.definition.task_info(row.bpmn_id)
        due = attached_timer_due(task, rule.deadline_timers if rule else None)
        if due != row.due_at:
            moved.append({"tid": row.id, "due": due})
    # Each kind of change in one executemany: a command often cancels or moves several.
    for statement, params in ((_CANCEL_TASK, cancelled), (_SET_DUE, moved)):
        if params:
            conn.execute(statement, params)
    opened = [_new_row(task_id, task, case, now) for task_id, task in ready.items()]
    if opened:
        conn.execute(_INSERT_TASK, opened)
    return [SimpleNamespace(**row) for row in opened]


def sync_timers(conn: Connection, case: Case, now: datetime,
                rows: list[Row]) -> tuple[list[FiredTimer], bool]:
    """Make the scheduler's timer rows (``rows``, the case's as they stand) match the
    workflow's waiting timers.

    Returns the timers that fired in this command, and whether any timer of the case
    ever fired (so escalations only need resolving on cases that may have some).
    """
    assert case.scan is not None
    waiting = {str(task.id): (task, due) for task, due in case.scan.timers}
    # Timers that fired without ever having had a row: a case keyed in after its
    # deadlines fires them in the very command that creates them.
    unseen = {str(task.id): (task, due) for task, due in case.scan.fired_timers}
    fired = []
    moved, finished = [], []
    for row in rows:
        unseen.pop(row.id, None)
        if row.state != TimerState.WAITING:
            waiting.pop(row.id, None)
            continue
        entry = waiting.pop(row.id, None)
        if entry is not None:
            if entry[1] != row.due_at:
                moved.append({"tid": row.id, "due": entry[1]})
            continue
        task = case.workflow.get_task_from_id(UUID(row.id))
        done = task is not None and task.state == TaskState.COMPLETED
        finished.append({"tid": row.id, "at": now,
                         "state": TimerState.FIRED if done else TimerState.CANCELLED})
        if done:
            fired.append(FiredTimer(row.id, row.bpmn_id, row.due_at, task))
    # A step that ends a phase cancels all its deadline timers at once: one executemany.
    for statement, params in ((_MOVE_TIMER, moved), (_FINISH_TIMER, finished)):
        if params:
            conn.execute(statement, params)
    if unseen:
        conn.execute(_INSERT_TIMER, [
            {"id": tid, "instance_id": case.instance.id, "bpmn_id": task.task_spec.bpmn_id,
             "due_at": due, "state": TimerState.FIRED, "fired_at": now}
            for tid, (task, due) in unseen.items()
        ])
        fired += [FiredTimer(tid, task.task_spec.bpmn_id, due, task)
                  for tid, (task, due) in unseen.items()]
    fired.sort(key=lambda timer: timer.due_at)
    if waiting:
        conn.execute(_INSERT_TIMER, [
            {"id": tid, "instance_id": case.instance.id, "bpmn_id": task.task_spec.bpmn_id,
             "due_at": due, "state": TimerState.WAITING}
            for tid, (task, due) in waiting.items()
        ])
    # Escalations exist only where a timer has fired; only then can a finished task
    # leave one to resolve.
    return fired, bool(fired) or any(row.state == TimerState.FIRED for row in rows)


def _new_row(task_id: str, task: Any, case: Case, now: datetime) -> dict[str, Any]:
    bpmn_id = task.task_spec.bpmn_id
    rule = case.definition.task_info(bpmn_id)
    instance = case.instance
    return {
        "id": task_id,
        "instance_id": instance.id,
        "process_key": instance.process_key,
        "bpmn_id": bpmn_id,
        # Stored filled: "ภายใน {triage_days} วันทำการ" says the case's own limit wherever
        # the row is shown (inbox, task, case, escalations, e-mails), as the task had it.
        "name": fill_name((rule.name if rule else None) or task.task_spec.bpmn_name or bpmn_id,
                          task.data)[:_NAME_MAX],
        "lane_id": rule.lane_id if rule else None,
        "lane_name": rule.lane_name if rule else None,
        "role": rule.role if rule else None,
        "unit_id": instance.unit_id if rule and rule.requester_unit_only else None,
        "title": instance.title,
        "state": TaskStatus.OPEN,
        "assignee_id": None,
        "assignee_name": None,
        "assignee_display": None,
        "received_on": instance.received_on,
        "created_at": now,
        "due_at": attached_timer_due(task, rule.deadline_timers if rule else None),
        "completed_at": None,
        "completed_by_id": None,
    }
