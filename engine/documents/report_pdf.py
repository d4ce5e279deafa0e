"""The six-monthly complaints report (Legal Affairs reports to the Director every six
months of the fiscal year) as PDF, with the same content as the CSV
(engine.services.complaints.reports) plus a bar chart of complaints per month.

It is also what the office publishes as its complaint statistics for the ITA assessment,
so it carries no personal data and no complaint subjects.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import cast

from fpdf.enums import Align, MethodReturnValue
from fpdf.fonts import FontFace

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
from engine.thai.dates import format_thai_date, format_thai_datetime
from engine.thai.line_breaks import ZWSP, breakable

TABLE_PT = 14
CHART_MM = 62.0
BAR_RGB = (31, 78, 121)
HEADING_FILL = (225, 232, 240)
#: The list of cases: one point smaller than the other tables. A row takes two lines
#: (ยื่นด้วย|ตนเอง, อยู่ระหว่าง|ดำเนินการ), so the type beside them gets two for free;
#: the date (up to "30 พฤศจิกายน 2569") stays on one line.
CASE_PT = TABLE_PT - 1
CASE_WIDTHS = (14.0, 43.0, 17.0, 51.0, 25.0, 20.0)
CASE_ALIGN = (Align.R, Align.L, Align.L, Align.L, Align.L, Align.R)
CASE_LINE_MM = 6.0
#: Room left and right of a cell's text, and above and below a row's lines (so that
#: tone marks over upper vowels stay clear of the rule above).
CASE_PAD_X, CASE_PAD_Y = 1.5, 0.4
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
    _case_table(pdf, case_rows(report))


class _CaseTable:
    """The list of cases, one row per case, the heading row again on every page.

    Drawn by hand rather than with ``pdf.table()``: fpdf2 lays every table cell out twice
    with ``multi_cell`` (to measure the row, then to draw it), measuring the text one
    character at a time with HarfBuzz, ~10 ms a row. The values are few distinct short
    texts (dates, channels, types, statuses, small numbers), so each is measured and
    wrapped once, and drawn with ``repeated_cell``.
    """

    def __init__(self, pdf: ThaiDocument) -> None:
        self.pdf = pdf
        self._lines: dict[tuple[str, float, bool], tuple[str, ...]] = {}
        self.top = pdf.get_y()

    def lines(self, text: str, width: float, bold: bool = False) -> tuple[str, ...]:
        """The text as the lines it takes in a column, wrapped between Thai words."""
        key = (text, width, bold)
        lines = self._lines.get(key)
        if lines is None:
            pdf = self.pdf
            pdf.use_font(CASE_PT, bold=bold)
            if pdf.text_width(text) <= width - 2 * pdf.c_margin:
                lines = (text,) if text else ()
            else:
                # With output=LINES multi_cell gives the lines alone; fpdf2 types it as the
                # union of every output mode.
                wrapped = cast(list[str], pdf.multi_cell(
                    width, CASE_LINE_MM, breakable(text), dry_run=True,
                    output=MethodReturnValue.LINES))
                lines = tuple(line.replace(ZWSP, "") for line in wrapped)
            self._lines[key] = lines
        return lines

    def row_cells(self, values: tuple[object, ...], bold: bool = False) -> list[tuple[str, ...]]:
        return [self.lines(str(value), width, bold)
                for value, width in zip(values, CASE_WIDTHS, strict=True)]

    @staticmethod
    def height(cells: list[tuple[str, ...]]) -> float:
        return max(1, *(len(lines) for lines in cells)) * CASE_LINE_MM + 2 * CASE_PAD_Y

    def draw(self, cells: list[tuple[str, ...]], bold: bool = False) -> None:
        """One row at the current position, each cell's lines in the middle of the row."""
        pdf = self.pdf
        pdf.use_font(CASE_PT, bold=bold)
        top, x = pdf.get_y(), pdf.l_margin
        height = self.height(cells)
        if bold:
            pdf.set_fill_color(*HEADING_FILL)
            pdf.rect(x, top, sum(CASE_WIDTHS), height, style="DF")
            pdf.set_fill_color(255)
        for lines, width, align in zip(cells, CASE_WIDTHS, CASE_ALIGN, strict=True):
            y = top + (height - len(lines) * CASE_LINE_MM) / 2
            for line in lines:
                pdf.set_xy(x, y)
                pdf.repeated_cell(width, CASE_LINE_MM, line, align=align)
                y += CASE_LINE_MM
            x += width
        pdf.set_xy(pdf.l_margin, top + height)
        pdf.line(pdf.l_margin, top + height, pdf.l_margin + sum(CASE_WIDTHS), top + height)

    def close(self) -> None:
        """The outer top and the column rules of the part of the table on this page."""
        pdf = self.pdf
        bottom, x = pdf.get_y(), pdf.l_margin
        pdf.line(x, self.top, x + sum(CASE_WIDTHS), self.top)
        for width in (0, *CASE_WIDTHS):
            x += width
            pdf.line(x, self.top, x, bottom)


def _case_table(pdf: ThaiDocument, rows: Sequence[tuple[object, ...]]) -> None:
    table = _CaseTable(pdf)
    c_margin, pdf.c_margin = pdf.c_margin, CASE_PAD_X
    heading = table.row_cells(CASE_COLUMNS, bold=True)
    first = table.height(table.row_cells(rows[0])) if rows else 0
    _section_heading(pdf, "รายการเรื่อง (ไม่มีข้อมูลส่วนบุคคล)",
                     room=table.height(heading) + first)
    table.top = pdf.get_y()
    table.draw(heading, bold=True)
    for values in rows:
        cells = table.row_cells(values)
        if pdf.get_y() + table.height(cells) > pdf.page_break_trigger:
            table.close()
            pdf.add_page()
            table.top = pdf.get_y()
            table.draw(heading, bold=True)
        table.draw(cells)
    table.close()
    pdf.c_margin = c_margin
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
