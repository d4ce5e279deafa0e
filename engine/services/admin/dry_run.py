"""A dry run: walk a test case through a process in memory, the owner choosing each
decision, to see who would get each task and when each deadline would fall.

The case runs on the engine's own parts, the parsed spec, the script engine with the
working-day calendar, the runner, as a real case would, from sample start data received
today, but it is never written anywhere: no row, no letter, no mail. Nothing is kept
between requests either: the decisions taken so far (the flows chosen, in order) come with
each request and the walk is replayed from the start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task as SpiffTask
from sqlalchemy import select

from engine.bpmn.definitions import Definition, check_bytes
from engine.bpmn.loading.safe_xml import read_xml
from engine.bpmn.placeholders import fill_name
from engine.core.actors import Actor
from engine.core.errors import InvalidData, NotFound
from engine.core.models import ProcessVersion, utcnow
from engine.core.personal_data import derived_flags, split_personal
from engine.services.admin import drafts
from engine.services.admin.dry_run_choices import Decision, decide, decision_after, sample_form
from engine.workflow.cases import engine_failure_message, new_workflow
from engine.workflow.runner import Scan, advance, attached_timer_due, attached_user_task
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

#: A walk stops after this many steps (a loop that no decision ends).
MAX_STEPS = 60
SOURCES = ("draft", "current")


@dataclass(frozen=True)
class _Model:
    """What a dry run runs: a version's definition, its BPMN tree, and where it came from."""

    definition: Definition
    tree: etree._ElementTree
    source: str
    revision: int | None
    errors: int
    #: Lane id → role where the draft changes a lane's role (processes.toml's otherwise).
    lanes: dict[str, str]


def _current_model(rt: Runtime, key: str) -> _Model:
    with rt.db.read() as session:
        rt.refresh_calendar(session)
        definition = rt.definitions.current(session, key)
        raw = session.scalar(select(ProcessVersion.bpmn_xml).where(
            ProcessVersion.process_key == key, ProcessVersion.is_current.is_(True)))
    if definition is None or raw is None:
        raise NotFound(f"ไม่พบกระบวนงาน '{key}' / no process '{key}'")
    return _Model(definition, read_xml(raw, f"{key}.bpmn"), "current", None, 0, {})


def _draft_model(rt: Runtime, actor: Actor, key: str) -> _Model:
    saved = drafts.draft_file(rt, actor, key)
    checked = check_bytes(saved.bpmn, saved.file_name, rt.settings.processes_dir)
    bundle = checked.processes.get(key)
    if checked.loaded is None or bundle is None or key not in checked.loaded.specs:
        raise InvalidData(
            "ฉบับร่างนี้ยังทดลองเดินเรื่องไม่ได้ เพราะมีข้อผิดพลาดที่ทำให้อ่านกระบวนงานไม่ได้ แก้ตามรายงานผล"
            "การตรวจในหน้าแก้ไขก่อน / the draft cannot be tried yet: it has errors that stop "
            "the process loading; fix those the editor's report lists first")
    definition = Definition(
        version_id=0, process_key=key, version=0, version_hash="", name=bundle.name,
        spec=checked.loaded.specs[key],
        subprocess_specs=checked.loaded.subprocess_specs.get(key, {}), bundle=bundle)
    errors = sum(p.severity == "error" for p in checked.problems)
    return _Model(definition, checked.loaded.tree, "draft", saved.revision, errors,
                  saved.lanes)


def _model(rt: Runtime, actor: Actor, key: str, source: str | None) -> _Model:
    drafts.require_owner(actor)
    if source not in (None, *SOURCES):
        raise InvalidData("เลือกได้เฉพาะฉบับร่างหรือฉบับที่ใช้อยู่ / choose the draft or the "
                          "current version", {"source": " | ".join(SOURCES)})
    if source == "current" or (source is None and not drafts.has_draft(rt, key)):
        return _current_model(rt, key)
    return _draft_model(rt, actor, key)


# ---- the walk ---------------------------------------------------------------------------

def _start_data(definition: Definition, now: Any) -> dict[str, Any]:
    """Sample start-form data, kept as a real start keeps it: personal fields out."""
    data = sample_form(definition.start_form, now)
    public, personal = split_personal(definition.process_key, data)
    public.update(derived_flags(definition.process_key, personal))
    return public


def _timers_of(task: SpiffTask, scan: Scan) -> list[dict[str, Any]]:
    """The timers waiting on the task (reminders, deadline, escalations), soonest first."""
    data = task.data
    return [{"name": fill_name(timer.task_spec.bpmn_name or timer.task_spec.bpmn_id, data),
             "due": iso(due)}
            for timer, due in sorted(scan.timers, key=lambda pair: pair[1])
            if attached_user_task(timer) is task]


