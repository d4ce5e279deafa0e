"""The six-monthly report on complaints (seed 5.4), counted from the start of the fiscal year.

Each case received in the period falls in exactly one status bucket as of the period's
last day. The report carries no personal data and no complaint subjects (those are the
complainant's own words): cases are listed by number, date, channel, type and status.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from engine.actors import Actor
from engine.audit import record
from engine.errors import Forbidden, InvalidData
from engine.models import ProcessInstance, Task
from engine.runtime import Runtime
from engine.services.cases import case_data_of
from engine.thai_dates import THAI_MONTHS, fiscal_half_bounds, format_thai_date
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


def report_csv(report: ComplaintReport) -> str:
    """The report as CSV (UTF-8 with a BOM when written, so spreadsheet programs read Thai)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([report.title])
    if not report.cases:
        writer.writerow(["ไม่มีเรื่องร้องเรียน"])
        return out.getvalue()
    writer.writerow(["สรุป", "จำนวน"])
    counts = report.counts
    writer.writerow(["รับเรื่องทั้งหมด", counts["received"]])
    for bucket in BUCKETS:
        writer.writerow([BUCKET_TH[bucket], counts[bucket]])
    writer.writerow([])
    writer.writerow(["ช่องทาง", "จำนวน"])
    for channel, n in report.by("channel").items():
        writer.writerow([CHANNEL_TH.get(channel, channel), n])
    writer.writerow([])
    writer.writerow(["ประเภทเรื่อง", "จำนวน"])
    for kind, n in report.by("complaint_type").items():
        writer.writerow([report.type_titles.get(kind, kind), n])
    writer.writerow([])
    writer.writerow(["เดือน", "จำนวน"])
    for month, n in report.by_month.items():
        year, number = (int(part) for part in month.split("-"))
        writer.writerow([f"{THAI_MONTHS[number - 1]} {year + 543}", n])
    writer.writerow([])
    triage = report.triage_days
    writer.writerow(["ระยะเวลาพิจารณาเบื้องต้น (วันทำการ)", "เฉลี่ย", triage["average"],
                     "สูงสุด", triage["maximum"]])
    writer.writerow([])
    writer.writerow(["เลขที่", "วันที่รับเรื่อง", "ช่องทาง", "ประเภท", "สถานะ",
                     "วันทำการที่ใช้พิจารณาเบื้องต้น"])
    for case in report.cases:
        writer.writerow([case.instance_id, format_thai_date(case.received_on),
                         CHANNEL_TH.get(case.channel, case.channel),
                         report.type_titles.get(case.complaint_type, case.complaint_type),
                         BUCKET_TH[case.status],
                         "" if case.triage_working_days is None else case.triage_working_days])
    return out.getvalue()
