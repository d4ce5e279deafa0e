"""Sentences about the diagram's elements: steps, gateways, events and flows added,
removed, renamed, moved to another lane, or given other instructions or script."""

from __future__ import annotations

from collections.abc import Iterator

from engine.bpmn.changes import notes
from engine.bpmn.changes.change import Change, code, quoted
from engine.bpmn.changes.elements import Element, ProcessView
from engine.bpmn.changes.pair import Pair
from engine.bpmn.changes.timers import timer_words
from engine.bpmn.changes.words import STEP_KINDS, noun, role_en, role_th, topic_of


def element_changes(pair: Pair) -> Iterator[Change]:
    old, new = pair.old.elements, pair.new.elements
    for el_id in new.keys() - old.keys():
        if new[el_id].kind != "sequenceFlow":
            yield _added(pair, new[el_id])
    for el_id in old.keys() - new.keys():
        if old[el_id].kind != "sequenceFlow":
            yield _removed(pair, old[el_id])
    for el_id in sorted(old.keys() & new.keys()):
        yield from _changed(pair, old[el_id], new[el_id])


def flow_changes(pair: Pair) -> Iterator[Change]:
    """Flows added, removed or re-routed: the order of the steps."""
    old, new = pair.old.elements, pair.new.elements
    for el_id in sorted(new.keys() - old.keys()):
        if new[el_id].kind == "sequenceFlow":
            th, en = _route(pair.new, new[el_id])
            yield Change("added", "flow", f"เพิ่มเส้นทาง {th}", f"Added the flow {en}", el_id)
    for el_id in sorted(old.keys() - new.keys()):
        if old[el_id].kind == "sequenceFlow":
            th, en = _route(pair.old, old[el_id])
            yield Change("removed", "flow", f"ลบเส้นทาง {th}", f"Removed the flow {en}", el_id)
    for el_id in sorted(old.keys() & new.keys()):
        before, after = old[el_id], new[el_id]
        if after.kind == "sequenceFlow" and (before.source, before.target) != (
                after.source, after.target):
            (th0, en0), (th1, en1) = _route(pair.old, before), _route(pair.new, after)
            yield Change("changed", "flow", f"เส้นทาง {th0} เปลี่ยนเป็น {th1}",
                         f"The flow {en0} now goes {en1}", el_id)


def _route(view: ProcessView, flow: Element) -> tuple[str, str]:
    arrow = f"{quoted(view.label(flow.source))} → {quoted(view.label(flow.target))}"
    return arrow, arrow


def _where(pair: Pair, el: Element, view: ProcessView) -> tuple[str, str]:
    """' บนขั้นตอน ...' for a boundary event: which task it sits on."""
    if not el.attached_to:
        return "", ""
    host = quoted(view.label(el.attached_to))
    return f" บนขั้นตอน {host}", f" on the step {host}"


def _added(pair: Pair, el: Element) -> Change:
    th, en = noun(el.kind, timer=el.is_timer)
    name = quoted(el.name or el.id)
    if el.kind in STEP_KINDS:
        role = pair.role_of(el.id, new=True)
        rule = pair.new_bundle.tasks.get(el.id)
        form = rule.form if rule is not None else None
        title = _form_title(pair, form)
        with_form = (f" ใช้แบบฟอร์ม {quoted(title)}", f", with the form {quoted(title)}") \
            if form else ("", "")
        return Change("added", "step", f"เพิ่ม{th} {name} ทำโดย {role_th(role)}{with_form[0]}",
                      f"Added the {en} {name}, done by {role_en(role)}{with_form[1]}",
                      el.id, (el.id,), *notes.ADDED_STEP)
    where_th, where_en = _where(pair, el, pair.new)
    if el.is_timer:
        due_th, due_en = timer_words(pair.new.timers.get(el.id, ""), pair.new_bundle)
        # No running case is touched: their version has no such timer.
        return Change("added", "timer", f"เพิ่ม{th} {name}{where_th}: {due_th}",
                      f"Added the {en} {name}{where_en}: {due_en}", el.id, (), *notes.TIMER)
    return Change("added", topic_of(el.kind), f"เพิ่ม{th} {name}{where_th}",
                  f"Added the {en} {name}{where_en}", el.id)


