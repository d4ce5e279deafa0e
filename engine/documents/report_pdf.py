"""The six-monthly complaints report (seed 5.4) as PDF, with the same content as the CSV
(engine.services.reports) plus a bar chart of complaints per month.

It is also what the office publishes as its complaint statistics for the ITA assessment,
so it carries no personal data and no complaint subjects.
"""

from __future__ import annotations

import math
from datetime import datetime

from fpdf.enums import Align
from fpdf.fonts import FontFace

from engine import clock
from engine.documents.pdf import LINE_MM, ThaiDocument
from engine.documents.thai_wrap import breakable
from engine.office import OfficeIdentity
from engine.services.reports import (
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
from engine.thai_dates import format_thai_date, format_thai_datetime

TABLE_PT = 14
CHART_MM = 62.0
BAR_RGB = (31, 78, 121)
HEADING_FILL = (225, 232, 240)
SUBJECT = "รายงานสรุปผลการดำเนินงานเรื่องร้องเรียนการทุจริต รอบ 6 เดือน"


def report_pdf(report: ComplaintReport, office: OfficeIdentity, *,
               created: datetime | None = None) -> bytes:
    """The report as PDF bytes; ``created`` (default: now) is printed and set as metadata."""
    made = created or clock.now()
    pdf = ThaiDocument(title=report.title, subject=SUBJECT, author=office.name, created=made)
    pdf.add_page()
    pdf.office_header(office)
    pdf.use_font(18, bold=True)
    pdf.text_lines(report.title, align=Align.C, h=8)
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
    pdf.ln(4)
    pdf.use_font(TABLE_PT)
    pdf.text_lines(PUBLICATION_NOTE)
    return pdf.to_bytes()


def _section_heading(pdf: ThaiDocument, text: str, room: float) -> None:
    """A bold heading that never sits alone at the foot of a page."""
    if pdf.get_y() + LINE_MM + room > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(4)
    pdf.use_font(bold=True)
    pdf.text_lines(text)
    pdf.use_font(TABLE_PT)


def _count_table(pdf: ThaiDocument, heading: str, rows: list[tuple[str, int]]) -> None:
    pdf.use_font(TABLE_PT)
    with pdf.table(col_widths=(100, 30), width=130, align=Align.L, line_height=6.5,
                   text_align=("LEFT", "RIGHT"), padding=(0, 2),
                   headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL)) as table:
        head = table.row()
        head.cell(heading)
        head.cell(COUNT_HEADING)
        for label, count in rows:
            row = table.row()
            row.cell(breakable(label))
            row.cell(str(count))


def _tables(pdf: ThaiDocument, report: ComplaintReport) -> None:
    titles = {"summary": "สรุปตามสถานะ ณ วันสิ้นรอบ", "channel": "ตามช่องทางการร้องเรียน",
              "complaint_type": "ตามประเภทเรื่อง", "month": "ตามเดือนที่รับเรื่อง"}
    for table in count_tables(report):
        _section_heading(pdf, titles[table.key], room=(len(table.rows) + 1) * 6.5)
        _count_table(pdf, table.heading, table.rows)
        if table.key == "month":
            _month_chart(pdf, report.months)
    triage = report.triage_days
    _section_heading(pdf, TRIAGE_HEADING, room=LINE_MM)
    if triage["screened"]:
        pdf.text_lines(f"เฉลี่ย {triage['average']} วันทำการ  สูงสุด {triage['maximum']} "
                       f"วันทำการ (จาก {triage['screened']} เรื่องที่พิจารณาเบื้องต้นแล้ว)")
    else:
        pdf.text_lines("ยังไม่มีเรื่องที่พิจารณาเบื้องต้นภายในรอบนี้")
    _section_heading(pdf, "รายการเรื่อง (ไม่มีข้อมูลส่วนบุคคล)", room=3 * 6.5)
    # One point smaller, so a long Thai date fits on one line of its column.
    pdf.use_font(TABLE_PT - 1)
    with pdf.table(col_widths=(15, 40, 26, 38, 31, 20), line_height=6, padding=(0, 1.5),
                   text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
                   headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL)) as table:
        head = table.row()
        for column in CASE_COLUMNS:
            head.cell(breakable(column))
        for values in case_rows(report):
            row = table.row()
            for value in values:
                row.cell(breakable(str(value)))


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
