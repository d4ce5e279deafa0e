"""The six-monthly complaints report (Legal Affairs reports to the Director every six
months of the fiscal year, and for the whole year) as PDF, with the same content as the
CSV (engine.services.complaints.reports) plus a bar chart of complaints per month.

It is also what the office publishes as its complaint statistics for the ITA assessment,
so it carries no personal data and no complaint subjects; as ITA evidence it ends with
the head of Legal Affairs' problems and recommendations (ปัญหา อุปสรรค และข้อเสนอแนะ),
the proposer's signature (ผู้เสนอ) and the Director's acknowledgement (ทราบ), and it may
open with the cover memo proposing it to the Director (engine.documents.report_memo).
Dates, counts and page numbers are in the office's digits (office.toml ``digits``); the
office's telephone and fax numbers stay as typed.
"""

from __future__ import annotations

import math
from datetime import datetime

from fpdf.enums import Align

from engine.core import clock
from engine.core.office import OfficeIdentity
from engine.documents.complaint_report import (
    CASE_COLUMNS,
    COUNT_HEADING,
    NO_COMPLAINTS,
    PUBLICATION_NOTE,
    TRIAGE_HEADING,
    ComplaintReport,
    case_rows,
    count_tables,
    month_label,
)
from engine.documents.pdf import LINE_MM, ThaiDocument
from engine.documents.report_memo import draw_cover_memo
from engine.documents.report_signoff import draw_notes, draw_signoff
from engine.documents.ruled_table import RuledTable
from engine.thai.dates import format_thai_date, format_thai_datetime
from engine.thai.line_breaks import NBSP

TABLE_PT = 14
#: Every table's text: one point smaller than the prose around it.
CELL_PT = TABLE_PT - 1
CHART_MM = 62.0
BAR_RGB = (31, 78, 121)
COUNT_WIDTHS = (100.0, 30.0)
COUNT_ALIGN = (Align.L, Align.R)
#: The list of cases. The date (abbreviated: "30 พ.ย. 2569") and the channel stay on one
#: line; the longest types take two or three, the status two at most
#: (อยู่ระหว่าง|ดำเนินการ), and the last heading three (พิจารณา|เบื้องต้น|(วันทำการ)).
CASE_WIDTHS = (14.0, 34.0, 28.0, 42.0, 27.0, 25.0)
CASE_ALIGN = (Align.R, Align.L, Align.L, Align.L, Align.L, Align.R)
SUBJECT = "รายงานสรุปผลการดำเนินงานเรื่องร้องเรียนการทุจริต"


def _document(report: ComplaintReport, office: OfficeIdentity,
              made: datetime) -> ThaiDocument:
    # Telephone and fax numbers stay as typed, also where line breaking has made their
    # spaces no-break ones ("0 2000 0000" is a number to dial, not a figure).
    typed = (office.phone, office.fax)
    return ThaiDocument(title=report.title, subject=SUBJECT, author=office.name,
                        created=made, digits=office.digits, keep_as_typed=typed)


def report_pdf(report: ComplaintReport, office: OfficeIdentity, *,
               created: datetime | None = None, memo: bool = False) -> bytes:
    """The report as PDF bytes; ``created`` (default: now) is printed and set as metadata.
    With ``memo`` the cover memo (บันทึกข้อความ) proposing it to the Director comes first."""
    made = created or clock.now()
    pdf = _document(report, office, made)
    if memo:
        pdf.add_page()
        draw_cover_memo(pdf, report, office, made)
        pdf.cover_pages = pdf.page
    _draw_report(pdf, report, office, made)
    return pdf.to_bytes()


def _draw_report(pdf: ThaiDocument, report: ComplaintReport, office: OfficeIdentity,
                 made: datetime) -> None:
    pdf.add_page()
    pdf.office_header(office)
    pdf.use_font(18, bold=True)
    for line in report.title_lines:
        pdf.text_lines(line, align=Align.C, h=8.5)
    pdf.use_font(TABLE_PT)
    pdf.text_lines(f"สถานะของแต่ละเรื่อง ณ วันสิ้นรอบ {format_thai_date(report.end)}",
                   align=Align.C)
    pdf.text_lines(f"จัดทำเมื่อ {format_thai_datetime(made)}", align=Align.C)
    pdf.ln(3)
    if not report.cases:
        pdf.use_font(bold=True)
        pdf.text_lines(NO_COMPLAINTS, align=Align.C)
    else:
        _tables(pdf, report)
    draw_notes(pdf, report.notes, size=TABLE_PT)
    draw_signoff(pdf, report, office, size=TABLE_PT)
    pdf.ln(4)
    pdf.use_font(TABLE_PT)
    pdf.text_lines(PUBLICATION_NOTE)


