"""How the diagram looks: fonts, sizes, the stroke colour and the state colours.

Everything is drawn with presentation attributes, not a <style> sheet, so the same SVG
can stand alone (served under its own Content-Security-Policy) or sit inside a page whose
policy allows no inline style.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from engine.thai.label_wrap import FONT_SIZE

__all__ = ["BAND", "BAND_PAD", "DONE", "FONT_FAMILY", "FONT_SIZE", "LINE_HEIGHT", "MARGIN",
           "MIN_FONT_SIZE", "STATES", "STROKE", "TEXT_FILL", "paint_outlines", "paint_state"]

FONT_FAMILY = '"Laksaman", "Garuda", "Loma", sans-serif'
MIN_FONT_SIZE = 9.0
LINE_HEIGHT = 1.25  # Thai marks stack above and below the base line
MARGIN = 20.0
BAND = 30.0  # the name band of pools and lanes, as bpmn-js draws it
BAND_PAD = 3.0  # the gap between a band's name and the band's borders
STROKE = "#222"
TEXT_FILL = "#1a1a1a"
DONE = "#2e7d32"  # a finished step's green

#: A step's state → how its outline is drawn. Done is green with a check mark; current is
#: a thick blue frame; overdue a thick red dashed frame: never colour alone.
_STATE_PAINT: dict[str, dict[str, str]] = {
    "completed": {"stroke": DONE, "fill": "#edf7ee"},
    "active": {"stroke": "#1565c0", "fill": "#e8f1fc", "stroke-width": "4"},
    "overdue": {"stroke": "#c62828", "fill": "#fdecec", "stroke-width": "4",
                "stroke-dasharray": "8 4"},
}
STATES = frozenset(_STATE_PAINT)


def paint_state(g: etree._Element, state: str) -> None:
    """Colour the outlines (shapes) and lines (flows) drawn inside `g` for `state`."""
    paint_outlines(g, _STATE_PAINT[state])


def paint_outlines(g: etree._Element, paint: Mapping[str, str]) -> None:
    """Set `paint`'s attributes on the outlines and lines drawn inside `g` (a line, or
    an outline left unfilled, keeps no fill)."""
    for el in g.iter():
        classes = (el.get("class") or "").split() if isinstance(el.tag, str) else []
        if "outline" not in classes and "line" not in classes:
            continue
        for name, value in paint.items():
            if name == "fill" and ("line" in classes or el.get("fill") == "none"):
                continue
            el.set(name, value)
