"""How far the current font's glyphs reach above and below the baseline, in millimetres.

Thai stacks marks: a tone mark over an upper vowel over a tall consonant ("ปี่", "ฟื้น")
reaches 1.25 em above the baseline in Laksaman, and a lower vowel under a consonant with a
tail ("ฎุ", "ฏู") 0.67 em below it; far more than Latin text. A table row or a line of text
that leaves less room lets the marks touch or cross the rules and the lines around them.
The font's own line metrics (hhea, and OS/2's Windows metrics, which Laksaman gives the
same) cover every glyph it has, so rows sized from them hold any Thai text.

To be folded into ThaiDocument as font_ascent_mm() / font_descent_mm().
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


def baseline_cell_y(pdf: FPDF, baseline: float, h: float) -> float:
    """The top of a ``cell(…, h, …)`` whose text sits on ``baseline``: fpdf2 sets a cell's
    baseline at 0.5 h + 0.3 × the font size below the cell's top."""
    return baseline - 0.5 * h - 0.3 * pdf.font_size
