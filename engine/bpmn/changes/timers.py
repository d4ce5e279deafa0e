"""Sentences about deadlines and conditions: a timer's due time or a flow's condition
changed, with the working-day helpers said in words."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine.bpmn.bundle import ProcessBundle
from engine.bpmn.changes import notes
from engine.bpmn.changes.change import Change, code, quoted
from engine.bpmn.changes.pair import Pair
from engine.bpmn.forms import title_in

#: The two helpers BPMN timers call (engine/thai/workdays.py) and the hour each gives.
_HELPERS = {"deadline_after": "16:30", "working_days_after": "08:30"}
_CALL = re.compile(r"^(deadline_after|working_days_after)\(\s*([A-Za-z_]\w*)\s*,\s*(.+?)\s*\)$")


def timer_words(expression: str, bundle: ProcessBundle) -> tuple[str, str]:
    """'5 วันทำการหลังวันที่ได้รับเรื่อง เวลา 16:30 น.' for a helper call; the expression
    itself for anything else."""
    match = _CALL.match(" ".join(expression.split()))
    if match is None:
        return code(expression), code(expression)
    helper, field, days = match.groups()
    hour = _HELPERS[helper]
    setting = (bundle.to_dict().get("settings") or {}).get(days)
    days_th = days_en = days
    if isinstance(setting, dict):  # a named setting: its label and this version's value
        days_th = f"{setting.get('label_th') or days} ({setting.get('value')})"
        days_en = f"{setting.get('label_en') or days} ({setting.get('value')})"
    prop = (bundle.forms.get(bundle.start_form or "", {}).get("properties") or {}).get(field)
    field_th = title_in(prop, "th", field) if isinstance(prop, dict) else field
    field_en = title_in(prop, "en", field) if isinstance(prop, dict) else field
    return (f"{days_th} วันทำการหลัง{field_th} เวลา {hour} น.",
            f"{days_en} working days after {field_en}, at {hour}")


def timer_changes(pair: Pair) -> Iterator[Change]:
    old, new = pair.old.timers, pair.new.timers
    for timer_id in sorted(old.keys() & new.keys()):
        if " ".join(old[timer_id].split()) == " ".join(new[timer_id].split()):
            continue
        el = pair.new.elements.get(timer_id)
        host = el.attached_to if el is not None else None
        where_th = f" บนขั้นตอน {quoted(pair.label(host))}" if host else ""
        where_en = f" on the step {quoted(pair.label(host))}" if host else ""
        th0, en0 = timer_words(old[timer_id], pair.old_bundle)
        th1, en1 = timer_words(new[timer_id], pair.new_bundle)
        name = quoted(pair.label(timer_id))
        # No running case's steps: a timer already waiting keeps its time (notes.TIMER).
        yield Change("changed", "timer",
                     f"กำหนดเวลา {name}{where_th} เปลี่ยนจาก {th0} เป็น {th1}",
                     f"The deadline {name}{where_en} changed from {en0} to {en1}",
                     timer_id, (), *notes.TIMER)


def condition_changes(pair: Pair) -> Iterator[Change]:
    """A condition on a flow that exists in both versions, added, removed or changed."""
    old, new = pair.old.conditions, pair.new.conditions
    both = pair.old.elements.keys() & pair.new.elements.keys()
    for flow_id in sorted((old.keys() | new.keys()) & both):
        before, after = old.get(flow_id), new.get(flow_id)
        if before == after:
            continue
        flow = pair.new.elements[flow_id]
        route = f"{quoted(pair.new.label(flow.source))} → {quoted(pair.new.label(flow.target))}"
        if before and after:
            th = f"เงื่อนไขของเส้นทาง {route} เปลี่ยนจาก {code(before)} เป็น {code(after)}"
            en = f"The condition of the flow {route} changed from {code(before)} to " \
                 f"{code(after)}"
        elif after:
            th = f"เส้นทาง {route} มีเงื่อนไข {code(after)}"
            en = f"The flow {route} now has the condition {code(after)}"
        else:
            th = f"เส้นทาง {route} ไม่มีเงื่อนไขแล้ว (เดิม {code(before or '')})"
            en = f"The flow {route} no longer has a condition (it was {code(before or '')})"
        yield Change("changed", "condition", th, en, flow_id)
