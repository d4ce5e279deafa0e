"""Thai letters as PDF: the filled template reads back from the PDF, Laksaman is embedded,
template and field mistakes are named, and Thai lines wrap between words."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from engine.core.config import REPO_ROOT, Settings
from engine.core.errors import GovflowError, InvalidData
from engine.core.office import load_office
from engine.documents import fonts
from engine.documents.letter_templates import fill_letter
from engine.documents.letters import LETTER_KINDS, check_letter_templates, render_letter
from engine.thai import line_breaks as thai_wrap
from engine.thai.digits import thai_digits
from tests.pdf_text import pdf_text, squash

PROCESSES = REPO_ROOT / "processes"

RESULT = {
    "recipient": "นายสมชาย ใจดี",
    "case_number": "12/2570",
    "tracking_code": "K7P2-QX9M",
    "received_on": "4 ธันวาคม 2569",
    "outcome": "ไม่รับไว้พิจารณา เนื่องจากเป็นเรื่องที่อยู่ระหว่างการพิจารณาของศาล",
    "result_summary": "กลุ่มกฎหมายและคดีได้ตรวจสอบข้อเท็จจริงแล้ว",
}
INITIAL = {
    "recipient": "ผู้อำนวยการโรงเรียนบ้านตัวอย่าง",
    "case_number": "15/2570",
    "received_on": "9 ธันวาคม 2569",
    "director_order": "โรงเรียนตรวจสอบข้อเท็จจริงและรายงานผลภายใน 15 วัน",
    "action": "ส่งเรื่องให้โรงเรียนบ้านตัวอย่างตรวจสอบข้อเท็จจริง",
}
ISSUED = date(2026, 11, 26)


@pytest.fixture(scope="module")
def office():
    return load_office(Settings())


def letter(office, kind: str = "result_notice", fields: dict | None = None, **kw) -> bytes:
    return render_letter(office, kind, RESULT if fields is None else fields,
                         issued_on=ISSUED, processes_dir=PROCESSES, **kw)


def test_result_notice_reads_back(office):
    pdf = letter(office, letter_number="123")
    assert pdf.startswith(b"%PDF-")
    text = squash(pdf_text(pdf))
    # Dates and numbers in Thai digits (office.toml digits = "thai"); the tracking code,
    # the phone number and the e-mail address as typed.
    for expected in (thai_digits(office.name), "แจ้งผลการดำเนินการเรื่องร้องเรียน",
                     "๒๖ พฤศจิกายน ๒๕๖๙", "นายสมชาย ใจดี", "ที่ ศธ ๐๔๐๐๐/๑๒๓",
                     "เลขที่ ๑๒/๒๕๗๐ (รหัสติดตามเรื่อง K7P2-QX9M) นั้น",
                     RESULT["outcome"], "ขอแสดงความนับถือ", thai_digits(office.head_title),
                     "กลุ่มกฎหมายและคดี", "โทร. 0 2000 0000", "saraban@example.go.th"):
        assert squash(expected) in text, expected
    assert "$" not in text
    # One page: no page number printed.
    assert "หน้า" not in pdf_text(pdf)


def test_metadata_font_and_same_bytes_for_the_same_letter(office):
    pdf = letter(office)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "แจ้งผลการดำเนินการเรื่องร้องเรียน"
    assert reader.metadata.subject == LETTER_KINDS["result_notice"].title
    assert reader.metadata.creator == "govflow"
    assert reader.metadata.creation_date.date() == ISSUED
    fonts_used = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                   for font in fonts_used.values()]
    names = {str(d["/FontName"]) for d in descriptors}
    assert any(name.endswith("Laksaman") for name in names), names
    assert all("/FontFile2" in d for d in descriptors)  # embedded, not referenced
    assert letter(office) == pdf
    assert letter(office, letter_number="124") != pdf


def test_empty_tracking_code_leaves_no_broken_sentence(office):
    text = squash(pdf_text(letter(office, fields={**RESULT, "tracking_code": ""})))
    assert squash("เลขที่ ๑๒/๒๕๗๐ นั้น") in text
    assert squash("รหัสติดตาม") not in text


def test_initial_action_notice_without_number(office):
    pdf = letter(office, "initial_action_notice", {**INITIAL, "signer_name": "นายสมศักดิ์ รักงาน"})
    text = squash(pdf_text(pdf))
    for expected in ("แจ้งการดำเนินการเบื้องต้นเกี่ยวกับเรื่องร้องเรียน",
                     INITIAL["recipient"], INITIAL["director_order"], INITIAL["action"],
                     "(นายสมศักดิ์ รักงาน)", "9 ธันวาคม 2569"):
        expected = thai_digits(expected)
        assert squash(expected) in text, expected
    # No number yet: the prefix and a blank the registry (สารบรรณ) fills in by hand.
    assert re.search(re.escape(squash("ที่ ศธ ๐๔๐๐๐/")) + r"(?!\d)", text)
    assert "$" not in text


def test_long_letter_runs_onto_numbered_pages(office):
    long_action = " ".join(["ตรวจสอบเอกสารการจัดซื้อจัดจ้างของโรงเรียนทุกรายการ"] * 60)
    pdf = letter(office, "initial_action_notice", {**INITIAL, "action": long_action})
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 2
    # Continued pages are numbered "- ๒ -" at the top (test_letter_layout checks the rest).
    assert pages[1].extract_text().lstrip().startswith("- ๒ -")


def test_missing_or_blank_field_is_named(office):
    fields = {k: v for k, v in INITIAL.items() if k != "director_order"}
    with pytest.raises(InvalidData) as missing:
        letter(office, "initial_action_notice", fields)
    assert list(missing.value.fields) == ["director_order"]
    assert "director_order" in missing.value.message
    with pytest.raises(InvalidData) as blank:
        letter(office, "result_notice", {**RESULT, "outcome": "  "})
    assert list(blank.value.fields) == ["outcome"]
    with pytest.raises(InvalidData) as unknown_kind:
        letter(office, "apology", RESULT)
    assert "kind" in unknown_kind.value.fields


def copy_of_processes(tmp_path: Path) -> Path:
    folder = tmp_path / "processes"
    shutil.copytree(PROCESSES / "letters", folder / "letters")
    return folder


def test_unknown_placeholder_is_named_not_printed(office, tmp_path):
    folder = copy_of_processes(tmp_path)
    path = folder / "letters" / "result_notice.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "เลขที่ $case_number", "เลขที่ $case_numbr"), encoding="utf-8")
    with pytest.raises(InvalidData) as error:
        render_letter(office, "result_notice", RESULT, issued_on=ISSUED, processes_dir=folder)
    assert "case_numbr" in error.value.fields and "$case_numbr" in error.value.message
    problems = check_letter_templates(folder)
    assert len(problems) == 1 and "$case_numbr" in problems[0]
    assert problems[0].startswith("result_notice.toml:")


def test_an_edited_template_is_read_again_and_a_broken_edit_refused(office, tmp_path):
    """Checked templates are kept between letters, but only while the file is unchanged:
    the next letter after an edit says what the file now says, and a broken edit is
    refused, not served from memory."""
    folder = copy_of_processes(tmp_path)
    path = folder / "letters" / "result_notice.toml"
    first = fill_letter(office, "result_notice", RESULT, processes_dir=folder)
    assert fill_letter(office, "result_notice", RESULT, processes_dir=folder) == first
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace('subject = "', 'subject = "ด่วน '), encoding="utf-8")
    edited = fill_letter(office, "result_notice", RESULT, processes_dir=folder)
    assert edited.subject == "ด่วน " + first.subject
    path.write_text(original.replace("$case_number", "$case_numbr"), encoding="utf-8")
    with pytest.raises(InvalidData) as error:
        fill_letter(office, "result_notice", RESULT, processes_dir=folder)
    assert "case_numbr" in error.value.fields


def test_template_check(tmp_path):
    assert check_letter_templates(PROCESSES) == []
    folder = copy_of_processes(tmp_path)
    (folder / "letters" / "initial_action_notice.toml").unlink()
    notice = folder / "letters" / "result_notice.toml"
    notice.write_text(notice.read_text(encoding="utf-8")
                      .replace('subject = "', 'subjct = "')
                      .replace("$outcome", "$outcome ราคา 5$"), encoding="utf-8")
    (folder / "letters" / "thank_you.toml").write_text('subject = "x"\n', encoding="utf-8")
    problems = "\n".join(check_letter_templates(folder))
    assert "initial_action_notice.toml" in problems  # missing file
    assert "subjct" in problems and "subject is required" in problems
    assert "$$" in problems  # a lone $ is explained
    assert "thank_you" in problems


def test_template_check_names_an_unknown_key_that_holds_no_text(tmp_path):
    folder = copy_of_processes(tmp_path)
    notice = folder / "letters" / "result_notice.toml"
    notice.write_text(notice.read_text(encoding="utf-8") + "\ncopies = 2\n", encoding="utf-8")
    problems = check_letter_templates(folder)
    assert len(problems) == 1 and "unknown key copies" in problems[0]


def test_fonts_found_and_missing_fonts_say_what_to_install(monkeypatch, tmp_path):
    found = fonts.find_thai_fonts()
    assert found.regular.name == "Laksaman.ttf" and found.bold.name == "Laksaman-Bold.ttf"
    fonts.find_thai_fonts.cache_clear()
    monkeypatch.setattr(fonts, "DEBIAN_DIR", tmp_path)
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    try:
        with pytest.raises(fonts.FontsMissing) as error:
            fonts.find_thai_fonts()
        assert isinstance(error.value, GovflowError)
        assert "apt-get install fonts-thai-tlwg" in error.value.message
    finally:
        fonts.find_thai_fonts.cache_clear()


def test_fontconfig_answer_must_be_laksaman(monkeypatch):
    class Done:
        stdout = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

    monkeypatch.setattr(fonts.shutil, "which", lambda name: "/usr/bin/fc-match")
    monkeypatch.setattr(fonts.subprocess, "run", lambda *a, **k: Done())
    assert fonts._fc_match("B") is None
    Done.stdout = str(fonts.DEBIAN_DIR / "Laksaman-Bold.ttf")
    assert fonts._fc_match("B") == fonts.DEBIAN_DIR / "Laksaman-Bold.ttf"


def _breaks_are_between_clusters(text: str) -> None:
    for index, char in enumerate(text):
        if char == thai_wrap.ZWSP:
            assert text[index + 1] not in thai_wrap._NO_BREAK_BEFORE, text
            assert text[index - 1] not in thai_wrap._NO_BREAK_AFTER, text


@pytest.mark.parametrize("dictionary", [True, False], ids=["libthai", "clusters"])
def test_thai_wraps_between_words(monkeypatch, dictionary):
    if not dictionary:
        monkeypatch.setattr(thai_wrap, "_libthai", lambda: None)
    text = "สำนักงานเขตพื้นที่การศึกษาได้รับเรื่องร้องเรียน เลขที่ 12/2570 เขต 1"
    broken = thai_wrap.breakable(text)
    assert broken.replace(thai_wrap.ZWSP, "").replace(thai_wrap.NBSP, " ") == text
    assert broken.count(thai_wrap.ZWSP) >= 5
    assert "เลขที่\u00a012/2570" in broken.replace(thai_wrap.ZWSP, "")  # number kept on
    _breaks_are_between_clusters(broken)
    if dictionary:
        words = broken.split(thai_wrap.ZWSP)
        assert {"สำนักงาน", "เขต", "การศึกษา", "เรื่อง"} <= set(words)
