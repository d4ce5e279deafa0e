"""The six-monthly report on complaints (seed 5.4), counted from the start of the fiscal year.

Each case received in the period falls in exactly one status bucket as of the period's
last day. The report carries no personal data and no complaint subjects (those are the
complainant's own words): cases are listed by number, date, channel, type and status.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from engine.actors import Actor
from engine.audit import record
from engine.documents.spreadsheet import csv_writer
from engine.errors import Forbidden, InvalidData
from engine.models import ProcessInstance, Task
from engine.runtime import Runtime
from engine.services.cases import case_data_of
from engine.thai_dates import (
    BE_OFFSET,
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    fiscal_half_bounds,
    format_thai_date,
)
from engine.workdays import BANGKOK

PROCESS_KEY = "complaint"
REPORT_ROLES = frozenset({"legal_head", "director", "legal_officer"})
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


@dataclass
class ComplaintReport:
    fiscal_year: int
    half: int
    start: date
    end: date
    cases: list[CaseLine] = field(default_factory=list)
    #: complaint_type code → its Thai title, from the form the office keeps as data.
    type_titles: dict[str, str] = field(default_factory=dict)

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
    def title(self) -> str:
        which = "ครึ่งปีแรก" if self.half == 1 else "ครึ่งปีหลัง"
        return (f"รายงานสรุปผลการดำเนินงานเรื่องร้องเรียนการทุจริต รอบ 6 เดือน ({which}) "
                f"ปีงบประมาณ พ.ศ. {self.fiscal_year} ({format_thai_date(self.start)} – "
                f"{format_thai_date(self.end)})")


def _bangkok_day(moment: Any) -> date | None:
    return moment.astimezone(BANGKOK).date() if moment is not None else None


def _status(data: dict[str, Any], screened_on: date | None, ended_on: date | None,
            end: date) -> str:
    """The one bucket a case is in as of the period's last day."""
    outcome = data.get("screening_outcome") if screened_on and screened_on <= end else None
    if outcome == "not_considered":
        return "not_considered"
    if outcome == "forward":
        return "forwarded"
    if ended_on is not None and ended_on <= end:
        return "completed"
    return "in_progress"


def complaint_report(rt: Runtime, actor: Actor | None, fiscal_year: int,
                     half: int) -> ComplaintReport:
    if actor is not None and actor.roles.isdisjoint(REPORT_ROLES):
        raise Forbidden("รายงานนี้สำหรับกลุ่มกฎหมายและคดีและผู้อำนวยการ / for Legal Affairs "
                        "and the Director")
    if half not in (1, 2) or not 2400 <= fiscal_year <= 2700:
        raise InvalidData("ระบุปีงบประมาณ พ.ศ. และรอบ 1 หรือ 2 / give a Buddhist-Era fiscal "
                          "year and half 1 or 2", {"fiscal_year": "e.g. 2570", "half": "1 or 2"})
    start, end = fiscal_half_bounds(fiscal_year, half)
    report = ComplaintReport(fiscal_year, half, start, end)
    with rt.db.write() as session:
        current = rt.definitions.current(session, PROCESS_KEY)
        if current is not None:
            choice = current.start_form.get("properties", {}).get("complaint_type", {})
            report.type_titles = {o.get("const"): o.get("title", o.get("const"))
                                  for o in choice.get("oneOf", [])}
        instances = session.scalars(
            select(ProcessInstance).where(
                ProcessInstance.process_key == PROCESS_KEY,
                ProcessInstance.received_on >= start,
                ProcessInstance.received_on <= end,
            ).order_by(ProcessInstance.received_on, ProcessInstance.id)
        ).all()
        for instance in instances:
            data = case_data_of(rt, session, instance.id)
            screened_at = session.scalar(select(Task.completed_at).where(
                Task.instance_id == instance.id, Task.bpmn_id == "triage",
                Task.state == "completed"))
            screened_on = _bangkok_day(screened_at)
            report.cases.append(CaseLine(
                instance_id=instance.id,
                received_on=instance.received_on,
                channel=str(data.get("channel", "")),
                complaint_type=str(data.get("complaint_type", "")),
                status=_status(data, screened_on, _bangkok_day(instance.ended_at), end),
                triage_working_days=(
                    rt.calendar.working_days_between(instance.received_on, screened_on)
                    if screened_on is not None and screened_on <= end else None),
            ))
        record(session, actor, "report_generated", report="complaints",
               fiscal_year=fiscal_year, half=half, cases=len(report.cases))
    return report


#: Said instead of the tables when the period has no complaints.
NO_COMPLAINTS = "ไม่มีเรื่องร้องเรียน"
COUNT_HEADING = "จำนวน"
TRIAGE_HEADING = "ระยะเวลาพิจารณาเบื้องต้น (วันทำการ)"
CASE_COLUMNS = ("เลขที่", "วันที่รับเรื่อง", "ช่องทาง", "ประเภท", "สถานะ",
                "วันทำการที่ใช้พิจารณาเบื้องต้น")
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


def case_rows(report: ComplaintReport) -> list[tuple[int, str, str, str, str, int | str]]:
    """The case list under CASE_COLUMNS: no names, no subjects, no personal data."""
    return [(case.instance_id, format_thai_date(case.received_on),
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
