"""Thai digits and where a Thai line may break: the rules the documents draw by."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.documents.pdf import ThaiDocument
from engine.thai.digits import DigitLocaliser, arabic_digits, localise_digits, thai_digits
from engine.thai.line_breaks import WORD_JOINER, break_positions, split_words


def test_thai_digits_round_trip():
    assert thai_digits("1 ตุลาคม 2562") == "๑ ตุลาคม ๒๕๖๒"
    assert arabic_digits("๑ ตุลาคม ๒๕๖๒") == "1 ตุลาคม 2562"


def test_addresses_codes_and_phones_stay_as_typed():
    text = ("เรื่องที่ 12 ดูที่ https://example.go.th/track?c=2 หรือเขียนถึง saraban2@example.go.th "
            "รหัส K7P2-QX9M โทร 0 2000 0000")
    out = localise_digits(text, "thai", keep=("K7P2-QX9M", "0 2000 0000"))
    assert out.startswith("เรื่องที่ ๑๒ ")
    for typed in ("https://example.go.th/track?c=2", "saraban2@example.go.th", "K7P2-QX9M",
                  "0 2000 0000"):
        assert typed in out
    assert localise_digits(text, "arabic") == text


def test_a_document_keeps_more_texts_as_it_learns_them():
    localise = DigitLocaliser("thai")
    assert localise("AB12") == "AB๑๒"
    localise.keep("AB12")
    assert localise("code AB12, 3 วัน") == "code AB12, ๓ วัน"


def test_breaks_are_between_words_and_never_inside_the_kept_units():
    text = "ลงวันที่ 1 ตุลาคม 2569 รอบ 6 เดือน ภายใน 3 วันทำการ สำนักงานเขตพื้นที่การศึกษา"
    words = split_words(text)
    assert "".join(words) == text  # nothing put into the text
    for unit in ("1 ตุลาคม 2569 ", "รอบ 6 เดือน ", "ภายใน 3 วันทำการ ", "การศึกษา"):
        assert any(unit in word for word in words), (unit, words)
    assert "สำนักงาน" in words


def test_a_word_joiner_forbids_a_break_and_a_zero_width_space_makes_one():
    joined = f"ผู้ถูก{WORD_JOINER}ร้องเรียน"
    assert all(joined[i - 1] != WORD_JOINER and joined[i] != WORD_JOINER
               for i in break_positions(joined))
    assert 3 in break_positions("abc\u200bdef") or 4 in break_positions("abc\u200bdef")


@pytest.mark.parametrize("width", [40.0, 70.0, 120.0])
def test_wrapped_lines_hold_the_text_and_fit(width):
    pdf = ThaiDocument(title="t", created=datetime(2026, 1, 1))
    pdf.add_page()
    text = ("ด้วยสำนักงานเขตพื้นที่การศึกษาประถมศึกษาตัวอย่าง เขต 1 ได้รับเรื่องร้องเรียน "
            "https://example.go.th/a/very/long/address/that/has/no/break/at/all/inside/it")
    lines = pdf.wrap_lines(text, width)
    assert len(lines) > 1
    assert all(pdf.get_string_width(line) <= width + 0.01 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
