"""SpiffWorkflow's words, turned into govflow's own for a process owner.

SpiffWorkflow's parser speaks to programmers ("Expected an error node",
"RecursionError(...)", a TypeError from its own code). A process owner gets a
sentence in Thai and English that says what is wrong and what to do; wording we
do not know gets a generic sentence, and the library's text goes to the log only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from engine.bpmn.xml_names import BPMN_NS

__all__ = ["GENERIC", "KIND_TH", "TOO_DEEP", "plain_spiff_message"]

Words = tuple[str, str]

# The root elements that events and tasks name by id, in Thai.
KIND_TH = {
    "error": "ข้อผิดพลาด (error)",
    "escalation": "การยกระดับ (escalation)",
    "message": "ข้อความ (message)",
    "signal": "สัญญาณ (signal)",
}

GENERIC: Words = (
    "the workflow engine cannot read this element; check it in Camunda Modeler, or "
    "replace it with a simpler construct (the details are in the server log)",
    "ระบบงาน (workflow engine) อ่านองค์ประกอบนี้ไม่ได้ กรุณาตรวจสอบใน Camunda Modeler "
    "หรือเปลี่ยนเป็นรูปแบบที่ง่ายกว่า (รายละเอียดอยู่ในบันทึกของเซิร์ฟเวอร์)",
)
TOO_DEEP: Words = (
    "too many steps follow one another here for the workflow engine to read "
    "(it reads a run of a few hundred at most); split the process into sub-processes",
    "มีขั้นตอนต่อเนื่องกันยาวเกินกว่าที่ระบบงานจะอ่านได้ (อ่านได้ไม่เกินราวสองสามร้อยขั้นตอน"
    "ต่อเนื่องกัน) กรุณาแบ่งกระบวนการออกเป็นกระบวนการย่อย (sub-process)",
)


def _association_refs(element: etree._Element | None, kind: str) -> str:
    if element is None:
        return "?"
    ref = "sourceRef" if kind == "dataInputAssociation" else "targetRef"
    refs = element.xpath(f"./bpmn:{kind}/bpmn:{ref}/text()", namespaces={"bpmn": BPMN_NS})
    return ", ".join(f"'{r.strip()}'" for r in refs) or "?"


def _dangling(kind: str) -> Words:
    return (f"the reference to a bpmn:{kind} names none in this file; add it under "
            "bpmn:definitions or pick an existing one",
            f"การอ้างถึง{KIND_TH[kind]} ไม่ตรงกับรายการใดในไฟล์นี้ กรุณาเพิ่มไว้ใต้ bpmn:definitions "
            "หรือเลือกรายการที่มีอยู่")


# (pattern at the start of SpiffWorkflow's message, its words); {tag} is the element.
_FIXED: list[tuple[str, Words]] = [
    ("There is no support implemented for this task type",
     ("'{tag}' is not supported by this workflow engine; use a supported element",
      "ระบบนี้ยังไม่รองรับองค์ประกอบ '{tag}' กรุณาใช้องค์ประกอบที่รองรับ")),
    ("No start event found",
     ("the process has no start event", "กระบวนการนี้ไม่มีเหตุการณ์เริ่มต้น (start event)")),
    ("A Service Task must have an operator",
     ("service task has no spiffworkflow:serviceTaskOperator, so the engine does not know "
      "which service to call",
      "service task นี้ไม่มี spiffworkflow:serviceTaskOperator ระบบจึงไม่ทราบว่าต้องเรียกบริการใด")),
    ("Expected an error node", _dangling("error")),
    ("Expected an Error node", _dangling("error")),
    ("Expected an Escalation node", _dangling("escalation")),
    ("Expected a Message node", _dangling("message")),
    ("Expected a Signal node", _dangling("signal")),
    ("Multiple outgoing flows are not supported",
     ("this {tag} has more than one outgoing sequence flow; put a gateway after it to "
      "choose or split the way",
      "{tag} นี้มีเส้นลำดับงานออกมากกว่าหนึ่งเส้น กรุณาใส่ทางแยก (gateway) ต่อจากองค์ประกอบนี้")),
    ("Cancel Events may only be used with transactions",
     ("a cancel event can only sit on a transaction",
      "เหตุการณ์ยกเลิก (cancel event) ใช้ได้กับธุรกรรม (transaction) เท่านั้น")),
    ("A loopMaximum or loopCondition must be specified",
     ("a loop task needs a loop maximum or a loop condition",
      "งานแบบวนซ้ำ (loop) ต้องกำหนดจำนวนรอบสูงสุดหรือเงื่อนไขการวน")),
    ("A multiinstance task must specify a cardinality or a collection",
     ("a multi-instance task needs a cardinality or a collection",
      "งานแบบ multi-instance ต้องกำหนดจำนวน (cardinality) หรือชุดข้อมูล (collection)")),
    ("The loop input data reference is missing",
     ("the multi-instance input names data that the task's input/output specification lacks",
      "ข้อมูลขาเข้าของงาน multi-instance ไม่มีใน ioSpecification ของงาน")),
    ("The loop output data reference is missing",
     ("the multi-instance output names data that the task's input/output specification lacks",
      "ข้อมูลขาออกของงาน multi-instance ไม่มีใน ioSpecification ของงาน")),
    ("A SubWorkflow Must contain an End event",
     ("the sub-process has no end event", "กระบวนการย่อยนี้ไม่มีเหตุการณ์สิ้นสุด (end event)")),
    ("Conditional event definition with missing condition",
     ("the conditional event has no condition", "เหตุการณ์แบบมีเงื่อนไขนี้ไม่ได้กำหนดเงื่อนไข")),
    ("Duplicate process ID",
     ("two processes have the same id", "มีกระบวนการสองรายการใช้ id เดียวกัน")),
    ("Unknown Time Specification",
     ("the timer has no timeDate, timeDuration or timeCycle",
      "ตัวจับเวลานี้ไม่มี timeDate, timeDuration หรือ timeCycle")),
    ("Time Specification Error",
     ("the timer's time cannot be read", "อ่านค่าเวลาของตัวจับเวลานี้ไม่ได้")),
    ("RecursionError", TOO_DEEP),
]


def _data_store(raw: str, tag: str, element: etree._Element | None) -> Words | None:
    match = re.match(r"Data Store with name (.*) has no implementation", raw)
    if not match:
        return None
    name = match.group(1)
    return (f"data store '{name}' is not supported by this workflow engine; "
            "remove it or use a data object instead",
            f"ระบบนี้ไม่รองรับ data store '{name}' กรุณาลบออกหรือใช้ data object แทน")


def _association(raw: str, tag: str, element: etree._Element | None) -> Words | None:
    match = re.match(r"Cannot resolve (dataInputAssociation|dataOutputAssociation)", raw)
    if not match:
        return None
    refs = _association_refs(element, match.group(1))
    return (f"a data association refers to {refs}, which is not a data object of this process",
            f"การเชื่อมโยงข้อมูล (data association) อ้างถึง {refs} "
            "ซึ่งไม่ใช่ data object ของกระบวนการนี้")


def _missing_target(raw: str, tag: str, element: etree._Element | None) -> Words | None:
    if not raw.startswith("When looking for a task spec, we found two items"):
        return None
    target = raw.rsplit("(", 1)[-1].rstrip(")")
    return (f"a sequence flow points to '{target}', which does not exist",
            f"เส้นลำดับงาน (sequence flow) อ้างถึง '{target}' ซึ่งไม่มีอยู่จริง")


def _missing_id(raw: str, tag: str, element: etree._Element | None) -> Words | None:
    match = re.match(r"(Signal|Error|Escalation|Correlation|Message|Data Store) "
                     r"(identifier|name) is missing", raw)
    if not match:
        return None
    kind = match.group(1).lower().replace(" ", "")
    what = "id" if match.group(2) == "identifier" else "name"
    return (f"a bpmn:{kind} has no {what}; give it one",
            f"bpmn:{kind} รายการหนึ่งไม่มี {what} กรุณากำหนด")


_MATCHERS: list[Callable[[str, str, etree._Element | None], Words | None]] = [
    _data_store, _association, _missing_target, _missing_id,
]


def plain_spiff_message(raw: str, tag: str, element: etree._Element | None) -> Words | None:
    """govflow's words for one of SpiffWorkflow's messages, or None when we do not know it
    (the caller then says GENERIC and logs ``raw``)."""
    for matcher in _MATCHERS:
        found = matcher(raw, tag, element)
        if found is not None:
            return found
    for start, (en, th) in _FIXED:
        if raw.startswith(start):
            return en.replace("{tag}", tag), th.replace("{tag}", tag)
    return None
