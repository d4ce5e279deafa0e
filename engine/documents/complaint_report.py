"""The six-monthly complaint report as plain data, and the tables every format draws from it.

A report covers a half of the fiscal year (รอบ 6 เดือน: 1 Oct–31 Mar, 1 Apr–30 Sep) or the
whole of it (รอบ 12 เดือน, 1 Oct–30 Sep, the cumulative report), named by ``half`` 1, 2 or
WHOLE_YEAR.

``engine/services/complaints/reports.py`` fills a :class:`ComplaintReport` from the
cases; the CSV here, ``report_pdf`` and ``report_xlsx`` render it, so the three formats
always show the same counts in the same order. It carries no personal data and no
complaint subjects (those are the complainant's own words).
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from engine.core.errors import InvalidData
from engine.documents.signature import Signature
from engine.documents.spreadsheet import csv_writer
from engine.thai.dates import (
    BE_OFFSET,
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    Style,
    fiscal_half_bounds,
    fiscal_year_bounds,
    format_thai_date,
)

#: ``half`` of the cumulative 12-month report (the whole fiscal year).
WHOLE_YEAR = 0
#: Every period a report covers, as ``half``: the first half, the second, the whole year.
PERIODS = (1, 2, WHOLE_YEAR)
#: How a period is written in URLs and on the command line ("1", "2", "year").
PERIOD_KEYS = {"1": 1, "2": 2, "year": WHOLE_YEAR}
PERIOD_TH = {1: "รอบ 6 เดือน (ครึ่งปีแรก)", 2: "รอบ 6 เดือน (ครึ่งปีหลัง)",
             WHOLE_YEAR: "รอบ 12 เดือน"}


def period_bounds(fiscal_year: int, half: int) -> tuple[date, date]:
    """The first and last day of a half (1, 2) or of the whole fiscal year (WHOLE_YEAR)."""
    if half == WHOLE_YEAR:
        return fiscal_year_bounds(fiscal_year)
    return fiscal_half_bounds(fiscal_year, half)


def check_period(fiscal_year: int, half: int) -> None:
    """Refuse a period the report cannot cover, saying what to give."""
    if half not in PERIODS or not 2400 <= fiscal_year <= 2700:
        raise InvalidData("ระบุปีงบประมาณ พ.ศ. และรอบ 1, 2 หรือ 12 เดือน / give a Buddhist-Era "
                          "fiscal year and half 1, 2 or the whole year",
                          {"fiscal_year": "e.g. 2570", "half": "1, 2 or year"})


def period_key(half: int) -> str:
    """"1", "2" or "year": the period as URLs, file names and the CLI write it."""
    return next(key for key, value in PERIOD_KEYS.items() if value == half)

BUCKETS = ("in_progress", "completed", "not_considered", "forwarded")
BUCKET_TH = {
    "in_progress": "อยู่ระหว่างดำเนินการ",
    "completed": "ดำเนินการแล้วเสร็จ",
    "not_considered": "ไม่รับไว้พิจารณา",
    "forwarded": "ส่งต่อหน่วยงานอื่น",
}
CHANNEL_TH = {"letter": "หนังสือ", "in_person": "ยื่นด้วยตนเอง", "website": "เว็บไซต์"}


@dataclass
class CaseLine:
    instance_id: int
    received_on: date
    channel: str
    complaint_type: str
    status: str
    triage_working_days: int | None


NOTES_HEADING = "ปัญหา อุปสรรค และข้อเสนอแนะ"
PROBLEMS_HEADING = "ปัญหาและอุปสรรค"
RECOMMENDATIONS_HEADING = "ข้อเสนอแนะ"
#: What the report says where the head of Legal Affairs has not written the part yet.
NOT_WRITTEN = "(ยังไม่ได้เขียน)"


@dataclass(frozen=True)
class ReportNotes:
    """ปัญหา อุปสรรค และข้อเสนอแนะ: what the head of Legal Affairs writes for a period
    before the report goes to the Director, and who wrote it (the report's proposer)."""

    problems: str
    recommendations: str
    written_by: Signature
    written_on: date


@dataclass
class ComplaintReport:
    fiscal_year: int
    half: int
    start: date
    end: date
    cases: list[CaseLine] = field(default_factory=list)
    #: complaint_type code → its Thai title, from the form the office keeps as data.
    type_titles: dict[str, str] = field(default_factory=dict)
    #: The problems-and-recommendations section, None until it is written.
    notes: ReportNotes | None = None
    #: Who acknowledges the report for the Director on the day it is made (an acting
    #: or delegated official included); None prints a blank signature.
    acknowledged_by: Signature | None = None

    @property
    def counts(self) -> dict[str, int]:
        tally = Counter(case.status for case in self.cases)
        return {"received": len(self.cases), **{b: tally.get(b, 0) for b in BUCKETS}}

    def by(self, attribute: str) -> dict[str, int]:
        return dict(sorted(Counter(getattr(c, attribute) for c in self.cases).items()))

    @property
    def by_month(self) -> dict[str, int]:
        return dict(sorted(Counter(c.received_on.strftime("%Y-%m") for c in self.cases).items()))

    @property
    def months(self) -> dict[str, int]:
        """Every month of the period ("YYYY-MM", oldest first) with its count, 0 included:
        a month without complaints is a fact the report states, not a gap."""
        counts = self.by_month
        months: dict[str, int] = {}
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            key = f"{year:04d}-{month:02d}"
            months[key] = counts.get(key, 0)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    @property
    def triage_days(self) -> dict[str, float | int | None]:
        days = [c.triage_working_days for c in self.cases if c.triage_working_days is not None]
        if not days:
            return {"screened": 0, "average": None, "maximum": None}
        return {"screened": len(days), "average": round(sum(days) / len(days), 2),
                "maximum": max(days)}

    @property
    def title_lines(self) -> tuple[str, str, str]:
        """The title in the three lines the PDF prints it in, so that it never wraps
        inside "รอบ 6 เดือน" or a date: what, which period, the days."""
        return (REPORT_NAME, f"{PERIOD_TH[self.half]} ปีงบประมาณ พ.ศ. {self.fiscal_year}",
                f"({format_thai_date(self.start)} – {format_thai_date(self.end)})")

    @property
    def title(self) -> str:
        return " ".join(self.title_lines)


REPORT_NAME = "รายงานสรุปผลการดำเนินงานเรื่องร้องเรียนการทุจริต"
#: Said instead of the tables when the period has no complaints.
NO_COMPLAINTS = "ไม่มีเรื่องร้องเรียน"
COUNT_HEADING = "จำนวน"
TRIAGE_HEADING = "ระยะเวลาพิจารณาเบื้องต้น (วันทำการ)"
#: The last heading wraps in the PDF's narrow column as พิจารณา | เบื้องต้น | (วันทำการ), never
#: inside วันทำการ.
CASE_COLUMNS = ("เลขที่", "วันที่รับเรื่อง", "ช่องทาง", "ประเภท", "สถานะ",
                "พิจารณาเบื้องต้น (วันทำการ)")
#: Why the report is published (the ITA assessment's open-data indicator, OIT).
PUBLICATION_NOTE = ("เผยแพร่เป็นข้อมูลสถิติเรื่องร้องเรียนการทุจริตตามแบบ ITA/OIT "
                    "(การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ)")


def month_label(key: str, *, short: bool = False) -> str:
    """"2026-10" → "ตุลาคม 2569", or "ต.ค. 69" when short (chart axes)."""
    year, number = (int(part) for part in key.split("-"))
    if short:
        return f"{THAI_MONTHS_ABBR[number - 1]} {(year + BE_OFFSET) % 100:02d}"
    return f"{THAI_MONTHS[number - 1]} {year + BE_OFFSET}"


@dataclass(frozen=True)
class CountTable:
    """One two-column table of the report: a label column and จำนวน."""

    key: str
    heading: str
    rows: list[tuple[str, int]]


def count_tables(report: ComplaintReport) -> list[CountTable]:
    """The report's count tables, in order, the same for CSV, PDF and spreadsheet."""
    counts = report.counts
    return [
        CountTable("summary", "สรุป", [("รับเรื่องทั้งหมด", counts["received"])]
                   + [(BUCKET_TH[bucket], counts[bucket]) for bucket in BUCKETS]),
        CountTable("channel", "ช่องทาง", [(CHANNEL_TH.get(channel, channel), n)
                                          for channel, n in report.by("channel").items()]),
        CountTable("complaint_type", "ประเภทเรื่อง",
                   [(report.type_titles.get(kind, kind), n)
                    for kind, n in report.by("complaint_type").items()]),
        CountTable("month", "เดือน", [(month_label(month), n)
                                       for month, n in report.months.items()]),
    ]


def case_rows(report: ComplaintReport, date_style: Style = "long"
              ) -> list[tuple[int, str, str, str, str, int | str]]:
    """The case list under CASE_COLUMNS: no names, no subjects, no personal data. The
    PDF's narrow date column takes ``date_style="medium"`` (1 ต.ค. 2569)."""
    return [(case.instance_id, format_thai_date(case.received_on, date_style),
             CHANNEL_TH.get(case.channel, case.channel),
             report.type_titles.get(case.complaint_type, case.complaint_type),
             BUCKET_TH[case.status],
             "" if case.triage_working_days is None else case.triage_working_days)
            for case in report.cases]


def report_csv(report: ComplaintReport) -> str:
    """The report as CSV (UTF-8 with a BOM when written, so spreadsheet programs read Thai)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([report.title])
    if not report.cases:
        writer.writerow([NO_COMPLAINTS])
        return out.getvalue()
    for table in count_tables(report):
        writer.writerow([table.heading, COUNT_HEADING])
        writer.writerows(table.rows)
        writer.writerow([])
    triage = report.triage_days
    writer.writerow([TRIAGE_HEADING, "เฉลี่ย", triage["average"], "สูงสุด", triage["maximum"]])
    writer.writerow([])
    writer.writerow(CASE_COLUMNS)
    writer.writerows(case_rows(report))
    return out.getvalue()
