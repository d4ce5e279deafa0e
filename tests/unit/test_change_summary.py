"""The change summary: each kind of sentence, in Thai and English, from hand-made versions."""

from __future__ import annotations

import copy
from typing import Any

from engine.bpmn.bundle import ProcessBundle
from engine.bpmn.changes import VersionSide, highlights, summarize

TRIAGE_FORM = "forms/triage.schema.json"
START_FORM = "forms/start.schema.json"


def bpmn(*, triage_name: str = "คัดกรอง", extra_task: str = "", head_refs: str = "",
         officer_refs: str = "<bpmn:flowNodeRef>triage</bpmn:flowNodeRef>",
         timer: str = "deadline_after(received_at, triage_days)",
         condition: str = 'outcome == "accept"', flows: str = "") -> bytes:
    """A small complaint process: triage (with a deadline), a gateway, the Director's order."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs">
  <bpmn:escalation id="esc_breach" name="เกินกำหนดคัดกรอง" escalationCode="triage_breach" />
  <bpmn:process id="complaint" name="เรื่องร้องเรียน" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane_officer" name="กลุ่มกฎหมายและคดี">{officer_refs}</bpmn:lane>
      <bpmn:lane id="lane_head" name="หัวหน้ากลุ่ม">{head_refs}</bpmn:lane>
      <bpmn:lane id="lane_director" name="ผู้อำนวยการ">
        <bpmn:flowNodeRef>director_order</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="รับเรื่อง" />
    <bpmn:userTask id="triage" name="{triage_name}">
      <bpmn:documentation>ตรวจ</bpmn:documentation></bpmn:userTask>
    <bpmn:boundaryEvent id="triage_deadline" name="ครบกำหนดคัดกรอง" attachedToRef="triage"
        cancelActivity="false">
      <bpmn:timerEventDefinition id="td">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">{timer}</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:exclusiveGateway id="gw" name="ผลคัดกรอง" />
    {extra_task}
    <bpmn:userTask id="director_order" name="ผู้อำนวยการสั่งการ" />
    <bpmn:endEvent id="end" name="จบ" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="triage" />
    <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="gw" />
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="director_order">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}
      </bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="director_order" targetRef="end" />
    {flows}
  </bpmn:process>
</bpmn:definitions>""".encode()


def task(name: str, lane: str, role: str, form: str | None = None) -> dict[str, Any]:
    return {"name": name, "lane_id": lane, "lane_name": lane, "role": role,
            "requester_unit_only": False, "form": form, "documentation": "",
            "deadline_timers": []}


def stored() -> dict[str, Any]:
    """A bundle as stored on a version row, with contract 1's settings."""
    return {
        "name": "เรื่องร้องเรียน",
        "start_form": START_FORM,
        "forms": {
            START_FORM: {"title": "รับเรื่อง", "x-title-en": "Intake", "properties": {
                "received_at": {"type": "string", "format": "date",
                                "title": "วันที่ได้รับเรื่อง", "x-title-en": "Date received"}}},
            TRIAGE_FORM: {
                "title": "คัดกรอง", "x-title-en": "Screening", "type": "object",
                "properties": {
                    "outcome": {"type": "string", "title": "ผล", "x-title-en": "Outcome",
                                "oneOf": [{"const": "accept", "title": "รับ",
                                           "x-title-en": "Accept"},
                                          {"const": "forward", "title": "ส่งต่อ",
                                           "x-title-en": "Forward"}]},
                    "note": {"type": "string", "title": "หมายเหตุ", "x-title-en": "Note"},
                },
                "required": ["outcome"],
            },
        },
        "tasks": {"triage": task("คัดกรอง", "lane_officer", "legal_officer", TRIAGE_FORM),
                  "director_order": task("ผู้อำนวยการสั่งการ", "lane_director", "director")},
        "lanes": {"lane_officer": "legal_officer", "lane_head": "legal_head",
                  "lane_director": "director"},
        "start_role": "legal_officer",
        "timers": {"triage_deadline": {"attached_to": "triage", "escalation": "triage_breach"}},
        "escalations": {"triage_breach": {"level": 1, "notify": "legal_head"}},
        "supervisors": ["legal_head", "director"],
        "settings": {"triage_days": {
            "value": 3, "label_th": "ระยะเวลาพิจารณาเบื้องต้น", "label_en": "Triage period",
            "type": "working_days", "min": 1, "max": 30, "rule_th": "ข้อ 5.1: ภายใน 3 วันทำการ",
            "rule_en": "Clause 5.1: within 3 working days", "rule_max": 3}},
    }


