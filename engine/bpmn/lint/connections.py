"""Every step is on a path: a flow leads into it and a flow leaves it.

A task no flow leads into never runs; one no flow leaves ends the case there, without an
end event, and a case that should go on is closed. Either is an error with the step's id,
so such a file is never deployed. Start events need no flow in and end events none out;
boundary events hang on their task, and event sub-processes, compensation handlers and
link events are started by what they catch, not by a flow.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from engine.bpmn.problems import Problem, problem_at
from engine.bpmn.xml_names import BPMN_NS, local_name

__all__ = ["check_connections"]

_TASKS = ("task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask",
          "receiveTask", "businessRuleTask", "callActivity", "subProcess", "transaction",
          "adHocSubProcess")
_EVENTS = ("intermediateCatchEvent", "intermediateThrowEvent")
_GATEWAYS = ("exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
             "complexGateway")
_CHECKED = {f"{{{BPMN_NS}}}{name}" for name in (*_TASKS, *_EVENTS, *_GATEWAYS)}
# An ad-hoc sub-process's steps have no flows by design (and it is refused as unsupported).
_CONTAINERS = {f"{{{BPMN_NS}}}{name}" for name in ("process", "subProcess", "transaction")}
_FLOW = f"{{{BPMN_NS}}}sequenceFlow"


def check_connections(file: str, process: etree._Element) -> list[Problem]:
    problems = []
    for container in _containers(process):
        flows = container.findall(_FLOW)
        targets = {flow.get("targetRef") for flow in flows}
        sources = {flow.get("sourceRef") for flow in flows}
        for node in container.iterchildren(*_CHECKED):
            if _started_by_an_event(node):
                continue
            eid = node.get("id")
            found = _missing(eid or "?", local_name(node), eid in targets, eid in sources)
            if found is not None:
                problems.append(problem_at(file, node, eid, *found))
    return problems


def _containers(process: etree._Element) -> Iterator[etree._Element]:
    """The process and every sub-process in it: each holds its own flows."""
    yield process
    for element in process.iter(*_CONTAINERS):
        if element is not process:
            yield element


def _started_by_an_event(node: etree._Element) -> bool:
    # A link event's pair is joined by name, not by a flow (and is refused as unsupported).
    return (node.get("triggeredByEvent") == "true" or node.get("isForCompensation") == "true"
            or node.find(f"{{{BPMN_NS}}}linkEventDefinition") is not None)


def _missing(eid: str, kind: str, has_incoming: bool,
             has_outgoing: bool) -> tuple[str, str] | None:
    """(English, Thai) for a step without a flow in, out or both; None when it has both."""
    if not has_incoming and not has_outgoing:
        return (f"{kind} {eid} is not connected: no flow leads into it or out of it; "
                "connect it to the steps before and after it, or remove it",
                f"ขั้นตอน {eid} ไม่ได้เชื่อมกับขั้นตอนใด ไม่มีเส้นทางเข้าและออก "
                "กรุณาลากเส้นทางจากขั้นตอนก่อนหน้าและไปยังขั้นตอนถัดไป หรือลบออก")
    if not has_incoming:
        return (f"no flow leads into {kind} {eid}, so it never runs: connect a flow into it, "
                "or remove it",
                f"ไม่มีเส้นทางเข้าสู่ขั้นตอน {eid} ขั้นตอนนี้จึงไม่มีวันได้ทำ "
                "กรุณาลากเส้นทางเข้าจากขั้นตอนก่อนหน้า หรือลบออก")
    if not has_outgoing:
        return (f"no flow leaves {kind} {eid}, so a case would end there without an end "
                "event: connect it to the next step or to an end event",
                f"ไม่มีเส้นทางออกจากขั้นตอน {eid} เรื่องจะจบที่นี่โดยไม่มีเหตุการณ์สิ้นสุด "
                "กรุณาลากเส้นทางไปยังขั้นตอนถัดไปหรือเหตุการณ์สิ้นสุด")
    return None
