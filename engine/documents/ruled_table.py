"""Ruled tables of short Thai texts whose marks stay inside their cells, for reports.

Each row is as tall as its cell with the most lines: the font's full ascent above the first
line and its full descent below the last (engine.documents.font_metrics), with a little
padding, so the tallest stacked marks ("ที่", "ปี่") and the lowest ("ฎุ") stay clear of
the rules, whatever the text; the lines of one cell are as far apart as running text
(``leading_mm``), so their marks never touch either.

Drawn by hand rather than with fpdf2's ``table()``: fpdf2 lays every table cell out twice
with ``multi_cell`` (to measure the row, then to draw it), measuring the text one character
at a time with HarfBuzz, ~10 ms a row, and places a line's text from its own line height,
not from the font's marks. The values are few distinct short texts (dates, channels,
types, statuses, small numbers), so each is wrapped once (``ThaiDocument.wrap_lines``,
between Thai words) and drawn with ``repeated_cell``.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf.enums import Align

from engine.documents.font_metrics import (
    baseline_cell_y,
    font_ascent_mm,
    font_descent_mm,
    leading_mm,
)
from engine.documents.pdf import ThaiDocument

HEADING_FILL = (225, 232, 240)
#: Room left and right of a cell's text, and above the first line and below the last.
PAD_X, PAD_Y = 1.5, 0.6
RULE_MM = 0.2

Cells = list[tuple[str, ...]]


class RuledTable:
    """One table: its columns (widths in mm, alignments), its text size and its heading row,
    repeated at the top of every page the table runs onto."""

    def __init__(self, pdf: ThaiDocument, widths: Sequence[float], aligns: Sequence[Align],
                 size: float, heading: Sequence[str]) -> None:
        if len(widths) != len(aligns) or len(widths) != len(heading):
            raise ValueError("a width, an alignment and a heading per column")
        self.pdf, self.widths, self.aligns, self.size = pdf, tuple(widths), tuple(aligns), size
        self._lines: dict[tuple[str, float, bool], tuple[str, ...]] = {}
        pdf.use_font(size)
        #: Baseline to baseline inside a cell; the full extents above and below its lines.
        self.pitch = leading_mm(pdf)
        self.ascent, self.descent = font_ascent_mm(pdf), font_descent_mm(pdf)
        self.heading = self.row_cells(heading, bold=True)
        self.top = pdf.get_y()

    @property
    def width(self) -> float:
        return sum(self.widths)

    def lines(self, text: str, width: float, bold: bool = False) -> tuple[str, ...]:
        """The text as the lines it takes in a column, wrapped between Thai words."""
        key = (text, width, bold)
        lines = self._lines.get(key)
        if lines is None:
            pdf = self.pdf
            pdf.use_font(self.size, bold=bold)
            if pdf.text_width(text) <= width - 2 * PAD_X:
                lines = (text,) if text else ()
            else:
                lines = tuple(pdf.wrap_lines(text, width - 2 * PAD_X))
            self._lines[key] = lines
        return lines

    def row_cells(self, values: Sequence[object], bold: bool = False) -> Cells:
        return [self.lines(str(value), width, bold)
                for value, width in zip(values, self.widths, strict=True)]

    def height(self, cells: Cells) -> float:
        return self._block(max(1, *(len(lines) for lines in cells))) + 2 * PAD_Y

    def _block(self, lines: int) -> float:
        """From the top of the first line's marks to the bottom of the last line's."""
        return self.ascent + (max(lines, 1) - 1) * self.pitch + self.descent

    def draw(self, cells: Cells, bold: bool = False) -> None:
        """One row at the current position, each cell's lines in the middle of the row."""
        pdf = self.pdf
        pdf.use_font(self.size, bold=bold)
        c_margin, pdf.c_margin = pdf.c_margin, PAD_X
        top, x = pdf.get_y(), pdf.l_margin
        height = self.height(cells)
        if bold:
            pdf.set_fill_color(*HEADING_FILL)
            pdf.rect(x, top, self.width, height, style="F")
            pdf.set_fill_color(255)
        for lines, width, align in zip(cells, self.widths, self.aligns, strict=True):
            # The first line's marks start one ascent below the block's top.
            baseline = top + (height - self._block(len(lines))) / 2 + self.ascent
            for line in lines:
                pdf.set_xy(x, baseline_cell_y(pdf, baseline, self.pitch))
                pdf.repeated_cell(width, self.pitch, line, align=align)
                baseline += self.pitch
            x += width
        pdf.c_margin = c_margin
        pdf.set_xy(pdf.l_margin, top + height)
        pdf.line(pdf.l_margin, top + height, pdf.l_margin + self.width, top + height)

    def close(self) -> None:
        """The outer top and the column rules of the part of the table on this page."""
        pdf = self.pdf
        bottom, x = pdf.get_y(), pdf.l_margin
        pdf.line(x, self.top, x + self.width, self.top)
        for width in (0, *self.widths):
            x += width
            pdf.line(x, self.top, x, bottom)

    def first_rows_height(self, rows: Sequence[Sequence[object]]) -> float:
        """The heading and the first row: what must fit under a section heading."""
        first = self.height(self.row_cells(rows[0])) if rows else 0
        return self.height(self.heading) + first

    def draw_rows(self, rows: Sequence[Sequence[object]]) -> None:
        """The heading and every row, on as many pages as they take."""
        pdf = self.pdf
        pdf.set_draw_color(0)
        pdf.set_line_width(RULE_MM)
        self.top = pdf.get_y()
        self.draw(self.heading, bold=True)
        for values in rows:
            cells = self.row_cells(values)
            if pdf.get_y() + self.height(cells) > pdf.page_break_trigger:
                self.close()
                pdf.add_page()
                self.top = pdf.get_y()
                self.draw(self.heading, bold=True)
            self.draw(cells)
        self.close()