class Bundle(ProcessBundle):
    """A bundle that stores a settings dict, as H3's bundle will (contract 1)."""

    def __init__(self, raw: dict[str, Any]) -> None:
        base = ProcessBundle.from_dict(raw)
        super().__init__(**{f: getattr(base, f) for f in base.__dataclass_fields__})
        object.__setattr__(self, "_settings", raw.get("settings"))

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self._settings is not None:
            out["settings"] = self._settings
        return out


def side(xml: bytes, raw: dict[str, Any]) -> VersionSide:
    return VersionSide("complaint", xml, Bundle(raw))


def changes(old: VersionSide, new: VersionSide) -> list[tuple[str, str, str, str | None]]:
    return [(c.kind, c.text_th, c.text_en, c.element_id) for c in summarize(old, new)]


BASE = side(bpmn(), stored())


def test_the_same_version_has_nothing_to_say():
    assert summarize(BASE, side(bpmn(), stored())) == []


def test_a_setting_from_3_to_5_working_days_names_its_rule():
    raw = stored()
    raw["settings"]["triage_days"]["value"] = 5
    (change,) = summarize(BASE, side(bpmn(), raw))
    assert change.kind == "changed" and change.topic == "setting"
    assert change.text_th == ("ระยะเวลาพิจารณาเบื้องต้น: 3 → 5 วันทำการ "
                              "(เกินที่กำหนดไว้ใน ข้อ 5.1: ภายใน 3 วันทำการ)")
    assert change.text_en == ("Triage period: 3 → 5 working days "
                              "(beyond Clause 5.1: within 3 working days)")
    assert "คงค่าเดิม" in change.note_th and "keep the value" in change.note_en
    raw["settings"]["triage_days"]["value"] = 2
    (within,) = summarize(BASE, side(bpmn(), raw))
    assert within.text_th == "ระยะเวลาพิจารณาเบื้องต้น: 3 → 2 วันทำการ"


def test_a_bundle_without_settings_reads_as_none():
    raw = stored()
    del raw["settings"]
    (change,) = summarize(side(bpmn(), raw), BASE)
    assert change.kind == "added" and change.text_th.startswith(
        "เพิ่มค่าตั้ง ระยะเวลาพิจารณาเบื้องต้น: 3 วันทำการ")


HEAD_TASK = '<bpmn:userTask id="head_review" name="หัวหน้ากลุ่มตรวจทาน" />'


def with_head_review() -> VersionSide:
    raw = stored()
    raw["tasks"]["head_review"] = task("หัวหน้ากลุ่มตรวจทาน", "lane_head", "legal_head",
                                       TRIAGE_FORM)
    return side(bpmn(extra_task=HEAD_TASK,
                     head_refs="<bpmn:flowNodeRef>head_review</bpmn:flowNodeRef>",
                     flows='<bpmn:sequenceFlow id="f5" sourceRef="gw" targetRef="head_review" />'),
                raw)


def test_an_added_step_says_who_does_it_by_role_name_and_its_flow():
    found = changes(BASE, with_head_review())
    assert ("added", "เพิ่มขั้นตอน 'หัวหน้ากลุ่มตรวจทาน' ทำโดย ผู้อำนวยการกลุ่มกฎหมายและคดี "
            "(legal_head) ใช้แบบฟอร์ม 'คัดกรอง'",
            "Added the step 'หัวหน้ากลุ่มตรวจทาน', done by Head of Legal Affairs (legal_head), "
            "with the form 'คัดกรอง'", "head_review") in found
    assert ("added", "เพิ่มเส้นทาง 'ผลคัดกรอง' → 'หัวหน้ากลุ่มตรวจทาน'",
            "Added the flow 'ผลคัดกรอง' → 'หัวหน้ากลุ่มตรวจทาน'", "f5") in found


def test_a_removed_step_says_cases_waiting_there_stay_on_the_old_version():
    removed = [c for c in summarize(with_head_review(), BASE) if c.topic == "step"]
    (change,) = removed
    assert (change.kind, change.text_th, change.text_en) == (
        "removed", "ลบขั้นตอน 'หัวหน้ากลุ่มตรวจทาน'", "Removed the step 'หัวหน้ากลุ่มตรวจทาน'")
    assert change.steps == ("head_review",) and "ย้ายไปฉบับใหม่ไม่ได้" in change.note_th


def test_a_renamed_step():
    assert changes(BASE, side(bpmn(triage_name="คัดกรองเบื้องต้น"), stored())) == [
        ("changed", "เปลี่ยนชื่อขั้นตอน 'คัดกรอง' เป็น 'คัดกรองเบื้องต้น'",
         "Renamed the step 'คัดกรอง' to 'คัดกรองเบื้องต้น'", "triage")]


