"""Elements that load but that govflow cannot run (messages, compensation, links,
transactions, ad-hoc sub-processes, service tasks)."""

from __future__ import annotations

from lxml import etree

from engine.bpmn.problems import Problem, problem_at
from engine.bpmn.xml_names import BPMN_NS, local_name, tag_of

__all__ = ["check_unsupported"]

# SpiffWorkflow itself refuses complexGateway, dataStoreReference, serviceTask
# without an operator, businessRuleTask without DMN and callActivity to another
# file (engine.bpmn.loading reports those). These load but govflow cannot run them.
_UNSUPPORTED_TAGS = {
    "sendTask": ("a send task (govflow does not route messages)",
                 "งานส่งข้อความ (send task) เพราะ govflow ยังไม่ส่งต่อข้อความ"),
    "receiveTask": ("a receive task (govflow does not route messages)",
                    "งานรับข้อความ (receive task) เพราะ govflow ยังไม่ส่งต่อข้อความ"),
    "serviceTask": ("a service task (govflow has no services to call)",
                    "งานเรียกบริการ (service task) เพราะ govflow ยังไม่มีบริการให้เรียก"),
    "transaction": ("a transaction", "ธุรกรรม (transaction)"),
    "adHocSubProcess": ("an ad-hoc sub-process", "กระบวนการย่อยแบบ ad-hoc"),
}
_UNSUPPORTED_EVENTS = {
    "messageEventDefinition": ("a message event (govflow does not route messages)",
                               "เหตุการณ์ข้อความ (message event) เพราะ govflow ยังไม่ส่งต่อข้อความ"),
    "compensateEventDefinition": ("a compensation event", "เหตุการณ์ชดเชย (compensation event)"),
    "linkEventDefinition": ("a link event", "เหตุการณ์เชื่อมโยง (link event)"),
}


def check_unsupported(file: str, process: etree._Element) -> list[Problem]:
    problems = []
    for element in process.iter(etree.Element):
        found = _unsupported(element)
        if found is None:
            continue
        target, (en, th) = found
        eid = target.get("id")
        problems.append(problem_at(
            file, target, eid,
            f"govflow cannot run {local_name(target)} yet: {eid} is {en}",
            f"govflow ยังไม่รองรับ {local_name(target)}: {eid} เป็น{th}",
        ))
    return problems


def _unsupported(element: etree._Element) -> tuple[etree._Element, tuple[str, str]] | None:
    name = local_name(element) if tag_of(element).startswith(f"{{{BPMN_NS}}}") else ""
    if name in _UNSUPPORTED_TAGS:
        return element, _UNSUPPORTED_TAGS[name]
    if name in _UNSUPPORTED_EVENTS:
        event = element.getparent()
        assert event is not None  # a definition found inside a process sits in its event
        return event, _UNSUPPORTED_EVENTS[name]
    return None
