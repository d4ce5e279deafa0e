"""A small base for A4 Thai documents on fpdf2: Laksaman with HarfBuzz text shaping,
the office header, page numbers and metadata, and Thai lines laid out by govflow.

Thai needs shaping: without it tone marks collide with upper vowels and sara am (ำ)
is drawn apart from its consonant. Output is deterministic for the same input and the
same ``created`` time, so tests and archives can compare bytes.

The text layer. A shaped glyph does not map back to the characters typed: sara am is
drawn as two glyphs, and a mark placed over its consonant comes out of a text extractor
detached ("สำ นักงาน", "พ้น ื ที่"). So every line drawn carries its text as written in
an ActualText span, which pdftotext, PDF viewers and indexers read instead of the
glyphs: searching or copying "สำนักงานเขตพื้นที่" finds it. Lines are broken by govflow
(``wrap_lines``) between Thai words and at spaces, without putting any character into
the text; ``paragraph(align="J")`` justifies by the Thai distributed rule, spreading a
line's slack evenly before each written cell (never between a consonant and its marks or
following vowel).

Shaping makes every fpdf2 ``cell()`` cost ~0.2–0.5 ms, and a ``multi_cell()`` many times
that (it measures the text a character at a time), so long tables of short, repeated
texts (dates, statuses, numbers) draw their cells with ``repeated_cell()``: each distinct
text is shaped and drawn once, and its drawing repeated elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from fpdf import FPDF
from fpdf.enums import Align, PDFResourceType
from fpdf.fonts import TTFFont
from fpdf.line_break import TextLine, TotalPagesSubstitutionFragment

from engine.core.office import OfficeIdentity
from engine.documents.font_metrics import leading_mm
from engine.documents.fonts import FAMILY, find_thai_fonts
from engine.thai.digits import DigitLocaliser, DigitStyle
from engine.thai.line_breaks import INVISIBLE, NBSP, break_positions, cluster_starts

#: Body text size of Thai official documents (TH Sarabun family at 16 pt).
BODY_PT = 16
#: Baseline to baseline, in ems. A tone mark over an upper vowel ("ที่", "นั้น") reaches
#: 1.25 em above its baseline in Laksaman: at this leading it stays below the baseline
#: of the line above, and never lands among its letters.
LINE_EM = 1.28
#: One line of 16 pt body text (mm).
LINE_MM = round(BODY_PT * 25.4 / 72 * LINE_EM, 2)
CREATOR = "govflow"
#: Distributed justification spreads at most this share of an em before each written
#: cell; a line that would need more (a long word pushed to the next) stays flush left.
MAX_SPREAD_EM = 0.15


def _visible(text: str) -> str:
    """``text`` without the characters that only say where a line may break."""
    return "".join(c for c in text if c not in INVISIBLE) if any(
        c in INVISIBLE for c in text) else text


def actual_text(text: str) -> str:
    """The marked-content operator that gives a drawn line its text as written (a
    no-break space, there only to keep two words on one line, as a space)."""
    hex_text = ("\ufeff" + text.replace(NBSP, " ")).encode("utf-16-be").hex().upper()
    return f"/Span <</ActualText <{hex_text}>>> BDC"


class ThaiDocument(FPDF):
    """A4 portrait in millimetres, Laksaman registered as regular and bold."""

    def __init__(self, *, title: str, created: datetime, subject: str = "", author: str = "",
                 margins: tuple[float, float, float] = (20, 15, 20),
                 bottom_margin: float = 20, digits: DigitStyle = "arabic",
                 keep_as_typed: tuple[str, ...] = ()) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        #: Every text drawn has its digits in the office's style (office.toml ``digits``),
        #: except web and e-mail addresses and the ``keep_as_typed`` texts (a tracking
        #: code, a phone number); ``as_typed()`` draws a text exactly as given.
        self.digits = DigitLocaliser(digits, keep_as_typed)
        self._as_typed = False
        for style, path in find_thai_fonts().by_style().items():
            self.add_font(FAMILY, style, str(path))
        self.set_text_shaping(True)
        self.set_lang("th")
        left, top, right = margins
        self.set_margins(left, top, right)
        self.set_auto_page_break(True, margin=bottom_margin)
        # Metadata: the title shows in viewers' window bars; a fixed creation time makes
        # the same document the same bytes.
        self.set_title(title)
        self.set_subject(subject or title)
        self.set_author(author)
        self.set_creator(CREATOR)
        self.set_producer(CREATOR)
        aware = created if created.tzinfo is not None else created.replace(tzinfo=UTC)
        self.set_creation_date(aware)
        #: Print "หน้า n/N" at the foot of each page (numbered when the document is done).
        self.page_numbers = True
        #: Leading pages (a cover memo) left out of both n and N.
        self.cover_pages = 0
        self.use_font()
        #: repeated_cell(): what a cell drew, and where (x, and y from the page's foot),
        #: by text, width, font and colours.
        self._drawn_cells: dict[tuple[object, ...], tuple[float, float, bytes]] = {}
        #: wrap_lines(): the width of each word, by font, size and text.
        self._widths: dict[tuple[str, str, float, str], float] = {}

    def normalize_text(self, text: str) -> str:
        # fpdf2 passes every text it draws or measures through here.
        return super().normalize_text(text if self._as_typed else self.digits(text))

    @contextmanager
    def as_typed(self) -> Iterator[None]:
        """Draw texts with their digits exactly as given (phone numbers, codes)."""
        before, self._as_typed = self._as_typed, True
        try:
            yield
        finally:
            self._as_typed = before

    def use_font(self, size: float = BODY_PT, bold: bool = False) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)

    def number_pages(self) -> None:
        """"หน้า n/N" at the foot of every page but the cover pages, in the document's
        digits. Drawn once everything else is, rather than by fpdf2's "{nb}" alias: the
        alias is filled in when the file is written, after the digits have been
        localised, so N would come out in Arabic digits beside a Thai n."""
        last, total = self.page, self.page - self.cover_pages
        auto, margin = self.auto_page_break, self.b_margin
        self.set_auto_page_break(False)
        for page in range(self.cover_pages + 1, last + 1):
            self.page = page
            # Each page selects its font again: the one last selected was on another page.
            self.current_font_is_set_on_page = False
            self.set_xy(self.l_margin, self.h - 14)
            self.use_font(12)
            self.cell(0, 6, f"หน้า {page - self.cover_pages}/{total}", align=Align.C)
        self.page = last
        self.set_auto_page_break(auto, margin=margin)

    @contextmanager
    def _shaping_for(self, text: str) -> Iterator[None]:
        """Text shaping off for a text of ASCII digits alone: Laksaman's digits have no
        substitutions, kerning or marks, so HarfBuzz would place them exactly as the
        plain widths do, at several times the cost (a long table has a number a row)."""
        shaping = self.text_shaping
        if not (shaping and text.isascii() and text.isdigit()):
            yield
            return
        self.text_shaping = None
        try:
            yield
        finally:
            self.text_shaping = shaping

    def text_width(self, text: str) -> float:
        """get_string_width(), quicker for numbers."""
        with self._shaping_for(text):
            return self.get_string_width(text)

    def text_lines(self, text: str, *, w: float = 0, h: float | None = None,
                   align: str | Align = Align.L, x: float | None = None) -> None:
        """Wrapped Thai text in a box of width w (0: to the right margin), then a new line.

        Like a multi_cell: the text sits ``c_margin`` inside the box on either side."""
        left = self.l_margin if x is None and self.x < self.l_margin else (
            self.x if x is None else x)
        width = w or (self.w - self.r_margin - left)
        inner = width - 2 * self.c_margin
        self.draw_lines(self.wrap_lines(text, inner), x=left + self.c_margin, w=inner, h=h,
                        align=align)
        self.set_x(self.l_margin)

    def paragraph(self, text: str, *, first_line_indent: float = 0, indent: float = 0,
                  align: str | Align = Align.L, h: float | None = None) -> None:
        """A wrapped paragraph whose first line is indented (Thai letters indent 2.5 cm);
        ``align="J"`` justifies every line but the last (Thai distributed)."""
        left = self.l_margin + indent
        width = self.w - self.r_margin - left
        lines = self.wrap_lines(text, width, first_width=width - first_line_indent)
        for number, line in enumerate(lines):
            shift = first_line_indent if number == 0 else 0
            self.draw_lines([line], x=left + shift, w=width - shift, h=h, align=align,
                            justify_last=number < len(lines) - 1)
        self.set_x(self.l_margin)

    # -- Line layout ------------------------------------------------------------------

    def line_mm(self) -> float:
        """Baseline to baseline for running text in the current font size (LINE_EM)."""
        return self.font_size * LINE_EM

    def word_width(self, word: str) -> float:
        """The drawn width of ``word`` in the current font (kept: words come back)."""
        key = (self.font_family, self.font_style, self.font_size_pt, word)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = self.get_string_width(_visible(word))
        return width

    def wrap_lines(self, text: str, width: float, *, first_width: float | None = None
                   ) -> list[str]:
        """``text`` broken into lines no wider than ``width`` (the first: ``first_width``),
        between Thai words and at spaces, in the current font. Newlines end lines. The
        lines hold the text's own characters, trailing spaces dropped."""
        lines: list[str] = []
        for part in text.split("\n"):
            limit = width if lines or first_width is None else first_width
            lines += self._wrap_part(part, limit, width)
        return lines

    def balanced_lines(self, text: str, width: float) -> list[str]:
        """``text`` in as few lines as ``wrap_lines`` gives, but of even lengths: for
        centred titles, which read badly with one short word left on the last line."""
        lines = self.wrap_lines(text, width)
        if len(lines) < 2:
            return lines
        low, high = width / len(lines), width
        for _ in range(12):  # a tenth of a millimetre is close enough
            middle = (low + high) / 2
            if len(self.wrap_lines(text, middle)) > len(lines):
                low = middle
            else:
                high = middle
        return self.wrap_lines(text, high)

    def _wrap_part(self, text: str, first: float, width: float) -> list[str]:
        cuts = [0, *break_positions(text), len(text)]
        lines: list[str] = []
        current, used, limit = "", 0.0, first
        for start, end in pairwise(cuts):
            word = text[start:end]
            fits = used + self.word_width(word.rstrip(" ")) <= limit + 1e-6
            if current and not fits:
                lines.append(current)
                current, used, limit = "", 0.0, width
            if not current and self.word_width(word.rstrip(" ")) > limit:
                # A word wider than a line (a long address): broken between written cells.
                pieces = self._split_word(word, limit, width)
                lines += pieces[:-1]
                if len(pieces) > 1:
                    limit = width
                word = pieces[-1]
            current += word
            used += self.word_width(word)
        lines.append(current)
        return [_visible(line).rstrip(" ") for line in lines]

    def _split_word(self, word: str, first: float, width: float) -> list[str]:
        starts = cluster_starts(word)
        pieces, current, used, limit = [], "", 0.0, first
        cells = [i for i, start in enumerate(starts) if start]
        for begin, end in pairwise([0, *cells, len(word)]):
            cell = word[begin:end]
            cell_width = self.word_width(cell)
            if current and used + cell_width > limit:
                pieces.append(current)
                current, used, limit = "", 0.0, width
            current += cell
            used += cell_width
        return [*pieces, current]

    def draw_lines(self, lines: Sequence[str], *, x: float, w: float, h: float | None = None,
                   align: str | Align = Align.L, justify_last: bool = False) -> None:
        """Lines already wrapped, from the current y, each at ``x`` in a width ``w`` (the
        text's own box, no padding); a new page when a line does not fit. Justified
        (``align="J"``): all but the last line, unless ``justify_last``. ``h`` is the line
        height (default: ``line_mm()`` for the current font size)."""
        h = h if h is not None else self.line_mm()
        justified = Align.coerce(align) == Align.J
        margin, self.c_margin = self.c_margin, 0
        try:
            for number, line in enumerate(lines):
                if self.will_page_break(h):
                    self.add_page()
                self.set_xy(x, self.y)
                spread = justified and (justify_last or number < len(lines) - 1)
                if not (spread and self._distributed(line, w, h)):
                    self.cell(w, h, line, align=Align.L if justified else align)
                self.set_xy(x, self.y + h)
        finally:
            self.c_margin = margin

    def _distributed(self, line: str, w: float, h: float) -> bool:
        """Draw ``line`` filling ``w`` by Thai distributed justification; False (nothing
        drawn) when the line is empty or would need more spread than MAX_SPREAD_EM."""
        text = self.normalize_text(line)
        font = self.current_font
        if not text.strip() or not isinstance(font, TTFFont) or not self.text_shaping:
            return False
        size = self.font_size_pt
        infos, _ = font.perform_harfbuzz_shaping(text, size, self.text_shaping)
        glyphs = font.shape_text(text, size, self.text_shaping)
        if len(infos) != len(glyphs):  # a missing glyph: draw the line as it is
            return False
        scale = font.scale * size / 1000 / self.k
        starts = cluster_starts(text)
        slots = [i > 0 and glyph["x_advance"] > 0 and starts[info.cluster]
                 and info.cluster != infos[i - 1].cluster
                 for i, (info, glyph) in enumerate(zip(infos, glyphs, strict=True))]
        natural = sum(g["x_advance"] for g in glyphs) * scale
        gaps = sum(slots)
        slack = w - natural
        if gaps == 0 or slack <= 0 or slack / gaps > MAX_SPREAD_EM * self.font_size:
            return False
        self._out(self._spread_glyphs(font, glyphs, slots, slack / gaps, scale, h, text))
        return True

    def _spread_glyphs(self, font: TTFFont, glyphs: Sequence[dict[str, Any]],
                       slots: Sequence[bool], extra: float, scale: float, h: float,
                       text: str) -> str:
        """The operators for shaped glyphs with ``extra`` mm before each slot."""
        k = self.k
        pen = self.x
        baseline = self.y + 0.5 * h + 0.3 * self.font_size
        colour = self.text_color.serialize().lower() if self.text_color else "0 g"
        ops = [actual_text(_visible(text)), "q", colour,
               f"BT /F{font.i} {self.font_size_pt:.2f} Tf"]
        for glyph, slot in zip(glyphs, slots, strict=True):
            if glyph["mapped_char"] is None:
                continue
            if slot:
                pen += extra
            gx = pen + glyph["x_offset"] * scale
            gy = baseline - glyph["y_offset"] * scale
            char = font.escape_text(chr(glyph["mapped_char"]))
            ops.append(f"1 0 0 1 {gx * k:.2f} {(self.h - gy) * k:.2f} Tm ({char}) Tj")
            pen += glyph["x_advance"] * scale
        ops += ["ET", "Q", "EMC"]
        self._resource_catalog.add(PDFResourceType.FONT, font.i, self.page)
        return " ".join(ops)

    def _render_styled_text_line(self, text_line: TextLine, h: float | None = None,
                                 *args: Any, **kwargs: Any) -> bool:
        """Every line fpdf2 draws (cells, table cells, page numbers) carries its text as
        written (ActualText), so a text extractor reads words, not detached glyphs."""
        fragments = text_line.fragments
        text = _visible("".join(f.string for f in fragments))
        if not text.strip() or any(isinstance(f, TotalPagesSubstitutionFragment)
                                   for f in fragments):
            # "{nb}" is replaced in the page after drawing: the glyphs read right as they are.
            return super()._render_styled_text_line(text_line, h, *args, **kwargs)
        height = h if h is not None else max(f.font_size for f in fragments)
        # A page break inside would open the span on one page and close it on the next.
        broke = self._perform_page_break_if_need_be(height)
        self._out(actual_text(text))
        try:
            return super()._render_styled_text_line(text_line, h, *args, **kwargs) or broke
        finally:
            self._out("EMC")

    def repeated_cell(self, w: float, h: float, text: str,
                      align: str | Align = Align.L) -> None:
        """``cell(w, h, text, align=align)`` (one line, no border or fill, then to the right),
        fast when the same text comes back: for tables of short, repeated values.

        The first time a text is drawn in a given width, font, size and colours, fpdf2
        shapes and draws it, and its PDF operators are kept; later it is drawn again by
        repeating them, moved with a translation (``q 1 0 0 1 dx dy cm … Q``): the same
        glyphs and mark positions as cell() would give, for a few microseconds. The kept
        operators set their own font, so they do not depend on the page they land on. The
        caller leaves room on the page: the cell must not trigger a page break.
        """
        if not text:
            self.x += w
            return
        key = (text, w, h, str(align), self.font_family, self.font_style, self.font_size_pt,
               self.c_margin, self.text_color, self.fill_color, self.char_spacing,
               self.font_stretching, self.underline, self.strikethrough, self.text_mode)
        drawn = self._drawn_cells.get(key)
        if drawn is None:
            page, x, y = self.page, self.x, self.y
            contents = self.pages[page].contents
            # A page being drawn holds its operators as bytes; fpdf2 makes them a stream
            # object only when the document is output.
            assert isinstance(contents, bytearray)
            start = len(contents)
            # cell() then writes the font selection too, and it ends up in the copy.
            self.current_font_is_set_on_page = False
            with self._shaping_for(text):
                self.cell(w, h, text, align=align)
            if self.page == page:  # no page break in between
                self._drawn_cells[key] = (x, self.h - y, bytes(contents[start:]))
            return
        x0, rise0, operators = drawn
        dx, dy = (self.x - x0) * self.k, (self.h - self.y - rise0) * self.k
        move = f"q 1 0 0 1 {dx:.2f} {dy:.2f} cm\n"
        self._out(move.encode("latin-1") + operators + b"Q")
        # The page's resources must list the font the copy selects.
        font = self.current_font
        assert font is not None  # set: the kept operators were drawn in it (it is in the key)
        self._resource_catalog.add(PDFResourceType.FONT, font.i, self.page)
        self.x += w

    def office_header(self, office: OfficeIdentity, size: float = BODY_PT) -> None:
        """The logo at the left, the office's name, address and contacts beside it, a rule.

        ``size`` is the name's; the address and contacts are three points smaller (at least
        11), and the logo in proportion: a form that must keep to one page passes less."""
        top, logo_mm = self.get_y(), 22.0 * size / BODY_PT
        small = max(size - 3, 11)
        self.image(str(office.logo), x=self.l_margin, y=top, h=logo_mm, w=logo_mm)
        text_x = self.l_margin + logo_mm + 5
        width = self.w - self.r_margin - text_x
        self.set_xy(text_x, top)
        # Leading from the font's marks: the lines of the header never touch.
        self.use_font(size, bold=True)
        self.text_lines(office.name, w=width, h=leading_mm(self), x=text_x)
        self.use_font(small)
        self.text_lines(office.address, w=width, h=leading_mm(self), x=text_x)
        # Telephone and fax numbers as typed, whatever the document's digits.
        self.digits.keep(office.phone, office.fax)
        # A label stays on the line of what it labels (a no-break space between them).
        contacts = [f"โทร.{NBSP}{office.phone}"]
        if office.fax:
            contacts.append(f"โทรสาร{NBSP}{office.fax}")
        if office.email:
            contacts.append(f"ไปรษณีย์อิเล็กทรอนิกส์{NBSP}{office.email}")
        if office.website:
            contacts.append(office.website)
        self.text_lines("  ".join(contacts), w=width, h=leading_mm(self), x=text_x)
        bottom = max(self.get_y(), top + logo_mm) + 2
        self.set_draw_color(0)
        self.set_line_width(0.3)
        self.line(self.l_margin, bottom, self.w - self.r_margin, bottom)
        self.set_xy(self.l_margin, bottom + 4)
        self.use_font()

    def to_bytes(self) -> bytes:
        if self.page_numbers:
            self.number_pages()
        return bytes(self.output())
