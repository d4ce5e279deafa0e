"""Filling {placeholders} in instructions and names from a case's data, never evaluating."""

from __future__ import annotations

from engine.bpmn.loading.safe_xml import read_xml
from engine.bpmn.placeholders import (
    fill_element_names,
    fill_form_texts,
    fill_name,
    fill_placeholders,
)

TRIAGE = "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน {triage_days} วันทำการ)"


def test_a_name_says_the_case_limit():
    assert fill_name(TRIAGE, {"triage_days": 5}) == (
        "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน 5 วันทำการ)")
    assert fill_name("ครบกำหนด {triage_days} วันทำการ", {"triage_days": 3}) == (
        "ครบกำหนด 3 วันทำการ")


def test_unknown_or_unsuitable_placeholders_stay_visible():
    data = {"flag": True, "items": [1, 2], "long": "ก" * 41, "n": 2}
    for text in ("{missing}", "{flag}", "{items}", "{long}", "{n + 1}", "{n.real}",
                 "{__class__}", "{ n }"):
        assert fill_placeholders(text, data) == text


def test_instructions_quote_short_texts_but_names_only_numbers():
    # A name travels into e-mail subjects, where a complaint's own words must not go.
    data = {"subject": "ร้องเรียนการจัดซื้อ", "days": 10}
    assert fill_placeholders("เรื่อง {subject} {days}", data) == "เรื่อง ร้องเรียนการจัดซื้อ 10"
    assert fill_name("เรื่อง {subject} {days}", data) == "เรื่อง {subject} 10"


def test_diagram_names_are_filled_in_place():
    tree = read_xml(f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <!-- a comment is not an element -->
  <bpmn:process id="p" name="เรื่อง {{subject}}"><bpmn:userTask id="t" name="{TRIAGE}" />
  </bpmn:process>
</bpmn:definitions>""".encode(), "test.bpmn")
    fill_element_names(tree, {"triage_days": 5, "subject": "ลับ"})
    names = [el.get("name") for el in tree.getroot().iter() if el.get("name")]
    assert names == ["เรื่อง {subject}", "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน 5 วันทำการ)"]


def test_a_form_quotes_the_cases_numbers_in_its_title_and_description_only():
    form = {"title": "คัดกรอง", "description": "ภายใน {triage_days} วันทำการ",
            "x-description-en": "within {triage_days} working days",
            "properties": {"note": {"title": "{triage_days}"}}}
    filled = fill_form_texts(form, {"triage_days": 5})
    assert filled is not None
    assert filled["description"] == "ภายใน 5 วันทำการ"
    assert filled["x-description-en"] == "within 5 working days"
    assert filled["properties"] == {"note": {"title": "{triage_days}"}}
    assert form["description"] == "ภายใน {triage_days} วันทำการ", "the version's form changed"
    plain = {"title": "คัดกรอง"}
    assert fill_form_texts(plain, {"triage_days": 5}) is plain
