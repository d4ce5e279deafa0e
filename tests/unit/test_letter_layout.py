"""Letters to the สารบรรณ rules, checked from the PDF as poppler reads and draws it:
the signer and their capacity, Thai digits, the continued-page rule, the marks and parts
of an external letter, a text layer that finds what was written, and justified lines."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader

from engine.core.config import REPO_ROOT, Settings
from engine.core.errors import InvalidData
from engine.core.office import load_office
from engine.documents.letter_templates import fill_letter
from engine.documents.letters import render_letter
from engine.documents.signature import Signature
from engine.thai.digits import thai_digits
from tests.pdf_text import poppler_fonts, poppler_lines, poppler_pages, poppler_png, poppler_text

PROCESSES = REPO_ROOT / "processes"
ISSUED = date(2026, 11, 26)
INITIAL = {
    "recipient": "ผู้อำนวยการโรงเรียนบ้านตัวอย่าง",
    "case_number": "15/2570",
    "received_on": "9 ธันวาคม 2569",
    "director_order": "ให้โรงเรียนตรวจสอบข้อเท็จจริงและรายงานผลภายใน 15 วัน",
    "action": "ส่งเรื่องให้โรงเรียนบ้านตัวอย่างตรวจสอบข้อเท็จจริง",
}
RESULT = {
    "recipient": "นายสมชาย ใจดี",
    "case_number": "12/2570",
    "tracking_code": "K7P2-QX9M",
    "received_on": "4 ธันวาคม 2569",
    "outcome": "รับไว้พิจารณาและดำเนินการจนได้ข้อยุติแล้ว",
    "result_summary": "กลุ่มกฎหมายและคดีได้ตรวจสอบข้อเท็จจริงแล้ว",
}
DEPUTY = "นายชาญกฤต น้าใจดี"
DEPUTY_POSITION = "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1"


@pytest.fixture(scope="module")
def office():
    return load_office(Settings())


def letter(office, kind="initial_action_notice", fields=None, **kw) -> bytes:
    return render_letter(office, kind, fields or INITIAL, issued_on=ISSUED,
                         processes_dir=PROCESSES, **kw)


def flat(text: str) -> str:
    """pdftotext's text with its line ends and runs of spaces read as single spaces."""
    return re.sub(r"\s+", " ", text)


def page_lines(pdf: bytes, number: int) -> list[str]:
    """A page's lines in layout mode (pdftotext's reading mode joins a line that ends in
    "-", as "- ๒ -" does, to the next), without the continued page's number."""
    lines = [line.strip() for line in poppler_text(pdf, layout=True, first=number,
                                                   last=number).splitlines() if line.strip()]
    return lines[1:] if number > 1 else lines


def long_action(lines: int) -> str:
    return " ".join(["ตรวจสอบเอกสารการจัดซื้อจัดจ้างของโรงเรียนทุกรายการ"] * lines)


@pytest.mark.parametrize(("capacity", "word"), [("acting", "รักษาราชการแทน"),
                                                ("delegated", "ปฏิบัติราชการแทน")])
def test_the_signer_and_their_capacity_are_printed(office, capacity, word):
    signer = Signature(DEPUTY, DEPUTY_POSITION, capacity, office.head_title)
    text = poppler_text(letter(office, signature=signer))
    assert f"({DEPUTY})" in text
    # The full head's title after the capacity word, as the seed signs: never "ผอ.สพป.".
    joined = text.replace("\n", "")
    assert word + "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต ๑" in joined
    assert "รองผู้อำนวยการสำนักงานเขตพื้นที่" in joined
    assert "(                                        )" not in text


def test_the_director_signs_in_their_own_right(office):
    signer = Signature("นางสาวกรรณิการ์ ศรีสุข", office.head_title)
    text = poppler_text(letter(office, signature=signer))
    assert "(นางสาวกรรณิการ์ ศรีสุข)" in text
    assert "ราชการแทน" not in text


