"""Buddhist-Era dates, Thai month names and the Thai fiscal year.

Babel ignores ``@calendar=buddhist`` and prints ค.ศ., so Thai dates are
formatted here. Dates are stored as CE; these helpers are for display and input.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = [
    "BE_OFFSET",
    "THAI_MONTHS",
    "THAI_MONTHS_ABBR",
    "THAI_WEEKDAYS",
    "be_year",
    "fiscal_half_bounds",
    "fiscal_year_be",
    "fiscal_year_bounds",
    "format_thai_date",
    "format_thai_datetime",
    "parse_be_date",
    "to_thai_digits",
]

BE_OFFSET = 543
_BANGKOK = ZoneInfo("Asia/Bangkok")
# Outside this range a "BE" year is almost always a CE year typed by mistake.
_BE_MIN, _BE_MAX = 2400, 2700

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
THAI_MONTHS_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
# Indexed by date.weekday(): Monday first, as Python counts.
THAI_WEEKDAYS = (
    "วันจันทร์", "วันอังคาร", "วันพุธ", "วันพฤหัสบดี", "วันศุกร์", "วันเสาร์", "วันอาทิตย์",
)  # fmt: skip

_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_FROM_THAI = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_BE_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")

Style = Literal["long", "short", "full", "numeric"]


def be_year(d: date) -> int:
    return d.year + BE_OFFSET


def to_thai_digits(s: object) -> str:
    return str(s).translate(_TO_THAI)


def _bangkok_date(value: date | datetime) -> date:
    # Stored datetimes are UTC; a naive one is read as UTC, like in format_thai_datetime.
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(_BANGKOK).date()
    return value


def format_thai_date(d: date | datetime, style: Style = "long", thai_digits: bool = False) -> str:
    """1 ตุลาคม 2569 (long), 1 ต.ค. 69 (short), วันพฤหัสบดีที่ 1 ตุลาคม พ.ศ. 2569 (full),
    01/10/2569 (numeric). A datetime is shown as its Asia/Bangkok date."""
    day = _bangkok_date(d)
    year = be_year(day)
    if style == "long":
        text = f"{day.day} {THAI_MONTHS[day.month - 1]} {year}"
    elif style == "short":
        text = f"{day.day} {THAI_MONTHS_ABBR[day.month - 1]} {year % 100:02d}"
    elif style == "full":
        weekday = THAI_WEEKDAYS[day.weekday()]
        text = f"{weekday}ที่ {day.day} {THAI_MONTHS[day.month - 1]} พ.ศ. {year}"
    elif style == "numeric":
        text = f"{day.day:02d}/{day.month:02d}/{year}"
    else:
        raise ValueError(f"unknown style {style!r}: use 'long', 'short', 'full' or 'numeric'")
    return to_thai_digits(text) if thai_digits else text


def format_thai_datetime(dt: datetime, thai_digits: bool = False) -> str:
    """11 ธันวาคม 2569 16:30 น. in Asia/Bangkok; a naive datetime is UTC."""
    aware = dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)
    local = aware.astimezone(_BANGKOK)
    text = f"{format_thai_date(local.date())} {local:%H:%M} น."
    return to_thai_digits(text) if thai_digits else text


def fiscal_year_be(d: date) -> int:
    """ปีงบประมาณ: named by the BE year in which it ends; 1 October starts the next one."""
    return be_year(d) + (1 if d.month >= 10 else 0)


def fiscal_year_bounds(fy_be: int) -> tuple[date, date]:
    """First and last day of fiscal year fy_be: 1 Oct (fy−1) to 30 Sep (fy), in CE."""
    end_ce = fy_be - BE_OFFSET
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)


def fiscal_half_bounds(fy_be: int, half: int) -> tuple[date, date]:
    """Half 1: 1 Oct–31 Mar; half 2: 1 Apr–30 Sep (the 6-month report windows)."""
    end_ce = fy_be - BE_OFFSET
    if half == 1:
        return date(end_ce - 1, 10, 1), date(end_ce, 3, 31)
    if half == 2:
        return date(end_ce, 4, 1), date(end_ce, 9, 30)
    raise ValueError(f"half must be 1 or 2, got {half!r}")


def parse_iso_day(text: str) -> date:
    """YYYY-MM-DD as a date input or an API client sends it; a year from 2400 on is read
    as Buddhist Era (people type 2569-12-11 as often as 2026-12-11)."""
    day = date.fromisoformat(text)
    return day.replace(year=day.year - BE_OFFSET) if day.year >= _BE_MIN else day


def parse_be_date(s: str) -> date:
    """Parse 'DD/MM/BBBB' with a Buddhist-Era year (Thai digits accepted)."""
    match = _BE_DATE.fullmatch(s.strip().translate(_FROM_THAI))
    if not match:
        raise ValueError(
            f"รูปแบบวันที่ไม่ถูกต้อง: {s!r} ต้องเป็น วว/ดด/ปปปป (พ.ศ.) "
            f"/ invalid date {s!r}: expected DD/MM/YYYY with a Buddhist-Era year"
        )
    day, month, year = (int(part) for part in match.groups())
    if not _BE_MIN <= year <= _BE_MAX:
        raise ValueError(
            f"ปี พ.ศ. {year} ไม่อยู่ในช่วง {_BE_MIN}–{_BE_MAX} อาจพิมพ์ปี ค.ศ. "
            f"(ให้บวก 543 เช่น ค.ศ. 2026 = พ.ศ. 2569) / year {year} is outside "
            f"{_BE_MIN}–{_BE_MAX}: was a CE year typed? Enter the Buddhist-Era year (CE + 543)"
        )
    try:
        return date(year - BE_OFFSET, month, day)
    except ValueError as exc:
        raise ValueError(f"ไม่มีวันที่นี้ในปฏิทิน: {s!r} / no such date: {s!r} ({exc})") from None