def _removed(pair: Pair, el: Element) -> Change:
    th, en = noun(el.kind, timer=el.is_timer)
    name = quoted(el.name or el.id)
    where_th, where_en = _where(pair, el, pair.old)
    if el.kind in STEP_KINDS:
        return Change("removed", "step", f"ลบ{th} {name}", f"Removed the {en} {name}",
                      el.id, (el.id,), *notes.REMOVED_STEP)
    return Change("removed", topic_of(el.kind, timer=el.is_timer),
                  f"ลบ{th} {name}{where_th}", f"Removed the {en} {name}{where_en}", el.id)


def _form_title(pair: Pair, form: str | None) -> str:
    if not form:
        return ""
    schema = pair.new_bundle.forms.get(form) or pair.old_bundle.forms.get(form) or {}
    return str(schema.get("title") or form)


def _changed(pair: Pair, before: Element, after: Element) -> Iterator[Change]:
    th, en = noun(after.kind, timer=after.is_timer)
    topic = topic_of(after.kind, timer=after.is_timer)
    # A boundary event's change touches no running case: a timer already waiting keeps
    # its time, even when its case moves to the new version.
    steps = (after.id,) if after.kind in STEP_KINDS else ()
    if before.name != after.name and after.kind != "sequenceFlow":
        old_name, new_name = quoted(before.name or before.id), quoted(after.name or after.id)
        yield Change("changed", topic, f"เปลี่ยนชื่อ{th} {old_name} เป็น {new_name}",
                     f"Renamed the {en} {old_name} to {new_name}", after.id, steps)
    name = quoted(after.name or after.id)
    if after.kind in STEP_KINDS:
        yield from _step_changes(pair, before, after, name)
    if before.documentation != after.documentation and after.kind in STEP_KINDS:
        yield Change("changed", topic, f"คำแนะนำของ{th} {name} เปลี่ยน",
                     f"The instructions of the {en} {name} changed", after.id, steps)
    old_script = pair.old.scripts.get(after.id)
    new_script = pair.new.scripts.get(after.id)
    if old_script is not None and new_script is not None and old_script != new_script:
        yield Change("changed", "script",
                     f"{th} {name} เปลี่ยนคำสั่งจาก {code(old_script)} เป็น {code(new_script)}",
                     f"The {en} {name} now runs {code(new_script)} instead of "
                     f"{code(old_script)}", after.id)


def _step_changes(pair: Pair, before: Element, after: Element,
                  name: str) -> Iterator[Change]:
    """A user task moved to another lane, or given another form."""
    old_rule = pair.old_bundle.tasks.get(after.id)
    new_rule = pair.new_bundle.tasks.get(after.id)
    if before.lane_id != after.lane_id:
        lane0 = quoted(pair.old.lanes.get(before.lane_id or "", before.lane_id or "-"))
        lane1 = quoted(pair.new.lanes.get(after.lane_id or "", after.lane_id or "-"))
        role0 = old_rule.role if old_rule else None
        role1 = new_rule.role if new_rule else None
        who_th = f": ทำโดย {role_th(role1)} แทน {role_th(role0)}" if role0 != role1 else ""
        who_en = f": done by {role_en(role1)} instead of {role_en(role0)}" \
            if role0 != role1 else ""
        yield Change("changed", "step",
                     f"ขั้นตอน {name} ย้ายจากช่อง {lane0} ไปช่อง {lane1}{who_th}",
                     f"The step {name} moved from the lane {lane0} to {lane1}{who_en}",
                     after.id, (after.id,), *notes.WHO)
    form0 = old_rule.form if old_rule else None
    form1 = new_rule.form if new_rule else None
    if form0 != form1:
        title0, title1 = quoted(_form_title(pair, form0)), quoted(_form_title(pair, form1))
        if form1 and form0:
            th = f"ขั้นตอน {name} ใช้แบบฟอร์ม {title1} แทน {title0}"
            en = f"The step {name} uses the form {title1} instead of {title0}"
        elif form1:
            th, en = (f"ขั้นตอน {name} ใช้แบบฟอร์ม {title1}",
                      f"The step {name} now has the form {title1}")
        else:
            th, en = (f"ขั้นตอน {name} ไม่มีแบบฟอร์มแล้ว (เดิม {title0})",
                      f"The step {name} no longer has a form (it had {title0})")
        yield Change("changed", "form", th, en, after.id, (after.id,), *notes.FORM)