def test_dates_numbers_in_thai_digits_but_codes_and_addresses_as_typed(office):
    text = flat(poppler_text(letter(office, "result_notice", RESULT, letter_number="123")))
    assert "๒๖ พฤศจิกายน ๒๕๖๙" in text  # the date of issue
    assert "ที่ ศธ ๐๔๐๐๐/๑๒๓" in text      # the letter number
    assert "เลขที่ ๑๒/๒๕๗๐" in text        # numbers in running text
    assert "K7P2-QX9M" in text             # the tracking code, as the citizen types it
    assert "โทร. 0 2000 0000" in text and "โทรสาร 0 2000 0001" in text
    assert "ไปรษณีย์อิเล็กทรอนิกส์ saraban@example.go.th" in text
    assert "อีเมล" not in text
    assert not re.search(r"[0-9]", text.replace("K7P2-QX9M", "").replace(
        "0 2000 0000", "").replace("0 2000 0001", ""))


def test_an_office_may_choose_arabic_digits(office):
    arabic = dataclasses.replace(office, digits="arabic")
    text = flat(poppler_text(letter(arabic, "result_notice", RESULT)))
    assert "26 พฤศจิกายน 2569" in text and "๒" not in text


def test_the_text_layer_gives_back_the_words_as_written(office):
    text = poppler_text(letter(office))
    assert "\u200b" not in text
    assert "สำนักงานเขตพื้นที่การศึกษา" in text
    assert "แจ้งการดำเนินการเบื้องต้นเกี่ยวกับเรื่องร้องเรียน" in text
    assert "ส่งเรื่องให้โรงเรียนบ้านตัวอย่างตรวจสอบ" in flat(text).replace(" ", "")
    # Every line break falls between words the template wrote, never inside one.
    words_written = set(re.findall(r"[\u0e00-\u0e7f]+", flat(text)))
    assert "ดำเนินการ" in "".join(words_written)
    assert {f["emb"] for f in poppler_fonts(letter(office))} == {"yes"}


