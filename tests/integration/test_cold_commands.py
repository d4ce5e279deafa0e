"""A command served by a worker that did not serve the case's last one (its workflow cache
holds nothing for the case) leaves the case exactly as a worker holding it would: the same
tasks, timers, history and data, and a saved state SpiffWorkflow's own serializer agrees
with."""

from __future__ import annotations

import json
from typing import Any

import pytest
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from sqlalchemy import select

from engine.core.models import AuditEvent, DueTimer, ProcessInstance, Task
from engine.services.inbox import instances, tasks
from engine.workflow.cases import case_workflow
from engine.workflow.runner import case_data
from engine.workflow.runtime import Runtime
from tests.conftest import People
from tests.samples import SCENARIOS

pytestmark = pytest.mark.usefixtures("sample_day")

PLAIN = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def _drive(rt: Runtime, people: People, *, cold: bool) -> tuple[int, list[Any]]:
    """The accepted complaint, follow-up rounds included, to its end; what each command
    answered, without the ids that differ between two cases."""
    starter, key, start, steps = SCENARIOS["complaint_accepted_to_resolution"]
    if cold:
        rt.workflows.clear()
    view = instances.start_instance(rt, getattr(people, starter), key, start)
    instance_id, open_tasks = view["id"], view["tasks"]
    answers: list[Any] = [[(t["name"], t["role"], t["due_at"]) for t in open_tasks]]
    for role, form in steps:
        (task,) = open_tasks
        if cold:
            rt.workflows.clear()
        done = tasks.complete_task(rt, getattr(people, role), task["id"], form)
        open_tasks = done["next_tasks"]
        answers.append((done["instance_status"],
                        [(t["name"], t["role"], t["due_at"]) for t in open_tasks]))
    return instance_id, answers


def _stored(rt: Runtime, instance_id: int) -> dict[str, Any]:
    with rt.db.read() as session:
        instance = session.get_one(ProcessInstance, instance_id)
        rows = session.scalars(select(Task).where(Task.instance_id == instance_id)
                               .order_by(Task.created_at, Task.bpmn_id)).all()
        timers = session.scalars(select(DueTimer).where(DueTimer.instance_id == instance_id)
                                 .order_by(DueTimer.bpmn_id, DueTimer.due_at)).all()
        history = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                  .order_by(AuditEvent.id)).all()
        workflow = case_workflow(rt, session, instance_id)
        assert json.loads(instance.state)["tasks"] == \
            json.loads(PLAIN.serialize_json(workflow))["tasks"]
        return {
            "status": instance.status,
            "revision": instance.revision,
            "tasks": [(t.bpmn_id, t.name, t.state, t.due_at, t.completed_by_id) for t in rows],
            "timers": [(t.bpmn_id, t.state, t.due_at) for t in timers],
            "history": [(e.action, e.actor_name, sorted((e.detail or {}).keys()))
                        for e in history],
            "data": case_data(workflow),
        }


def test_a_cold_command_leaves_the_case_as_a_warm_one(runtime, people):
    warm_id, warm_answers = _drive(runtime, people, cold=False)
    cold_id, cold_answers = _drive(runtime, people, cold=True)
    assert cold_answers == warm_answers
    warm, cold = _stored(runtime, warm_id), _stored(runtime, cold_id)
    assert warm["status"] == "completed"
    assert cold == warm
