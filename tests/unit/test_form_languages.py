"""English beside the Thai in every form and list, and messages that name fields in each
language (``x-title-en`` / ``x-description-en``, engine/bpmn/forms.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.bpmn.forms import choice_options, load_form, title_in, validate_form
from engine.core.errors import InvalidData
from webui.i18n import as_sentence

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
FILES = sorted([*PROCESSES.glob("forms/*.schema.json"), *PROCESSES.glob("lists/*.json")])


def _untranslated(node: Any, where: str) -> list[str]:
    """Each title or description in ``node`` without its English beside it."""
    if isinstance(node, list):
        return [m for i, item in enumerate(node) for m in _untranslated(item, f"{where}/{i}")]
    if not isinstance(node, dict):
        return []
    missing = [f"{where} {key}" for key in ("title", "description")
               if isinstance(node.get(key), str) and not node.get(f"x-{key}-en")]
    for key, value in node.items():
        if key not in ("title", "description") or not isinstance(value, str):
            missing += _untranslated(value, f"{where}/{key}")
    return missing


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_title_and_description_has_english_beside_it(path: Path) -> None:
    assert _untranslated(json.loads(path.read_text(encoding="utf-8")), path.name) == []


def test_the_english_keywords_leave_the_schema_valid_and_reach_the_inlined_list() -> None:
    triage = load_form(PROCESSES, "forms/complaint-triage.schema.json")  # check_schema runs
    reason = triage["properties"]["not_considered_reason"]
    assert title_in(reason, "en") == "Reason for not considering"
    assert title_in(reason) == "เหตุที่ไม่รับไว้พิจารณา"
    assert choice_options(reason, "en")["withdrawn"] == "The complainant withdrew the complaint"
    assert choice_options(reason)["withdrawn"] == "ผู้ร้องเรียนขอถอนเรื่อง"


def test_a_title_without_english_falls_back_to_thai() -> None:
    assert title_in({"title": "หมายเหตุ"}, "en") == "หมายเหตุ"
    assert choice_options({"oneOf": [{"const": "a", "title": "ก"}]}, "en") == {"a": "ก"}


def _messages(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidData) as refused:
        validate_form(schema, data)
    return refused.value.fields


def test_required_messages_ask_to_choose_a_list_and_to_fill_in_text() -> None:
    triage = load_form(PROCESSES, "forms/complaint-triage.schema.json")
    assert _messages(triage, {})["screening_outcome"] == (
        "กรุณาเลือก ผลการคัดกรอง / Please choose “Screening outcome”.")
    forward = _messages(triage, {"screening_outcome": "forward"})["forward_to"]
    assert forward == "กรุณากรอก หน่วยงานที่จะส่งต่อ / Please fill in “Agency to forward to”."


def test_each_half_names_the_field_in_its_own_language() -> None:
    request = load_form(PROCESSES, "forms/publishing-request.schema.json")
    link = _messages(request, {"external_link": "not a link"})["external_link"]
    thai, _sep, english = link.partition(" / ")
    assert thai.startswith("ลิงก์ภายนอก (ถ้ามี): ") and "http://" in thai
    assert english == "External link (if any): must be an http(s) link."


@pytest.mark.parametrize(("half", "shown"), [
    ("read and acknowledge the privacy notice", "Read and acknowledge the privacy notice."),
    ("Please choose “Screening outcome”.", "Please choose “Screening outcome”."),
    ("“photo.pdf”: not a PDF", "“photo.pdf”: not a PDF."),
])
def test_an_english_half_is_shown_as_a_sentence(half: str, shown: str) -> None:
    assert as_sentence(half) == shown


def test_a_list_note_for_process_owners_never_reaches_a_form() -> None:
    # Why: a list's description tells owners how to edit it; people filling a form
    # need to know what to choose, so each form that uses a list says that instead.
    for form, field in (("complaint-start", "complaint_type"),
                        ("complaint-triage", "not_considered_reason")):
        prop = load_form(PROCESSES, f"forms/{form}.schema.json")["properties"][field]
        assert "ผู้ดูแลกระบวนงาน" not in prop["description"]
        assert "Process owners" not in prop["x-description-en"]
