"""Saving and restoring SpiffWorkflow state, and the cache of live workflows.

The spec is not stored per instance: it belongs to the process version and is
parsed once (engine.bpmn.definitions). Each instance row holds only its task tree.
A workflow restored at revision N stays in memory; the next command on that
instance at the same revision reuses it instead of deserialising again.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, TaskConverter
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

SERIALIZER_VERSION = "1.5"

class _SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    """Leaves the spec out of the saved state; it is handed back in on restore."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None):

        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow

#: Where a workflow keeps the saved form of its finished tasks: task id → (stamp, dict).
_SAVED_TASKS = "_govflow_saved_tasks"


def _stamp(task: SpiffTask) -> tuple[Any, ...]:
    """What must not have changed for a finished task's saved form to be reused."""
    return task.state, task.last_state_change, tuple(task._children)


def _reusable(task: SpiffTask) -> bool:
    # A subprocess task gets its subprocess's data after it has finished (the
    # follow-up rounds' loop does this), without a new state change: never reuse it.
    return task.has_state(TaskState.FINISHED_MASK) and not isinstance(task.task_spec,
                                                                      SubWorkflowTask)


class _ReusingTaskConverter(TaskConverter):
    """Reuses the saved form of finished tasks.

    A finished task no longer changes, yet converting every task on every command
    (each one diffed against its parent's data) was the largest part of saving a
    case. The cache lives on the workflow object, so it goes when the workflow does.
    """

    def to_dict(self, task: SpiffTask) -> dict[str, Any]:
        if not _reusable(task):
            return super().to_dict(task)
        cache = task.workflow.__dict__.setdefault(_SAVED_TASKS, {})
        stamp = _stamp(task)
        hit = cache.get(task.id)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        dct = super().to_dict(task)
        cache[task.id] = (stamp, dct)
        return dct


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _SpecFreeWorkflowConverter
    config[SpiffTask] = _ReusingTaskConverter
    registry = BpmnWorkflowSerializer.configure(config)
    return BpmnWorkflowSerializer(registry, version=SERIALIZER_VERSION)


_serializer = _make_serializer()


def serializer_registry() -> Any:
    """The converter registry SpiffWorkflow's diff tools compare specs with."""
    return _serializer.registry

def dump(workflow: BpmnWorkflow) -> str:
    """The instance's state as JSON, without its spec."""
    registry = _serializer.registry
    registry._encoder_mode = True
    try:
        return json.dumps(registry.convert(workflow), cls=_serializer._encoder_cls)
    finally:
        registry._encoder_mode = False

def restore(
    state: str, spec: Any, subprocess_specs: dict[str, Any], version: str, script_engine: Any
) -> BpmnWorkflow:
    dct = json.loads(state)
    current = version == SERIALIZER_VERSION
    if not current and version in MIGRATIONS:
        MIGRATIONS[version](dct)
    # Restoring pops each subprocess out of the mapping; keep it to seed from.
    subprocesses = dict(dct.get("subprocesses") or {})
    workflow = _serializer.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
    # The script engine is not serialised; without this the helpers vanish.
    workflow.script_engine = script_engine
    if current:
        _seed_saved_tasks(workflow, dct["tasks"])
        for key, sub_dct in subprocesses.items():
            sub = workflow.subprocesses.get(UUID(key))
            if sub is not None:
                _seed_saved_tasks(sub, sub_dct["tasks"])
    return workflow


def _seed_saved_tasks(workflow: Any, saved: dict[str, Any]) -> None:
    """Start the reusing converter's memory from the state just read: a finished task's
    saved form is exactly what converting it again would give (the same converter wrote
    it, and the task has not changed since), so the first save after a restore, a web
    worker's usual case, converts only the tasks that are still alive. Only for state
    written by this serializer version: a migrated dict may differ from a fresh one."""
    cache = workflow.__dict__.setdefault(_SAVED_TASKS, {})
    for task in workflow.tasks.values():
        dct = saved.get(str(task.id))
        if dct is not None and _reusable(task):
            cache[task.id] = (_stamp(task), dct)

class WorkflowCache:
    """Live workflows by instance id, valid only at the revision they were saved at.

    A command that fails must ``discard`` its instance: the cached object may be
    half-changed while the database rolled back.
    """

    def __init__(self, capacity: int = 2000) -> None:
        self._capacity = capacity
        self._items: OrderedDict[int, tuple[int, BpmnWorkflow]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, instance_id: int, revision: int) -> BpmnWorkflow | None:
        """Remove and return the workflow if cached at this revision.

        Taking it out means two threads never mutate the same object; the
        winner puts it back after its commit.
        """
        with self._lock:
            item = self._items.pop(instance_id, None)
        if item is None or item[0] != revision:
            return None
        return item[1]

    def peek(self, instance_id: int, revision: int) -> BpmnWorkflow | None:
        """The cached workflow for reading only; callers must not change it."""
        with self._lock:
            item = self._items.get(instance_id)
        return item[1] if item is not None and item[0] == revision else None

    def put(self, instance_id: int, revision: int, workflow: BpmnWorkflow) -> None:
        with self._lock:
            self._items[instance_id] = (revision, workflow)
            self._items.move_to_end(instance_id)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def discard(self, instance_id: int) -> None:
        with self._lock:
            self._items.pop(instance_id, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
