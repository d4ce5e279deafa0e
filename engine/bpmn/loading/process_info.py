"""What govflow reads from one process element: lanes, user tasks and their forms,
timers, scripts, conditions and the start event."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from engine.bpmn.xml_names import BPMN_NS, NS

__all__ = ["ProcessInfo", "TimerInfo", "UserTaskInfo", "is_executable", "process_info"]

FORM_PROPERTY = "formJsonSchemaFilename"
TimerKind = Literal["timeDate", "timeDuration", "timeCycle"]
TIMER_KINDS: tuple[TimerKind, ...] = ("timeDate", "timeDuration", "timeCycle")


@dataclass(frozen=True)
class UserTaskInfo:
    id: str
    name: str | None
    documentation: str | None
    form: str | None
    lane_id: str | None
    line: int | None


@dataclass(frozen=True)
class TimerInfo:
    element_id: str
    attached_to: str | None
    kind: TimerKind
    expression: str
    line: int | None


@dataclass
class ProcessInfo:
    process_id: str
    name: str | None
    executable: bool
    lanes: dict[str, str] = field(default_factory=dict)
    node_lane: dict[str, str] = field(default_factory=dict)
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)
    start_form: str | None = None
    timers: list[TimerInfo] = field(default_factory=list)
    script_tasks: dict[str, str] = field(default_factory=dict)
    conditions: dict[str, str] = field(default_factory=dict)
    start_event: str | None = None  # the first start event directly in the process
    start_line: int | None = None
    line: int | None = None  # of the process element: where its file-wide problems sit


def is_executable(process: etree._Element) -> bool:
    # Same rule as SpiffWorkflow's ProcessParser, so we never ask it for a spec
    # it considers non-executable.
    return process.get("isExecutable", "true").strip() == "true"


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _spiff_property(element: etree._Element, name: str) -> str | None:
    found = element.xpath(
        "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property[@name=$n]/@value",
        namespaces=NS, n=name,
    )
    return str(found[0]) if found else None


def _lanes(process: etree._Element) -> tuple[dict[str, str], dict[str, str]]:
    lanes: dict[str, str] = {}
    node_lane: dict[str, str] = {}
    # Document order puts nested lanes after their parents, so the innermost
    # lane wins, as it does in SpiffWorkflow.
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        lane_id = lane.get("id")
        if not lane_id:
            continue
        lanes[lane_id] = lane.get("name") or lane_id
        for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
            node_id = _text(ref)
            if node_id:
                node_lane[node_id] = lane_id
    _inherit_subprocess_lanes(process, node_lane)
    return lanes, node_lane


_CONTAINERS = {f"{{{BPMN_NS}}}{t}" for t in ("subProcess", "transaction", "adHocSubProcess")}
_FLOW_NODE_SKIP = {f"{{{BPMN_NS}}}{t}" for t in (
    "sequenceFlow", "laneSet", "lane", "documentation", "extensionElements",
    "dataObject", "dataObjectReference", "dataStoreReference", "textAnnotation",
    "association", "ioSpecification", "property",
)}


def _inherit_subprocess_lanes(process: etree._Element, node_lane: dict[str, str]) -> None:
    # Tasks inside a sub-process are not listed in any lane; SpiffWorkflow
    # gives them the sub-process's lane, so we do the same.
    for container in process.iter(*_CONTAINERS):
        lane_id = node_lane.get(container.get("id", ""))
        if lane_id is None:
            continue
        for child in container:
            child_id = child.get("id") if isinstance(child.tag, str) else None
            if child_id and child.tag not in _FLOW_NODE_SKIP:
                node_lane.setdefault(child_id, lane_id)


def _user_tasks(process: etree._Element, node_lane: dict[str, str]) -> dict[str, UserTaskInfo]:
    tasks = {}
    for task in process.iter(f"{{{BPMN_NS}}}userTask"):
        task_id = task.get("id")
        if not task_id:
            continue
        doc = task.find(f"{{{BPMN_NS}}}documentation")
        tasks[task_id] = UserTaskInfo(
            id=task_id,
            name=task.get("name"),
            documentation=None if doc is None else (doc.text or None),
            form=_spiff_property(task, FORM_PROPERTY),
            lane_id=node_lane.get(task_id),
            line=task.sourceline,
        )
    return tasks


def _start_form(process: etree._Element) -> str | None:
    for start in process.findall(f"{{{BPMN_NS}}}startEvent"):
        has_trigger = any(
            isinstance(child.tag, str) and child.tag.endswith("EventDefinition")
            for child in start
        )
        if not has_trigger:
            return _spiff_property(start, FORM_PROPERTY)
    return None


def _timers(process: etree._Element) -> list[TimerInfo]:
    timers = []
    for definition in process.iter(f"{{{BPMN_NS}}}timerEventDefinition"):
        event = definition.getparent()
        assert event is not None  # a definition found inside a process sits in its event
        for kind in TIMER_KINDS:
            expr = definition.find(f"{{{BPMN_NS}}}{kind}")
            if expr is None:
                continue
            timers.append(TimerInfo(
                element_id=event.get("id") or "",
                attached_to=event.get("attachedToRef"),
                kind=kind,
                expression=(expr.text or "").strip(),
                line=event.sourceline,
            ))
    return timers


def _scripts(process: etree._Element) -> dict[str, str]:
    scripts = {}
    for task in process.iter(f"{{{BPMN_NS}}}scriptTask"):
        script = task.find(f"{{{BPMN_NS}}}script")
        task_id = task.get("id")
        if task_id:
            scripts[task_id] = "" if script is None else (script.text or "")
    return scripts


def _conditions(process: etree._Element) -> dict[str, str]:
    conditions = {}
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        expr = flow.find(f"{{{BPMN_NS}}}conditionExpression")
        flow_id = flow.get("id")
        if expr is not None and flow_id:
            conditions[flow_id] = (expr.text or "").strip()
    return conditions


def process_info(process: etree._Element) -> ProcessInfo:
    lanes, node_lane = _lanes(process)
    start = next((s for s in process.iterchildren(f"{{{BPMN_NS}}}startEvent") if s.get("id")),
                 None)
    return ProcessInfo(
        process_id=process.get("id") or "",
        name=process.get("name"),
        executable=is_executable(process),
        lanes=lanes,
        node_lane=node_lane,
        user_tasks=_user_tasks(process, node_lane),
        start_form=_start_form(process),
        timers=_timers(process),
        script_tasks=_scripts(process),
        conditions=_conditions(process),
        start_event=None if start is None else start.get("id"),
        start_line=None if start is None else start.sourceline,
        line=process.sourceline,
    )
