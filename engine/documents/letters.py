"""Thai external letters (หนังสือภายนอก) as PDF, laid out after the Regulation of the
Prime Minister's Office on Correspondence (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ).

From the top: the emblem (ตรา) centred; "ที่ <prefix>/<number>" at the left and the
office's name and address at the right; the date starting at the page's centre; เรื่อง,
เรียน, อ้างถึง (when given); the body, each paragraph's first line indented 2.5 cm;
ขอแสดงความนับถือ, room for the signature, the signer's name and title; and at the bottom
left the unit that owns the matter, its phone and e-mail. Laksaman 16 pt throughout.

The wording lives in ``processes/letters/<kind>.toml`` (see ``letter_templates``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path

from fpdf.enums import Align

from engine.core.config import Settings
from engine.core.office import OfficeIdentity
from engine.documents.letter_templates import (
    LETTER_KINDS,
    FilledLetter,
    LetterKind,
    check_letter_templates,
    fill_letter,
)
from engine.documents.pdf import LINE_MM, ThaiDocument
from engine.thai.dates import format_thai_date
from engine.thai.workdays import BANGKOK

__all__ = ["LETTER_KINDS", "LetterKind", "check_letter_templates", "render_letter"]

# Millimetres on A4 (210 × 297). The Regulation asks for a 3 cm emblem, a 3 cm left and
# 2 cm right margin, and paragraphs indented 2.5 cm.
LEFT, RIGHT, TOP = 30.0, 20.0, 15.0
EMBLEM_MM = 30.0
OFFICE_BLOCK_X = 115.0
CENTRE_X = 105.0
INDENT_MM = 25.0
LABEL_MM = 16.0  # the width of "เรื่อง" / "เรียน" / "อ้างถึง" before their text
GAP_MM = 3.0
SIGNATURE_SPACE_MM = 2.5 * LINE_MM
BOTTOM = 20.0


def render_letter(office: OfficeIdentity, kind: str, fields: Mapping[str, str], *,
                  issued_on: date, letter_number: str = "",
                  processes_dir: Path | None = None) -> bytes:
    """The letter of ``kind`` (a key of LETTER_KINDS) as PDF bytes.

    ``fields`` fills the template's placeholders (LETTER_KINDS[kind].fields; optionally
    ``signer_name`` and ``signer_title`` for someone signing in the head's place).
    ``letter_number`` follows the office's letter prefix; left empty, the number is left
    blank for the registry (สารบรรณ) to write in. Templates are read from
    ``processes_dir/letters`` (default: GOVFLOW_PROCESSES_DIR). Raises InvalidData naming
    a missing field or a template's unknown placeholder.
    """
    folder = processes_dir if processes_dir is not None else Settings.from_env().processes_dir
    letter = fill_letter(office, kind, fields, processes_dir=folder)
    # The issue date as the PDF's creation time: the same letter renders to the same bytes.
    created = datetime.combine(issued_on, time(), tzinfo=BANGKOK)
    pdf = ThaiDocument(title=letter.subject, subject=LETTER_KINDS[kind].title,
                       author=office.name, created=created, margins=(LEFT, TOP, RIGHT),
                       bottom_margin=BOTTOM)
    pdf.add_page()
    _heading(pdf, office, issued_on, letter_number)
    _addressing(pdf, letter)
    for paragraph in letter.paragraphs:
        pdf.paragraph(paragraph, first_line_indent=INDENT_MM)
        pdf.ln(GAP_MM / 2)
    _signature(pdf, letter)
    _contact(pdf, office, letter)
    # Page numbers only when the letter runs over one page.
    pdf.page_numbers = pdf.pages_count > 1
    return pdf.to_bytes()


def _number_line(office: OfficeIdentity, letter_number: str) -> str:
    prefix = office.letter_prefix.strip()
    if prefix:
        return f"ที่ {prefix}/{letter_number.strip()}"
    return f"ที่ {letter_number.strip()}".rstrip()


def _heading(pdf: ThaiDocument, office: OfficeIdentity, issued_on: date,
             letter_number: str) -> None:
    pdf.image(str(office.logo), x=(pdf.w - EMBLEM_MM) / 2, y=TOP, h=EMBLEM_MM, w=EMBLEM_MM)
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


def _labelled(pdf: ThaiDocument, label: str, text: str) -> None:
    """"เรื่อง  text" with the text's later lines aligned under its first."""
    pdf.set_x(LEFT)
    pdf.cell(LABEL_MM, LINE_MM, label)
    pdf.text_lines(text, w=pdf.w - RIGHT - LEFT - LABEL_MM, x=LEFT + LABEL_MM)


def _addressing(pdf: ThaiDocument, letter: FilledLetter) -> None:
    _labelled(pdf, "เรื่อง", letter.subject)
    pdf.ln(GAP_MM)
    _labelled(pdf, "เรียน", letter.recipient)
    if letter.reference:
        pdf.ln(GAP_MM)
        _labelled(pdf, "อ้างถึง", letter.reference)
    pdf.ln(GAP_MM)


def _signature(pdf: ThaiDocument, letter: FilledLetter) -> None:
    # The closing, signature space, name and title stay together on one page.
    title_lines = max(1, len(letter.signer_title) // 40 + 1)
    needed = LINE_MM * (3 + title_lines) + SIGNATURE_SPACE_MM + GAP_MM
    if pdf.get_y() + needed > pdf.h - BOTTOM:
        pdf.add_page()
    pdf.ln(GAP_MM)
    pdf.set_x(CENTRE_X)
    pdf.cell(0, LINE_MM, letter.closing)
    pdf.ln(LINE_MM + SIGNATURE_SPACE_MM)
    # Name and title are centred under the closing; the block may reach the right margin.
    centre = CENTRE_X + pdf.get_string_width(letter.closing) / 2
    half = min(centre - LEFT, pdf.w - RIGHT - centre)
    name = f"({letter.signer_name})" if letter.signer_name else f"({' ' * 40})"
    pdf.text_lines(name, w=2 * half, x=centre - half, align=Align.C)
    pdf.text_lines(letter.signer_title, w=2 * half, x=centre - half, align=Align.C)


def _contact(pdf: ThaiDocument, office: OfficeIdentity, letter: FilledLetter) -> None:
    lines = [letter.contact_unit, f"โทร {office.phone}"]
    if office.email:
        lines.append(f"อีเมล {office.email}")
    height = LINE_MM * len(lines)
    bottom_row = pdf.h - BOTTOM - height
    if pdf.get_y() + GAP_MM > bottom_row:
        pdf.add_page()
    pdf.set_y(bottom_row)
    for line in lines:
        pdf.text_lines(line, w=OFFICE_BLOCK_X - LEFT, x=LEFT)
