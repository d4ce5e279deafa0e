"""The end of the complaints report as ITA evidence: the head of Legal Affairs' problems
and recommendations (ปัญหา อุปสรรค และข้อเสนอแนะ), the proposer's signature (ผู้เสนอ) and
the Director's acknowledgement (ทราบ, ลงนาม).

The proposer is the head of Legal Affairs who wrote the section; until someone has, the
section prints dotted lines to write on by hand and the proposer's name is left blank
over the position, so a printed copy can still be completed and signed. The Director's
block shows whoever signs for the Director on the day the report is made: an acting
official with "รักษาราชการแทน…", a deputy under delegation with "ปฏิบัติราชการแทน…".
"""

from __future__ import annotations

from fpdf.enums import Align

from engine.core.office import OfficeIdentity
from engine.core.roles import ROLES
from engine.documents.complaint_report import (
    NOTES_HEADING,
    PROBLEMS_HEADING,
    RECOMMENDATIONS_HEADING,
    ComplaintReport,
    ReportNotes,
)
from engine.documents.pdf import LINE_MM, ThaiDocument
from engine.documents.signature import Signature, unsigned

PROPOSER_ROLE = "legal_head"
#: A line to write on by hand, and how many of them an unwritten part gets.
DOTTED_LINE = "." * 150
HAND_LINES = 3
SIGN_HERE = "." * 45
DATE_BLANK = "วันที่ " + "." * 10 + "/" + "." * 14 + "/" + "." * 10
#: Signature blocks sit right of the page's middle, wide enough for the longest capacity
#: line ("รักษาราชการแทนผู้อำนวยการสำนักงานเขตพื้นที่…") on one line.
BLOCK_INDENT = 25.0
MIN_PT = 11.0


def proposer(notes: ReportNotes | None) -> Signature:
    """Who proposes the report: the section's writer, or a blank name over the position."""
    return notes.written_by if notes is not None else Signature("", ROLES[PROPOSER_ROLE])


def draw_notes(pdf: ThaiDocument, notes: ReportNotes | None, *, size: float) -> None:
    """The section, its two parts as written, or dotted lines when nothing is."""
    pdf.use_font(size)
    parts = ((PROBLEMS_HEADING, notes.problems if notes else ""),
             (RECOMMENDATIONS_HEADING, notes.recommendations if notes else ""))
    _keep_room(pdf, 4 * LINE_MM)
    pdf.ln(4)
    pdf.use_font(size, bold=True)
    pdf.text_lines(NOTES_HEADING)
    for number, (heading, text) in enumerate(parts, start=1):
        _keep_room(pdf, 2 * LINE_MM)
        pdf.use_font(size, bold=True)
        pdf.text_lines(f"{number}. {heading}", x=pdf.l_margin + 5)
        pdf.use_font(size)
        if text.strip():
            for paragraph in text.strip().splitlines():
                if paragraph.strip():
                    pdf.text_lines(paragraph.strip(), x=pdf.l_margin + 10,
                                   w=pdf.epw - 10)
        else:
            for _ in range(HAND_LINES):
                _dotted(pdf)


def _dotted(pdf: ThaiDocument) -> None:
    """One dotted line across the text column, to write on by hand."""
    width = pdf.epw - 10
    dots = DOTTED_LINE
    while dots and pdf.text_width(dots) > width - 2 * pdf.c_margin:
        dots = dots[:-5]
    pdf.text_lines(dots, x=pdf.l_margin + 10, w=width)


def _keep_room(pdf: ThaiDocument, height: float) -> None:
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def draw_signature(pdf: ThaiDocument, signature: Signature, *, before: str = "",
                   sign: str | None = "ลงชื่อ", after: str = "", dated: bool = True,
                   size: float) -> None:
    """A signature block on one page: an optional line above it ("ทราบ"), the space to
    sign with its word ("ลงชื่อ … ผู้เสนอ"; None: the space alone, as memos have it), the
    lines under it (Signature.lines()), and a date to fill in by hand."""
    lines = signature.lines()
    count = len(lines) + 2 + (1 if before else 0) + (1 if dated else 0)
    _keep_room(pdf, count * LINE_MM + 4)
    pdf.ln(4)
    pdf.use_font(size)
    x, width = pdf.l_margin + BLOCK_INDENT, pdf.epw - BLOCK_INDENT
    if max(pdf.text_width(line) for line in lines) > width - 2 * pdf.c_margin:
        # A long position or capacity line stays on one line, centred on the page.
        x, width = pdf.l_margin, pdf.epw
    if before:
        pdf.text_lines(before, x=pdf.l_margin + 10, w=pdf.epw - 10)
    pdf.ln(LINE_MM)  # room for the handwritten signature
    if sign is not None:
        pdf.text_lines(" ".join(part for part in (sign, SIGN_HERE, after) if part), x=x,
                       w=width, align=Align.C)
    else:
        pdf.ln(LINE_MM)
    for line in lines:
        _one_line(pdf, line, x, width, size)
    if dated:
        pdf.text_lines(DATE_BLANK, x=x, w=width, align=Align.C)


def _one_line(pdf: ThaiDocument, text: str, x: float, width: float, size: float) -> None:
    """A centred line that never wraps: a signer's position or capacity is read as one
    line, so a long one is set a point or two smaller (down to MIN_PT) to fit."""
    shown = size
    while shown > MIN_PT:
        pdf.use_font(shown)
        if pdf.text_width(text) <= width - 2 * pdf.c_margin:
            break
        shown -= 0.5
    pdf.text_lines(text, x=x, w=width, align=Align.C)
    pdf.use_font(size)


def draw_signoff(pdf: ThaiDocument, report: ComplaintReport, office: OfficeIdentity, *,
                 size: float) -> None:
    """ผู้เสนอ, then the Director's ทราบ and signature."""
    draw_signature(pdf, proposer(report.notes), after="ผู้เสนอ", size=size)
    director = report.acknowledged_by or unsigned(office.head_title)
    draw_signature(pdf, director, before="ทราบ", sign="ลงนาม", size=size)
