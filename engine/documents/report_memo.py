"""The cover memo (บันทึกข้อความ) in which Legal Affairs proposes the complaints report to
the Director, in the internal-memo layout of the สารบรรณ rules and of the office's own
memos: a 1.5 cm emblem at the top left and บันทึกข้อความ beside it; ส่วนราชการ (the unit
and its telephone), ที่ and วันที่, เรื่อง, เรียน; the body with 2.5 cm first-line indents;
จึงเรียนมาเพื่อโปรดพิจารณา; the proposer's signature. The Director writes the order on
it by hand; the report behind it carries the printed acknowledgement.

The memo's number (ที่) is left to fill in by hand after the office's prefix.
"""

from __future__ import annotations

import re
from datetime import datetime

from fpdf.enums import Align

from engine.core.office import OfficeIdentity
from engine.documents.complaint_report import PERIOD_TH, REPORT_NAME, ComplaintReport
from engine.documents.pdf import BODY_PT, ThaiDocument
from engine.documents.report_signoff import draw_signature, proposer
from engine.thai.dates import format_thai_date
from engine.thai.line_breaks import NBSP

MEMO_HEADING = "บันทึกข้อความ"
HEADING_PT = 29
LABEL_PT = 20
EMBLEM_MM = 15.0
INDENT_MM = 25.0
UNIT = "กลุ่มกฎหมายและคดี"
CLOSING = "จึงเรียนมาเพื่อโปรดพิจารณา"
NUMBER_BLANK = "." * 12
# A number stays on the line of its unit: "6 เดือน", "3 เรื่อง", "2 วันทำการ".
_NUMBER_UNIT = re.compile(r"(\d) (?=เดือน|เรื่อง|วันทำการ)")


def _kept(text: str) -> str:
    return _NUMBER_UNIT.sub(lambda m: m.group(1) + NBSP, text)


def _labelled(pdf: ThaiDocument, label: str, text: str, *, w: float = 0) -> None:
    """A bold 20 pt label and its 16 pt text after it, wrapping under the text."""
    pdf.use_font(LABEL_PT, bold=True)
    start = pdf.get_x()
    label_w = pdf.text_width(label) + 2
    pdf.cell(label_w, 9, label)
    pdf.use_font(BODY_PT)
    width = (w or pdf.w - pdf.r_margin - start) - label_w
    pdf.set_xy(pdf.get_x(), pdf.get_y() + 1.5)
    pdf.text_lines(text, w=width, x=start + label_w, h=7.5)


def body_paragraphs(report: ComplaintReport, office: OfficeIdentity) -> list[str]:
    """What the memo says: why the report is made, its figures, what is proposed."""
    period = PERIOD_TH[report.half]
    counts = report.counts
    if report.cases:
        figures = (f"ในรอบนี้รับเรื่องร้องเรียนทั้งสิ้น {counts['received']} เรื่อง "
                   f"ดำเนินการแล้วเสร็จ {counts['completed']} เรื่อง ไม่รับไว้พิจารณา "
                   f"{counts['not_considered']} เรื่อง ส่งต่อหน่วยงานอื่น {counts['forwarded']} "
                   f"เรื่อง และอยู่ระหว่างดำเนินการ {counts['in_progress']} เรื่อง")
    else:
        figures = "ในรอบนี้ไม่มีเรื่องร้องเรียน"
    return [_kept(text) for text in (
        f"ตามที่ {office.name} มีมาตรการจัดการเรื่องร้องเรียนการทุจริต โดยให้{UNIT}"
        "รายงานผลการดำเนินงานเรื่องร้องเรียนการทุจริตต่อผู้อำนวยการทุกรอบ 6 เดือน "
        "และรอบ 12 เดือนของปีงบประมาณ นั้น",
        f"{UNIT}ได้จัดทำ{REPORT_NAME} {period} ปีงบประมาณ พ.ศ. {report.fiscal_year} "
        f"ระหว่างวันที่ {format_thai_date(report.start)} ถึงวันที่ "
        f"{format_thai_date(report.end)} เสร็จแล้ว {figures} "
        "รายละเอียดปรากฏตามรายงานที่แนบมาพร้อมนี้",
        "เห็นควร",
    )]


def proposals(report: ComplaintReport, office: OfficeIdentity) -> list[str]:
    return [_kept(text) for text in (
        f"1. ทราบผลการดำเนินงานเรื่องร้องเรียนการทุจริต {PERIOD_TH[report.half]}",
        f"2. อนุญาตให้เผยแพร่รายงานทางเว็บไซต์ของ{office.short_name or office.name} "
        "เป็นข้อมูลสถิติเรื่องร้องเรียนการทุจริตตามแบบ ITA/OIT",
    )]


def draw_cover_memo(pdf: ThaiDocument, report: ComplaintReport, office: OfficeIdentity,
                    made: datetime) -> None:
    """The memo on the current page (a new page the caller added)."""
    top = pdf.get_y()
    pdf.image(str(office.emblem_image), x=pdf.l_margin, y=top, h=EMBLEM_MM)
    pdf.set_xy(pdf.l_margin, top + 2)
    pdf.use_font(HEADING_PT, bold=True)
    pdf.cell(0, 12, MEMO_HEADING, align=Align.C)
    pdf.set_xy(pdf.l_margin, top + EMBLEM_MM + 3)
    _labelled(pdf, "ส่วนราชการ", f"{office.short_name or office.name} ({UNIT} "
                                 f"โทร. {office.phone})")
    half_page = pdf.epw / 2
    row = pdf.get_y()
    prefix = f"{office.letter_prefix}/" if office.letter_prefix else ""
    _labelled(pdf, "ที่", f"{prefix}{NUMBER_BLANK}", w=half_page)
    pdf.set_xy(pdf.l_margin + half_page, row)
    _labelled(pdf, "วันที่", format_thai_date(made))
    pdf.set_x(pdf.l_margin)
    _labelled(pdf, "เรื่อง", _kept(f"เสนอ{REPORT_NAME} {PERIOD_TH[report.half]} "
                                   f"ปีงบประมาณ พ.ศ. {report.fiscal_year}"))
    pdf.ln(1)
    pdf.use_font(BODY_PT)
    pdf.text_lines(f"เรียน {office.head_title}")
    pdf.ln(2)
    for text in body_paragraphs(report, office):
        pdf.paragraph(text, first_line_indent=INDENT_MM, align=Align.J)
    for text in proposals(report, office):
        pdf.paragraph(text, indent=INDENT_MM, align=Align.J)
    pdf.ln(2)
    pdf.paragraph(CLOSING, first_line_indent=INDENT_MM)
    draw_signature(pdf, proposer(report.notes), sign=None, dated=False, size=BODY_PT)
