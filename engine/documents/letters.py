"""Thai external letters (หนังสือภายนอก) as PDF, laid out after the Regulation of the
Prime Minister's Office on Correspondence (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ
พ.ศ. ๒๕๒๖ and its amendments).

From the top of the first page: the secrecy mark (ลับ / ลับมาก) centred, the urgency mark
(ด่วน / ด่วนมาก / ด่วนที่สุด) at the left, the emblem (ตราครุฑ, from office.toml) centred;
"ที่ <prefix>/<number>" at the left and the office's name and address at the right; the
date starting at the page's centre; เรื่อง, เรียน, อ้างถึง and สิ่งที่ส่งมาด้วย when
there are any; the body, each paragraph's first line indented 2.5 cm and justified by the
Thai distributed rule; ขอแสดงความนับถือ, room for the signature, the signer's name,
position and, for an acting or delegated signer, "รักษาราชการแทน…" / "ปฏิบัติราชการแทน…";
and at the foot of the last page the unit that owns the matter with its telephone, fax
and e-mail (ไปรษณีย์อิเล็กทรอนิกส์). Laksaman 16 pt throughout.

A letter longer than a page follows the rule for continued pages: pages from the second
are numbered "- ๒ -" at the top centre; each page but the last ends, at the right, with
a slash and the first words of the next page ("/๒.๑ การจัดเตรียม..."); and at least two
lines of the body go over with the closing and the signature, never the signature alone.
The secrecy mark is repeated at the top and the foot of every page.

The wording lives in ``processes/letters/<kind>.toml`` (see ``letter_templates``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from fpdf.enums import Align

from engine.core.config import Settings
from engine.core.errors import InvalidData
from engine.core.office import OfficeIdentity
from engine.documents.letter_marks import SECRECY, URGENCY
from engine.documents.letter_templates import (
    LETTER_KINDS,
    FilledLetter,
    LetterKind,
    check_letter_templates,
    fill_letter,
)
from engine.documents.pdf import BODY_PT, LINE_MM, ThaiDocument
from engine.documents.signature import Signature
from engine.thai.dates import format_thai_date
from engine.thai.line_breaks import split_words
from engine.thai.workdays import BANGKOK

__all__ = ["LETTER_KINDS", "LetterKind", "check_letter_templates", "render_letter"]

# Millimetres on A4 (210 × 297). The Regulation asks for a 3 cm emblem, a 3 cm left and
# 2 cm right margin, and paragraphs indented 2.5 cm.
LEFT, RIGHT, TOP = 30.0, 20.0, 15.0
EMBLEM_MM = 30.0
OFFICE_BLOCK_X = 115.0
CENTRE_X = 105.0
INDENT_MM = 25.0
LABEL_GAP_MM = 3.0  # between "เรื่อง" / "เรียน" / "อ้างถึง" and their text
GAP_MM = 3.0
SIGNATURE_SPACE_MM = 2.5 * LINE_MM
BOTTOM = 20.0
#: Where the text of a continued page starts, under its "- ๒ -".
CONTINUED_TOP = TOP + 2 * LINE_MM
#: At least this many body lines go over to the page of the signature.
LINES_WITH_SIGNATURE = 2
#: The continuation's first words: at least this many characters, at most WORDS words.
CONTINUATION_CHARS, CONTINUATION_WORDS = 10, 3
MARK_RGB = (200, 0, 0)
#: ชั้นความเร็ว: in red, not smaller than 32 pt (ระเบียบงานสารบรรณ).
URGENCY_PT = 32
#: ชั้นความลับ: in red, larger than the text, at the top and the foot of every page.
SECRECY_PT = 20


@dataclass(frozen=True)
class _BodyLine:
    """One wrapped line of the body, where it goes, and the space above it."""

    text: str
    x: float
    w: float
    justify: bool
    gap: float = 0.0


class _LetterDocument(ThaiDocument):
    """A ThaiDocument with the continued-page number and the secrecy marks."""

    secrecy = ""

    def header(self) -> None:
        self._secrecy_mark(4.0)
        if self.page_no() > 1:
            self.set_xy(LEFT, TOP)
            self.use_font()
            self.cell(self.w - LEFT - RIGHT, LINE_MM, f"- {self.page_no()} -", align=Align.C)

    def footer(self) -> None:
        self._secrecy_mark(self.h - 12.0)

    def _secrecy_mark(self, y: float) -> None:
        if not self.secrecy:
            return
        self.set_xy(LEFT, y)
        self.use_font(SECRECY_PT, bold=True)
        self.set_text_color(*MARK_RGB)
        self.cell(self.w - LEFT - RIGHT, 8, self.secrecy, align=Align.C)
        self.set_text_color(0)
        self.use_font()


def render_letter(office: OfficeIdentity, kind: str, fields: Mapping[str, str], *,
                  issued_on: date, letter_number: str = "",
                  signature: Signature | None = None, urgency: str = "",
                  secrecy: str = "", enclosures: Sequence[str] = (), reference: str = "",
                  processes_dir: Path | None = None) -> bytes:
    """The letter of ``kind`` (a key of LETTER_KINDS) as PDF bytes.

    ``fields`` fills the template's placeholders (LETTER_KINDS[kind].fields).
    ``signature`` is who signs, as they stood on the day of issue (none: the template's
    ``signer_name``/``signer_title`` fields, else a blank name over the head's title).
    ``letter_number`` follows the office's letter prefix; left empty, the number is left
    blank for the registry (สารบรรณ) to write in. ``urgency`` and ``secrecy`` are keys of
    ``letter_marks``; ``enclosures`` the lines of สิ่งที่ส่งมาด้วย; ``reference`` the
    อ้างถึง (the template's own when not given). Templates are read from
    ``processes_dir/letters`` (default: GOVFLOW_PROCESSES_DIR). Raises InvalidData naming
    a missing field, an unknown mark or a template's unknown placeholder.
    """
    marks = _marks(urgency, secrecy)
    folder = processes_dir if processes_dir is not None else Settings.from_env().processes_dir
    letter = fill_letter(office, kind, fields, processes_dir=folder)
    signer = signature or Signature(name=letter.signer_name, position=letter.signer_title)
    # The issue date as the PDF's creation time: the same letter renders to the same bytes.
    created = datetime.combine(issued_on, time(), tzinfo=BANGKOK)
    # Numbers a person dials or types stay as typed; all else in the office's digits.
    typed = (office.phone, office.fax, str(fields.get("tracking_code") or ""))
    pdf = _LetterDocument(title=letter.subject, subject=LETTER_KINDS[kind].title,
                          author=office.name, created=created, margins=(LEFT, TOP, RIGHT),
                          bottom_margin=BOTTOM, digits=office.digits, keep_as_typed=typed)
    pdf.secrecy = marks[1]
    pdf.page_numbers = False
    pdf.set_auto_page_break(False, margin=BOTTOM)
    pdf.add_page()
    _heading(pdf, office, issued_on, letter_number, marks[0])
    _addressing(pdf, letter, reference or letter.reference, enclosures)
    body = _body_lines(pdf, letter.paragraphs)
    _paginate(pdf, body, _signature_height(pdf, letter, signer), _contact_lines(office, letter))
    _signature(pdf, letter, signer)
    _contact(pdf, _contact_lines(office, letter))
    return pdf.to_bytes()


def _marks(urgency: str, secrecy: str) -> tuple[str, str]:
    problems = {}
    if urgency not in URGENCY:
        problems["urgency"] = (f"ชั้นความเร็วต้องเป็น {', '.join(k for k in URGENCY if k)} / "
                               f"unknown urgency {urgency!r}")
    if secrecy not in SECRECY:
        problems["secrecy"] = (f"ชั้นความลับต้องเป็น {', '.join(k for k in SECRECY if k)} / "
                               f"unknown secrecy {secrecy!r}")
    if problems:
        raise InvalidData("ชั้นความเร็วหรือชั้นความลับไม่ถูกต้อง / unknown letter marks",
                          problems)
    return URGENCY[urgency], SECRECY[secrecy]


def _number_line(office: OfficeIdentity, letter_number: str) -> str:
    prefix = office.letter_prefix.strip()
    if prefix:
        return f"ที่ {prefix}/{letter_number.strip()}"
    return f"ที่ {letter_number.strip()}".rstrip()


def _heading(pdf: ThaiDocument, office: OfficeIdentity, issued_on: date,
             letter_number: str, urgency: str) -> None:
    if urgency:
        pdf.set_xy(LEFT, TOP + 4)
        pdf.use_font(URGENCY_PT, bold=True)
        pdf.set_text_color(*MARK_RGB)
        # From the left margin to the emblem, which is centred.
        pdf.cell((pdf.w - EMBLEM_MM) / 2 - LEFT - 2, 16, urgency)
        pdf.set_text_color(0)
        pdf.use_font()
    pdf.image(str(office.emblem_image), x=(pdf.w - EMBLEM_MM) / 2, y=TOP, h=EMBLEM_MM,
              w=EMBLEM_MM)
    row = TOP + EMBLEM_MM + 2
    pdf.set_xy(LEFT, row)
    pdf.cell(OFFICE_BLOCK_X - LEFT - 2, LINE_MM, _number_line(office, letter_number))
    pdf.set_xy(OFFICE_BLOCK_X, row)
    width = pdf.w - RIGHT - OFFICE_BLOCK_X
    pdf.text_lines(office.name, w=width, x=OFFICE_BLOCK_X)
    pdf.text_lines(office.address, w=width, x=OFFICE_BLOCK_X)
    pdf.ln(GAP_MM)
    pdf.set_x(CENTRE_X)
    pdf.cell(0, LINE_MM, format_thai_date(issued_on))
    pdf.ln(LINE_MM + GAP_MM)


def _labelled(pdf: ThaiDocument, label: str, lines: Sequence[str]) -> None:
    """"เรื่อง  text" with the text's later lines aligned under its first."""
    indent = pdf.word_width(label) + LABEL_GAP_MM
    width = pdf.w - RIGHT - LEFT - indent
    pdf.set_xy(LEFT, pdf.get_y())
    pdf.cell(indent, LINE_MM, label)
    pdf.set_x(LEFT)
    for text in lines:
        pdf.draw_lines(pdf.wrap_lines(text, width), x=LEFT + indent, w=width)
    pdf.ln(GAP_MM)


def _addressing(pdf: ThaiDocument, letter: FilledLetter, reference: str,
                enclosures: Sequence[str]) -> None:
    _labelled(pdf, "เรื่อง", [letter.subject])
    _labelled(pdf, "เรียน", [letter.recipient])
    if reference:
        _labelled(pdf, "อ้างถึง", [reference])
    items = [e.strip() for e in enclosures if e and e.strip()]
    if items:
        numbered = items if len(items) == 1 else [f"{n}. {e}" for n, e in
                                                   enumerate(items, 1)]
        _labelled(pdf, "สิ่งที่ส่งมาด้วย", numbered)


def _body_lines(pdf: ThaiDocument, paragraphs: Sequence[str]) -> list[_BodyLine]:
    width = pdf.w - LEFT - RIGHT
    lines: list[_BodyLine] = []
    for number, paragraph in enumerate(paragraphs):
        wrapped = pdf.wrap_lines(paragraph, width, first_width=width - INDENT_MM)
        for i, text in enumerate(wrapped):
            shift = INDENT_MM if i == 0 else 0.0
            lines.append(_BodyLine(text, LEFT + shift, width - shift,
                                   justify=i < len(wrapped) - 1,
                                   gap=GAP_MM / 2 if i == 0 and number > 0 else 0.0))
    return lines


def _signature_height(pdf: ThaiDocument, letter: FilledLetter, signer: Signature) -> float:
    _centre, lines = _signature_block(pdf, letter, signer)
    return GAP_MM + LINE_MM + SIGNATURE_SPACE_MM + LINE_MM * len(lines)


def _signature_block(pdf: ThaiDocument, letter: FilledLetter, signer: Signature
                     ) -> tuple[float, list[str]]:
    """Where the name, position and capacity lines are centred, and the lines.

    Under the closing, which starts at the page's centre; a long title (the full head's
    title after รักษาราชการแทน) moves the block left to stay inside the right margin, and
    only a title wider than the text itself wraps."""
    lines = signer.lines()
    text_width = pdf.w - LEFT - RIGHT
    widest = max(pdf.word_width(line) for line in lines)
    centre = CENTRE_X + pdf.word_width(letter.closing) / 2
    centre = min(centre, pdf.w - RIGHT - widest / 2)
    if widest <= text_width:
        return max(centre, LEFT + widest / 2), lines
    return LEFT + text_width / 2, [part for line in lines
                                   for part in pdf.balanced_lines(line, text_width)]


def _contact_lines(office: OfficeIdentity, letter: FilledLetter) -> list[str]:
    lines = [letter.contact_unit, f"โทร. {office.phone}"]
    if office.fax:
        lines.append(f"โทรสาร {office.fax}")
    if office.email:
        lines.append(f"ไปรษณีย์อิเล็กทรอนิกส์ {office.email}")
    return lines


def _page_end(pdf: ThaiDocument) -> float:
    return pdf.h - BOTTOM


def _paginate(pdf: _LetterDocument, body: Sequence[_BodyLine], signature: float,
              contact: Sequence[str]) -> None:
    """Draw the body over as many pages as it takes, by the rule for continued pages,
    leaving the current position where the closing goes."""
    foot = LINE_MM  # the continuation line at a page's foot
    last_room = len(contact) * LINE_MM + GAP_MM
    pages: list[list[_BodyLine]] = [[]]
    y = pdf.get_y()
    for line in body:
        if y + line.gap + LINE_MM > _page_end(pdf) - foot and pages[-1]:
            pages.append([])
            y = CONTINUED_TOP
        pages[-1].append(line)
        y += line.gap + LINE_MM
    # The closing, signature and contact must follow the last line on its page; if they
    # do not, they go over with at least two lines of the body.
    if y + signature + last_room > _page_end(pdf):
        pages.append([])
    # The signature's page holds at least two lines of the body: take them from the end
    # of the page before (which always has more, or the body would have fitted on it).
    if len(pages) > 1 and len(pages[-1]) < LINES_WITH_SIGNATURE:
        wanted = min(LINES_WITH_SIGNATURE - len(pages[-1]), len(pages[-2]))
        keep = len(pages[-2]) - wanted
        pages[-2], moved = pages[-2][:keep], pages[-2][keep:]
        pages[-1] = moved + pages[-1]
    for number, lines in enumerate(pages):
        if number > 0:
            pdf.add_page()
            pdf.set_y(CONTINUED_TOP)
        for line in lines:
            pdf.set_y(pdf.get_y() + (line.gap if line is not lines[0] or number == 0 else 0))
            pdf.draw_lines([line.text], x=line.x, w=line.w,
                           align=Align.J if line.justify else Align.L,
                           justify_last=line.justify)
        if number < len(pages) - 1:
            _continuation(pdf, pages[number + 1])


def _continuation(pdf: ThaiDocument, next_page: Sequence[_BodyLine]) -> None:
    """"/<first words of the next page>..." at the right of this page's foot."""
    first = next_page[0].text if next_page else "ขอแสดงความนับถือ"
    words: list[str] = []
    for word in split_words(first):
        words.append(word)
        if len("".join(words)) >= CONTINUATION_CHARS or len(words) >= CONTINUATION_WORDS:
            break
    text = f"/{''.join(words).strip()}..."
    pdf.set_xy(LEFT, _page_end(pdf) - LINE_MM)
    pdf.cell(pdf.w - LEFT - RIGHT, LINE_MM, text, align=Align.R)


def _signature(pdf: ThaiDocument, letter: FilledLetter, signer: Signature) -> None:
    pdf.ln(GAP_MM)
    pdf.set_x(CENTRE_X)
    pdf.cell(0, LINE_MM, letter.closing)
    pdf.ln(LINE_MM + SIGNATURE_SPACE_MM)
    centre, lines = _signature_block(pdf, letter, signer)
    width = 2 * min(centre - LEFT, pdf.w - RIGHT - centre)
    pdf.draw_lines(lines, x=centre - width / 2, w=width, align=Align.C)


def _contact(pdf: ThaiDocument, lines: Sequence[str]) -> None:
    bottom_row = _page_end(pdf) - LINE_MM * len(lines)
    pdf.set_y(max(bottom_row, pdf.get_y() + GAP_MM))
    pdf.use_font(BODY_PT)
    # The telephone and fax numbers are kept as typed (keep_as_typed), e-mail too.
    for line in lines:
        pdf.text_lines(line, w=pdf.w - RIGHT - LEFT, x=LEFT)
