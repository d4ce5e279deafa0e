"""Sequence flows, message flows and associations, with their arrowheads."""

from __future__ import annotations

import math

from lxml import etree

from engine.bpmn.diagram.labels import draw_text
from engine.bpmn.diagram.primitives import (
    Box,
    Context,
    add,
    element_name,
    fmt,
    label_box,
    qname,
    waypoints,
)
from engine.bpmn.diagram.style import FONT_SIZE, LINE_HEIGHT, STROKE
from engine.bpmn.xml_names import BPMN_NS, local_name

__all__ = ["add_defs", "draw_edge"]


def draw_edge(g: etree._Element, el: etree._Element | None, di: etree._Element,
               ctx: Context) -> None:
    points = waypoints(di)
    if len(points) < 2:
        return
    kind = local_name(el) if el is not None else "unknown"
    attrs: dict[str, object] = {"fill": "none", "stroke": STROKE, "stroke_width": 1.5}
    if kind == "sequenceFlow":
        attrs["marker_end"] = "url(#govflow-arrow)"
        source = ctx.elements.get(el.get("sourceRef") or "") if el is not None else None
        from_gateway = source is not None and local_name(source).endswith("Gateway")
        if el is not None and el.find(qname(BPMN_NS, "conditionExpression")) is not None \
                and source is not None and not from_gateway:
            attrs["marker_start"] = "url(#govflow-condition)"
        if source is not None and el is not None and source.get("default") == el.get("id"):
            _default_slash(g, points)
    elif kind == "messageFlow":
        attrs.update(stroke_dasharray="7 4", marker_start="url(#govflow-circle)",
                     marker_end="url(#govflow-open-arrow)")
    else:  # associations, data associations, conversation links, unknown
        attrs.update(stroke_dasharray="2 3", stroke_width=1.2)
        direction = el.get("associationDirection") if el is not None else None
        if kind in ("dataInputAssociation", "dataOutputAssociation") or direction in (
                "One", "Both"):
            attrs["marker_end"] = "url(#govflow-line-arrow)"
        if direction == "Both":
            attrs["marker_start"] = "url(#govflow-line-arrow)"
    line = add(g, "polyline", cls="line",
                points=" ".join(f"{fmt(x)},{fmt(y)}" for x, y in points), **attrs)
    g.insert(0, line)  # under the default-flow slash
    name = element_name(el, ctx)
    if name:
        label = label_box(di)
        if label is None:
            mx, my = _midpoint(points)
            label = Box(mx - 55, my - 2 * FONT_SIZE * LINE_HEIGHT - 4, 110,
                        2 * FONT_SIZE * LINE_HEIGHT)
        else:
            label = Box(label.cx - max(label.w, 90) / 2, label.y, max(label.w, 90),
                        max(label.h, 3 * FONT_SIZE * LINE_HEIGHT))
        draw_text(g, name, label, valign="top", halo=True)


def _midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    lengths = [math.dist(a, b) for a, b in zip(points, points[1:], strict=False)]
    half = sum(lengths) / 2
    for (a, b), length in zip(zip(points, points[1:], strict=False), lengths, strict=True):
        if half <= length and length > 0:
            t = half / length
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        half -= length
    return points[0]


def _default_slash(g: etree._Element, points: list[tuple[float, float]]) -> None:
    (x1, y1), (x2, y2) = points[0], points[1]
    length = math.dist((x1, y1), (x2, y2)) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    px, py = x1 + ux * min(12, length / 2), y1 + uy * min(12, length / 2)
    # The slash leans 45° across the line: along + across, normalised.
    vx, vy = (ux - uy) / math.sqrt(2), (uy + ux) / math.sqrt(2)
    add(g, "path", cls="line marker-default", stroke=STROKE, stroke_width=1.5,
         d=f"M{fmt(px - vx * 6)},{fmt(py - vy * 6)} L{fmt(px + vx * 6)},{fmt(py + vy * 6)}")


def add_defs(svg: etree._Element) -> None:
    defs = add(svg, "defs")

    def marker(mid: str, w: float, ref_x: float, draw: dict[str, object], tag: str) -> None:
        m = add(defs, "marker", id=mid, viewBox=f"0 0 {fmt(w)} {fmt(w)}", refX=ref_x,
                 refY=w / 2, markerWidth=w, markerHeight=w, markerUnits="userSpaceOnUse",
                 orient="auto-start-reverse" if mid == "govflow-line-arrow" else "auto")
        add(m, tag, **draw)

    marker("govflow-arrow", 11, 10.5, {"d": "M0.5,1 L10.5,5.5 L0.5,10 z", "fill": STROKE}, "path")
    marker("govflow-open-arrow", 11, 10.5, {"d": "M0.5,1 L10.5,5.5 L0.5,10 z", "fill": "#fff",
                                              "stroke": STROKE}, "path")
    marker("govflow-line-arrow", 11, 10.5, {"d": "M0.5,1 L10.5,5.5 L0.5,10", "fill": "none",
                                              "stroke": STROKE}, "path")
    marker("govflow-circle", 10, 5, {"cx": 5, "cy": 5, "r": 3.5, "fill": "#fff",
                                     "stroke": STROKE}, "circle")
    marker("govflow-condition", 16, 0.5, {"d": "M0.5,8 L8,4 L15.5,8 L8,12 z", "fill": "#fff",
                                          "stroke": STROKE}, "path")
