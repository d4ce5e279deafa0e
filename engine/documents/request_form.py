"""The publication request form (แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์) drawn as PDF from
plain data; ``engine/services/publishing/request_form.py`` fills it from the workflow.

From the top: the office header, the form's title and the request's number; the request's
fields as labelled pairs; the confirmation box; and three sign-off blocks: provider
(ผู้ให้ข้อมูล), approver (ผู้อนุมัติ) and publisher (ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่). Each
block names the person who did that step in the request's latest round (an acting
official with "รักษาราชการแทน ..."), their position and the date; a block whose step
has not happened, or that sent the request back, keeps blank lines to sign by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from fpdf.enums import Align

from engine.core import clock
from engine.core.office import OfficeIdentity
from engine.documents.pdf import LINE_MM, ThaiDocument
from engine.thai.dates import format_thai_date

FORM_TITLE = "แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์"
#: Dotted lines to write on, as long as a half-page block allows at 16 pt.
BLANK_NAME = "(" + "." * 40 + ")"
BLANK = "." * 34
LABEL_MM = 58.0
SMALL_PT = 13
BLOCK_GAP_MM = 10.0


class Signer(Protocol):
    """Who signed one block: the person who did that step, as the audit log recorded it."""

    @property
    def name(self) -> str: ...
    @property
    def position(self) -> str: ...
    @property
    def acting_for(self) -> str | None: ...
    @property
    def acting_text(self) -> str: ...
    @property
    def at(self) -> datetime: ...


@dataclass(frozen=True)
class SignBlock:
    label: str
    signoff: Signer | None


@dataclass(frozen=True)
class RequestForm:
    instance_id: int
    title: str
    fields: list[tuple[str, str]]
    confirmation: tuple[str, bool] | None
    blocks: list[SignBlock]

    @property
    def created(self) -> datetime | None:
        """The last sign-off's time: the same request in the same state draws the same bytes."""
        times = [b.signoff.at for b in self.blocks if b.signoff is not None]
        return max(times) if times else None


def render_request_form(office: OfficeIdentity, form: RequestForm, *,
                        created: datetime | None = None) -> bytes:
    made = created or form.created or clock.now()
    pdf = ThaiDocument(title=f"{form.title} เลขที่ {form.instance_id}", subject=form.title,
                       author=office.name, created=made)
    pdf.add_page()
    pdf.office_header(office)
    pdf.use_font(18, bold=True)
    pdf.text_lines(form.title, align=Align.C, h=8)
    pdf.use_font()
    pdf.text_lines(f"คำขอเลขที่ {form.instance_id}", align=Align.R)
    pdf.ln(2)
    for label, text in form.fields:
        _field(pdf, label, text)
    if form.confirmation is not None:
        _confirmation(pdf, *form.confirmation)
    pdf.ln(4)
    _sign_blocks(pdf, form.blocks)
    pdf.ln(2)
    pdf.use_font(SMALL_PT)
    pdf.text_lines("ชื่อ ตำแหน่ง และวันที่ในแต่ละช่องลงนาม ระบบกรอกจากประวัติการดำเนินการของเรื่อง "
                   f"เลขที่ {form.instance_id} (ผู้ดำเนินการขั้นตอนนั้นในรอบล่าสุด) ช่องที่ยังไม่มี"
                   "ผู้ดำเนินการเว้นว่างไว้")
    return pdf.to_bytes()


def _field(pdf: ThaiDocument, label: str, text: str) -> None:
    if pdf.get_y() + LINE_MM > pdf.page_break_trigger:
        pdf.add_page()
    top, page = pdf.get_y(), pdf.page
    pdf.use_font(bold=True)
    pdf.text_lines(label, w=LABEL_MM - 2, x=pdf.l_margin)
    label_bottom = pdf.get_y()
    pdf.use_font()
    pdf.set_xy(pdf.l_margin + LABEL_MM, top)
    pdf.text_lines(text, w=pdf.w - pdf.r_margin - pdf.l_margin - LABEL_MM,
                   x=pdf.l_margin + LABEL_MM)
    # A long value may run onto the next page: then its end is where to go on.
    if pdf.page == page:
        pdf.set_y(max(pdf.get_y(), label_bottom))
    pdf.ln(1)


def _confirmation(pdf: ThaiDocument, text: str, confirmed: bool) -> None:
    """A ticked (or empty) box before the confirmation, drawn: the font has no ballot box."""
    pdf.ln(2)
    top, side = pdf.get_y(), 4.0
    x, y = pdf.l_margin, top + (LINE_MM - side) / 2
    pdf.set_line_width(0.3)
    pdf.rect(x, y, side, side)
    if confirmed:
        pdf.line(x + 0.8, y + side / 2, x + side / 2.4, y + side - 0.8)
        pdf.line(x + side / 2.4, y + side - 0.8, x + side - 0.6, y + 0.6)
    pdf.set_xy(x + side + 3, top)
    pdf.text_lines(text, w=pdf.w - pdf.r_margin - x - side - 3, x=x + side + 3)


def _block_lines(block: SignBlock) -> list[str]:
    step = block.signoff
    if step is None:
        return [f"ลงชื่อ {BLANK}", BLANK_NAME, f"ตำแหน่ง {BLANK}", f"วันที่ {BLANK}"]
    lines = [f"ลงชื่อ {BLANK}", f"({step.name})", f"ตำแหน่ง {step.position or BLANK}"]
    if step.acting_for:
        lines.append(step.acting_text)
    lines.append(f"วันที่ {format_thai_date(step.at)}")
    return lines


def _sign_blocks(pdf: ThaiDocument, blocks: list[SignBlock]) -> None:
    """Two blocks a row, centred in their halves; a row never splits across pages."""
    width = (pdf.w - pdf.l_margin - pdf.r_margin - BLOCK_GAP_MM) / 2
    for start in range(0, len(blocks), 2):
        row = blocks[start:start + 2]
        lines = [[b.label, *_block_lines(b)] for b in row]
        needed = LINE_MM * (max(len(x) for x in lines) + 2)
        if pdf.get_y() + needed > pdf.page_break_trigger:
            pdf.add_page()
        top, bottom = pdf.get_y(), pdf.get_y()
        for column, block_lines in enumerate(lines):
            x = pdf.l_margin + column * (width + BLOCK_GAP_MM)
            pdf.set_xy(x, top)
            for number, line in enumerate(block_lines):
                pdf.use_font(bold=number == 0)
                pdf.text_lines(line, w=width, x=x, align=Align.C)
            bottom = max(bottom, pdf.get_y())
        pdf.set_y(bottom + LINE_MM)