def test_a_step_moved_to_another_lane_and_role():
    raw = stored()
    raw["tasks"]["triage"] = task("คัดกรอง", "lane_head", "legal_head", TRIAGE_FORM)
    moved = side(bpmn(officer_refs="", head_refs="<bpmn:flowNodeRef>triage</bpmn:flowNodeRef>"),
                 raw)
    (change,) = summarize(BASE, moved)
    assert change.text_th == ("ขั้นตอน 'คัดกรอง' ย้ายจากช่อง 'กลุ่มกฎหมายและคดี' ไปช่อง "
                              "'หัวหน้ากลุ่ม': ทำโดย ผู้อำนวยการกลุ่มกฎหมายและคดี (legal_head) แทน "
                              "นิติกร กลุ่มกฎหมายและคดี (legal_officer)")
    assert change.text_en == ("The step 'คัดกรอง' moved from the lane 'กลุ่มกฎหมายและคดี' to "
                              "'หัวหน้ากลุ่ม': done by Head of Legal Affairs (legal_head) "
                              "instead of Legal officer (legal_officer)")


def test_a_step_given_another_form():
    raw = stored()
    raw["forms"]["forms/other.schema.json"] = {"title": "อื่น", "properties": {}}
    raw["tasks"]["triage"]["form"] = "forms/other.schema.json"
    (change,) = summarize(BASE, side(bpmn(), raw))
    assert change.text_th == "ขั้นตอน 'คัดกรอง' ใช้แบบฟอร์ม 'อื่น' แทน 'คัดกรอง'"
    assert change.text_en == "The step 'คัดกรอง' uses the form 'อื่น' instead of 'คัดกรอง'"


def form_change(edit) -> list[tuple[str, str, str]]:
    raw = stored()
    edit(raw["forms"][TRIAGE_FORM])
    return [(c.kind, c.text_th, c.text_en) for c in summarize(BASE, side(bpmn(), raw))]


def test_a_required_field_added_and_what_it_means_for_running_cases():
    def add_reason(form):
        form["properties"]["reason"] = {"type": "string", "title": "เหตุผล",
                                        "x-title-en": "Reason"}
        form["required"].append("reason")

    assert form_change(add_reason) == [
        ("added", "แบบฟอร์ม 'คัดกรอง': เพิ่มช่อง 'เหตุผล' (ต้องกรอก)",
         "Form 'Screening': added the field 'Reason' (required)")]
    raw = stored()
    add_reason(raw["forms"][TRIAGE_FORM])
    (change,) = summarize(BASE, side(bpmn(), raw))
    assert change.steps == ("triage",) and change.element_id is None
    assert "เรื่องที่ดำเนินการอยู่ยังใช้แบบฟอร์มของฉบับเดิม" in change.note_th
    assert "Running cases keep their version's form" in change.note_en


def test_a_field_removed_made_optional_and_its_choices_changed():
    def edit(form):
        del form["properties"]["note"]
        form["required"] = []
        form["properties"]["outcome"]["oneOf"] = [
            {"const": "accept", "title": "รับไว้พิจารณา", "x-title-en": "Consider"},
            {"const": "reject", "title": "ไม่รับ", "x-title-en": "Reject"}]

    assert form_change(edit) == [
        ("removed", "แบบฟอร์ม 'คัดกรอง': ลบช่อง 'หมายเหตุ'",
         "Form 'Screening': removed the field 'Note'"),
        ("changed", "แบบฟอร์ม 'คัดกรอง': ช่อง 'ผล' ไม่บังคับกรอกแล้ว",
         "Form 'Screening': the field 'Outcome' is now optional"),
        ("changed", "แบบฟอร์ม 'คัดกรอง': ช่อง 'ผล': เพิ่มตัวเลือก 'ไม่รับ'; ลบตัวเลือก 'ส่งต่อ'; "
                    "เปลี่ยนชื่อตัวเลือก 'รับ' เป็น 'รับไว้พิจารณา'",
         "Form 'Screening': the field 'Outcome': added the choices 'Reject'; removed the "
         "choices 'Forward'; renamed the choice 'Accept' to 'Consider'"),
    ]


def test_a_field_made_required():
    def edit(form):
        form["required"].append("note")

    assert form_change(edit) == [("changed", "แบบฟอร์ม 'คัดกรอง': ช่อง 'หมายเหตุ' ต้องกรอกแล้ว",
                                  "Form 'Screening': the field 'Note' is now required")]


