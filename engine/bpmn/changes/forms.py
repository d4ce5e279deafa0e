"""Sentences about the forms the two versions share: "แบบฟอร์ม 'คัดกรอง': เพิ่มช่อง
'เหตุผล' (ต้องกรอก)", a field removed, made required, given other choices, another type
or title, or marked personal data (``"x-personal": true|false`` on the field)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from engine.bpmn.changes import notes
from engine.bpmn.changes.change import Change, Kind, quoted
from engine.bpmn.changes.pair import Pair
from engine.bpmn.changes.words import field_type
from engine.bpmn.forms import choice_options, title_in
from engine.core.personal_data import MARK as PERSONAL

_PERSONAL_YES = ("ข้อมูลส่วนบุคคล: เข้ารหัส และเห็นเฉพาะกลุ่มกฎหมายและคดีกับผู้อำนวยการ",
                 "personal data: encrypted, and shown only to Legal Affairs and the Director")
_PERSONAL_NO = ("ไม่ใช่ข้อมูลส่วนบุคคล: เก็บและแสดงเหมือนช่องทั่วไป",
                "not personal data: kept and shown like any other field")
#: Field keys whose change the sentences name, besides title, type, choices and required.
_DETAILS: dict[str, tuple[str, str]] = {
    "description": ("คำอธิบาย", "help text"), "x-description-en": ("คำอธิบาย", "help text"),
    "maxLength": ("ความยาว", "length"), "minLength": ("ความยาว", "length"),
    "minimum": ("ช่วงค่า", "range"), "maximum": ("ช่วงค่า", "range"),
    "default": ("ค่าเริ่มต้น", "default value"), "x-title-en": ("ชื่อภาษาอังกฤษ", "English title"),
}
_SEEN = {"title", "type", "format", "oneOf", "anyOf", "enum", PERSONAL}


def form_changes(pair: Pair) -> Iterator[Change]:
    """Every form path both versions use, compared field by field."""
    for path, steps in _shared_forms(pair).items():
        before, after = pair.old_bundle.forms.get(path), pair.new_bundle.forms.get(path)
        if before is None or after is None or before == after:
            continue
        is_start = path == pair.new_bundle.start_form
        note = notes.START_FORM if is_start else notes.FORM
        element = pair.new.info.start_event if is_start and pair.new.info else None
        yield from _form(before, after, path, element, steps, note, pair.keeps_personal)


def _shared_forms(pair: Pair) -> dict[str, tuple[str, ...]]:
    """Form path → the user tasks that use it in both versions (the start form: none)."""
    shared: dict[str, tuple[str, ...]] = {}
    old_start, new_start = pair.old_bundle.start_form, pair.new_bundle.start_form
    if old_start and old_start == new_start:
        shared[new_start] = ()
    for task_id, rule in pair.new_bundle.tasks.items():
        old_rule = pair.old_bundle.tasks.get(task_id)
        if rule.form and old_rule is not None and old_rule.form == rule.form:
            shared[rule.form] = (*shared.get(rule.form, ()), task_id)
    return shared


def _form(before: Mapping[str, Any], after: Mapping[str, Any], path: str,
          element: str | None, steps: tuple[str, ...], note: tuple[str, str],
          keeps_personal: bool) -> Iterator[Change]:
    head_th = f"แบบฟอร์ม {quoted(title_in(after, 'th', path))}: "
    head_en = f"Form {quoted(title_in(after, 'en', path))}: "

    def say(kind: Kind, th: str, en: str) -> Change:
        return Change(kind, "field", head_th + th, head_en + en, element, steps, *note)

    found = list(_field_sentences(before, after, say, keeps_personal))
    if title_in(before, "th", path) != title_in(after, "th", path):
        found.insert(0, say("changed", f"เปลี่ยนชื่อจาก {quoted(title_in(before, 'th', path))}",
                            f"renamed from {quoted(title_in(before, 'en', path))}"))
    if before.get("allOf") != after.get("allOf"):
        found.append(say("changed", "เปลี่ยนเงื่อนไขว่าช่องใดต้องกรอกเมื่อใด",
                         "the rules for when a field is required changed"))
    if not found:
        found.append(say("changed", "เปลี่ยนรายละเอียดอื่น (คำอธิบายหรือการตรวจค่า)",
                         "other details changed (help text or checks)"))
    yield from found


def _properties(form: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    props = form.get("properties") or {}
    return {k: v for k, v in props.items() if isinstance(v, Mapping)}


def _field_sentences(before: Mapping[str, Any], after: Mapping[str, Any], say: Any,
                     keeps_personal: bool) -> Iterator[Change]:
    """One sentence per field change; the personal-data mark only where the process keeps
    personal data (elsewhere the mark changes nothing, so nothing is said)."""
    props0, props1 = _properties(before), _properties(after)
    req0, req1 = set(before.get("required") or ()), set(after.get("required") or ())
    for name in props1.keys() - props0.keys():
        yield _added_field(props1[name], name, name in req1, say, keeps_personal)
    for name in props0.keys() - props1.keys():
        title = quoted(title_in(props0[name], "th", name))
        title_en = quoted(title_in(props0[name], "en", name))
        yield say("removed", f"ลบช่อง {title}", f"removed the field {title_en}")
    common = [n for n in props1 if n in props0]
    for name in common:
        yield from _field(props0[name], props1[name], name, (name in req0, name in req1), say,
                          keeps_personal)
    if common != [n for n in props0 if n in props1]:
        yield say("changed", "เปลี่ยนลำดับช่อง", "the fields are in another order")


def _added_field(prop: Mapping[str, Any], name: str, required: bool, say: Any,
                 keeps_personal: bool) -> Change:
    marks_th = ["ต้องกรอก" if required else "ไม่บังคับ"]
    marks_en = ["required" if required else "optional"]
    if keeps_personal and prop.get(PERSONAL) is not None:
        th, en = _PERSONAL_YES if prop.get(PERSONAL) else _PERSONAL_NO
        marks_th.append(th)
        marks_en.append(en)
    return say("added", f"เพิ่มช่อง {quoted(title_in(prop, 'th', name))} ({', '.join(marks_th)})",
               f"added the field {quoted(title_in(prop, 'en', name))} ({', '.join(marks_en)})")


def _field(prop0: Mapping[str, Any], prop1: Mapping[str, Any], name: str,
           required: tuple[bool, bool], say: Any, keeps_personal: bool) -> Iterator[Change]:
    title = quoted(title_in(prop1, "th", name))
    title_en = quoted(title_in(prop1, "en", name))
    if title_in(prop0, "th", name) != title_in(prop1, "th", name):
        yield say("changed", f"เปลี่ยนชื่อช่อง {quoted(title_in(prop0, 'th', name))} เป็น {title}",
                  f"renamed the field {quoted(title_in(prop0, 'en', name))} to {title_en}")
    if required[0] != required[1]:
        yield say("changed", f"ช่อง {title} ต้องกรอกแล้ว" if required[1]
                  else f"ช่อง {title} ไม่บังคับกรอกแล้ว",
                  f"the field {title_en} is now " + ("required" if required[1] else "optional"))
    type0, type1 = field_type(prop0), field_type(prop1)
    if type0 != type1:
        yield say("changed", f"ช่อง {title} เปลี่ยนชนิดจาก{type0[0]}เป็น{type1[0]}",
                  f"the field {title_en} changed from {type0[1]} to {type1[1]}")
    yield from _choices(prop0, prop1, title, title_en, say)
    if keeps_personal and prop0.get(PERSONAL) != prop1.get(PERSONAL) \
            and prop1.get(PERSONAL) is not None:
        th, en = _PERSONAL_YES if prop1.get(PERSONAL) else _PERSONAL_NO
        yield say("changed", f"ช่อง {title} เป็น{th}" if prop1.get(PERSONAL)
                  else f"ช่อง {title} {th}", f"the field {title_en} is now {en}")
    details = sorted({_DETAILS[k] for k in (prop0.keys() | prop1.keys())
                      if k in _DETAILS and prop0.get(k) != prop1.get(k)})
    others = {k for k in (prop0.keys() | prop1.keys())
              if k not in _DETAILS and k not in _SEEN and prop0.get(k) != prop1.get(k)}
    if details or others:
        th = " ".join([d[0] for d in details] + (["อื่น ๆ"] if others else []))
        en = ", ".join([d[1] for d in details] + (["other checks"] if others else []))
        yield say("changed", f"ช่อง {title} เปลี่ยน{th}", f"the field {title_en}: {en} changed")


def _choices(prop0: Mapping[str, Any], prop1: Mapping[str, Any], title: str, title_en: str,
             say: Any) -> Iterator[Change]:
    th0, th1 = choice_options(prop0), choice_options(prop1)
    en0, en1 = choice_options(prop0, "en"), choice_options(prop1, "en")
    if not th0 and not th1:
        return
    parts_th, parts_en = [], []
    added = [c for c in th1 if c not in th0]
    removed = [c for c in th0 if c not in th1]
    renamed = [c for c in th1 if c in th0 and th0[c] != th1[c]]
    if added:
        parts_th.append("เพิ่มตัวเลือก " + ", ".join(quoted(th1[c]) for c in added))
        parts_en.append("added the choices " + ", ".join(quoted(en1[c]) for c in added))
    if removed:
        parts_th.append("ลบตัวเลือก " + ", ".join(quoted(th0[c]) for c in removed))
        parts_en.append("removed the choices " + ", ".join(quoted(en0[c]) for c in removed))
    for c in renamed:
        parts_th.append(f"เปลี่ยนชื่อตัวเลือก {quoted(th0[c])} เป็น {quoted(th1[c])}")
        parts_en.append(f"renamed the choice {quoted(en0[c])} to {quoted(en1[c])}")
    if not parts_th and list(th0) != list(th1):
        parts_th.append("เปลี่ยนลำดับตัวเลือก")
        parts_en.append("the choices are in another order")
    if parts_th:
        yield say("changed", f"ช่อง {title}: " + "; ".join(parts_th),
                  f"the field {title_en}: " + "; ".join(parts_en))
