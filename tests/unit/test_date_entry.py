"""Reading the dates people type: วว/ดด/ปปปป in the Buddhist Era, or ISO in the Common Era.

Nothing is guessed: every refusal says how the date was read and what to type instead.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.bpmn.forms import validate_form
from engine.core.config import Settings
from engine.core.errors import ConfigurationError, InvalidData
from engine.thai.dates import (
    DateEntryError,
    check_received_day,
    format_date_entry,
    parse_be_date,
    parse_date_entry,
    parse_iso_day,
    years_before,
)

NOV_20 = date(2026, 11, 20)


@pytest.mark.parametrize("text", [
    "20/11/2569", " 20/11/2569 ", "๒๐/๑๑/๒๕๖๙", "๒๐/11/2569", "2026-11-20",
])
def test_be_slash_thai_digits_and_iso_ce_are_read(text):
    assert parse_date_entry(text) == NOV_20


def test_one_digit_day_and_month():
    assert parse_date_entry("1/1/2570") == date(2027, 1, 1)


def test_shown_back_as_typed():
    assert format_date_entry(NOV_20) == "20/11/2569"
    assert parse_date_entry(format_date_entry(NOV_20)) == NOV_20


def test_iso_buddhist_era_year_is_refused_with_its_reading():
    with pytest.raises(DateEntryError) as info:
        parse_date_entry("2569-11-20")
    error = info.value
    # Read as the Common Era it would be 20 Nov 2569 CE = 3112 BE: said, and refused.
    assert "อ่านได้เป็น 20 พฤศจิกายน 3112" in error.thai
    assert "ถ้าเป็นปี พ.ศ. ให้พิมพ์ 20/11/2569" in error.thai
    assert "2026-11-20" in error.thai  # the ISO form the API takes, in the Common Era
    assert "Buddhist-Era" in error.english and "20/11/2569" in error.english
    assert str(error) == f"{error.thai} / {error.english}"


def test_iso_year_2400_is_the_first_refused():
    with pytest.raises(DateEntryError, match="ดูเหมือนปี พ.ศ."):
        parse_iso_day("2400-01-01")
    with pytest.raises(DateEntryError, match="อยู่นอกช่วง") as info:
        parse_iso_day("2399-12-31")
    assert "พ.ศ." not in info.value.thai
    assert parse_iso_day("2157-12-31") == date(2157, 12, 31)


def test_two_digit_year_asks_for_four():
    with pytest.raises(DateEntryError) as info:
        parse_date_entry("20/11/69")
    assert "พิมพ์ปี 4 หลัก เช่น 2569" in info.value.thai
    assert "4 digits" in info.value.english


@pytest.mark.parametrize(("text", "reading"), [
    ("31/02/2569", "อ่านได้เป็นวันที่ 31 กุมภาพันธ์ พ.ศ. 2569"),
    ("29/02/2569", "กุมภาพันธ์ พ.ศ. 2569 มี 28 วัน"),
    ("11/20/2569", "อ่านได้เป็นวันที่ 11 เดือนที่ 20"),
    ("20/13/2569", "เดือนที่ 13"),
    ("20/11/3000", "อ่านได้เป็นวันที่ 20 พฤศจิกายน พ.ศ. 3000"),
    ("2026-02-30", "อ่านได้เป็นวันที่ 30 กุมภาพันธ์ ค.ศ. 2026"),
    ("2026-13-01", "เดือนที่ 13"),
])
def test_impossible_dates_are_refused_with_their_reading(text, reading):
    with pytest.raises(DateEntryError) as info:
        parse_date_entry(text)
    assert reading in info.value.thai
    assert text in info.value.thai and text in info.value.english


def test_month_day_order_is_named_not_swapped():
    with pytest.raises(DateEntryError) as info:
        parse_date_entry("11/20/2569")
    assert "20/11/2569" in info.value.thai  # what to type, never taken as that
    assert "day first" in info.value.english


def test_common_era_year_in_the_slash_form_is_refused():
    with pytest.raises(DateEntryError) as info:
        parse_date_entry("20/11/2026")
    assert "ค.ศ. 2026" in info.value.thai and "20/11/2569" in info.value.thai
    assert "CE" in info.value.english


@pytest.mark.parametrize("text", ["", "abc", "20 พ.ย. 2569", "20-11-2569", "2569/11/20",
                                  "20/11/2569/1", "2026-1-5", "๒๐๒๖-๑๑-๒๐ x"])
def test_other_shapes_are_refused(text):
    with pytest.raises(DateEntryError, match="วว/ดด/ปปปป|ปปปป-ดด-วว"):
        parse_date_entry(text)


def test_the_api_form_takes_no_thai_digits():
    with pytest.raises(DateEntryError):
        parse_iso_day("๒๐๒๖-๑๑-๒๐")


def test_long_input_is_cut_in_the_message():
    with pytest.raises(DateEntryError) as info:
        parse_date_entry("9" * 500)
    assert len(str(info.value)) < 300


def test_parse_be_date_is_the_slash_form_of_the_same_parser():
    assert parse_be_date("๒๐/๑๑/๒๕๖๙") == NOV_20
    with pytest.raises(DateEntryError, match="วว/ดด/ปปปป"):
        parse_be_date("2026-11-20")
    with pytest.raises(DateEntryError, match="อ่านได้เป็นวันที่ 31 กุมภาพันธ์"):
        parse_be_date("31/02/2569")


# ---- the API's form check (JSON Schema "format": "date") --------------------------------

SCHEMA = {"type": "object", "properties": {
    "on": {"type": "string", "title": "วันที่แจ้งผล", "format": "date"}}}


def test_form_check_takes_iso_ce():
    assert validate_form(SCHEMA, {"on": "2026-11-20"}) == {"on": "2026-11-20"}


@pytest.mark.parametrize(("value", "words"), [
    ("2569-11-20", "อ่านได้เป็น 20 พฤศจิกายน 3112"),
    ("20/11/2569", "ปปปป-ดด-วว"),  # the API is ISO only
    ("2026-02-30", "ไม่มีในปฏิทิน"),
])
def test_form_check_refuses_with_the_parsers_message(value, words):
    with pytest.raises(InvalidData) as info:
        validate_form(SCHEMA, {"on": value})
    message = info.value.fields["on"]
    assert message.startswith("วันที่แจ้งผล: ") and words in message
    assert message.count(" / ") == 1  # Thai / English, as the web shows one half


# ---- received dates ---------------------------------------------------------------------

TODAY = date(2026, 12, 2)


def test_received_today_or_within_the_years_is_taken():
    check_received_day(TODAY, TODAY, 1)
    check_received_day(date(2025, 12, 2), TODAY, 1)


def test_received_in_the_future_is_refused():
    with pytest.raises(DateEntryError) as info:
        check_received_day(date(2026, 12, 3), TODAY, 1)
    assert "3 ธันวาคม 2569" in info.value.thai and "วันนี้คือ 2 ธันวาคม 2569" in info.value.thai
    assert "future" in info.value.english


def test_received_too_long_ago_is_refused():
    with pytest.raises(DateEntryError) as info:
        check_received_day(date(2025, 12, 1), TODAY, 1)
    assert "ย้อนหลังเกิน 1 ปี" in info.value.thai and "2 ธันวาคม 2568" in info.value.thai
    check_received_day(date(2024, 12, 2), TODAY, 2)


def test_years_before_a_leap_day():
    assert years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)


def test_the_limit_is_a_setting(monkeypatch):
    monkeypatch.delenv("GOVFLOW_RECEIVED_DATE_MAX_YEARS", raising=False)
    assert Settings.from_env().received_date_max_years == 1
    monkeypatch.setenv("GOVFLOW_RECEIVED_DATE_MAX_YEARS", "3")
    assert Settings.from_env().received_date_max_years == 3
    for bad in ("0", "-1", "1.5", "หนึ่ง"):
        monkeypatch.setenv("GOVFLOW_RECEIVED_DATE_MAX_YEARS", bad)
        with pytest.raises(ConfigurationError, match="GOVFLOW_RECEIVED_DATE_MAX_YEARS"):
            Settings.from_env()
