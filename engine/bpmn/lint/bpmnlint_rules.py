"""What each of bpmnlint's recommended rules means, in Thai and in English, and what to do.

bpmnlint's own messages are short English phrases ("Incoming flows do not join"); a
process owner reads these sentences instead, with the element's id put in. A rule not
listed here (a newer bpmnlint) keeps bpmnlint's words behind a Thai lead-in.

Every finding is a warning in govflow (``severity_of``): what govflow cannot run is
already an error of its own checks (a disconnected step, a gateway flow without a
condition, a complex gateway, a link event), with the same element id. bpmnlint's
"error" rules beyond those are modelling advice (a missing label, an inclusive gateway,
which govflow runs), and deploy does not run Node, so none of them may decide whether a
file can go live.
"""

from __future__ import annotations

from engine.bpmn.problems import Severity

__all__ = ["COVERED_BY_GOVFLOW", "RULE_TEXTS", "rule_texts", "severity_of"]

#: rule → (English, Thai), each with ``{id}`` for the element the finding is on.
RULE_TEXTS: dict[str, tuple[str, str]] = {
    "conditional-flows": (
        "Flow {id} leaves a split but has no condition: give it a condition, or make it "
        "the default flow",
        "เส้นทาง {id} ออกจากจุดที่แยกหลายทางแต่ไม่มีเงื่อนไข กรุณากำหนดเงื่อนไข "
        "หรือตั้งเป็นเส้นทางปริยาย (default)"),
    "end-event-required": (
        "Process {id} has no end event: end each path in an end event",
        "กระบวนงาน {id} ไม่มีเหตุการณ์สิ้นสุด (end event) กรุณาให้ทุกเส้นทางจบที่เหตุการณ์สิ้นสุด"),
    "event-sub-process-typed-start-event": (
        "Start event {id} of an event sub-process needs a type (a timer, an error, ...)",
        "เหตุการณ์เริ่มต้น {id} ของกระบวนการย่อยแบบเหตุการณ์ต้องระบุชนิด เช่น ตัวจับเวลาหรือข้อผิดพลาด"),
    "fake-join": (
        "Several flows enter {id} directly: add a joining gateway before it and let the "
        "flows meet there",
        "มีหลายเส้นทางเข้าสู่ {id} โดยตรง กรุณาเพิ่มทางรวม (joining gateway) ก่อน {id} "
        "ให้เส้นทางมาบรรจบกันที่นั่น"),
    "global": (
        "{id} is declared but nothing in the diagram uses it: use it or remove it",
        "{id} ประกาศไว้แต่ไม่มีส่วนใดในแผนภาพใช้ กรุณาใช้งานหรือลบออก"),
    "label-required": (
        "{id} has no name: name it so that readers of the diagram know what it is",
        "{id} ยังไม่มีชื่อ กรุณาตั้งชื่อให้ผู้อ่านแผนภาพเข้าใจ"),
    "link-event": (
        "Link event {id} has no partner of the same name",
        "เหตุการณ์เชื่อมโยง (link event) {id} ไม่มีคู่ที่ชื่อตรงกัน"),
    "no-bpmndi": (
        "{id} is not drawn in the diagram (no BPMNDI shape): draw it or remove it",
        "{id} ไม่มีรูปในแผนภาพ (BPMNDI) กรุณาวาดลงในแผนภาพหรือลบออก"),
    "no-complex-gateway": (
        "{id} is a complex gateway: use an exclusive or a parallel gateway",
        "{id} เป็นทางแยกแบบซับซ้อน (complex gateway) กรุณาใช้ทางแยกแบบเลือกทางเดียวหรือแบบขนาน"),
    "no-disconnected": (
        "{id} is not connected to any other step: connect it with flows in and out, or "
        "remove it",
        "{id} ไม่ได้เชื่อมกับขั้นตอนอื่น กรุณาลากเส้นทางเข้าและออก หรือลบออก"),
    "no-duplicate-sequence-flows": (
        "{id} repeats a flow between the same two elements: remove the duplicate",
        "{id} เป็นเส้นทางซ้ำระหว่างสองจุดเดียวกัน กรุณาลบเส้นที่ซ้ำ"),
    "no-gateway-join-fork": (
        "Gateway {id} both joins and splits flows: use one gateway to join and another "
        "to split",
        "ทางแยก {id} ทั้งรวมและแยกเส้นทางในตัวเดียว กรุณาใช้ทางรวมหนึ่งตัวและทางแยกอีกหนึ่งตัว"),
    "no-implicit-split": (
        "Several flows leave {id} without a gateway: add a gateway after it",
        "มีหลายเส้นทางออกจาก {id} โดยไม่ผ่านทางแยก กรุณาเพิ่มทางแยก (gateway) ต่อจาก {id}"),
    "no-implicit-end": (
        "{id} has no outgoing flow, so the process ends there without an end event: "
        "connect it to an end event",
        "{id} ไม่มีเส้นทางออก กระบวนงานจะจบที่นี่โดยไม่มีเหตุการณ์สิ้นสุด "
        "กรุณาต่อเส้นไปยังเหตุการณ์สิ้นสุด"),
    "no-implicit-start": (
        "{id} has no incoming flow, so it starts without a start event: connect a flow "
        "into it",
        "{id} ไม่มีเส้นทางเข้า จะเริ่มเองโดยไม่มีเหตุการณ์เริ่มต้น กรุณาต่อเส้นทางเข้าจากขั้นตอนก่อนหน้า"),
    "no-inclusive-gateway": (
        "{id} is an inclusive gateway, which readers find hard to follow: consider an "
        "exclusive or a parallel gateway",
        "{id} เป็นทางแยกแบบเลือกได้หลายทาง (inclusive gateway) ซึ่งอ่านเข้าใจยาก "
        "พิจารณาใช้ทางแยกแบบเลือกทางเดียวหรือแบบขนาน"),
    "no-overlapping-elements": (
        "{id} overlaps another shape in the diagram: move it apart",
        "{id} วางทับรูปอื่นในแผนภาพ กรุณาจัดตำแหน่งใหม่"),
    "single-blank-start-event": (
        "{id} has more than one plain start event: keep one",
        "{id} มีเหตุการณ์เริ่มต้นแบบธรรมดามากกว่าหนึ่งจุด กรุณาเหลือไว้จุดเดียว"),
    "single-event-definition": (
        "Event {id} has more than one event type: keep one",
        "เหตุการณ์ {id} มีชนิดเหตุการณ์มากกว่าหนึ่งชนิด กรุณาเหลือไว้ชนิดเดียว"),
    "start-event-required": (
        "Process {id} has no start event: add one",
        "กระบวนงาน {id} ไม่มีเหตุการณ์เริ่มต้น (start event) กรุณาเพิ่ม"),
    "sub-process-blank-start-event": (
        "Start event {id} of a sub-process must be a plain start event, without a type",
        "เหตุการณ์เริ่มต้น {id} ของกระบวนการย่อยต้องเป็นแบบธรรมดา ไม่ระบุชนิด"),
    "superfluous-gateway": (
        "Gateway {id} has one flow in and one flow out, so it does nothing: remove it",
        "ทางแยก {id} มีเส้นทางเข้าและออกอย่างละหนึ่งเส้น จึงไม่จำเป็น กรุณาลบออก"),
    "superfluous-termination": (
        "Terminate end event {id} is not needed: a plain end event does the same",
        "เหตุการณ์สิ้นสุดแบบยุติ (terminate) {id} ไม่จำเป็น ใช้เหตุการณ์สิ้นสุดธรรมดาแทนได้"),
}

#: bpmnlint rules whose finding govflow's own lint reports as an error on the same element
#: (engine/bpmn/lint/connections.py): the bpmnlint copy is dropped there.
COVERED_BY_GOVFLOW = frozenset({"no-disconnected", "no-implicit-start", "no-implicit-end"})


def rule_texts(rule: str, element_id: str | None, bpmnlint_message: str) -> tuple[str, str]:
    """(English, Thai) for one finding; bpmnlint's own words for a rule not listed."""
    named = element_id or "?"
    known = RULE_TEXTS.get(rule)
    if known is None:
        return (f"bpmnlint {rule}: {bpmnlint_message} [{named}]",
                f"ข้อสังเกตจาก bpmnlint ({rule}) ที่ {named}: {bpmnlint_message}")
    en, th = known
    return (f"{en.format(id=named)} (bpmnlint {rule})", f"{th.format(id=named)} (bpmnlint {rule})")


def severity_of(category: str) -> Severity:
    """A finding is a warning; a rule that crashed on the file only says so (a notice)."""
    return "notice" if category == "rule-error" else "warning"
