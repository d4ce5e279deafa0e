"""One drawer per kind of shape: pools and lanes, activities, events, gateways, data,
annotations, groups and anything unknown."""

from __future__ import annotations

import math
from collections.abc import Callable

from lxml import etree

from engine.bpmn.diagram.kinds import (
    CONVERSATIONS,
    DATA_OBJECTS,
    DATA_STORES,
    EVENTS,
    GATEWAYS,
    SUBPROCESSES,
    TASKS,
    is_expanded,
)
from engine.bpmn.diagram.labels import draw_text
from engine.bpmn.diagram.markers import (
    bottom_markers,
    event_definitions,
    event_marker,
    task_marker,
)
from engine.bpmn.diagram.primitives import Box, Context, add, element_name, fmt, label_box
from engine.bpmn.diagram.style import BAND, BAND_PAD, FONT_SIZE, LINE_HEIGHT, STROKE
from engine.bpmn.xml_names import local_name

__all__ = ["Drawer", "drawer_for"]


def _draw_pool(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
               ctx: Context) -> None:
    kind = local_name(el) if el is not None else "participant"
    add(g, "rect", cls="outline", x=box.x, y=box.y, width=box.w, height=box.h,
         fill="none" if kind == "lane" else "#fff", stroke=STROKE, stroke_width=1.5)
    name = element_name(el, ctx)
    horizontal = di.get("isHorizontal", "true") != "false"
    # A black-box pool (no process inside) shows its name across the middle.
    black_box = kind == "participant" and el is not None and not el.get("processRef")
    if black_box:
        draw_text(g, name, box)
    elif horizontal:
        add(g, "path", d=f"M{fmt(box.x + BAND)},{fmt(box.y)} v{fmt(box.h)}",
             stroke=STROKE, stroke_width=1)
        # Inside the band, clear of its borders: wrapped along the lane's height.
        draw_text(g, name, Box(box.x + BAND_PAD, box.y + 2 * BAND_PAD, BAND - 2 * BAND_PAD,
                               box.h - 4 * BAND_PAD), rotate=True)
    else:
        add(g, "path", d=f"M{fmt(box.x)},{fmt(box.y + BAND)} h{fmt(box.w)}",
             stroke=STROKE, stroke_width=1)
        draw_text(g, name, Box(box.x + 2 * BAND_PAD, box.y + BAND_PAD, box.w - 4 * BAND_PAD,
                               BAND - 2 * BAND_PAD))


def _draw_activity(g: etree._Element, el: etree._Element | None, di: etree._Element,
                   box: Box, ctx: Context) -> None:
    kind = local_name(el) if el is not None else "task"
    is_sub = kind in SUBPROCESSES
    expanded = is_expanded(kind, di)
    dashed = el is not None and el.get("triggeredByEvent") == "true"  # event sub-process
    width = 4 if kind == "callActivity" else 1.5
    add(g, "rect", cls="outline", x=box.x, y=box.y, width=box.w, height=box.h, rx=10,
         fill="#fff" if not expanded else "#fcfcfc", stroke=STROKE, stroke_width=width,
         stroke_dasharray="4 3" if dashed else None)
    if kind == "transaction":
        add(g, "rect", x=box.x + 3, y=box.y + 3, width=box.w - 6, height=box.h - 6, rx=8,
             fill="none", stroke=STROKE, stroke_width=1)
    task_marker(g, kind, box)
    has_bottom = bottom_markers(g, el, kind, box, is_sub and not expanded)
    name = element_name(el, ctx)
    if expanded:
        draw_text(g, name, Box(box.x + 8, box.y + 4, box.w - 16, 34), anchor="start", valign="top")
    else:
        top = 20 if kind in ("userTask", "sendTask", "receiveTask", "scriptTask",
                             "serviceTask", "manualTask", "businessRuleTask") else 4
        hosted = el is not None and el.get("id") in ctx.hosts
        bottom = 20 if has_bottom or hosted else 4
        draw_text(g, name, Box(box.x + 5, box.y + top, box.w - 10,
                           box.h - top - bottom))