def test_fields_marked_personal_or_not_personal():
    def edit(form):
        form["properties"]["note"]["x-personal"] = False
        form["properties"]["outcome"]["x-personal"] = True
        form["properties"]["accused"] = {"type": "string", "title": "ผู้ถูกร้อง",
                                         "x-title-en": "Accused", "x-personal": True}

    found = form_change(edit)
    assert ("added", "แบบฟอร์ม 'คัดกรอง': เพิ่มช่อง 'ผู้ถูกร้อง' (ไม่บังคับ, ข้อมูลส่วนบุคคล: "
            "เข้ารหัส และเห็นเฉพาะกลุ่มกฎหมายและคดีกับผู้อำนวยการ)",
            "Form 'Screening': added the field 'Accused' (optional, personal data: encrypted, "
            "and shown only to Legal Affairs and the Director)") in found
    assert ("changed", "แบบฟอร์ม 'คัดกรอง': ช่อง 'หมายเหตุ' ไม่ใช่ข้อมูลส่วนบุคคล: "
            "เก็บและแสดงเหมือนช่องทั่วไป",
            "Form 'Screening': the field 'Note' is now not personal data: kept and shown like "
            "any other field") in found
    assert ("changed", "แบบฟอร์ม 'คัดกรอง': ช่อง 'ผล' เป็นข้อมูลส่วนบุคคล: เข้ารหัส "
            "และเห็นเฉพาะกลุ่มกฎหมายและคดีกับผู้อำนวยการ",
            "Form 'Screening': the field 'Outcome' is now personal data: encrypted, and shown "
            "only to Legal Affairs and the Director") in found


def test_a_field_of_another_type_and_other_details():
    def edit(form):
        form["properties"]["note"].update(type="number", description="ใส่ตัวเลข")

    assert form_change(edit) == [
        ("changed", "แบบฟอร์ม 'คัดกรอง': ช่อง 'หมายเหตุ' เปลี่ยนชนิดจากข้อความเป็นตัวเลข",
         "Form 'Screening': the field 'Note' changed from text to number"),
        ("changed", "แบบฟอร์ม 'คัดกรอง': ช่อง 'หมายเหตุ' เปลี่ยนคำอธิบาย",
         "Form 'Screening': the field 'Note': help text changed")]


def test_a_start_form_change_applies_to_new_cases_only():
    raw = stored()
    raw["forms"][START_FORM]["properties"]["channel"] = {"type": "string", "title": "ช่องทาง"}
    (change,) = summarize(BASE, side(bpmn(), raw))
    assert change.text_th == "แบบฟอร์ม 'รับเรื่อง': เพิ่มช่อง 'ช่องทาง' (ไม่บังคับ)"
    assert change.element_id == "start" and change.steps == ()
    assert "เรื่องที่รับใหม่หลังติดตั้ง" in change.note_th


def test_a_timer_expression_in_words():
    (change,) = summarize(BASE, side(bpmn(timer="deadline_after(received_at, 5)"), stored()))
    assert change.text_th == ("กำหนดเวลา 'ครบกำหนดคัดกรอง' บนขั้นตอน 'คัดกรอง' เปลี่ยนจาก "
                              "ระยะเวลาพิจารณาเบื้องต้น (3) วันทำการหลังวันที่ได้รับเรื่อง เวลา "
                              "16:30 น. เป็น 5 วันทำการหลังวันที่ได้รับเรื่อง เวลา 16:30 น.")
    assert change.text_en == ("The deadline 'ครบกำหนดคัดกรอง' on the step 'คัดกรอง' changed from "
                              "Triage period (3) working days after Date received, at 16:30 to "
                              "5 working days after Date received, at 16:30")
    # Cases waiting at triage are not touched: their waiting timer keeps its time.
    assert change.element_id == "triage_deadline" and change.steps == ()
    (other,) = summarize(BASE, side(bpmn(timer="received_at"), stored()))
    assert other.text_th.endswith("เป็น received_at")


def test_a_gateway_condition_changed():
    (change,) = summarize(BASE, side(bpmn(condition='outcome != "forward"'), stored()))
    assert change.text_th == ("เงื่อนไขของเส้นทาง 'ผลคัดกรอง' → 'ผู้อำนวยการสั่งการ' เปลี่ยนจาก "
                              'outcome == "accept" เป็น outcome != "forward"')
    assert change.text_en.startswith("The condition of the flow 'ผลคัดกรอง' → 'ผู้อำนวยการสั่งการ' "
                                     'changed from outcome == "accept" to')
    assert change.element_id == "f3"


