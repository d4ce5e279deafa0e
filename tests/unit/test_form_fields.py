"""The form editor's model of a form (engine/bpmn/form_fields.py): every shipped form reads
as a list of fields and writes back unchanged; each kind writes what the task page's
renderer and the validator read; "required when" is JSON Schema's dependentRequired."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.bpmn.form_fields import FormField, fields_of, kind_of, property_of, schema_of
from engine.bpmn.forms import validate_form
from engine.core.errors import InvalidData

FORMS = sorted((Path(__file__).resolve().parents[2] / "processes" / "forms").glob("*.json"))


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.name)
def test_every_shipped_form_round_trips(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    written = schema_of(raw, raw["title"], raw.get("x-title-en", ""), fields_of(raw))
    assert written == raw
    assert list(written["properties"]) == list(raw["properties"])


@pytest.mark.parametrize("kind, shape", [
    ("text", {"type": "string", "maxLength": 300}),
    ("textarea", {"type": "string", "maxLength": 5000}),
    ("number", {"type": "number"}),
    ("date", {"type": "string", "format": "date", "maxLength": 10}),
    ("yesno", {"type": "boolean"}),
    ("file", {"type": "array", "x-choices": "case_files",
              "items": {"type": "integer", "minimum": 1}, "uniqueItems": True,
              "maxItems": 10}),
])
def test_each_kind_writes_its_shape_and_reads_back_as_itself(kind, shape):
    prop = property_of(FormField(name="x", title_th="ช่อง", kind=kind))
    assert {k: v for k, v in prop.items() if k != "title"} == shape
    assert kind_of(prop) == kind


def test_a_choice_refers_to_its_list():
    prop = property_of(FormField(name="x", kind="choice", choices_list="complaint_types"))
    assert prop == {"$ref": "../lists/complaint_types.json"}
    assert kind_of(prop) == "choice"


def test_changing_the_kind_drops_the_old_shape_but_keeps_other_keys():
    original = {"type": "string", "format": "email", "maxLength": 254, "title": "อีเมล",
                "x-something": 1}
    changed = property_of(FormField(name="x", title_th="อีเมล", kind="textarea",
                                    original=original))
    assert changed == {"type": "string", "maxLength": 5000, "title": "อีเมล",
                       "x-something": 1}


def test_personal_mark_is_written_only_when_set():
    assert "x-personal" not in property_of(FormField(name="x", title_th="ก"))
    assert property_of(FormField(name="x", title_th="ก", personal=False))["x-personal"] is False


def test_required_when_is_dependent_required_and_validated_with_both_names():
    fields = [FormField(name="other", title_th="อื่น ๆ", title_en="Other"),
              FormField(name="detail", title_th="รายละเอียด", title_en="Detail",
                        required_if="other")]
    schema = schema_of({}, "แบบ", "", fields)
    assert schema["dependentRequired"] == {"other": ["detail"]}
    assert [f.required_if for f in fields_of(schema)] == ["", "other"]
    assert validate_form(schema, {}) == {}
    with pytest.raises(InvalidData) as refused:
        validate_form(schema, {"other": "ข้อความ"})
    assert refused.value.fields == {
        "detail": "กรุณากรอก รายละเอียด เมื่อกรอก อื่น ๆ / Please fill in “Detail” when "
                  "“Other” is filled in."}