def _draw_event(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
                ctx: Context) -> None:
    kind = local_name(el) if el is not None else "intermediateCatchEvent"
    r = min(box.w, box.h) / 2
    cx, cy = box.cx, box.cy
    non_interrupting = el is not None and (
        el.get("cancelActivity") == "false" or el.get("isInterrupting") == "false")
    dash = "4 2.5" if non_interrupting else None
    width = {"startEvent": 1.5, "endEvent": 4}.get(kind, 1.5)
    add(g, "circle", cls="outline", cx=cx, cy=cy, r=r, fill="#fff", stroke=STROKE,
         stroke_width=width, stroke_dasharray=dash)
    if kind not in ("startEvent", "endEvent"):
        add(g, "circle", cx=cx, cy=cy, r=max(r - 3, 1), fill="none", stroke=STROKE,
             stroke_width=1.2, stroke_dasharray=dash)
    defs = event_definitions(el, ctx) if el is not None else []
    if len(defs) > 1:
        defs = ["multiple"]
    filled = kind in ("endEvent", "intermediateThrowEvent", "implicitThrowEvent")
    if defs:
        event_marker(g, defs[0], cx, cy, r, filled)
    _outside_label(g, element_name(el, ctx), di, box)


def _draw_gateway(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
                  ctx: Context) -> None:
    kind = local_name(el) if el is not None else "gateway"
    cx, cy, hw, hh = box.cx, box.cy, box.w / 2, box.h / 2
    add(g, "polygon", cls="outline", fill="#fff", stroke=STROKE, stroke_width=1.5,
         points=f"{fmt(cx)},{fmt(box.y)} {fmt(box.x + box.w)},{fmt(cy)} "
                f"{fmt(cx)},{fmt(box.y + box.h)} {fmt(box.x)},{fmt(cy)}")
    s = min(hw, hh) * 0.45
    name = kind.removesuffix("Gateway") or "gateway"
    m = add(g, "g", cls=f"marker marker-{name}", fill="none", stroke=STROKE, stroke_width=3.5)
    # Exclusive gateways always show their X: one look for one meaning, whatever
    # the modeler wrote in isMarkerVisible.
    if kind == "exclusiveGateway":
        add(m, "path", d=f"M{fmt(cx - s * .75)},{fmt(cy - s * .75)} l{fmt(s * 1.5)},"
                          f"{fmt(s * 1.5)} m0,{fmt(-s * 1.5)} l{fmt(-s * 1.5)},{fmt(s * 1.5)}")
    elif kind in ("parallelGateway", "complexGateway"):
        d = f"M{fmt(cx)},{fmt(cy - s)} v{fmt(2 * s)} M{fmt(cx - s)},{fmt(cy)} h{fmt(2 * s)}"
        if kind == "complexGateway":
            k = s * 0.7
            d += (f" M{fmt(cx - k)},{fmt(cy - k)} l{fmt(2 * k)},{fmt(2 * k)}"
                  f" M{fmt(cx + k)},{fmt(cy - k)} l{fmt(-2 * k)},{fmt(2 * k)}")
        add(m, "path", d=d)
    elif kind == "inclusiveGateway":
        add(m, "circle", cx=cx, cy=cy, r=s * 0.95, stroke_width=2.5)
    elif kind == "eventBasedGateway":
        m.set("stroke-width", "1.2")
        add(m, "circle", cx=cx, cy=cy, r=s * 1.15)
        add(m, "circle", cx=cx, cy=cy, r=s * 0.95)
        pts = [(cx + s * 0.6 * math.sin(a * 2 * math.pi / 5),
                cy - s * 0.6 * math.cos(a * 2 * math.pi / 5)) for a in range(5)]
        add(m, "polygon", points=" ".join(f"{fmt(px)},{fmt(py)}" for px, py in pts))
    _outside_label(g, element_name(el, ctx), di, box)


def _draw_data(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
               ctx: Context) -> None:
    kind = local_name(el) if el is not None else "dataObject"
    x, y, w, h = box.x, box.y, box.w, box.h
    if kind in DATA_STORES:
        e = min(h * 0.15, 8)  # cylinder: top ellipse, sides, bottom arc
        add(g, "path", cls="outline", fill="#fff", stroke=STROKE, stroke_width=1.5,
             d=f"M{fmt(x)},{fmt(y + e)} a{fmt(w / 2)},{fmt(e)} 0 0 1 {fmt(w)},0 "
               f"v{fmt(h - 2 * e)} a{fmt(w / 2)},{fmt(e)} 0 0 1 {fmt(-w)},0 z")
        for k in (1, 2):
            add(g, "path", fill="none", stroke=STROKE, stroke_width=1,
                 d=f"M{fmt(x)},{fmt(y + e * k)} a{fmt(w / 2)},{fmt(e)} 0 0 0 {fmt(w)},0")
    else:
        f = min(w, h) * 0.3  # folded corner
        add(g, "path", cls="outline", fill="#fff", stroke=STROKE, stroke_width=1.5,
             d=f"M{fmt(x)},{fmt(y)} h{fmt(w - f)} l{fmt(f)},{fmt(f)} v{fmt(h - f)} "
               f"h{fmt(-w)} z M{fmt(x + w - f)},{fmt(y)} v{fmt(f)} h{fmt(f)}")
        if kind in ("dataInput", "dataOutput"):
            m = add(g, "g", cls=f"marker marker-{kind}", stroke=STROKE,
                     fill=STROKE if kind == "dataOutput" else "#fff")
            add(m, "path", d=f"M{fmt(x + 4)},{fmt(y + 6)} h5 v-3 l5,5 l-5,5 v-3 h-5 z")
    _outside_label(g, element_name(el, ctx), di, box)


