"""The words the change sentences share: role names, element kinds and field types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.bpmn.forms import choice_nodes
from engine.core.roles import ROLE_NAMES_EN, ROLES

#: BPMN element kind → (Thai, English) noun.
_NOUNS: dict[str, tuple[str, str]] = {
    "userTask": ("ขั้นตอน", "step"),
    "manualTask": ("ขั้นตอน", "step"),
    "scriptTask": ("งานอัตโนมัติ", "automatic step"),
    "serviceTask": ("งานอัตโนมัติ", "automatic step"),
    "businessRuleTask": ("งานอัตโนมัติ", "automatic step"),
    "sendTask": ("งานอัตโนมัติ", "automatic step"),
    "receiveTask": ("งานรอรับ", "receive step"),
    "task": ("งาน", "task"),
    "callActivity": ("การเรียกกระบวนงานอื่น", "call activity"),
    "subProcess": ("กระบวนการย่อย", "sub-process"),
    "transaction": ("กระบวนการย่อย", "sub-process"),
    "adHocSubProcess": ("กระบวนการย่อย", "sub-process"),
    "exclusiveGateway": ("ทางแยก", "gateway"),
    "inclusiveGateway": ("ทางแยก", "gateway"),
    "parallelGateway": ("ทางแยกคู่ขนาน", "parallel gateway"),
    "eventBasedGateway": ("ทางแยก", "gateway"),
    "complexGateway": ("ทางแยก", "gateway"),
    "startEvent": ("จุดเริ่มต้น", "start event"),
    "endEvent": ("จุดสิ้นสุด", "end event"),
    "intermediateCatchEvent": ("เหตุการณ์", "event"),
    "intermediateThrowEvent": ("เหตุการณ์", "event"),
    "boundaryEvent": ("เหตุการณ์", "event"),
    "sequenceFlow": ("เส้นทาง", "flow"),
}
STEP_KINDS = frozenset({"userTask", "manualTask"})
TIMER_NOUN = ("ตัวจับเวลา", "timer")
#: A text field this long is drawn as a box of several lines (webui/forms_render.py's rule).
LONG_TEXT_FROM = 500


def noun(kind: str, *, timer: bool = False) -> tuple[str, str]:
    if timer:
        return TIMER_NOUN
    return _NOUNS.get(kind, ("องค์ประกอบ", "element"))


def topic_of(kind: str, *, timer: bool = False) -> str:
    if timer:
        return "timer"
    if kind in STEP_KINDS:
        return "step"
    if kind == "sequenceFlow":
        return "flow"
    if kind.endswith("Gateway"):
        return "gateway"
    if kind.endswith("Event"):
        return "event"
    return "step"


def role_th(role: str | None) -> str:
    """'ผู้อำนวยการกลุ่มกฎหมายและคดี (legal_head)'; a lane with no role says so."""
    if not role:
        return "ไม่มีผู้ทำ (ช่องนี้ไม่ได้กำหนดบทบาทใน processes.toml)"
    return f"{ROLES.get(role, role)} ({role})"


def role_en(role: str | None) -> str:
    if not role:
        return "nobody (the lane has no role in processes.toml)"
    return f"{ROLE_NAMES_EN.get(role, role)} ({role})"


def field_type(prop: Mapping[str, Any]) -> tuple[str, str]:
    """A form field's type as the form editor names it."""
    if choice_nodes(prop) or prop.get("enum"):
        return "ตัวเลือก", "choice"
    kind = prop.get("type")
    if kind == "boolean":
        return "ใช่/ไม่ใช่", "yes/no"
    if kind in ("number", "integer"):
        return "ตัวเลข", "number"
    if kind == "array":
        return "รายการ", "list"
    if prop.get("format") == "date":
        return "วันที่", "date"
    if prop.get("format") in ("data-url", "binary") or prop.get("contentMediaType"):
        return "ไฟล์", "file"
    if (prop.get("maxLength") or 0) >= LONG_TEXT_FROM:
        return "ข้อความยาว", "long text"
    return "ข้อความ", "text"