def test_a_lane_given_another_role():
    raw = stored()
    raw["lanes"]["lane_director"] = "legal_head"
    (change,) = summarize(BASE, side(bpmn(), raw))
    assert change.text_th == ("ช่อง 'ผู้อำนวยการ' ในแผนภาพ: ทำโดย ผู้อำนวยการกลุ่มกฎหมายและคดี "
                              "(legal_head) แทน ผู้อำนวยการ สพป. (director)")
    assert change.text_en == ("The lane 'ผู้อำนวยการ': done by Head of Legal Affairs (legal_head) "
                              "instead of Director of the Area Office (director)")
    assert change.element_id == "lane_director" and change.steps == ("director_order",)


def test_supervisors_and_escalations_changed():
    raw = stored()
    raw["supervisors"] = ["ict_head", "director"]
    raw["escalations"]["triage_breach"] = {"level": 2, "notify": "director"}
    found = changes(BASE, side(bpmn(), raw))
    assert ("changed", "ผู้บังคับบัญชาของกระบวนงาน (เห็นงานทั้งหมดและได้รับแจ้งเมื่อติดตั้งฉบับใหม่): "
            "ผู้อำนวยการกลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร (ict_head), "
            "ผู้อำนวยการ สพป. (director) แทน ผู้อำนวยการกลุ่มกฎหมายและคดี (legal_head), "
            "ผู้อำนวยการ สพป. (director)",
            "The process's supervisors (who see every task and are told of each deploy): "
            "Head of ICT (ict_head), Director of the Area Office (director) instead of Head of "
            "Legal Affairs (legal_head), Director of the Area Office (director)", None) in found
    assert ("changed", "การยกระดับ 'เกินกำหนดคัดกรอง': ระดับ 1 → 2 แจ้ง ผู้อำนวยการ สพป. (director) "
            "(เดิม ผู้อำนวยการกลุ่มกฎหมายและคดี (legal_head))",
            "The escalation 'เกินกำหนดคัดกรอง': level 1 → 2, tells Director of the Area Office "
            "(director) (was Head of Legal Affairs (legal_head))", None) in found


def test_highlights_colour_added_removed_and_changed_elements():
    raw = copy.deepcopy(with_head_review().bundle.to_dict())
    raw["forms"][TRIAGE_FORM]["required"].append("note")
    new = side(bpmn(extra_task=HEAD_TASK, triage_name="คัดกรองใหม่",
                    head_refs="<bpmn:flowNodeRef>head_review</bpmn:flowNodeRef>",
                    flows='<bpmn:sequenceFlow id="f5" sourceRef="gw" targetRef="head_review" />'),
               raw)
    marks = highlights(summarize(BASE, new))
    assert marks["new"]["head_review"] == "added" and marks["new"]["f5"] == "added"
    assert marks["new"]["triage"] == marks["old"]["triage"] == "changed"
    assert "head_review" not in marks["old"]
    assert highlights(summarize(new, BASE))["old"]["head_review"] == "removed"


def test_every_change_serialises_with_both_languages():
    for change in summarize(BASE, with_head_review()):
        as_dict = change.to_dict()
        assert as_dict["text_th"] and as_dict["text_en"] and as_dict["kind"] in (
            "added", "removed", "changed")


def test_the_diagram_marks_changes_by_colour_line_style_and_badge():
    from pathlib import Path

    from lxml import etree

    from engine.bpmn.diagram.render import render_svg
    from engine.bpmn.loading.safe_xml import read_xml

    data = (Path(__file__).parents[2] / "processes" / "complaint.bpmn").read_bytes()
    svg = etree.fromstring(render_svg(read_xml(data, "complaint.bpmn"), changes={
        "triage": "changed", "director_order": "removed", "flow_triage_to_gw": "added",
        "notify_result": "bogus"}))
    ns = {"s": "http://www.w3.org/2000/svg"}

    def group(el_id):
        (g,) = svg.xpath(f"//s:g[@data-element-id='{el_id}']", namespaces=ns)
        return g

    assert "change-changed" in group("triage").get("class")
    outline = group("triage").xpath(".//*[contains(@class, 'outline')]", namespaces=ns)[0]
    assert (outline.get("stroke"), outline.get("stroke-dasharray")) == ("#9a5b00", "2 3")
    assert group("triage").xpath(".//s:g[contains(@class, 'change-badge')]/s:text/text()",
                                 namespaces=ns) == ["~"]
    assert group("director_order").xpath(".//s:text[.='−']", namespaces=ns)
    line = group("flow_triage_to_gw").xpath(".//*[@class='line']", namespaces=ns)[0]
    assert line.get("stroke") == "#2e7d32"
    assert "change-" not in group("notify_result").get("class")  # unknown kinds are ignored
