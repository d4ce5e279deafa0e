"""Buddhist-Era dates, Thai month names and the Thai fiscal year.

Babel ignores ``@calendar=buddhist`` and prints ค.ศ., so Thai dates are
formatted here. Dates are stored as CE; these helpers are for display and input.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from engine.thai.digits import arabic_digits, thai_digits

__all__ = [
    "BE_OFFSET",
    "DATE_ENTRY_HINT",
    "DateEntryError",
    "THAI_MONTHS",
    "THAI_MONTHS_ABBR",
    "THAI_WEEKDAYS",
    "be_year",
    "check_received_day",
    "fiscal_half_bounds",
    "fiscal_year_be",
    "fiscal_year_bounds",
    "format_thai_date",
    "format_date_entry",
    "format_thai_datetime",
    "parse_be_date",
    "parse_date_entry",
    "parse_iso_day",
    "to_thai_digits",
    "years_before",
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


Style = Literal["long", "medium", "short", "full", "numeric"]


def be_year(d: date) -> int:
    return d.year + BE_OFFSET


def to_thai_digits(s: object) -> str:
    return thai_digits(str(s))


def _bangkok_date(value: date | datetime) -> date:
    # Stored datetimes are UTC; a naive one is read as UTC, like in format_thai_datetime.
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(_BANGKOK).date()
    return value


def format_thai_date(d: date | datetime, style: Style = "long", thai_digits: bool = False) -> str:
    """1 ตุลาคม 2569 (long), 1 ต.ค. 2569 (medium, for narrow table columns), 1 ต.ค. 69
    (short), วันพฤหัสบดีที่ 1 ตุลาคม พ.ศ. 2569 (full), 01/10/2569 (numeric). A datetime is
    shown as its Asia/Bangkok date."""
    day = _bangkok_date(d)
    year = be_year(day)
    if style == "long":
        text = f"{day.day} {THAI_MONTHS[day.month - 1]} {year}"
    elif style == "medium":
        text = f"{day.day} {THAI_MONTHS_ABBR[day.month - 1]} {year}"
    elif style == "short":
        text = f"{day.day} {THAI_MONTHS_ABBR[day.month - 1]} {year % 100:02d}"
    elif style == "full":
        weekday = THAI_WEEKDAYS[day.weekday()]
        text = f"{weekday}ที่ {day.day} {THAI_MONTHS[day.month - 1]} พ.ศ. {year}"
    elif style == "numeric":
        text = f"{day.day:02d}/{day.month:02d}/{year}"
    else:
        raise ValueError(f"unknown style {style!r}: use 'long', 'medium', 'short', 'full' or "
                         "'numeric'")
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


# ---- reading dates people type -------------------------------------------------------------
#
# A date is entered as วว/ดด/ปปปป in the Buddhist Era (Arabic or Thai digits) or as ISO
# YYYY-MM-DD in the Common Era. Nothing is guessed: a year, month or day that could mean
# something else is refused with the way it was read, so the person sees the mistake.

#: The hint a date input shows: day/month/Buddhist-Era year.
DATE_ENTRY_HINT = "วว/ดด/ปปปป"
#: An example for messages (20 November 2026 CE).
_EXAMPLE = "20/11/2569"
# The years a typed CE date may have: the same span as the Buddhist-Era years above.
_CE_MIN, _CE_MAX = _BE_MIN - BE_OFFSET, _BE_MAX - BE_OFFSET
# ASCII digits only: re's \d would take Thai digits too, and the API takes none.
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SLASH_DAY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]+)")
# Longer input is cut before it is quoted in a message.
_QUOTE_MAX = 20


class DateEntryError(ValueError):
    """A typed date that was refused; ``thai`` and ``english`` say how it was read and
    what to type instead (``str()`` is 'Thai / English', as engine messages are)."""

    def __init__(self, thai: str, english: str) -> None:
        super().__init__(f"{thai} / {english}")
        self.thai, self.english = thai, english


def _quote(text: str) -> str:
    return text if len(text) <= _QUOTE_MAX else text[:_QUOTE_MAX] + "…"


def _english_date(day: int, month: int, year: int, era: str) -> str:
    months = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
    return f"{day} {months[month - 1]} {year} {era}"


def _days_in(month: int, year_ce: int) -> int:
    return calendar.monthrange(year_ce, month)[1]


def parse_date_entry(text: str) -> date:
    """A date as a person types it: ``20/11/2569`` or ``๒๐/๑๑/๒๕๖๙`` (day/month/BE year)
    or ``2026-11-20`` (ISO, Common Era). Raises DateEntryError saying how it was read."""
    shown = _quote(text.strip())
    plain = arabic_digits(text.strip())
    if _ISO_DAY.fullmatch(plain):
        return parse_iso_day(plain)
    match = _SLASH_DAY.fullmatch(plain)
    if not match:
        raise DateEntryError(
            f"วันที่ไม่ถูกต้อง: อ่าน “{shown}” เป็นวันที่ไม่ได้ พิมพ์เป็น {DATE_ENTRY_HINT} "
            f"(ปี พ.ศ.) เช่น {_EXAMPLE}",
            f"“{shown}” is not a date: type DD/MM/YYYY with a Buddhist-Era year, "
            f"e.g. {_EXAMPLE}")
    day, month, year = (int(part) for part in match.groups())
    digits = len(match.group(3))
    if digits != 4:
        example = "พิมพ์ปี 4 หลัก เช่น 2569" if digits == 2 else "ปีต้องมี 4 หลัก เช่น 2569"
        raise DateEntryError(
            f"“{shown}”: {example} (ปี พ.ศ.)",
            f"“{shown}”: type the year with 4 digits, e.g. 2569 (Buddhist Era)")
    if not 1 <= month <= 12:
        raise _no_such_month(shown, day, month, year)
    if not _BE_MIN <= year <= _BE_MAX:
        raise _be_year_out_of_range(shown, day, month, year)
    if not 1 <= day <= _days_in(month, year - BE_OFFSET):
        raise _no_such_day(shown, day, month, year, "พ.ศ.", "BE", year - BE_OFFSET)
    return date(year - BE_OFFSET, month, day)


def parse_iso_day(text: str) -> date:
    """YYYY-MM-DD in the Common Era, as the API and a typed ISO date have it.

    A year from 2400 on is refused, never converted: it is a Buddhist-Era year typed
    in ISO order (2569-11-20), and reading it either way could be wrong."""
    shown = _quote(text.strip())
    match = _ISO_DAY.fullmatch(text.strip())
    if not match:
        raise DateEntryError(
            f"“{shown}” ไม่ใช่วันที่ในรูปแบบ ปปปป-ดด-วว (ปี ค.ศ.) เช่น 2026-11-20",
            f"“{shown}” is not a date as YYYY-MM-DD (Common Era), e.g. 2026-11-20")
    year, month, day = (int(part) for part in match.groups())
    if year >= _BE_MIN:
        raise _be_year_in_iso(shown, day, month, year)
    if not 1 <= month <= 12:
        raise DateEntryError(
            f"“{shown}” อ่านได้เป็นปี ค.ศ. {year} เดือนที่ {month} ซึ่งไม่มี "
            f"(ปปปป-ดด-วว: เดือนอยู่กลาง)",
            f"“{shown}” reads as year {year} CE, month {month}, which does not exist "
            f"(YYYY-MM-DD: the month is in the middle)")
    if not _CE_MIN <= year <= _CE_MAX:
        raise DateEntryError(
            f"“{shown}”: ปี ค.ศ. {year} อยู่นอกช่วง {_CE_MIN}–{_CE_MAX}",
            f"“{shown}”: the year {year} CE is outside {_CE_MIN}–{_CE_MAX}")
    if not 1 <= day <= _days_in(month, year):
        raise _no_such_day(shown, day, month, year, "ค.ศ.", "CE", year)
    return date(year, month, day)


def _be_year_in_iso(shown: str, day: int, month: int, year: int) -> DateEntryError:
    known_month = 1 <= month <= 12
    if known_month and day <= _days_in(month, year) and day >= 1:
        reading = f"อ่านได้เป็น {day} {THAI_MONTHS[month - 1]} {year + BE_OFFSET} (ปี ค.ศ. {year}) "
        reading_en = f"reads as {_english_date(day, month, year, 'CE')}; "
    else:
        reading, reading_en = "", ""
    ce = year - BE_OFFSET
    if known_month and year <= _BE_MAX and 1 <= day <= _days_in(month, ce):
        # Both right forms: the page takes either, the API only the ISO one.
        iso_ce = f"{ce}-{month:02d}-{day:02d}"
        retype = f"{day:02d}/{month:02d}/{year} (หรือ {iso_ce} เป็นปี ค.ศ.)"
        retype_en = f"{day:02d}/{month:02d}/{year} (or {iso_ce} in the Common Era)"
    else:
        retype = f"{DATE_ENTRY_HINT} เช่น {_EXAMPLE}"
        retype_en = f"DD/MM/YYYY, e.g. {_EXAMPLE}"
    return DateEntryError(
        f"“{shown}” {reading}ปีนี้ดูเหมือนปี พ.ศ. แต่รูปแบบ ปปปป-ดด-วว ใช้ปี ค.ศ. "
        f"ถ้าเป็นปี พ.ศ. ให้พิมพ์ {retype}",
        f"“{shown}” {reading_en}the year looks like a Buddhist-Era year, but YYYY-MM-DD "
        f"takes the Common Era: for the Buddhist Era type {retype_en}")


def _no_such_month(shown: str, day: int, month: int, year: int) -> DateEntryError:
    if 1 <= day <= 12 and 1 <= month <= 31:
        # 11/20/2569 is month/day (the order of US dates and of Chromium's date input).
        return DateEntryError(
            f"“{shown}” อ่านได้เป็นวันที่ {day} เดือนที่ {month} ซึ่งไม่มีเดือนนี้ "
            f"พิมพ์วันก่อนเดือน ({DATE_ENTRY_HINT}) เช่น {month:02d}/{day:02d}/{year}",
            f"“{shown}” reads as day {day} of month {month}, which does not exist: "
            f"type the day first (DD/MM/YYYY), e.g. {month:02d}/{day:02d}/{year}")
    return DateEntryError(
        f"“{shown}” อ่านได้เป็นวันที่ {day} เดือนที่ {month} ซึ่งไม่มีเดือนนี้ "
        f"(เดือนต้องเป็น 1–12 รูปแบบ {DATE_ENTRY_HINT})",
        f"“{shown}” reads as day {day} of month {month}, which does not exist "
        f"(the month is 1–12, as DD/MM/YYYY)")


def _be_year_out_of_range(shown: str, day: int, month: int, year: int) -> DateEntryError:
    reading = f"อ่านได้เป็นวันที่ {day} {THAI_MONTHS[month - 1]} พ.ศ. {year}"
    reading_en = f"reads as {_english_date(day, month, year, 'BE')}"
    if _CE_MIN <= year <= _CE_MAX:
        # A CE year typed where the Buddhist Era is asked for: show the BE year to type.
        retype = f"{day:02d}/{month:02d}/{year + BE_OFFSET}"
        return DateEntryError(
            f"“{shown}” {reading} ซึ่งเป็นปีที่ผ่านมานานแล้ว ถ้าเป็นปี ค.ศ. {year} "
            f"ให้พิมพ์ปี พ.ศ. (บวก 543) เช่น {retype}",
            f"“{shown}” {reading_en}, long past: if {year} is a CE year, type the "
            f"Buddhist-Era year (add 543): {retype}")
    return DateEntryError(
        f"“{shown}” {reading} ซึ่งอยู่นอกช่วงปี พ.ศ. {_BE_MIN}–{_BE_MAX}",
        f"“{shown}” {reading_en}, outside the Buddhist-Era years {_BE_MIN}–{_BE_MAX}")


def _no_such_day(shown: str, day: int, month: int, year: int, era: str, era_en: str,
                 year_ce: int) -> DateEntryError:
    length = _days_in(month, year_ce)
    return DateEntryError(
        f"“{shown}” อ่านได้เป็นวันที่ {day} {THAI_MONTHS[month - 1]} {era} {year} "
        f"ซึ่งไม่มีในปฏิทิน: {THAI_MONTHS[month - 1]} {era} {year} มี {length} วัน",
        f"“{shown}” reads as {_english_date(day, month, year, era_en)}, which is not in the "
        f"calendar: that month has {length} days")


def parse_be_date(s: str) -> date:
    """Parse 'DD/MM/BBBB' with a Buddhist-Era year (Thai digits accepted): the slash
    form of parse_date_entry, for callers that take no ISO dates."""
    plain = arabic_digits(s.strip())
    if not _SLASH_DAY.fullmatch(plain):
        shown = _quote(s.strip())
        raise DateEntryError(
            f"รูปแบบวันที่ไม่ถูกต้อง: “{shown}” ต้องเป็น {DATE_ENTRY_HINT} (พ.ศ.) เช่น {_EXAMPLE}",
            f"invalid date “{shown}”: expected DD/MM/YYYY with a Buddhist-Era year")
    return parse_date_entry(plain)


def format_date_entry(value: date) -> str:
    """A stored date as a date input shows it: 20/11/2569."""
    return format_thai_date(value, "numeric")


def years_before(day: date, years: int) -> date:
    """The same day ``years`` years earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def check_received_day(day: date, today: date, max_years: int) -> None:
    """Refuse a received date (วันที่ได้รับเรื่อง) after ``today`` or more than
    ``max_years`` years before it: either is a mistyped year, and a deadline counted
    from it would be wrong."""
    shown, shown_en = format_thai_date(day), _english_date(day.day, day.month, be_year(day), "BE")
    if day > today:
        raise DateEntryError(
            f"วันที่ได้รับเรื่อง {shown} ยังไม่ถึง (วันนี้คือ {format_thai_date(today)}) "
            f"กรุณาตรวจสอบวันที่และปี พ.ศ.",
            f"the received date {shown_en} is in the future; check the day and the "
            f"Buddhist-Era year")
    earliest = years_before(today, max_years)
    if day < earliest:
        raise DateEntryError(
            f"วันที่ได้รับเรื่อง {shown} ย้อนหลังเกิน {max_years} ปี (ต้องไม่ก่อน "
            f"{format_thai_date(earliest)}) กรุณาตรวจสอบปี พ.ศ.",
            f"the received date {shown_en} is more than {max_years} year(s) ago (the "
            f"earliest is {_english_date(earliest.day, earliest.month, be_year(earliest), 'BE')})"
            f"; check the Buddhist-Era year")