def test_a_long_letter_continues_by_the_rule(office):
    pdf = letter(office, fields={**INITIAL, "action": long_action(40)},
                 signature=Signature(DEPUTY, DEPUTY_POSITION, "acting", office.head_title))
    pages = poppler_pages(pdf)
    assert len(pages) >= 2
    assert "หน้า" not in "".join(pages)
    for number in range(2, len(pages) + 1):
        # In layout mode: pdftotext's reading mode joins a line ending in "-" to the next.
        top = [line for line in poppler_text(pdf, layout=True, first=number, last=number)
               .splitlines() if line.strip()]
        assert top[0].strip() == f"- {'๐๑๒๓๔๕๖๗๘๙'[number]} -", top[:2]
    for number, page in enumerate(pages[:-1], start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        continuation = lines[-1]
        assert continuation.startswith("/") and continuation.endswith("..."), lines[-3:]
        # The words after the slash are the first words of the next page's text.
        following = poppler_text(pdf, layout=True, first=number + 1, last=number + 1)
        next_text = "".join(following.strip().split("\n", 1)[1].split())
        words = continuation[1:-3].replace(" ", "")
        assert len(words) >= 6 and next_text.startswith(words), (continuation, next_text[:40])
    last = page_lines(pdf, len(pages))
    closing = last.index("ขอแสดงความนับถือ")
    assert len(last[:closing]) >= 2, last[:closing]


@pytest.mark.parametrize("lines", range(10, 70, 3))
def test_the_signature_never_stands_alone(office, lines):
    # Bodies of every length near a page's end: the signature page always carries two
    # or more body lines.
    pdf = letter(office, fields={**INITIAL, "action": long_action(lines)})
    count = len(poppler_pages(pdf))
    last = page_lines(pdf, count)
    closing = last.index("ขอแสดงความนับถือ")
    assert len(last[:closing]) >= 2, (count, last[:closing])


def test_marks_reference_and_enclosures(office):
    pdf = letter(office, "result_notice", RESULT, urgency="most_urgent",
                 secrecy="confidential", reference="หนังสือของท่าน ลงวันที่ 1 ตุลาคม 2569",
                 enclosures=["สำเนาคำสั่งแต่งตั้งคณะกรรมการ", "รายงานผลการสืบสวน"])
    pages = poppler_pages(pdf)
    first = [line.strip() for line in pages[0].splitlines() if line.strip()]
    assert first[0] == "ลับ" and first[-1] == "ลับ"   # at the top and the foot
    assert "ด่วนที่สุด" in first[:3]
    text = flat(pages[0])
    assert "อ้างถึง หนังสือของท่าน ลงวันที่ ๑ ตุลาคม ๒๕๖๙" in text
    assert "สิ่งที่ส่งมาด้วย ๑. สำเนาคำสั่งแต่งตั้งคณะกรรมการ ๒. รายงานผลการสืบสวน" in text
    # The urgency mark is at least 32 pt (its line box is the font's, 1.96 em tall).
    [urgent] = [y1 - y0 for _x0, _x1, y0, y1, text in poppler_lines(pdf) if text == "ด่วนที่สุด"]
    assert urgent >= 32 * 1.9
    # The marks are red.
    image = Image.open(io.BytesIO(poppler_png(pdf, dpi=50))).convert("RGB")
    reds = [p for p in image.get_flattened_data() if p[0] > 150 and p[1] < 80 and p[2] < 80]
    assert len(reds) > 50


def test_unknown_marks_are_refused(office):
    with pytest.raises(InvalidData) as error:
        letter(office, urgency="asap", secrecy="top")
    assert set(error.value.fields) == {"urgency", "secrecy"}


def test_the_emblem_comes_from_the_office_file(office):
    reader = PdfReader(io.BytesIO(letter(office)))
    sizes = {(image.image.width, image.image.height) for image in reader.pages[0].images}
    emblem = Image.open(office.emblem_image)
    assert (emblem.width, emblem.height) in sizes
    assert office.emblem_image.name == "emblem-placeholder.png"


def test_justified_lines_read_back_with_no_space_added(office):
    """Thai distributed justification widens the gaps of a line without putting a space
    into its text: every line of the body, as pdftotext reads it, is a piece of the
    paragraph exactly as written (in the office's digits)."""
    fields = {**INITIAL, "action": long_action(6)}
    pdf = letter(office, fields=fields)
    filled = fill_letter(office, "initial_action_notice", fields, processes_dir=PROCESSES)
    written = [thai_digits(paragraph) for paragraph in filled.paragraphs]
    body_lines = [line.strip() for line in poppler_text(pdf).splitlines()
                  if len(line.strip()) > 30 and not line.startswith(("เรื่อง", "เรียน"))]
    justified = [line for line in body_lines if any(line in p for p in written)]
    assert len(justified) >= 8, body_lines
    # And no line holds a doubled space (but the blank signature's brackets, "(   )").
    assert all("  " not in line for line in body_lines if not line.startswith("("))


def test_body_paragraphs_are_justified(office):
    pdf = letter(office, fields={**INITIAL, "action": long_action(6)})
    lines = poppler_lines(pdf)
    # The body's lines that start at the left margin (30 mm = 85 pt), long enough to be
    # a paragraph's inner line: all end at the right margin (190 mm = 538.6 pt).
    body = [(x0, x1, text) for x0, x1, _y0, _y1, text in lines if abs(x0 - 85.04) < 1.5
            and x1 - x0 > 350]
    assert len(body) >= 5
    ends = sorted(x1 for _x0, x1, _text in body)
    # Inner lines end flush at the margin, within half a millimetre; a paragraph's
    # last line may fall short.
    flush = [end for end in ends if abs(end - 538.58) < 1.5]
    assert len(flush) >= len(body) - 3, ends
