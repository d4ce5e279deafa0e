"""How the comparison diagrams mark what a new version changes: added elements green
with a solid thick outline and a "+" badge, removed ones red, dashed, with "−", changed
ones amber, dotted, with "~". The line style and the badge say it without colour."""

from __future__ import annotations

from lxml import etree

from engine.bpmn.diagram.primitives import Box, add
from engine.bpmn.diagram.style import paint_outlines

__all__ = ["CHANGE_KINDS", "mark_change"]

_PAINT: dict[str, dict[str, str]] = {
    "added": {"stroke": "#2e7d32", "fill": "#e3f4e4", "stroke-width": "4"},
    "removed": {"stroke": "#c62828", "fill": "#fdecec", "stroke-width": "4",
                "stroke-dasharray": "8 4"},
    "changed": {"stroke": "#9a5b00", "fill": "#fff4dc", "stroke-width": "4",
                "stroke-dasharray": "2 3"},
}
_BADGE = {"added": "+", "removed": "−", "changed": "~"}
CHANGE_KINDS = frozenset(_PAINT)


def mark_change(g: etree._Element, kind: str, box: Box | None) -> None:
    """Paint the outlines and lines inside ``g`` for ``kind`` and, on a shape, put the
    kind's badge on its top-left corner. ``g`` gains the class ``change-<kind>``."""
    g.set("class", f"{g.get('class', '')} change-{kind}".strip())
    paint = _PAINT[kind]
    paint_outlines(g, paint)
    if box is None:
        return
    badge = add(g, "g", cls=f"change-badge change-badge-{kind}")
    add(badge, "circle", cx=box.x + 2, cy=box.y + 2, r=9, fill="#fff",
        stroke=paint["stroke"], stroke_width=2)
    add(badge, "text", x=box.x + 2, y=box.y + 6.5, fill=paint["stroke"], font_size=14,
        font_weight="bold", text_anchor="middle").text = _BADGE[kind]
