"""The small symbols inside shapes: task kinds, loop and sub-process markers along the
bottom edge, and event definitions."""

from __future__ import annotations

from lxml import etree

from engine.bpmn.diagram.primitives import Box, Context, add, fmt, qname
from engine.bpmn.diagram.style import STROKE
from engine.bpmn.xml_names import BPMN_NS, local_name

__all__ = ["bottom_markers", "event_definitions", "event_marker", "task_marker"]


def _person(g: etree._Element, x: float, y: float) -> None:
    m = add(g, "g", cls="marker marker-user", fill="none", stroke=STROKE, stroke_width=1.2)
    add(m, "circle", cx=x + 8, cy=y + 4.5, r=3.5)
    add(m, "path", d=f"M{fmt(x + 1)},{fmt(y + 16)} q0,-7 7,-7 q7,0 7,7 z")


def _envelope(g: etree._Element, cx: float, cy: float, w: float, filled: bool,
              cls: str) -> None:
    h = w * 0.68
    x, y = cx - w / 2, cy - h / 2
    m = add(g, "g", cls=cls, stroke="#fff" if filled else STROKE, stroke_width=1.2,
             fill=STROKE if filled else "#fff")
    add(m, "rect", x=x, y=y, width=w, height=h)
    add(m, "path", d=f"M{fmt(x)},{fmt(y)} L{fmt(cx)},{fmt(cy + h * 0.1)} "
                      f"L{fmt(x + w)},{fmt(y)}", fill="none")


def task_marker(g: etree._Element, kind: str, box: Box) -> None:
    x, y = box.x + 6, box.y + 6
    if kind == "userTask":
        _person(g, x, y)
    elif kind in ("sendTask", "receiveTask"):
        _envelope(g, x + 9, y + 6, 16, kind == "sendTask", f"marker marker-{kind[:-4]}")
    elif kind == "scriptTask":
        m = add(g, "g", cls="marker marker-script", fill="none", stroke=STROKE, stroke_width=1)
        add(m, "path", d=f"M{fmt(x + 4)},{fmt(y)} h10 q-4,4 0,8 q4,4 0,8 h-10 "
                          "q-4,-4 0,-8 q4,-4 0,-8 z")
        for dy in (4, 8, 12):
            add(m, "path", d=f"M{fmt(x + 5)},{fmt(y + dy)} h6")
    elif kind == "serviceTask":
        m = add(g, "g", cls="marker marker-service", fill="none", stroke=STROKE)
        # Dashes on a thick ring read as gear teeth at this size.
        add(m, "circle", cx=x + 8, cy=y + 8, r=6, stroke_width=3, stroke_dasharray="2.4 2.3")
        add(m, "circle", cx=x + 8, cy=y + 8, r=3.2, stroke_width=1.2, fill="#fff")
    elif kind == "manualTask":
        m = add(g, "g", cls="marker marker-manual", fill="#fff", stroke=STROKE, stroke_width=1)
        add(m, "path", d=f"M{fmt(x)},{fmt(y + 7)} l6,-4 h9 v2 h-6 h7 v2.5 h-7 h6 v2.5 "
                          "h-6 h5 v2.5 h-11 l-3,-2 z")
    elif kind == "businessRuleTask":
        m = add(g, "g", cls="marker marker-business-rule", fill="#fff", stroke=STROKE,
                 stroke_width=1)
        add(m, "rect", x=x, y=y + 2, width=16, height=12)
        add(m, "rect", x=x, y=y + 2, width=16, height=3.5, fill=STROKE)
        add(m, "path", d=f"M{fmt(x)},{fmt(y + 9.5)} h16 M{fmt(x + 5)},{fmt(y + 5.5)} v8.5")


