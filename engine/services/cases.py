"""Loading a case's live workflow for a command, and saving it with its inbox rows.

Every command on a running case goes: load (from the cache when the revision
matches) → change the workflow → save state + inbox rows + audit in the same
transaction. A stale revision loses with a conflict instead of overwriting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.definitions import Definition
from engine.errors import Conflict, GovflowError, NotFound
from engine.models import ProcessInstance, Task, utcnow
from engine.runner import advance, attached_timer_due, next_timer_due, ready_user_tasks, status_of
from engine.runtime import Runtime, WorkflowGuard
from engine.workflow_state import SERIALIZER_VERSION, dump, restore


class ProcessError(GovflowError):
    """The BPMN itself failed while running (a condition or timer that cannot be evaluated)."""

    code = "process_error"


@dataclass
class Case:
    instance: ProcessInstance
    definition: Definition
    workflow: BpmnWorkflow


def load_case(rt: Runtime, session: Session, guard: WorkflowGuard, instance_id: int) -> Case:
    instance = session.scalar(
        select(ProcessInstance).where(ProcessInstance.id == instance_id).with_for_update()
    )
    if instance is None:
        raise NotFound(f"ไม่พบเรื่องเลขที่ {instance_id} / case {instance_id} not found")
    guard.touch(instance_id)
    definition = rt.definitions.by_id(session, instance.version_id)
    workflow = rt.workflows.take(instance_id, instance.revision)
    if workflow is None:
        workflow = restore(
            instance.state,
            definition.spec,
            definition.subprocess_specs,
            instance.serializer_version,
            rt.script_engine,
        )
    return Case(instance, definition, workflow)


def new_workflow(rt: Runtime, definition: Definition, data: dict) -> BpmnWorkflow:
    workflow = BpmnWorkflow(
        definition.spec, definition.subprocess_specs, script_engine=rt.script_engine
    )
    workflow.task_tree.data.update(data)
    return workflow


def run_engine(case_or_workflow: BpmnWorkflow, step: str) -> None:
    """Advance the workflow; turn a failure inside the BPMN into an error a person can act on."""
    try:
        advance(case_or_workflow)
    except SpiffWorkflowException as exc:
        raise ProcessError(engine_failure_message(exc, step)) from exc


def engine_failure_message(exc: SpiffWorkflowException, step: str) -> str:
    task = getattr(exc, "task", None)
    where = task.task_spec.bpmn_id if task is not None else "?"
    return (
        f"กระบวนงานทำงานต่อไม่ได้ที่ขั้นตอน '{where}' หลัง{step}: แจ้งผู้ดูแลกระบวนงานให้แก้ไฟล์ BPMN "
        f"/ the process failed at '{where}' after {step}: {exc}. Nothing was saved; "
        "ask the process owner to fix the BPMN file."
    )


def save_case(rt: Runtime, session: Session, guard: WorkflowGuard, case: Case) -> None:
    now = utcnow()
    instance, workflow = case.instance, case.workflow
    instance.state = dump(workflow)
    instance.serializer_version = SERIALIZER_VERSION
    instance.status = status_of(workflow)
    instance.next_timer_due = next_timer_due(workflow)
    instance.updated_at = now
    if instance.status == "completed" and instance.ended_at is None:
        instance.ended_at = now
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(
            "เรื่องนี้เพิ่งถูกแก้ไขโดยผู้อื่น กรุณาโหลดใหม่แล้วลองอีกครั้ง / "
            "this case was changed by someone else just now; reload and try again"
        ) from exc
    sync_tasks(session, case, now)
    guard.saved_at(instance.id, instance.revision, workflow)


def sync_tasks(session: Session, case: Case, now: datetime) -> None:
    """Make the inbox rows match the workflow's ready user tasks."""
    instance, definition = case.instance, case.definition
    ready = {str(task.id): task for task in ready_user_tasks(case.workflow)}
    open_rows = session.scalars(
        select(Task).where(Task.instance_id == instance.id, Task.state == "open")
    ).all()
    for row in open_rows:
        task = ready.pop(row.id, None)
        if task is None:
            row.state, row.completed_at = "cancelled", now
            continue
        info = definition.task_info(row.bpmn_id) or {}
        due = attached_timer_due(task, info.get("deadline_timer"))
        if due != row.due_at:
            row.due_at = due
    for task_id, task in ready.items():
        session.add(_new_row(task_id, task, case, now))


def _new_row(task_id: str, task, case: Case, now: datetime) -> Task:
    bpmn_id = task.task_spec.bpmn_id
    info = case.definition.task_info(bpmn_id) or {}
    instance = case.instance
    return Task(
        id=task_id,
        instance_id=instance.id,
        process_key=instance.process_key,
        bpmn_id=bpmn_id,
        name=info.get("name") or task.task_spec.bpmn_name or bpmn_id,
        lane_id=info.get("lane_id"),
        lane_name=info.get("lane_name"),
        role=info.get("role"),
        unit_id=instance.unit_id if info.get("requester_unit_only") else None,
        title=instance.title,
        state="open",
        created_at=now,
        due_at=attached_timer_due(task, info.get("deadline_timer")),
    )
