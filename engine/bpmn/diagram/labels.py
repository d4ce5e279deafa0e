"""Names written into the diagram: wrapped, shrunk and, as a last resort, cut short."""

from __future__ import annotations

from lxml import etree

from engine.bpmn.diagram.primitives import Box, add, fmt
from engine.bpmn.diagram.style import FONT_SIZE, LINE_HEIGHT, MIN_FONT_SIZE, TEXT_FILL
from engine.thai.label_wrap import ellipsize, longest_word, wrap_text

__all__ = ["draw_text"]


def _fits(text: str, width: float, height: float, size: float) -> bool:
    """Every word on a line of its own, and every line inside the height."""
    return (longest_word(text, size) <= width
            and len(wrap_text(text, width, size)) * size * LINE_HEIGHT <= height)


def _fit(text: str, width: float, height: float) -> tuple[list[str], float]:
    """Wrap at word boundaries, shrinking the font before any word is cut; cut with an
    ellipsis as a last resort."""
    width = max(width, 20.0)
    size = FONT_SIZE
    while size > MIN_FONT_SIZE and not _fits(text, width, height, size):
        size -= 0.5
    lines = wrap_text(text, width, size)
    max_lines = max(1, int(height // (size * LINE_HEIGHT)))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = ellipsize(lines[-1], width, size)
    return lines, size


def draw_text(parent: etree._Element, text: str, box: Box, *, anchor: str = "middle",
          valign: str = "middle", rotate: bool = False, halo: bool = False) -> None:
    """Write wrapped text into `box`, aligned to its top, middle or bottom (`valign`);
    `rotate` turns it -90° (pool and lane names)."""
    if not text:
        return
    width, height = (box.h, box.w) if rotate else (box.w, box.h)
    lines, size = _fit(text, width, height)
    step = size * LINE_HEIGHT
    cx, cy = box.cx, box.cy
    x = cx if anchor == "middle" else box.x
    top = {"middle": cy - len(lines) * step / 2,
           "bottom": box.y + box.h - len(lines) * step}.get(valign, box.y)
    node = add(parent, "text", cls="label", x=x, font_size=size, text_anchor=anchor,
               fill=TEXT_FILL, transform=f"rotate(-90 {fmt(cx)} {fmt(cy)})" if rotate else None)
    if halo:  # a white outline keeps labels readable where lines cross them
        for key, value in (("stroke", "#fff"), ("stroke-width", "3"),
                           ("stroke-linejoin", "round"), ("paint-order", "stroke")):
            node.set(key, value)
    for i, line in enumerate(lines):
        # Baseline sits about 0.8 em under the top of each line box.
        span = add(node, "tspan", x=x, y=top + i * step + size * 0.95)
        span.text = line
