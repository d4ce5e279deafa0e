"""How far the current font's glyphs reach above and below the baseline, in millimetres.

Thai stacks marks: a tone mark over an upper vowel over a tall consonant ("ปี่", "ฟื้น")
reaches 1.25 em above the baseline in Laksaman, and a lower vowel under a consonant with a
tail ("ฎุ", "ฏู") 0.67 em below it; far more than Latin text. A table row or a line of text
that leaves less room lets the marks touch or cross the rules and the lines around them.
The font's own line metrics (hhea, and OS/2's Windows metrics, which Laksaman gives the
same) cover every glyph it has, so rows sized from them hold any Thai text.

Two measures: the full extents (``font_ascent_mm`` / ``font_descent_mm``, which cover even
ฎุ and ฏู) size table rows, whose rules nothing may touch; ``leading_mm`` spaces lines of
running text by the typographic ascender and descender (OS/2), which in Laksaman are where
a tone mark over an upper vowel (ที่, นั้น) tops out and where a lower vowel (ครู) ends,
so the marks of one line never touch the next line's.
"""

from __future__ import annotations

from fpdf import FPDF


def _em_fraction(pdf: FPDF, above: bool) -> float:
    font = pdf.current_font
    if font is None or not hasattr(font, "ttfont"):
        raise ValueError("no TrueType font is set: call use_font() first")
    tables = font.ttfont
    units = tables["head"].unitsPerEm
    hhea, os2 = tables["hhea"], tables["OS/2"]
    if above:
        return max(hhea.ascent, os2.usWinAscent) / units
    return max(-hhea.descent, os2.usWinDescent) / units


def font_ascent_mm(pdf: FPDF) -> float:
    """The current font's ascent at its current size: the highest stacked mark's top."""
    return _em_fraction(pdf, above=True) * pdf.font_size


def font_descent_mm(pdf: FPDF) -> float:
    """The current font's descent at its current size: the lowest mark's bottom."""
    return _em_fraction(pdf, above=False) * pdf.font_size


def line_pitch_mm(pdf: FPDF) -> float:
    """Baseline to baseline for lines whose marks never touch: ascent plus descent."""
    return font_ascent_mm(pdf) + font_descent_mm(pdf)


#: A little air between the marks of one line and the next (mm).
CLEARANCE_MM = 0.2


def leading_mm(pdf: FPDF) -> float:
    """Baseline to baseline for lines of running text in the current font and size, so
    that the marks of one line never touch the next line's (only ฎ and ฏ with a lower
    vowel reach lower, and they are rare)."""
    font = pdf.current_font
    if font is None or not hasattr(font, "ttfont"):
        raise ValueError("no TrueType font is set: call use_font() first")
    os2, units = font.ttfont["OS/2"], font.ttfont["head"].unitsPerEm
    return (os2.sTypoAscender - os2.sTypoDescender) / units * pdf.font_size + CLEARANCE_MM


def baseline_cell_y(pdf: FPDF, baseline: float, h: float) -> float:
    """The top of a ``cell(…, h, …)`` whose text sits on ``baseline``: fpdf2 sets a cell's
    baseline at 0.5 h + 0.3 × the font size below the cell's top."""
    return baseline - 0.5 * h - 0.3 * pdf.font_size
