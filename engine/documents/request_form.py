"""The publication request form (แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์) drawn as PDF from
plain data; ``engine/services/publishing/request_form.py`` fills it from the workflow.

From the top: the office header, the form's title and the request's number; the request's
fields as labelled pairs; the confirmation box; three sign-off blocks: provider
(ผู้ให้ข้อมูล), approver (ผู้อนุมัติ) and publisher (ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่); and a
note on where the names come from. Each block prints the person who did that step in the
request's latest round as :class:`~engine.documents.signature.Signature` has it: their name,
their position and, for a role held by appointment, the capacity line with the full title
("รักษาราชการแทนผู้อำนวยการสำนักงาน…" / "ปฏิบัติราชการแทน…"); then the date. A block whose
step has not happened, or that sent the request back, keeps blank lines to sign by hand.

The form is one sheet of paper. It is drawn at the roomiest of :data:`SPACINGS` that keeps
it on one page; a request too long for one page at any of them runs on at the roomiest,
each row of blocks whole on a page and the note never alone on the last one. Digits follow
``office.digits`` (dates and numbers in Thai digits by default); telephone and fax numbers,
web and e-mail addresses stay as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fpdf.enums import Align

from engine.core import clock
from engine.core.office import OfficeIdentity
from engine.documents.font_metrics import leading_mm
from engine.documents.pdf import ThaiDocument
from engine.documents.signature import Signature
from engine.thai.dates import format_thai_date

FORM_TITLE = "แบบฟอร์มการขอเผยแพร่ข้อมูลผ่านเว็บไซต์"
#: Under the blocks: where their names come from.
NOTE = ("ชื่อ ตำแหน่ง และวันที่ในช่องลงนาม ระบบกรอกจากประวัติการดำเนินการรอบล่าสุด "
        "ช่องที่ว่างยังไม่มีผู้ดำเนินการ")
#: The bracketed dotted line a block without a signer keeps for a name written by hand.
BLANK_NAME = "(" + "." * 40 + ")"
#: The labels' column, sized to the widest label within these bounds.
LABEL_MIN_MM = 35.0
LABEL_MAX_MM = 48.0
BLOCK_GAP_MM = 4.0
#: Three blocks a row: the least and the most of the line one block may take.
MIN_SHARE, MAX_SHARE = 0.26, 0.46


@dataclass(frozen=True)
class Spacing:
    """The type sizes and gaps of one drawing of the form (points; millimetres)."""

    #: The form's title (bold).
    title_pt: float
    #: The request's fields and the confirmation.
    body_pt: float
    #: The sign-off blocks.
    block_pt: float
    #: The note under the blocks.
    note_pt: float
    #: Sign-off blocks side by side.
    columns: int
    #: After each field; twice that before the confirmation, the blocks and the note.
    gap_mm: float


#: Roomiest first: the form is drawn at the first that keeps it on one page. Every line's
#: leading comes from its font's size (:func:`leading_mm`), so none lets marks touch.
SPACINGS = (
    Spacing(title_pt=18, body_pt=16, block_pt=16, note_pt=13, columns=2, gap_mm=1.5),
    Spacing(title_pt=18, body_pt=16, block_pt=15, note_pt=12, columns=3, gap_mm=1.0),
    Spacing(title_pt=18, body_pt=15, block_pt=14, note_pt=12, columns=3, gap_mm=0.8),
    Spacing(title_pt=16, body_pt=14, block_pt=13, note_pt=11, columns=3, gap_mm=0.5),
    Spacing(title_pt=16, body_pt=13, block_pt=13, note_pt=11, columns=3, gap_mm=0.5),
    Spacing(title_pt=16, body_pt=13, block_pt=12, note_pt=11, columns=3, gap_mm=0.3),
)


@dataclass(frozen=True)
class SignBlock:
    label: str
    #: Who did the step, as printed under the signature; None: not signed, blank lines.
    signature: Signature | None = None
    #: When they did it.
    at: datetime | None = None


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
        times = [b.at for b in self.blocks if b.signature is not None and b.at is not None]
        return max(times) if times else None


def render_request_form(office: OfficeIdentity, form: RequestForm, *,
                        created: datetime | None = None) -> bytes:
    made = created or form.created or clock.now()
    for spacing in SPACINGS:
        pdf = _drawn(office, form, made, spacing)
        if pdf.pages_count == 1:
            return pdf.to_bytes()
    # Too long for one sheet at any spacing: it runs on, the roomiest being easiest to read.
    roomy = SPACINGS[0]
    return _drawn(office, form, made, roomy,
                  row_heights=_row_heights(office, form, made, roomy)).to_bytes()


def _document(office: OfficeIdentity, form: RequestForm, made: datetime) -> ThaiDocument:
    return ThaiDocument(title=f"{form.title} เลขที่ {form.instance_id}", subject=form.title,
                        author=office.name, created=made, digits=office.digits,
                        keep_as_typed=(office.phone, office.fax))


def _drawn(office: OfficeIdentity, form: RequestForm, made: datetime, spacing: Spacing, *,
           row_heights: list[float] | None = None) -> ThaiDocument:
    pdf = _document(office, form, made)
    pdf.add_page()
    pdf.office_header(office, size=spacing.body_pt)
    _title(pdf, form, spacing)
    pdf.ln(spacing.gap_mm)
    labels = _label_width(pdf, form, spacing)
    for label, text in form.fields:
        _field(pdf, label, text, spacing, labels)
    if form.confirmation is not None:
        pdf.ln(spacing.gap_mm)
        _confirmation(pdf, *form.confirmation, spacing)
    pdf.ln(2 * spacing.gap_mm)
    _sign_blocks(pdf, form, spacing, row_heights)
    return pdf


def _title(pdf: ThaiDocument, form: RequestForm, spacing: Spacing) -> None:
    """The form's title, centred, and the request's number at the right: on the title's
    line when both fit there, else on the next."""
    pdf.use_font(spacing.body_pt)
    number = f"คำขอเลขที่ {form.instance_id}"
    number_mm = pdf.text_width(number)
    pdf.use_font(spacing.title_pt, bold=True)
    line = leading_mm(pdf)
    beside = pdf.text_width(form.title) + 2 * (number_mm + 2) <= pdf.epw
    if beside:
        top = pdf.get_y()
        pdf.use_font(spacing.body_pt)
        pdf.text_lines(number, align=Align.R, h=line)
        pdf.set_y(top)
        pdf.use_font(spacing.title_pt, bold=True)
    pdf.text_lines(form.title, align=Align.C, h=line)
    if not beside:
        pdf.use_font(spacing.body_pt)
        pdf.text_lines(number, align=Align.R, h=leading_mm(pdf))


def _label_width(pdf: ThaiDocument, form: RequestForm, spacing: Spacing) -> float:
    """The labels' column: as wide as the widest label, within bounds, so that labels
    seldom wrap and the values keep most of the line."""
    pdf.use_font(spacing.body_pt, bold=True)
    widest = max((pdf.text_width(label) for label, _ in form.fields), default=0.0)
    return min(max(widest + 4, LABEL_MIN_MM), LABEL_MAX_MM)


def _rows(form: RequestForm, spacing: Spacing) -> list[list[SignBlock]]:
    """The sign-off blocks, ``spacing.columns`` a row."""
    step = spacing.columns
    return [form.blocks[start:start + step] for start in range(0, len(form.blocks), step)]


def _sign_blocks(pdf: ThaiDocument, form: RequestForm, spacing: Spacing,
                 row_heights: list[float] | None) -> None:
    """The rows of blocks, then the note. Given the rows' heights (the last one's with the
    note), a row that would not fit starts a new page: a row never splits, and the note is
    never alone on the last page."""
    rows = _rows(form, spacing)
    for number, row in enumerate(rows):
        if row_heights is not None and pdf.get_y() + row_heights[number] > pdf.page_break_trigger:
            pdf.add_page()
        _row_and_note(pdf, row, last=number == len(rows) - 1, spacing=spacing)
    if not rows:
        _note(pdf, spacing)


def _row_and_note(pdf: ThaiDocument, row: list[SignBlock], *, last: bool,
                  spacing: Spacing) -> None:
    _row(pdf, row, spacing)
    pdf.ln(2 * spacing.gap_mm)
    if last:
        _note(pdf, spacing)


def _row_heights(office: OfficeIdentity, form: RequestForm, made: datetime,
                 spacing: Spacing) -> list[float]:
    """How tall each row of blocks is drawn (the last with the note): measured by drawing
    each at the top of a page of a scratch document, as the real one will draw it."""
    scratch, heights = _document(office, form, made), []
    rows = _rows(form, spacing)
    for number, row in enumerate(rows):
        scratch.add_page()
        top = scratch.get_y()
        _row_and_note(scratch, row, last=number == len(rows) - 1, spacing=spacing)
        heights.append(scratch.get_y() - top)
    return heights


def _note(pdf: ThaiDocument, spacing: Spacing) -> None:
    pdf.use_font(spacing.note_pt)
    pdf.text_lines(NOTE, h=leading_mm(pdf))


def _field(pdf: ThaiDocument, label: str, text: str, spacing: Spacing,
           label_mm: float) -> None:
    pdf.use_font(spacing.body_pt, bold=True)
    line = leading_mm(pdf)
    if pdf.get_y() + line > pdf.page_break_trigger:
        pdf.add_page()
    top, page = pdf.get_y(), pdf.page
    pdf.text_lines(label, w=label_mm - 3, x=pdf.l_margin, h=line)
    label_bottom = pdf.get_y()
    pdf.use_font(spacing.body_pt)
    pdf.set_xy(pdf.l_margin + label_mm, top)
    pdf.text_lines(text, w=pdf.epw - label_mm, x=pdf.l_margin + label_mm, h=line)
    # A long value may run onto the next page: then its end is where to go on.
    if pdf.page == page:
        pdf.set_y(max(pdf.get_y(), label_bottom))
    pdf.ln(spacing.gap_mm)


def _confirmation(pdf: ThaiDocument, text: str, confirmed: bool, spacing: Spacing) -> None:
    """A ticked (or empty) box before the confirmation, drawn: the font has no ballot box."""
    pdf.use_font(spacing.body_pt)
    line = leading_mm(pdf)
    top, side = pdf.get_y(), 4.0
    x, y = pdf.l_margin, top + (line - side) / 2
    pdf.set_line_width(0.3)
    pdf.rect(x, y, side, side)
    if confirmed:
        pdf.line(x + 0.8, y + side / 2, x + side / 2.4, y + side - 0.8)
        pdf.line(x + side / 2.4, y + side - 0.8, x + side - 0.6, y + 0.6)
    pdf.set_xy(x + side + 3, top)
    pdf.text_lines(text, w=pdf.w - pdf.r_margin - x - side - 3, x=x + side + 3, h=line)


def _dotted(pdf: ThaiDocument, words: str, width: float) -> str:
    """``words`` and a dotted line to write on, in four fifths of the width (centred)."""
    room = 0.8 * width - pdf.text_width(f"{words} ")
    return f"{words} " + "." * max(8, int(room / pdf.text_width(".")))


def _block_lines(pdf: ThaiDocument, block: SignBlock, width: float) -> list[str]:
    """The block's lines under its label: to sign on, who, in what capacity, and when."""
    sign = _dotted(pdf, "ลงชื่อ", width)
    signed = block.signature
    if signed is None or block.at is None:
        return [sign, BLANK_NAME, _dotted(pdf, "ตำแหน่ง", width), _dotted(pdf, "วันที่", width)]
    return [sign, *signed.lines(), f"วันที่ {format_thai_date(block.at)}"]