def _draw_annotation(g: etree._Element, el: etree._Element | None, di: etree._Element,
                     box: Box, ctx: Context) -> None:
    add(g, "rect", x=box.x, y=box.y, width=box.w, height=box.h, fill="none", stroke="none")
    add(g, "path", cls="line", fill="none", stroke=STROKE, stroke_width=1.5,
         d=f"M{fmt(box.x + 12)},{fmt(box.y)} h-12 v{fmt(box.h)} h12")
    draw_text(g, element_name(el, ctx), Box(box.x + 6, box.y + 3, box.w - 8, box.h - 6),
          anchor="start", valign="top")


def _draw_group(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
                ctx: Context) -> None:
    add(g, "rect", cls="outline", x=box.x, y=box.y, width=box.w, height=box.h, rx=10,
         fill="none", stroke=STROKE, stroke_width=1.5, stroke_dasharray="10 4 2 4")
    label = label_box(di) or Box(box.x + 4, box.y + 4, box.w - 8, 36)
    draw_text(g, element_name(el, ctx), label, valign="top")


def _draw_other(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
                ctx: Context) -> None:
    """Anything we do not know, including DI that points at a missing element."""
    kind = local_name(el) if el is not None else "unknown"
    if kind in CONVERSATIONS:
        k = box.w / 4
        pts = [(box.x + k, box.y), (box.x + 3 * k, box.y), (box.x + box.w, box.cy),
               (box.x + 3 * k, box.y + box.h), (box.x + k, box.y + box.h), (box.x, box.cy)]
        add(g, "polygon", cls="outline", fill="#fff", stroke=STROKE, stroke_width=1.5,
             points=" ".join(f"{fmt(px)},{fmt(py)}" for px, py in pts))
        _outside_label(g, element_name(el, ctx), di, box)
        return
    add(g, "rect", cls="outline", x=box.x, y=box.y, width=box.w, height=box.h, rx=4,
         fill="#fff", stroke="#777", stroke_width=1, stroke_dasharray="3 3")
    draw_text(g, element_name(el, ctx), Box(box.x + 4, box.y + 4, box.w - 8, box.h - 8))


def _outside_label(g: etree._Element, name: str, di: etree._Element, box: Box) -> None:
    """Events, gateways and data sit their names outside: at BPMNLabel, else below."""
    label = label_box(di)
    if label is None:
        label = Box(box.cx - 55, box.y + box.h + 4, 110, 4 * FONT_SIZE * LINE_HEIGHT)
    elif label.cy < box.cy:
        # A name set above its shape grows upwards, so that it never covers the shape.
        bottom = min(label.y + label.h, box.y - 2)
        height = max(label.h, 4 * FONT_SIZE * LINE_HEIGHT)
        label = Box(label.cx - max(label.w, 90) / 2, bottom - height, max(label.w, 90), height)
        draw_text(g, name, label, valign="bottom", halo=True)
        return
    else:
        # Modelers size these boxes with their own fonts; let Thai grow downwards.
        label = Box(label.cx - max(label.w, 90) / 2, label.y, max(label.w, 90),
                    max(label.h, 4 * FONT_SIZE * LINE_HEIGHT))
    draw_text(g, name, label, valign="top", halo=True)


Drawer = Callable[[etree._Element, "etree._Element | None", etree._Element, Box, Context], None]


def drawer_for(kind: str) -> Drawer:
    if kind in ("participant", "lane"):
        return _draw_pool
    if kind in TASKS or kind in SUBPROCESSES:
        return _draw_activity
    if kind in EVENTS:
        return _draw_event
    if kind in GATEWAYS:
        return _draw_gateway
    if kind in DATA_OBJECTS or kind in DATA_STORES:
        return _draw_data
    if kind == "textAnnotation":
        return _draw_annotation
    if kind == "group":
        return _draw_group
    return _draw_other
