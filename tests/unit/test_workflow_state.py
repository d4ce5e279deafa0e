"""Saving and restoring workflows: the reusing converter must save exactly what Spiff would."""

from __future__ import annotations

import json

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.bpmn.expressions.environment import make_script_engine
from engine.bpmn.loading.load import load_bpmn_file
from engine.bpmn.process_settings import read_settings
from engine.core.config import REPO_ROOT
from engine.thai.workdays import WorkingCalendar, bpmn_helpers
from engine.workflow.runner import advance
from engine.workflow.workflow_state import WorkflowCache, dump, restore
from tests.samples import SCENARIOS

ENGINE = make_script_engine(bpmn_helpers(WorkingCalendar()))
PLAIN = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def _plain_tasks(workflow: BpmnWorkflow) -> dict:
    """What SpiffWorkflow's own serializer saves for the tasks, as JSON-compatible data."""
    return json.loads(PLAIN.serialize_json(workflow))["tasks"]


def test_saved_state_matches_spiff_at_every_step_and_restores():
    workflow, steps, spec, subs = _started_complaint()
    result = advance(workflow)  # nothing left to run: the started case's ready tasks
    for _role, form in steps:
        state = dump(workflow)
        assert json.loads(state)["tasks"] == _plain_tasks(workflow)
        dump(workflow)  # a second save reuses the cached finished tasks...
        assert json.loads(dump(workflow))["tasks"] == _plain_tasks(workflow)  # ...unchanged
        again = restore(state, spec, subs, "1.5", ENGINE)
        assert [str(t.id) for t in advance(again).ready_user] == \
            [str(t.id) for t in result.ready_user]
        (task,) = result.ready_user
        task.data.update(form)
        workflow.run_task_from_id(task.id)
        result = advance(workflow)
    assert workflow.is_completed()
    assert json.loads(dump(workflow))["tasks"] == _plain_tasks(workflow)


def _started_complaint() -> tuple[BpmnWorkflow, list, object, dict]:
    loaded = load_bpmn_file(REPO_ROOT / "processes" / "complaint.bpmn")
    spec, subs = loaded.specs["complaint"], loaded.subprocess_specs["complaint"]
    _starter, _key, start, steps = SCENARIOS["complaint_accepted_to_resolution"]
    workflow = BpmnWorkflow(spec, subs, script_engine=ENGINE)
    workflow.task_tree.data.update({k: v for k, v in start.items() if "name" not in k})
    # As a case starts: with the process's settings (triage_days) in its data.
    named = read_settings(REPO_ROOT / "processes")["complaint"].settings
    workflow.task_tree.data.update({name: s.value for name, s in named.items()})
    advance(workflow)
    return workflow, steps, spec, subs


def _waiting(workflow: BpmnWorkflow) -> list[tuple[str, dict]]:
    return [(t.task_spec.bpmn_id, t.data) for t in advance(workflow).ready_user]


def test_a_restored_workflow_saves_what_the_live_one_saves_at_every_step():
    """A web worker that did not serve the case's last command restores it, reusing the
    saved form of its finished tasks (subprocesses included: the follow-up rounds): what
    it then saves is what SpiffWorkflow saves, and what the worker holding the live
    workflow would have saved."""
    live, steps, spec, subs = _started_complaint()
    for _role, form in steps:
        cold = restore(dump(live), spec, subs, "1.5", ENGINE)
        assert cold.__dict__.get("_govflow_saved_tasks"), "seeded from the saved state"
        for workflow in (live, cold):
            (task,) = advance(workflow).ready_user
            task.data.update(form)
            workflow.run_task_from_id(task.id)
            advance(workflow)
        assert json.loads(dump(cold))["tasks"] == _plain_tasks(cold)
        # The step created new tasks (new ids) in each; they wait at the same steps with
        # the same data.
        assert _waiting(cold) == _waiting(live)
    assert live.is_completed() and cold.is_completed()


def test_state_labelled_with_another_serializer_version_is_not_reused():
    """Only state this serializer wrote is taken as its own output; any other (here a
    label no migration knows) is converted afresh on the next save."""
    live, _steps, spec, subs = _started_complaint()
    restored = restore(dump(live), spec, subs, "1.5-other", ENGINE)
    assert "_govflow_saved_tasks" not in restored.__dict__
    assert json.loads(dump(restored))["tasks"] == _plain_tasks(restored)


def test_cache_hands_out_a_workflow_once_and_only_at_its_revision():
    cache = WorkflowCache(capacity=2)
    first, second, third = object(), object(), object()
    cache.put(1, 5, first)
    assert cache.take(1, 4) is None  # wrong revision: forgotten, not returned
    assert cache.take(1, 5) is None
    cache.put(1, 5, first)
    assert cache.peek(1, 5) is first and cache.take(1, 5) is first
    assert cache.take(1, 5) is None  # taken means gone until put back
    cache.put(1, 1, first)
    cache.put(2, 1, second)
    cache.put(3, 1, third)  # capacity 2: the least recently used goes
    assert cache.peek(1, 1) is None and cache.peek(3, 1) is third
