"""What the engine asks of a live SpiffWorkflow workflow: step it, read tasks and due times."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from engine.core.statuses import InstanceStatus


@dataclass
class Scan:
    """What the engine needs to know after a step, read in one pass over the tasks."""

    ready_user: list[SpiffTask] = field(default_factory=list)
    ready_automatic: bool = False
    timers: list[tuple[SpiffTask, datetime]] = field(default_factory=list)
    #: Timers that have fired (completed), with the time they were due.
    fired_timers: list[tuple[SpiffTask, datetime]] = field(default_factory=list)
    next_timer: datetime | None = None
    errored: bool = False


def all_tasks(workflow: BpmnWorkflow) -> Iterator[SpiffTask]:
    """Every task of the workflow and its subprocesses.

    Iterating the flat task dictionaries instead of walking the tree keeps this
    linear and immune to the tree-depth limit of SpiffWorkflow's iterator.
    """
    yield from workflow.tasks.values()
    for subprocess in workflow.subprocesses.values():
        yield from subprocess.tasks.values()


def scan(workflow: BpmnWorkflow) -> Scan:
    result = Scan()
    for task in all_tasks(workflow):
        state = task.state
        if state == TaskState.READY:
            if task.task_spec.manual:
                result.ready_user.append(task)
            else:
                result.ready_automatic = True
        elif state == TaskState.WAITING and _is_timer(task):
            due = _due_of(task)
            if due is not None:
                result.timers.append((task, due))
                if result.next_timer is None or due < result.next_timer:
                    result.next_timer = due
        elif state == TaskState.COMPLETED and _is_timer(task):
            due = _due_of(task)
            if due is not None:
                result.fired_timers.append((task, due))
        elif state == TaskState.ERROR:
            result.errored = True
    return result


def advance(workflow: BpmnWorkflow) -> Scan:
    """Run every automatic step, including timers that are due now; return the scan after.

    ``do_engine_steps`` refreshes timers only at its end: a timer that came due then
    is READY but its branch has not run, so run the engine once more in that case.
    """
    workflow.do_engine_steps()
    result = scan(workflow)
    if result.ready_automatic:
        workflow.do_engine_steps()
        result = scan(workflow)
    return result


def status_of(workflow: BpmnWorkflow, result: Scan) -> InstanceStatus:
    if workflow.is_completed():
        return InstanceStatus.COMPLETED
    return InstanceStatus.ERROR if result.errored else InstanceStatus.RUNNING


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


def attached_timer_due(task: SpiffTask,
                       timer_ids: Sequence[str] | None) -> datetime | None:
    """The earliest due time among the waiting boundary timers ``timer_ids`` of a user task."""
    parent = task.parent
    if not timer_ids or parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    dues = []
    for sibling in parent.children:
        spec = sibling.task_spec
        if isinstance(spec, BoundaryEvent) and spec.bpmn_id in timer_ids and _is_timer(sibling):
            due = _due_of(sibling)
            if due is not None:
                dues.append(due)
    return min(dues, default=None)


def attached_user_task(timer_task: SpiffTask) -> SpiffTask | None:
    """The user task a boundary timer sits on (its sibling under the boundary split)."""
    parent = timer_task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    return next((t for t in parent.children if t.task_spec.manual), None)


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The data a person would call 'the case so far'."""
    if workflow.is_completed():
        return dict(workflow.data)
    task = workflow.last_task or workflow.task_tree
    return dict(task.data)
