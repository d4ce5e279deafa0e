from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from engine.thai.dates import (
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    THAI_WEEKDAYS,
    be_year,
    fiscal_half_bounds,
    fiscal_year_be,
    fiscal_year_bounds,
    format_thai_date,
    format_thai_datetime,
    parse_be_date,
    to_thai_digits,
)

OCT_1 = date(2026, 10, 1)  # a Thursday


def test_tables():
    assert len(THAI_MONTHS) == len(THAI_MONTHS_ABBR) == 12
    assert THAI_MONTHS[9] == "ตุลาคม" and THAI_MONTHS_ABBR[9] == "ต.ค."
    assert THAI_WEEKDAYS[OCT_1.weekday()] == "วันพฤหัสบดี"


def test_be_year():
    assert be_year(OCT_1) == 2569


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("long", "1 ตุลาคม 2569"),
        ("medium", "1 ต.ค. 2569"),
        ("short", "1 ต.ค. 69"),
        ("full", "วันพฤหัสบดีที่ 1 ตุลาคม พ.ศ. 2569"),
        ("numeric", "01/10/2569"),
    ],
)
def test_styles(style, expected):
    assert format_thai_date(OCT_1, style) == expected


def test_default_style_is_long():
    assert format_thai_date(date(2026, 12, 11)) == "11 ธันวาคม 2569"


def test_thai_digits():
    assert format_thai_date(OCT_1, thai_digits=True) == "๑ ตุลาคม ๒๕๖๙"
    assert to_thai_digits("16:30 2569") == "๑๖:๓๐ ๒๕๖๙"


def test_unknown_style():
    with pytest.raises(ValueError):
        format_thai_date(OCT_1, "abbreviated")


def test_aware_datetime_shown_in_bangkok():
    late_utc = datetime(2026, 9, 30, 18, 0, tzinfo=UTC)  # 01:00 on 1 Oct in Bangkok
    assert format_thai_date(late_utc) == "1 ตุลาคม 2569"
    assert format_thai_date(datetime(2026, 9, 30, 18, 0)) == "1 ตุลาคม 2569"  # naive = UTC


def test_format_thai_datetime():
    dt = datetime(2026, 12, 11, 16, 30, tzinfo=timezone(timedelta(hours=7)))
    assert format_thai_datetime(dt) == "11 ธันวาคม 2569 16:30 น."
    assert format_thai_datetime(datetime(2026, 12, 11, 9, 30)) == "11 ธันวาคม 2569 16:30 น."
    assert format_thai_datetime(dt, thai_digits=True) == "๑๑ ธันวาคม ๒๕๖๙ ๑๖:๓๐ น."


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2025, 9, 30), 2568),
        (date(2025, 10, 1), 2569),
        (date(2026, 3, 31), 2569),
        (date(2026, 9, 30), 2569),
        (date(2026, 10, 1), 2570),
    ],
)
def test_fiscal_year(day, fy):
    assert fiscal_year_be(day) == fy


def test_fiscal_bounds():
    assert fiscal_year_bounds(2569) == (date(2025, 10, 1), date(2026, 9, 30))
    assert fiscal_half_bounds(2569, 1) == (date(2025, 10, 1), date(2026, 3, 31))
    assert fiscal_half_bounds(2569, 2) == (date(2026, 4, 1), date(2026, 9, 30))
    start, end = fiscal_year_bounds(2569)
    assert fiscal_year_be(start) == fiscal_year_be(end) == 2569


@pytest.mark.parametrize("half", [0, 3, "1"])
def test_bad_half(half):
    with pytest.raises(ValueError):
        fiscal_half_bounds(2569, half)


def test_parse_be_date():
    assert parse_be_date("01/10/2569") == OCT_1
    assert parse_be_date(" 1/10/2569 ") == OCT_1
    assert parse_be_date("๑/๑๐/๒๕๖๙") == OCT_1
    assert parse_be_date(format_thai_date(OCT_1, "numeric")) == OCT_1


def test_parse_be_date_rejects_ce_year():
    with pytest.raises(ValueError, match="CE") as info:
        parse_be_date("01/10/2026")
    assert "ค.ศ." in str(info.value)
    with pytest.raises(ValueError):
        parse_be_date("01/10/2800")


@pytest.mark.parametrize("text", ["", "2569-10-01", "1 ต.ค. 69", "31/02/2569", "01/13/2569"])
def test_parse_be_date_garbage(text):
    with pytest.raises(ValueError):
        parse_be_date(text)
