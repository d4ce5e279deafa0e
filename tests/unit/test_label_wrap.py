"""Diagram labels wrap at libthai's word boundaries, measured with the diagram fonts' widths."""

from __future__ import annotations

import pytest

from engine.bpmn.diagram.steps import process_steps
from engine.bpmn.loading.safe_xml import read_xml
from engine.thai.label_wrap import text_width, wrap_text
from engine.thai.line_breaks import ZWSP, _libthai, breakable
from tests.unit.test_diagram_svg import PROCESSES

NAMES = [
    "ผู้อำนวยการ สพป. พิจารณาอนุมัติ",
    "ผลการพิจารณาของผู้อำนวยการกลุ่ม",
    "ผู้อำนวยการกลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร",
    "ผู้อำนวยการกลุ่ม ICT พิจารณาตามมาตรา 7/9 และ พ.ร.บ.คอมพิวเตอร์",
    "ยกระดับถึงผู้อำนวยการกลุ่มกฎหมายและคดี",
]


def test_libthai_is_there() -> None:
    # Without it the wrap falls back to clusters; these tests are about libthai's words.
    assert _libthai() is not None, "libthai0 (Debian) is needed: apt-get install libthai0"


@pytest.mark.parametrize("width", [70, 90, 120, 200])
@pytest.mark.parametrize("name", NAMES)
def test_director_is_never_split_and_lines_fit(name: str, width: float) -> None:
    director = "ผู้อำนวยการ"
    assert text_width(director) < 70  # so every width here holds the word whole
    lines = wrap_text(name, width)
    assert "".join(lines).replace(" ", "") == name.replace(" ", "")
    assert sum(line.count(director) for line in lines) == name.count(director), lines
    words = [w for w in breakable(name).replace(" ", ZWSP).split(ZWSP) if w]
    if max(text_width(w) for w in words) <= width:
        assert all(text_width(line) <= width for line in lines), lines


def test_a_word_wider_than_the_box_is_cut_as_a_last_resort() -> None:
    lines = wrap_text("ผู้อำนวยการ", 40)
    assert len(lines) > 1 and "".join(lines) == "ผู้อำนวยการ"
    assert all(line[0] not in "ะาำ\u0e34\u0e35\u0e48\u0e49" for line in lines)


def test_lines_break_only_between_libthai_words() -> None:
    name = "ดำเนินการเบื้องต้นและแจ้งผู้ถูกร้องเรียนที่เกี่ยวข้องทั้งหมด"
    words = breakable(name).split(ZWSP)
    starts = {sum(len(w) for w in words[:i]) for i in range(len(words))}
    at = 0
    for line in wrap_text(name, 90):
        assert at in starts, (line, at)
        at += len(line)


def test_abbreviation_ends_before_a_word_may_break() -> None:
    assert wrap_text("และ พ.ร.บ.คอมพิวเตอร์", 90) == ["และ พ.ร.บ.", "คอมพิวเตอร์"]


def test_widths_follow_the_letters() -> None:
    # เ is narrow, ณ wide; tone marks take no room.
    assert text_width("เ") < text_width("ก") < text_width("ณ")
    assert text_width("ก่") == text_width("ก")


def test_steps_of_publishing_in_the_order_a_case_meets_them() -> None:
    tree = read_xml((PROCESSES / "publishing.bpmn").read_bytes(), "publishing.bpmn")
    ids = [step.id for step in process_steps(tree, {"publish_item": "นำขึ้นเว็บไซต์ <b>"})]
    assert ids == ["director_approval", "web_admin_check", "ict_head_decision",
                   "publish_item", "owner_revise"]
    names = {step.id: step.name for step in process_steps(tree, {"publish_item": "x <b>"})}
    assert names["publish_item"] == "x <b>"  # labels replace names, as text
