"""The six-monthly complaints report (due to the Director every six months of the
fiscal year) as an Excel workbook, built in memory.

Sheet สรุป holds the same tables as the CSV and PDF and a native column chart of
complaints per month (Excel and LibreOffice draw it themselves, and it stays editable);
sheet รายการเรื่อง lists the cases without personal data.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from engine.core import clock
from engine.core.office import OfficeIdentity
from engine.documents.complaint_report import (
    CASE_COLUMNS,
    COUNT_HEADING,
    NO_COMPLAINTS,
    NOT_WRITTEN,
    NOTES_HEADING,
    PROBLEMS_HEADING,
    PUBLICATION_NOTE,
    RECOMMENDATIONS_HEADING,
    TRIAGE_HEADING,
    ComplaintReport,
    case_rows,
    count_tables,
)
from engine.documents.spreadsheet import new_workbook
from engine.thai.dates import format_thai_date, format_thai_datetime

SUMMARY_SHEET = "สรุป"
CASES_SHEET = "รายการเรื่อง"
#: Excel's sheet names are at most 31 characters and may not hold some signs.
NOTES_SHEET = "ปัญหาและข้อเสนอแนะ"
CHART_TITLE = "จำนวนเรื่องร้องเรียนรายเดือน"


def report_xlsx(report: ComplaintReport, office: OfficeIdentity, *,
                created: datetime | None = None) -> bytes:
    """The report as .xlsx bytes; ``created`` (default: now) goes into the properties."""
    made = created or clock.now()
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    workbook.set_properties({
        "title": report.title,
        "subject": "รายงานเรื่องร้องเรียน รอบ 6 เดือน",
        "author": office.name,
        "company": office.name,
        "comments": "govflow",
        # XlsxWriter writes this as UTC without asking the zone.
        "created": made.astimezone(UTC).replace(tzinfo=None),
    })
    styles = {
        "title": workbook.add_format({"bold": True, "font_size": 14, "text_wrap": True,
                                      "valign": "top"}),
        "heading": workbook.add_format({"bold": True, "bg_color": "#E1E8F0", "border": 1,
                                        "text_wrap": True, "valign": "vcenter"}),
        "cell": workbook.add_format({"border": 1, "valign": "top", "text_wrap": True}),
        "number": workbook.add_format({"border": 1, "valign": "top"}),
        "note": workbook.add_format({"italic": True, "text_wrap": True, "valign": "top"}),
        "strong": workbook.add_format({"bold": True}),
    }
    summary = workbook.add_worksheet(SUMMARY_SHEET)
    cases = workbook.add_worksheet(CASES_SHEET)
    notes = workbook.add_worksheet(NOTES_SHEET)
    _summary(workbook, summary, report, office, made, styles)
    _cases(cases, report, styles)
    _notes(notes, report, styles)
    workbook.close()
    return buffer.getvalue()


def _summary(workbook: xlsxwriter.Workbook, sheet: Worksheet, report: ComplaintReport,
             office: OfficeIdentity, made: datetime, styles: dict) -> None:
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 4, 12)
    sheet.merge_range(0, 0, 0, 8, report.title, styles["title"])
    sheet.set_row(0, 40)
    sheet.write(1, 0, office.name, styles["strong"])
    sheet.write(2, 0, f"สถานะของแต่ละเรื่อง ณ วันสิ้นรอบ {format_thai_date(report.end)}  "
                      f"จัดทำเมื่อ {format_thai_datetime(made)}")
    sheet.merge_range(3, 0, 3, 8, PUBLICATION_NOTE, styles["note"])
    row = 5
    if not report.cases:
        sheet.write(row, 0, NO_COMPLAINTS, styles["strong"])
        return
    month_rows: tuple[int, int] = (0, 0)
    for table in count_tables(report):
        sheet.write(row, 0, table.heading, styles["heading"])
        sheet.write(row, 1, COUNT_HEADING, styles["heading"])
        first = row + 1
        for label, count in table.rows:
            row += 1
            sheet.write(row, 0, label, styles["cell"])
            sheet.write_number(row, 1, count, styles["number"])
        if table.key == "month":
            month_rows = (first, row)
        row += 2
    triage = report.triage_days
    sheet.write(row, 0, TRIAGE_HEADING, styles["heading"])
    sheet.write(row, 1, "วันทำการ", styles["heading"])
    for label, value in (("เฉลี่ย", triage["average"]), ("สูงสุด", triage["maximum"]),
                         ("จำนวนเรื่องที่พิจารณาเบื้องต้นแล้ว", triage["screened"])):
        row += 1
        sheet.write(row, 0, label, styles["cell"])
        if value is None:
            sheet.write_blank(row, 1, None, styles["number"])
        else:
            sheet.write_number(row, 1, value, styles["number"])
    first, last = month_rows
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({
        "name": "จำนวนเรื่อง",
        "categories": [SUMMARY_SHEET, first, 0, last, 0],
        "values": [SUMMARY_SHEET, first, 1, last, 1],
        "data_labels": {"value": True},
        "fill": {"color": "#1F4E79"},
    })
    chart.set_title({"name": CHART_TITLE})
    chart.set_x_axis({"name": "เดือน"})
    y_axis: dict[str, object] = {"name": "จำนวนเรื่อง", "min": 0}
    if max(report.months.values()) <= 10:
        y_axis["major_unit"] = 1  # whole complaints, not 0.5 steps, on a low axis
    chart.set_y_axis(y_axis)
    chart.set_legend({"none": True})
    chart.set_size({"width": 560, "height": 320})
    sheet.insert_chart(5, 3, chart)


def _cases(sheet: Worksheet, report: ComplaintReport, styles: dict) -> None:
    for column, width in enumerate((8, 20, 16, 34, 24, 18)):
        sheet.set_column(column, column, width)
    sheet.set_row(0, 36)
    for column, heading in enumerate(CASE_COLUMNS):
        sheet.write(0, column, heading, styles["heading"])
    sheet.freeze_panes(1, 0)
    rows = case_rows(report)
    if not rows:
        sheet.write(1, 0, NO_COMPLAINTS, styles["strong"])
        return
    for index, values in enumerate(rows, start=1):
        for column, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(index, column, value, styles["number"])
            elif value == "":
                sheet.write_blank(index, column, None, styles["number"])
            else:
                sheet.write_string(index, column, value, styles["cell"])
    sheet.autofilter(0, 0, len(rows), len(CASE_COLUMNS) - 1)


def _notes(sheet: Worksheet, report: ComplaintReport, styles: dict) -> None:
    """The head of Legal Affairs' problems and recommendations, as the PDF prints them
    (text cells: never formulas, whatever was typed)."""
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, NOTES_HEADING, styles["strong"])
    notes = report.notes
    parts = ((PROBLEMS_HEADING, notes.problems if notes else ""),
             (RECOMMENDATIONS_HEADING, notes.recommendations if notes else ""))
    for row, (heading, text) in enumerate(parts, start=1):
        sheet.write_string(row, 0, heading, styles["heading"])
        sheet.write_string(row, 1, text.strip() or NOT_WRITTEN, styles["cell"])