def _column_widths(pdf: ThaiDocument, row: list[SignBlock], spacing: Spacing) -> list[float]:
    """Equal columns for two blocks a row; for three, each block's share of the line grows
    with how much it has to say (an acting approver's position and capacity lines), within
    bounds, so that the tallest block wraps least."""
    room = pdf.epw - BLOCK_GAP_MM * (spacing.columns - 1)
    if spacing.columns < 3 or len(row) < spacing.columns:
        return [room / spacing.columns] * len(row)
    pdf.use_font(spacing.block_pt)
    wanted = [sum(pdf.text_width(line) for line in _block_lines(pdf, block, room / 3))
              for block in row]
    shares = [min(max(w / sum(wanted), MIN_SHARE), MAX_SHARE) for w in wanted]
    return [room * share / sum(shares) for share in shares]


def _row(pdf: ThaiDocument, row: list[SignBlock], spacing: Spacing) -> None:
    """Blocks side by side, each centred in its column."""
    top = bottom = pdf.get_y()
    x = pdf.l_margin
    for block, width in zip(row, _column_widths(pdf, row, spacing), strict=True):
        pdf.set_xy(x, top)
        pdf.use_font(spacing.block_pt, bold=True)
        line = leading_mm(pdf)
        pdf.text_lines(block.label, w=width, x=x, align=Align.C, h=line)
        pdf.use_font(spacing.block_pt)
        for text in _block_lines(pdf, block, width):
            pdf.text_lines(text, w=width, x=x, align=Align.C, h=line)
        bottom = max(bottom, pdf.get_y())
        x += width + BLOCK_GAP_MM
    pdf.use_font()
    pdf.set_y(bottom)
