"""Sentences about what processes.toml gives a version: its settings ("ระยะเวลาพิจารณา
เบื้องต้น: 3 → 5 วันทำการ"), the roles of its lanes, its supervisors and escalations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from engine.bpmn.changes import notes
from engine.bpmn.changes.change import Change, quoted
from engine.bpmn.changes.pair import Pair
from engine.bpmn.changes.words import role_en, role_th

#: A setting's type → its unit (Thai, English).
_UNITS = {"working_days": ("วันทำการ", "working days")}
#: Bundle keys said only as "changed", by their Thai and English names.
_OTHER_RULES = {
    "title_field": ("ช่องที่ใช้เป็นชื่อเรื่อง", "the field used as the case title"),
    "received_field": ("ช่องวันที่รับเรื่อง", "the date-received field"),
    "letters": ("หนังสือที่ระบบออกเมื่องานเสร็จ", "the letters issued when steps complete"),
    "notify_owner": ("ขั้นตอนที่แจ้งเจ้าของเรื่องเมื่อเสร็จ",
                     "the steps whose completion the case's owner is told of"),
    "publication_step": ("ขั้นตอนที่เผยแพร่บนเว็บไซต์", "the step that publishes on the website"),
}


def _settings(stored: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    raw = stored.get("settings") or {}
    return {k: v for k, v in raw.items() if isinstance(v, Mapping)} if isinstance(
        raw, Mapping) else {}


def _amount(setting: Mapping[str, Any]) -> tuple[str, str]:
    unit_th, unit_en = _UNITS.get(str(setting.get("type")), ("", ""))
    value = setting.get("value")
    return f"{value} {unit_th}".strip(), f"{value} {unit_en}".strip()


def setting_changes(pair: Pair) -> Iterator[Change]:
    old, new = _settings(pair.old_stored), _settings(pair.new_stored)
    for name, setting in new.items():
        label_th = str(setting.get("label_th") or name)
        label_en = str(setting.get("label_en") or name)
        th1, en1 = _amount(setting)
        beyond_th, beyond_en = _beyond_rule(setting)
        if name not in old:
            yield Change("added", "setting", f"เพิ่มค่าตั้ง {label_th}: {th1}{beyond_th}",
                         f"Added the setting {label_en}: {en1}{beyond_en}", None, (),
                         *notes.SETTING)
        elif old[name].get("value") != setting.get("value"):
            value0 = old[name].get("value")
            yield Change("changed", "setting", f"{label_th}: {value0} → {th1}{beyond_th}",
                         f"{label_en}: {value0} → {en1}{beyond_en}", None, (), *notes.SETTING)
    for name in old.keys() - new.keys():
        label_th = str(old[name].get("label_th") or name)
        label_en = str(old[name].get("label_en") or name)
        yield Change("removed", "setting", f"ลบค่าตั้ง {label_th}",
                     f"Removed the setting {label_en}", None, (), *notes.SETTING)


def _beyond_rule(setting: Mapping[str, Any]) -> tuple[str, str]:
    """' (เกินที่ ข้อ 5.1 กำหนด)' when the value departs from the rule it comes from."""
    limit, value = setting.get("rule_max"), setting.get("value")
    if not isinstance(limit, int) or not isinstance(value, int) or value <= limit:
        return "", ""
    rule_th, rule_en = setting.get("rule_th"), setting.get("rule_en")
    return (f" (เกินที่กำหนดไว้ใน {rule_th})" if rule_th else " (เกินที่กฎกำหนด)",
            f" (beyond {rule_en})" if rule_en else " (beyond its rule)")


def lane_changes(pair: Pair) -> Iterator[Change]:
    old, new = pair.old_bundle.lanes, pair.new_bundle.lanes
    for lane_id in sorted(old.keys() & new.keys()):
        if old[lane_id] == new[lane_id]:
            continue
        lane = quoted(pair.new.lanes.get(lane_id) or lane_id)
        yield Change("changed", "lane",
                     f"ช่อง {lane} ในแผนภาพ: ทำโดย {role_th(new[lane_id])} แทน "
                     f"{role_th(old[lane_id])}",
                     f"The lane {lane}: done by {role_en(new[lane_id])} instead of "
                     f"{role_en(old[lane_id])}", lane_id, pair.lane_steps(lane_id), *notes.WHO)
    for lane_id in sorted(new.keys() - old.keys()):
        lane = quoted(pair.new.lanes.get(lane_id) or lane_id)
        yield Change("added", "lane", f"เพิ่มช่อง {lane} ในแผนภาพ ทำโดย {role_th(new[lane_id])}",
                     f"Added the lane {lane}, done by {role_en(new[lane_id])}", lane_id)
    for lane_id in sorted(old.keys() - new.keys()):
        lane = quoted(pair.old.lanes.get(lane_id) or lane_id)
        yield Change("removed", "lane", f"ลบช่อง {lane} ในแผนภาพ", f"Removed the lane {lane}",
                     lane_id)


def _roles(roles: tuple[str, ...], say: Any) -> str:
    return ", ".join(say(r) for r in roles) or "-"


def supervisor_changes(pair: Pair) -> Iterator[Change]:
    old, new = pair.old_bundle.supervisors, pair.new_bundle.supervisors
    if set(old) == set(new):
        return
    yield Change("changed", "supervisors",
                 f"ผู้บังคับบัญชาของกระบวนงาน (เห็นงานทั้งหมดและได้รับแจ้งเมื่อติดตั้งฉบับใหม่): "
                 f"{_roles(new, role_th)} แทน {_roles(old, role_th)}",
                 f"The process's supervisors (who see every task and are told of each deploy): "
                 f"{_roles(new, role_en)} instead of {_roles(old, role_en)}",
                 None, (), *notes.RULES)


def _notify(who: str, *, th: bool) -> str:
    if who == "assignee":
        return "ผู้รับงาน" if th else "the task's holder"
    return role_th(who) if th else role_en(who)


def escalation_changes(pair: Pair) -> Iterator[Change]:
    old, new = pair.old_bundle.escalations, pair.new_bundle.escalations
    for code in sorted(old.keys() | new.keys()):
        before, after = old.get(code), new.get(code)
        if before == after:
            continue
        name = quoted(pair.new.escalation_names.get(code) or pair.old.escalation_names.get(
            code) or code)
        if before is None and after is not None:
            yield Change("added", "escalation",
                         f"เพิ่มการยกระดับ {name}: ระดับ {after.level} แจ้ง "
                         f"{_notify(after.notify, th=True)}",
                         f"Added the escalation {name}: level {after.level}, tells "
                         f"{_notify(after.notify, th=False)}", None, (), *notes.RULES)
        elif after is None:
            yield Change("removed", "escalation", f"ลบการยกระดับ {name}",
                         f"Removed the escalation {name}", None, (), *notes.RULES)
        else:
            assert before is not None
            yield Change("changed", "escalation",
                         f"การยกระดับ {name}: ระดับ {before.level} → {after.level} แจ้ง "
                         f"{_notify(after.notify, th=True)} (เดิม "
                         f"{_notify(before.notify, th=True)})",
                         f"The escalation {name}: level {before.level} → {after.level}, tells "
                         f"{_notify(after.notify, th=False)} (was "
                         f"{_notify(before.notify, th=False)})", None, (), *notes.RULES)


def other_rule_changes(pair: Pair) -> Iterator[Change]:
    for key, (th, en) in _OTHER_RULES.items():
        if pair.old_stored.get(key) != pair.new_stored.get(key):
            yield Change("changed", "rules", f"เปลี่ยน{th} (processes.toml)",
                         f"Changed {en} (processes.toml)", None, (), *notes.RULES)
