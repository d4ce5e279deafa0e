"""Look at a rendered PDF page: the ruled table cells on it and the ink inside them.

A page is rendered with poppler's ``pdftoppm`` and read back with Pillow. Table rules are
found as what they look like on paper, long straight runs of dark pixels: a vertical rule
is a column of dark pixels at least ``MIN_RULE_PX`` tall, a horizontal rule a row of dark
pixels that runs from one vertical rule to another at least ``MIN_RULE_PX`` wide. A cell is
the space between two neighbouring horizontal and two neighbouring vertical rules; its ink
(the glyphs of its text) must keep clear of all four rules. Other long lines on the page
(the header's rule, the chart's axes) do not end on vertical rules at both ends, so they
are not taken for tables.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

DPI = 150
#: Darker than this (0 black – 255 white) is ink; anti-aliased rule edges and the heading
#: row's light fill are not.
DARK = 128
#: 1 cm at 150 dpi: shorter dark runs are text or bars, not rules.
MIN_RULE_PX = 59
_RUN = re.compile(rb"\x01{%d,}" % MIN_RULE_PX)


def render_pages(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    """Every page of ``pdf`` as a greyscale image (pdftoppm)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source),  # noqa: S603,S607
                        str(Path(folder) / "page")], check=True)
        images = []
        for path in sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem[5:])):
            with Image.open(path) as image:
                images.append(image.convert("L"))
        return images


def _ink(image: Image.Image) -> Image.Image:
    """1 where the page is dark, else 0."""
    return image.point(lambda v: 1 if v < DARK else 0)


def _runs(ink: Image.Image) -> list[list[tuple[int, int]]]:
    """Per pixel row, the long dark runs (start, end exclusive)."""
    width, data = ink.width, ink.tobytes()
    return [[m.span() for m in _RUN.finditer(data, y * width, (y + 1) * width)]
            for y in range(ink.height)]


@dataclass(frozen=True)
class Rule:
    """A straight rule: ``at`` is its pixel span across (x for vertical rules, y for
    horizontal ones), ``span`` how far it runs."""

    at: tuple[int, int]
    span: tuple[int, int]


def _group(lines: list[tuple[int, int, int]]) -> list[Rule]:
    """Runs (position, start, end) on neighbouring pixel lines, with the same extent
    (±2 px, anti-aliasing), as one rule a pixel or two thick."""
    rules: list[list[int]] = []
    for pos, start, end in sorted(lines):
        for rule in rules:
            if rule[1] == pos - 1 and abs(rule[2] - start) <= 2 and abs(rule[3] - end) <= 2:
                rule[1] = pos
                break
        else:
            rules.append([pos, pos, start, end])
    return [Rule((r[0], r[1]), (r[2], r[3])) for r in rules]


def _vertical_rules(ink: Image.Image) -> list[Rule]:
    columns = ink.transpose(Image.Transpose.TRANSPOSE)
    width = columns.width
    rows = _runs(columns)
    return _group([(x, start - x * width, end - x * width)
                   for x, spans in enumerate(rows) for start, end in spans])


def _horizontal_rules(ink: Image.Image, verticals: list[Rule]) -> list[Rule]:
    width = ink.width
    candidates = _group([(y, start - y * width, end - y * width)
                         for y, spans in enumerate(_runs(ink)) for start, end in spans])

    def on_vertical(x: int, y: tuple[int, int]) -> bool:
        return any(v.at[0] - 2 <= x <= v.at[1] + 2 and v.span[0] - 2 <= y[0]
                   and y[1] <= v.span[1] + 2 for v in verticals)

    return [h for h in candidates
            if on_vertical(h.span[0], h.at) and on_vertical(h.span[1] - 1, h.at)]


@dataclass(frozen=True)
class Cell:
    """The inside of a ruled cell: pixels strictly between its four rules."""

    left: int
    top: int
    right: int  # exclusive
    bottom: int  # exclusive

    def ink(self, image: Image.Image) -> list[tuple[int, int]]:
        """(x, y) of every dark pixel inside the cell."""
        box = _ink(image.crop((self.left, self.top, self.right, self.bottom)))
        data, width = box.tobytes(), box.width
        return [(self.left + i % width, self.top + i // width)
                for i, value in enumerate(data) if value]

    def touching(self, image: Image.Image) -> list[tuple[int, int]]:
        """Ink on the cell's edge, the pixel next to a rule: a glyph that touches the rule
        or crosses it (its ink goes on past the rule into the next cell)."""
        return [(x, y) for x, y in self.ink(image)
                if x in (self.left, self.right - 1) or y in (self.top, self.bottom - 1)]


def table_cells(image: Image.Image) -> list[Cell]:
    """Every ruled table cell on the page, row by row."""
    ink = _ink(image)
    verticals = _vertical_rules(ink)
    horizontals = sorted(_horizontal_rules(ink, verticals), key=lambda h: h.at)
    cells = []
    for upper, lower in zip(horizontals, horizontals[1:], strict=False):
        if abs(upper.span[0] - lower.span[0]) > 2 or abs(upper.span[1] - lower.span[1]) > 2:
            continue
        band = (upper.at[1], lower.at[0])
        walls = sorted(v.at for v in verticals
                       if v.span[0] - 2 <= band[0] and band[1] <= v.span[1] + 2
                       and upper.span[0] - 2 <= v.at[0] and v.at[1] <= upper.span[1] + 2)
        # Rules of a different table between these two, or a gap between tables.
        if len(walls) < 2:
            continue
        for (_l0, left), (right, _r1) in zip(walls, walls[1:], strict=False):
            if right - left > 2 and band[1] - band[0] > 2:
                cells.append(Cell(left + 1, band[0] + 1, right, band[1]))
    return cells
