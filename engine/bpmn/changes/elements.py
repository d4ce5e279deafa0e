"""One version of a process as the sentences read it: its elements, lanes and timers."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.bpmn.loading.process_info import ProcessInfo, process_info
from engine.bpmn.loading.safe_xml import read_xml
from engine.bpmn.xml_names import BPMN_NS, local_name

#: The BPMN elements a sentence may name; the rest (definitions, documentation,
#: extension elements) are read through the element that holds them.
FLOW_KINDS = frozenset({
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask",
    "receiveTask", "businessRuleTask", "callActivity", "subProcess", "transaction",
    "adHocSubProcess", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
    "eventBasedGateway", "complexGateway", "startEvent", "endEvent",
    "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "sequenceFlow",
})


@dataclass(frozen=True)
class Element:
    id: str
    kind: str
    name: str
    lane_id: str | None = None
    documentation: str = ""
    source: str | None = None
    target: str | None = None
    attached_to: str | None = None
    is_timer: bool = False


@dataclass
class ProcessView:
    elements: dict[str, Element] = field(default_factory=dict)
    info: ProcessInfo | None = None
    #: Escalation code → the name the BPMN gives it.
    escalation_names: dict[str, str] = field(default_factory=dict)

    def label(self, element_id: str | None) -> str:
        """An element's name, else its id."""
        if not element_id:
            return ""
        found = self.elements.get(element_id)
        return found.name if found is not None and found.name else element_id

    @property
    def lanes(self) -> dict[str, str]:
        return self.info.lanes if self.info is not None else {}

    @property
    def timers(self) -> dict[str, str]:
        """Timer event id → its expression."""
        return {t.element_id: t.expression for t in self.info.timers} if self.info else {}

    @property
    def scripts(self) -> dict[str, str]:
        return self.info.script_tasks if self.info is not None else {}

    @property
    def conditions(self) -> dict[str, str]:
        return self.info.conditions if self.info is not None else {}


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _element(el: etree._Element, node_lane: dict[str, str]) -> Element:
    el_id = el.get("id") or ""
    doc = el.find(f"{{{BPMN_NS}}}documentation")
    return Element(
        id=el_id, kind=local_name(el), name=_one_line(el.get("name")),
        lane_id=node_lane.get(el_id),
        documentation=(doc.text or "").strip() if doc is not None else "",
        source=el.get("sourceRef"), target=el.get("targetRef"),
        attached_to=el.get("attachedToRef"),
        is_timer=el.find(f"{{{BPMN_NS}}}timerEventDefinition") is not None,
    )


def read_view(bpmn: bytes, process_key: str) -> ProcessView:
    """The process ``process_key`` of a BPMN file (parsed by the safe loader); an empty
    view when the file has no such process."""
    root = read_xml(bpmn, f"{process_key}.bpmn").getroot()
    process = next((p for p in root.iter(f"{{{BPMN_NS}}}process")
                    if p.get("id") == process_key), None)
    if process is None:
        return ProcessView()
    info = process_info(process)
    elements = {
        el.get("id") or "": _element(el, info.node_lane)
        for el in process.iter()
        if isinstance(el.tag, str) and el.get("id") and etree.QName(el).namespace == BPMN_NS
        and local_name(el) in FLOW_KINDS
    }
    names = {
        esc.get("escalationCode") or "": _one_line(esc.get("name"))
        for esc in root.iter(f"{{{BPMN_NS}}}escalation") if esc.get("escalationCode")
    }
    return ProcessView(elements, info, names)
