"""References between elements, checked before SpiffWorkflow turns dangling ones into
misleading messages without line numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from lxml import etree

from engine.bpmn.loading.process_info import is_executable
from engine.bpmn.loading.spiff_messages import KIND_TH
from engine.bpmn.problems import Problem
from engine.bpmn.xml_names import BPMN_NS, nearest_id, tag_of

__all__ = ["check_references"]


class _Siblings:
    """The ids of each container's direct children, each set built once.

    Rebuilding the set for every flow made a container of n flows cost n².
    """

    def __init__(self) -> None:
        self._ids: dict[etree._Element, set[str | None]] = {}

    def of(self, element: etree._Element) -> set[str | None]:
        parent = element.getparent()
        assert parent is not None  # a flow found inside a process sits in a container
        ids = self._ids.get(parent)
        if ids is None:
            ids = {el.get("id") for el in parent.iterchildren(tag=etree.Element)}
            self._ids[parent] = ids
        return ids


@dataclass(frozen=True)
class _Ids:
    all: set[str]
    processes: set[str | None]
    # Root elements events and tasks point at, by kind: error, escalation, message, signal.
    by_kind: dict[str, set[str | None]]
    siblings: _Siblings


def _check_flow_refs(flow: etree._Element, file: str, ids: _Ids) -> list[Problem]:
    sibling_ids = ids.siblings.of(flow)
    flow_id = flow.get("id") or "?"
    problems = []
    for attr, what in (("sourceRef", "comes from"), ("targetRef", "points to")):
        ref = flow.get(attr)
        if not ref or ref in sibling_ids:
            continue  # a missing attribute is reported by the XSD check
        elsewhere = ref in ids.all
        where = "is in another process or sub-process" if elsewhere else "does not exist"
        where_th = "อยู่ในกระบวนการหรือกระบวนการย่อยอื่น" if elsewhere else "ไม่มีอยู่จริง"
        problems.append(Problem(
            file, flow.sourceline, flow_id,
            f"sequence flow {flow_id} {what} '{ref}', which {where}",
            f"เส้นลำดับงาน (sequence flow) {flow_id} อ้างถึง '{ref}' ซึ่ง{where_th}",
        ))
    return problems


def _check_boundary_refs(event: etree._Element, file: str, ids: _Ids) -> list[Problem]:
    ref = event.get("attachedToRef")
    if not ref or ref in ids.all:
        return []
    event_id = event.get("id") or "?"
    return [Problem(
        file, event.sourceline, event_id,
        f"boundary event {event_id} is attached to '{ref}', which does not exist",
        f"boundary event {event_id} ผูกอยู่กับ '{ref}' ซึ่งไม่มีอยู่จริง",
    )]


def _check_call_refs(call: etree._Element, file: str, ids: _Ids) -> list[Problem]:
    called = call.get("calledElement")
    if called and called in ids.processes:
        return []
    call_id = call.get("id") or "?"
    if not called:
        return [Problem(
            file, call.sourceline, call_id,
            f"call activity {call_id} names no process to call; set its calledElement to the "
            "id of a process in this file",
            f"call activity {call_id} ไม่ได้ระบุกระบวนการที่จะเรียก กรุณากำหนด calledElement "
            "เป็น id ของกระบวนการในไฟล์นี้",
        )]
    return [Problem(
        file, call.sourceline, call_id,
        f"call activity {call_id} calls process '{called}', which is not in this file",
        f"call activity {call_id} เรียกกระบวนการ '{called}' ซึ่งไม่มีอยู่ในไฟล์นี้",
    )]


# The attribute that names a root element, and that element's kind.
_ROOT_REFS = {
    "errorEventDefinition": ("errorRef", "error"),
    "escalationEventDefinition": ("escalationRef", "escalation"),
    "messageEventDefinition": ("messageRef", "message"),
    "signalEventDefinition": ("signalRef", "signal"),
    "sendTask": ("messageRef", "message"),
    "receiveTask": ("messageRef", "message"),
}


def _check_root_ref(element: etree._Element, file: str, ids: _Ids) -> list[Problem]:
    """An errorRef, escalationRef, messageRef or signalRef must name such an element:
    SpiffWorkflow meets a dangling one with an internal TypeError."""
    attr, kind = _ROOT_REFS[etree.QName(element).localname]
    kind_th = KIND_TH[kind]
    ref = (element.get(attr) or "").strip()
    if not ref or ref in ids.by_kind[kind]:
        return []
    # An event definition belongs to its event: name the event, as the modeler shows it.
    is_definition = etree.QName(element).localname.endswith("EventDefinition")
    owner_id = nearest_id(element.getparent() if is_definition else element) or "?"
    return [Problem(
        file, element.sourceline, owner_id,
        f"{attr}=\"{ref}\" of {owner_id} names no bpmn:{kind} of this file; add "
        f"<bpmn:{kind} id=\"{ref}\"> under bpmn:definitions or pick an existing one",
        f"{attr}=\"{ref}\" ของ {owner_id} อ้างถึง{kind_th} ที่ไม่มีในไฟล์นี้ "
        f"กรุณาเพิ่ม <bpmn:{kind} id=\"{ref}\"> ใต้ bpmn:definitions หรือเลือกรายการที่มีอยู่",
    )]


_Check = Callable[[etree._Element, str, _Ids], list[Problem]]
_REFERENCE_CHECKS: dict[str, _Check] = {
    f"{{{BPMN_NS}}}sequenceFlow": _check_flow_refs,
    f"{{{BPMN_NS}}}boundaryEvent": _check_boundary_refs,
    f"{{{BPMN_NS}}}callActivity": _check_call_refs,
    **{f"{{{BPMN_NS}}}{tag}": _check_root_ref for tag in _ROOT_REFS},
}


def _ids(root: etree._Element, processes: list[etree._Element]) -> _Ids:
    by_kind: dict[str, set[str | None]] = {kind: set() for kind in KIND_TH}
    for element in root.iterchildren(*(f"{{{BPMN_NS}}}{kind}" for kind in by_kind)):
        by_kind[etree.QName(element).localname].add(element.get("id"))
    return _Ids(
        all={el_id for el in root.iter(tag=etree.Element) if (el_id := el.get("id"))},
        processes={p.get("id") for p in processes},
        by_kind=by_kind,
        siblings=_Siblings(),
    )


def check_references(tree: etree._ElementTree, file: str) -> list[Problem]:
    """Catch dangling references before SpiffWorkflow turns them into misleading
    messages without line numbers: errors in executable processes, warnings in
    the rest (they are shown, never run). One walk over each process."""
    root = tree.getroot()
    processes = root.findall(f"{{{BPMN_NS}}}process")
    ids = _ids(root, processes)
    problems: list[Problem] = []
    for process in processes:
        severity: Literal["error", "warning"] = "error" if is_executable(process) else "warning"
        for element in process.iter(*_REFERENCE_CHECKS):
            found = _REFERENCE_CHECKS[tag_of(element)](element, file, ids)
            problems += found if severity == "error" else [
                replace(p, severity=severity) for p in found]
    return problems