def section_heading(pdf: ThaiDocument, text: str, room: float, size: float = TABLE_PT) -> None:
    """A bold heading that never sits alone at the foot of a page."""
    if pdf.get_y() + LINE_MM + room > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(4)
    pdf.use_font(size, bold=True)
    pdf.text_lines(text)
    pdf.use_font(size)


def _tables(pdf: ThaiDocument, report: ComplaintReport) -> None:
    titles = {"summary": "สรุปตามสถานะ ณ วันสิ้นรอบ", "channel": "ตามช่องทางการร้องเรียน",
              "complaint_type": "ตามประเภทเรื่อง", "month": "ตามเดือนที่รับเรื่อง"}
    for table in count_tables(report):
        counts = RuledTable(pdf, COUNT_WIDTHS, COUNT_ALIGN, CELL_PT,
                            (table.heading, COUNT_HEADING))
        counted = [(label, str(count)) for label, count in table.rows]
        section_heading(pdf, titles[table.key], room=counts.first_rows_height(counted))
        counts.draw_rows(counted)
        if table.key == "month":
            _month_chart(pdf, report.months)
    triage = report.triage_days
    section_heading(pdf, TRIAGE_HEADING, room=LINE_MM)
    if triage["screened"]:
        # A number stays with its unit: "2.0 วันทำการ" never ends one line and starts the next.
        pdf.text_lines(f"เฉลี่ย {triage['average']}{NBSP}วันทำการ  สูงสุด "
                       f"{triage['maximum']}{NBSP}วันทำการ (จาก {triage['screened']}"
                       f"{NBSP}เรื่องที่พิจารณาเบื้องต้นแล้ว)")
    else:
        pdf.text_lines("ยังไม่มีเรื่องที่พิจารณาเบื้องต้นภายในรอบนี้")
    cases = RuledTable(pdf, CASE_WIDTHS, CASE_ALIGN, CELL_PT, CASE_COLUMNS)
    rows = case_rows(report, date_style="medium")
    section_heading(pdf, "รายการเรื่อง (ไม่มีข้อมูลส่วนบุคคล)", room=cases.first_rows_height(rows))
    cases.draw_rows(rows)
    pdf.use_font(TABLE_PT)


def _nice_step(top: int) -> int:
    """A whole-number tick step giving at most five gridlines."""
    return max(1, math.ceil(top / 5))


def _month_chart(pdf: ThaiDocument, months: dict[str, int]) -> None:
    """Bars of complaints per month, every month of the period, drawn with fpdf2 lines."""
    label_mm, axis_mm = 8.0, 10.0
    if pdf.get_y() + CHART_MM + 12 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(3)
    pdf.use_font(TABLE_PT, bold=True)
    pdf.text_lines("แผนภูมิจำนวนเรื่องร้องเรียนรายเดือน", align=Align.C)
    top = pdf.get_y() + 4
    left = pdf.l_margin + axis_mm
    width = pdf.epw - axis_mm
    height = CHART_MM - label_mm - 4
    base = top + height
    step = _nice_step(max(months.values(), default=0))
    ceiling = step * max(1, math.ceil(max(months.values(), default=0) / step))
    pdf.use_font(11)
    pdf.set_line_width(0.1)
    for tick in range(0, ceiling + 1, step):
        y = base - height * tick / ceiling
        pdf.set_draw_color(200)
        pdf.line(left, y, left + width, y)
        pdf.set_xy(pdf.l_margin, y - 2.5)
        pdf.cell(axis_mm - 1.5, 5, str(tick), align=Align.R)
    slot = width / max(1, len(months))
    pdf.set_fill_color(*BAR_RGB)
    for index, (month, count) in enumerate(months.items()):
        x = left + slot * index
        bar = height * count / ceiling
        if bar > 0:
            pdf.rect(x + slot * 0.2, base - bar, slot * 0.6, bar, style="F")
        pdf.set_xy(x, base - bar - 5.5)
        pdf.cell(slot, 5, str(count), align=Align.C)
        pdf.set_xy(x, base + 1)
        pdf.cell(slot, 5, month_label(month, short=True), align=Align.C)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.3)
    pdf.line(left, top - 2, left, base)
    pdf.line(left, base, left + width, base)
    # fpdf2 tables fill their cells with the current fill colour: give back white.
    pdf.set_fill_color(255)
    pdf.set_xy(pdf.l_margin, base + label_mm)
    pdf.use_font(TABLE_PT)
