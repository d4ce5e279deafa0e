"""A small base for A4 Thai documents on fpdf2: Laksaman with HarfBuzz text shaping,
the office header, page numbers and metadata.

Thai needs shaping: without it tone marks collide with upper vowels and sara am (ำ)
is drawn apart from its consonant. Output is deterministic for the same input and the
same ``created`` time, so tests and archives can compare bytes.

Shaping makes every fpdf2 ``cell()`` cost ~0.2–0.5 ms, and a ``multi_cell()`` many times
that (it measures the text a character at a time), so long tables of short, repeated
texts (dates, statuses, numbers) draw their cells with ``repeated_cell()``: each distinct
text is shaped and drawn once, and its drawing repeated elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.enums import Align, PDFResourceType, XPos, YPos

from engine.core.office import OfficeIdentity
from engine.documents.fonts import FAMILY, find_thai_fonts
from engine.thai.digits import DigitLocaliser, DigitStyle
from engine.thai.line_breaks import breakable

#: Body text size of Thai official documents (TH Sarabun family at 16 pt).
BODY_PT = 16
#: One line of 16 pt Laksaman, with room for stacked marks above and below (mm).
LINE_MM = 6.5
CREATOR = "govflow"


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
        #: Print "หน้า n/{nb}" at the foot of each page.
        self.page_numbers = True
        self.alias_nb_pages()
        self.use_font()
        #: repeated_cell(): what a cell drew, and where (x, and y from the page's foot),
        #: by text, width, font and colours.
        self._drawn_cells: dict[tuple[object, ...], tuple[float, float, bytes]] = {}

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

    def footer(self) -> None:
        if not self.page_numbers:
            return
        self.set_y(-14)
        self.use_font(12)
        self.cell(0, 6, f"หน้า {self.page_no()}/{{nb}}", align=Align.C)

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

    def text_lines(self, text: str, *, w: float = 0, h: float = LINE_MM,
                   align: str | Align = Align.L, x: float | None = None) -> None:
        """Wrapped Thai text in a box of width w (0: to the right margin), then a new line."""
        if x is not None:
            self.set_x(x)
        self.multi_cell(w, h, breakable(text), align=align,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)

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

    def paragraph(self, text: str, *, first_line_indent: float = 0, indent: float = 0,
                  align: str | Align = Align.L, h: float = LINE_MM) -> None:
        """A wrapped paragraph whose first line is indented (Thai letters indent 2.5 cm)."""
        region = self.text_columns(text_align=align, line_height=h / self.font_size)
        with region, region.paragraph(first_line_indent=first_line_indent,
                                      indent=indent) as par:
            par.write(breakable(text))
        self.set_x(self.l_margin)

    def office_header(self, office: OfficeIdentity) -> None:
        """The logo at the left, the office's name, address and contacts beside it, a rule."""
        top, logo_mm = self.get_y(), 22.0
        self.image(str(office.logo), x=self.l_margin, y=top, h=logo_mm, w=logo_mm)
        text_x = self.l_margin + logo_mm + 5
        width = self.w - self.r_margin - text_x
        self.set_xy(text_x, top)
        self.use_font(BODY_PT, bold=True)
        self.text_lines(office.name, w=width, h=7.5, x=text_x)
        self.use_font(13)
        self.text_lines(office.address, w=width, h=5.5, x=text_x)
        contacts = [f"โทร {office.phone}"]
        if office.email:
            contacts.append(f"อีเมล {office.email}")
        if office.website:
            contacts.append(office.website)
        self.text_lines("  ".join(contacts), w=width, h=5.5, x=text_x)
        bottom = max(self.get_y(), top + logo_mm) + 2
        self.set_draw_color(0)
        self.set_line_width(0.3)
        self.line(self.l_margin, bottom, self.w - self.r_margin, bottom)
        self.set_xy(self.l_margin, bottom + 4)
        self.use_font()

    def to_bytes(self) -> bytes:
        return bytes(self.output())
