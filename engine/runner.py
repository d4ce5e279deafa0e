"""What the engine asks of a live SpiffWorkflow workflow: step it, read tasks and due times."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState


def advance(workflow: BpmnWorkflow) -> None:
    """Run every automatic step, including timers that are due now.

    ``do_engine_steps`` refreshes timers only at its end, so a due timer's branch
    would wait for the next command without the second pass.
    """
    workflow.do_engine_steps()
    workflow.refresh_timers()
    workflow.do_engine_steps()


def ready_user_tasks(workflow: BpmnWorkflow) -> list[SpiffTask]:
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def status_of(workflow: BpmnWorkflow) -> str:
    if workflow.is_completed():
        return "completed"
    if workflow.get_tasks(state=TaskState.ERROR):
        return "error"
    return "running"


def _due_of(task: SpiffTask) -> datetime | None:
    value = task.internal_data.get("event_value")
    if isinstance(value, dict):  # a cycle timer keeps its next firing under 'next'
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        due = datetime.fromisoformat(value)
    except ValueError:
        return None
    return due if due.tzinfo else due.replace(tzinfo=UTC)


def _is_timer(task: SpiffTask) -> bool:
    definition = getattr(task.task_spec, "event_definition", None)
    return isinstance(definition, TimerEventDefinition)


def waiting_timers(workflow: BpmnWorkflow) -> Iterator[tuple[SpiffTask, datetime]]:
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if _is_timer(task):
            due = _due_of(task)
            if due is not None:
                yield task, due


def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
    return min((due for _task, due in waiting_timers(workflow)), default=None)


def attached_timer_due(task: SpiffTask, timer_id: str | None) -> datetime | None:
    """Due time of the boundary timer ``timer_id`` attached to a user task."""
    parent = task.parent
    if timer_id is None or parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    for sibling in parent.children:
        spec = sibling.task_spec
        if isinstance(spec, BoundaryEvent) and spec.bpmn_id == timer_id and _is_timer(sibling):
            return _due_of(sibling)
    return None


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The data a person would call 'the case so far'."""
    if workflow.is_completed():
        return dict(workflow.data)
    task = workflow.last_task or workflow.task_tree
    return dict(task.data)
