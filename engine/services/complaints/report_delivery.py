"""Handing the six-monthly complaints report to the Director (due every six months
from the start of the fiscal year).

When a half of the fiscal year has ended, the scheduler tells the Director and the head
of Legal Affairs, in the app and by e-mail, on the first working day after it at 08:30,
that the report is ready, with a link to it. The report holds no personal data, so the
message may name its figures. Each half is delivered once, whichever scheduler gets there
first; halves that ended before govflow was installed are not delivered. The second
half ends the fiscal year, so its message also links the cumulative 12-month report
(รอบ 12 เดือน), due at the same time; it is not delivered separately.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.core.actors import holders_of
from engine.core.audit import record
from engine.core.models import Notification, OutboxMessage, ProcessVersion, ReportDelivery
from engine.documents.complaint_report import (
    BUCKET_TH,
    BUCKETS,
    PERIOD_TH,
    WHOLE_YEAR,
    ComplaintReport,
    period_key,
)
from engine.services.complaints.reports import complaint_report
from engine.thai.dates import fiscal_half_bounds, fiscal_year_be
from engine.thai.workdays import BANGKOK
from engine.workflow.runtime import Runtime

REPORT = "complaints"
#: Who receives the report: the Director, and the head of Legal Affairs who prepares it.
READERS = ("director", "legal_head")
#: The hour the report goes out on the first working day after its half.
DELIVERY_TIME = time(8, 30)


def last_ended_half(today: date) -> tuple[int, int]:
    """The (fiscal year BE, half) that most recently ended before ``today``."""
    fiscal_year = fiscal_year_be(today)
    if today.month >= 10:  # in half 1 of a new fiscal year: last year's half 2 ended
        return fiscal_year - 1, 2
    if today.month >= 4:  # in half 2: this year's half 1 ended on 31 March
        return fiscal_year, 1
    return fiscal_year - 1, 2


def due_at(rt: Runtime, fiscal_year: int, half: int) -> datetime:
    """08:30 Bangkok on the first working day after the half's last day."""
    _start, end = fiscal_half_bounds(fiscal_year, half)
    return datetime.combine(rt.calendar.add_working_days(end, 1), DELIVERY_TIME,
                            tzinfo=BANGKOK)


def deliver_due_report(rt: Runtime, now: datetime) -> bool:
    """Deliver the last ended half's report if it is due and nobody has; True if this
    call delivered it."""
    fiscal_year, half = last_ended_half(now.astimezone(BANGKOK).date())
    key = (REPORT, fiscal_year, half)
    if key in rt.delivered_reports or now < due_at(rt, fiscal_year, half):
        return False
    with rt.db.read() as session:
        done = _delivered_or_before_install(session, fiscal_year, half)
    if not done:
        # Counted in its own transaction: the delivery's write transaction stays short.
        report = complaint_report(rt, None, fiscal_year, half)
        try:
            with rt.db.write() as session:
                session.add(ReportDelivery(report=REPORT, fiscal_year=fiscal_year, half=half,
                                           delivered_at=now))
                session.flush()  # a second scheduler stops here, on the unique key
                _tell_readers(rt, session, report)
                record(session, None, "report_delivered", report=REPORT,
                       fiscal_year=fiscal_year, half=half)
        except IntegrityError:
            done = True
    rt.delivered_reports.add(key)
    return not done


def _delivered_or_before_install(session: Session, fiscal_year: int, half: int) -> bool:
    if session.scalar(select(ReportDelivery.id).where(
            ReportDelivery.report == REPORT, ReportDelivery.fiscal_year == fiscal_year,
            ReportDelivery.half == half)) is not None:
        return True
    installed = session.scalar(select(func.min(ProcessVersion.deployed_at)))
    _start, end = fiscal_half_bounds(fiscal_year, half)
    return installed is None or installed.astimezone(BANGKOK).date() > end


def _tell_readers(rt: Runtime, session: Session, report: ComplaintReport) -> None:
    fiscal_year, half = report.fiscal_year, report.half
    counts = report.counts
    figures = " ".join(f"{BUCKET_TH[b]} {counts[b]}" for b in BUCKETS)
    which = PERIOD_TH[half]
    page = f"{rt.settings.public_url.rstrip('/')}/reports/complaints?fiscal_year={fiscal_year}"
    link = f"{page}&half={period_key(half)}"
    text = (f"รายงานเรื่องร้องเรียนการทุจริต{which} ปีงบประมาณ พ.ศ. "
            f"{fiscal_year} พร้อมแล้ว: รับเรื่อง {counts['received']} เรื่อง {figures}")
    subject = f"รายงานเรื่องร้องเรียนการทุจริต{which} ปีงบประมาณ พ.ศ. {fiscal_year}"
    whole_year = (f"\nรายงาน{PERIOD_TH[WHOLE_YEAR]} (ทั้งปีงบประมาณ): "
                  f"{page}&half={period_key(WHOLE_YEAR)}" if half == 2 else "")
    body = (f"{text}\n\nดูรายงานและดาวน์โหลด PDF/Excel ได้ที่ {link}{whole_year}\n"
            "ผู้อำนวยการกลุ่มกฎหมายและคดีเขียนปัญหา อุปสรรค และข้อเสนอแนะได้ที่หน้ารายงาน "
            "ก่อนเสนอผู้อำนวยการ\n"
            f"(รายงานนี้ไม่มีข้อมูลส่วนบุคคล)\n\n{rt.office.name}")
    readers = {user.id: user for role in READERS for user in holders_of(session, role)}
    for user in readers.values():
        session.add(Notification(user_id=user.id, text=text))
        if user.email:
            session.add(OutboxMessage(
                message_id=f"<report-{REPORT}-{fiscal_year}-{half}-{user.id}."
                           f"{secrets.token_hex(6)}@govflow>",
                recipient=user.email, subject=subject, body=body))