def _step(model: _Model, task: SpiffTask, scan: Scan) -> dict[str, Any]:
    bpmn_id = task.task_spec.bpmn_id
    rule = model.definition.task_info(bpmn_id)
    name = (rule.name if rule else None) or task.task_spec.bpmn_name or bpmn_id
    role = (model.lanes.get(rule.lane_id or "") or rule.role) if rule else None
    return {
        "task": bpmn_id,
        "name": fill_name(name, task.data),
        "lane": rule.lane_name if rule else None,
        "role": role,
        "due": iso(attached_timer_due(task, rule.deadline_timers if rule else None)),
        "timers": _timers_of(task, scan),
        "choice": None,
    }


def _decision_view(decision: Decision) -> dict[str, Any]:
    return {"task": decision.task, "gateway": decision.gateway,
            "gateway_name": decision.gateway_name,
            "options": [{"flow": o.flow, "name": o.name, "available": o.values is not None,
                         "values": o.values or {}} for o in decision.options]}


class _Walk:
    """One replay: the workflow, the steps so far and the decisions taken."""

    def __init__(self, rt: Runtime, model: _Model, path: Sequence[str]) -> None:
        self.rt, self.model, self.path = rt, model, list(path)
        self.now = utcnow()
        self.steps: list[dict[str, Any]] = []
        self.taken: list[str] = []
        self.pending: Decision | None = None
        self.stopped: str | None = None
        self.workflow = new_workflow(rt, model.definition,
                                     _start_data(model.definition, self.now))

    def _evaluate(self, expression: str, scope: dict[str, Any]) -> Any:
        return self.rt.script_engine.environment.evaluate(expression, scope)

    def _values_for(self, task: SpiffTask, step: dict[str, Any]) -> dict[str, Any] | None:
        """The task's form values, with the chosen decision's; None: wait for a choice."""
        schema = self.model.definition.task_form(task.task_spec.bpmn_id)
        values = sample_form(schema, self.now)
        gateway = decision_after(self.model.tree, task.task_spec.bpmn_id)
        if gateway is None:
            return values
        decision = decide(self.model.tree, gateway, task.task_spec.bpmn_id, schema,
                          {**task.data, **values}, self._evaluate)
        index = len(self.taken)
        option = decision.option(self.path[index]) if index < len(self.path) else None
        if option is None or option.values is None:
            self.pending = decision
            return None
        self.taken.append(option.flow)
        step["choice"] = {"flow": option.flow, "name": option.name}
        return {**values, **option.values}

    def run(self) -> None:
        scan = self._advance(None)
        while scan is not None and len(self.steps) < MAX_STEPS:
            if not scan.ready_user:
                return
            task = scan.ready_user[0]
            step = _step(self.model, task, scan)
            self.steps.append(step)
            values = self._values_for(task, step)
            if values is None:
                return
            task.data.update(values)
            self.workflow.run_task_from_id(task.id)
            scan = self._advance(step["name"])
        if scan is not None:
            self.stopped = (f"หยุดที่ {MAX_STEPS} ขั้นตอน (อาจวนซ้ำโดยไม่มีการตัดสินใจ) / stopped "
                            f"after {MAX_STEPS} steps (a loop no decision ends?)")

    def _advance(self, after: str | None) -> Scan | None:
        try:
            return advance(self.workflow)
        except SpiffWorkflowException as exc:
            step = f"งาน '{after}' / '{after}'" if after else "การเริ่มเรื่อง / starting the case"
            self.stopped = engine_failure_message(exc, step)
            return None

    def view(self) -> dict[str, Any]:
        model = self.model
        workflow: BpmnWorkflow = self.workflow
        return {
            "process_key": model.definition.process_key,
            "name": model.definition.name,
            "source": model.source,
            "revision": model.revision,
            "errors": model.errors,
            "received_at": iso(self.now),
            "steps": self.steps,
            "decision": _decision_view(self.pending) if self.pending else None,
            "path": self.taken,
            "finished": workflow.is_completed() and self.stopped is None,
            "stopped": self.stopped,
        }


def dry_run(rt: Runtime, actor: Actor, key: str, path: Sequence[str] = (),
            source: str | None = None) -> dict[str, Any]:
    """Walk a test case of ``key`` (its draft, else its current version; or ``source``)
    along the decisions ``path`` (flow ids, in order), up to the next decision or the end.

    Reads the process and nothing else: no row is written and no mail is sent."""
    if len(path) > MAX_STEPS or not all(isinstance(flow, str) and len(flow) <= 200
                                        for flow in path):
        raise InvalidData("เส้นทางที่เลือกไม่ถูกต้อง / the chosen path is not valid",
                          {"path": f"≤ {MAX_STEPS}"})
    walk = _Walk(rt, _model(rt, actor, key, source), path)
    walk.run()
    return walk.view()