def bottom_markers(g: etree._Element, el: etree._Element | None, kind: str, box: Box,
                    collapsed: bool) -> bool:
    """Compensation, collapsed (+), loop, multi-instance and ad-hoc markers along the
    bottom edge, left to right as bpmn-js places them."""
    names: list[str] = []
    if el is not None and el.get("isForCompensation") == "true":
        names.append("compensation")
    if collapsed:
        names.append("collapsed")
    if el is not None:
        if el.find(qname(BPMN_NS, "standardLoopCharacteristics")) is not None:
            names.append("loop")
        mi = el.find(qname(BPMN_NS, "multiInstanceLoopCharacteristics"))
        if mi is not None:
            names.append("sequential" if mi.get("isSequential") == "true" else "parallel")
    if kind == "adHocSubProcess":
        names.append("adhoc")
    x = box.cx - (len(names) * 18 - 4) / 2
    y = box.y + box.h - 18
    for name in names:
        m = add(g, "g", cls=f"marker marker-{name}", fill="none", stroke=STROKE,
                 stroke_width=1.5)
        if name == "compensation":  # two rewind triangles
            for dx in (0, 7):
                add(m, "polygon", fill="#fff", stroke_width=1,
                     points=f"{fmt(x + dx)},{fmt(y + 7)} {fmt(x + dx + 7)},{fmt(y + 2)} "
                            f"{fmt(x + dx + 7)},{fmt(y + 12)}")
        elif name == "collapsed":
            add(m, "rect", x=x, y=y, width=14, height=14, fill="#fff")
            add(m, "path", d=f"M{fmt(x + 7)},{fmt(y + 3)} v8 M{fmt(x + 3)},{fmt(y + 7)} h8")
        elif name == "loop":
            add(m, "path", d=f"M{fmt(x + 4)},{fmt(y + 12)} a5.5,5.5 0 1 1 6,0 "
                              f"M{fmt(x + 10)},{fmt(y + 8)} v4 h4")
        elif name in ("parallel", "sequential"):
            for i in (2, 7, 12):
                d = (f"M{fmt(x + i)},{fmt(y + 1)} v12" if name == "parallel"
                     else f"M{fmt(x + 1)},{fmt(y + i)} h12")
                add(m, "path", d=d, stroke_width=2)
        else:
            add(m, "path", d=f"M{fmt(x)},{fmt(y + 8)} q3.5,-5 7,0 q3.5,5 7,0")
        x += 18
    return bool(names)


def event_definitions(el: etree._Element, ctx: Context) -> list[str]:
    kinds = [local_name(c)[: -len("EventDefinition")] for c in el
             if isinstance(c.tag, str) and local_name(c).endswith("EventDefinition")]
    for ref in el.findall(qname(BPMN_NS, "eventDefinitionRef")):
        target = ctx.elements.get((ref.text or "").strip())
        if target is not None and local_name(target).endswith("EventDefinition"):
            kinds.append(local_name(target)[: -len("EventDefinition")])
    return kinds


def event_marker(g: etree._Element, kind: str, cx: float, cy: float, r: float,
                  filled: bool) -> None:
    fill = STROKE if filled else "#fff"
    m = add(g, "g", cls=f"marker marker-{kind}", stroke=STROKE, stroke_width=1.5, fill=fill)
    s = r * 0.55

    def poly(points: list[tuple[float, float]]) -> None:
        add(m, "polygon", points=" ".join(f"{fmt(cx + px * s)},{fmt(cy + py * s)}"
                                           for px, py in points))

    if kind == "timer":
        m.set("fill", "#fff")
        add(m, "circle", cx=cx, cy=cy, r=s * 1.1)
        add(m, "path", fill="none", d=f"M{fmt(cx)},{fmt(cy)} v{fmt(-s * 0.8)} "
                                       f"M{fmt(cx)},{fmt(cy)} l{fmt(s * 0.55)},{fmt(s * 0.3)}")
    elif kind == "message":
        g.remove(m)
        _envelope(g, cx, cy, s * 2, filled, "marker marker-message")
    elif kind == "escalation":
        poly([(0, -1), (0.7, 0.9), (0, 0.2), (-0.7, 0.9)])
    elif kind == "error":
        poly([(-0.8, 0.9), (-0.3, -0.8), (0.2, 0.2), (0.8, -0.9), (0.3, 0.8), (-0.2, -0.2)])
    elif kind == "signal":
        poly([(0, -1), (0.9, 0.7), (-0.9, 0.7)])
    elif kind == "terminate":
        add(m, "circle", cx=cx, cy=cy, r=r * 0.6, fill=STROKE)
    elif kind == "conditional":
        m.set("fill", "#fff")
        add(m, "rect", x=cx - s * 0.7, y=cy - s * 0.9, width=s * 1.4, height=s * 1.8)
        for dy in (-0.5, 0, 0.5):
            add(m, "path", d=f"M{fmt(cx - s * 0.45)},{fmt(cy + dy * s)} h{fmt(s * 0.9)}")
    elif kind == "link":
        poly([(-0.8, -0.35), (0.2, -0.35), (0.2, -0.8), (0.9, 0), (0.2, 0.8), (0.2, 0.35),
              (-0.8, 0.35)])
    elif kind == "compensate":
        poly([(-0.9, 0), (0, -0.6), (0, 0.6)])
        poly([(0, 0), (0.9, -0.6), (0.9, 0.6)])
    elif kind == "cancel":
        k = s * 1.4
        add(m, "path", stroke_width=3, d=f"M{fmt(cx - k / 2)},{fmt(cy - k / 2)} "
             f"l{fmt(k)},{fmt(k)} m0,{fmt(-k)} l{fmt(-k)},{fmt(k)}")
    elif kind == "multiple":
        poly([(0, -0.9), (0.85, -0.25), (0.55, 0.8), (-0.55, 0.8), (-0.85, -0.25)])
