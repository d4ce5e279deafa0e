"""Draw a BPMN file's diagram (its BPMNDI) as one standalone SVG document.

The SVG is built with lxml elements only, so names typed by process owners are
escaped by the serializer and can never become markup.  It refers to nothing
outside itself (no web fonts, no images, no links): it is served to browsers
and embedded in pages, and must look the same offline.

Each BPMN element drawn is a `<g data-element-id="...">` so that pages can find
it and colour it by instance state; `render_svg(state=...)` does that
server-side.  Thai names have no spaces between words, so the text wrapper
breaks at character-cluster boundaries and never starts a line with a
combining mark.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from engine.bpmn.loading.safe_xml import read_xml
from engine.core.errors import DiagramError

__all__ = ["STATES", "DiagramError", "render_file", "render_svg", "wrap_text"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
SVG_NS = "http://www.w3.org/2000/svg"

STATES = frozenset({"completed", "active", "overdue"})
FONT_FAMILY = '"Laksaman", "Garuda", "Loma", sans-serif'
FONT_SIZE = 12.0
MIN_FONT_SIZE = 9.0
LINE_HEIGHT = 1.25  # Thai marks stack above and below the base line
MARGIN = 20.0
BAND = 30.0  # the name band of pools and lanes, as bpmn-js draws it
STROKE = "#222"

STYLE = f"""
svg {{ font-family: {FONT_FAMILY}; }}
text {{ fill: #1a1a1a; }}
.state-completed .outline, .state-completed .line {{ stroke: #2e7d32; }}
.state-completed .outline {{ fill: #edf7ee; }}
.state-active .outline, .state-active .line {{ stroke: #1565c0; stroke-width: 4px; }}
.state-active .outline {{ fill: #e8f1fc; }}
.state-overdue .outline, .state-overdue .line {{
  stroke: #c62828; stroke-width: 4px; stroke-dasharray: 8 4; }}
.state-overdue .outline {{ fill: #fdecec; }}
.state-badge {{ fill: #fff; stroke: #2e7d32; stroke-width: 2px; }}
.state-check {{ fill: none; stroke: #2e7d32; stroke-width: 2.5px; }}
"""

TASKS = {"task", "userTask", "scriptTask", "serviceTask", "manualTask", "businessRuleTask",
         "sendTask", "receiveTask", "callActivity", "choreographyTask", "subChoreography",
         "callChoreography"}
SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
          "boundaryEvent", "implicitThrowEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
            "complexGateway", "gateway"}
DATA_OBJECTS = {"dataObject", "dataObjectReference", "dataInput", "dataOutput"}
DATA_STORES = {"dataStore", "dataStoreReference"}
CONVERSATIONS = {"conversation", "subConversation", "callConversation"}


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Context:
    elements: dict[str, etree._Element]
    state: Mapping[str, str]
    # Activities with boundary events: those events sit on the bottom edge.
    hosts: frozenset[str] = frozenset()
    # Sub-processes drawn collapsed on this plane: what they contain is not drawn here.
    collapsed: frozenset[str] = frozenset()
    plane_id: str = ""  # the process, collaboration or sub-process this diagram draws


# ------------------------------------------------------------------------ helpers


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _fmt(v: float) -> str:
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _num(value: str | None) -> float | None:
    try:
        v = float(value) if value is not None else None
    except ValueError:
        return None
    return v if v is not None and math.isfinite(v) else None


def _add(parent: etree._Element, tag: str, **attrs: object) -> etree._Element:
    """Append an SVG element; `stroke_width=` becomes `stroke-width=`."""
    el = etree.SubElement(parent, _q(SVG_NS, tag))
    for key, value in attrs.items():
        if value is None:
            continue
        name = "class" if key == "cls" else key.replace("_", "-")
        el.set(name, _fmt(value) if isinstance(value, float | int) else str(value))
    return el


def _bounds(el: etree._Element | None) -> Box | None:
    b = el.find(_q(DC_NS, "Bounds")) if el is not None else None
    if b is None:
        return None
    x, y, w, h = (_num(b.get(k)) for k in ("x", "y", "width", "height"))
    if x is None or y is None or w is None or h is None:
        return None
    return Box(x, y, abs(w), abs(h))


def _waypoints(edge: etree._Element) -> list[tuple[float, float]]:
    points = []
    for wp in edge.findall(_q(DI_NS, "waypoint")):
        x, y = _num(wp.get("x")), _num(wp.get("y"))
        if x is not None and y is not None:
            points.append((x, y))
    return points


def _label_box(di: etree._Element) -> Box | None:
    return _bounds(di.find(_q(BPMNDI_NS, "BPMNLabel")))


def _name(el: etree._Element | None, ctx: Context) -> str:
    if el is None:
        return ""
    kind = _local(el)
    if kind == "textAnnotation":
        return (el.findtext(_q(BPMN_NS, "text")) or "").strip()
    if kind == "group":  # a group's name lives in the category value it points to
        value = ctx.elements.get(el.get("categoryValueRef") or "")
        return (value.get("value") or "") if value is not None else ""
    return (el.get("name") or "").strip()


# --------------------------------------------------------------------------- text

_THAI_COMBINING = {0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)}
# Written before the consonant they belong to, so a line must not end with one.
_THAI_LEADING_VOWELS = set("เแโใไ")
# Belong to the syllable before them; a line should not start with one.
_THAI_FOLLOWING = set("ะาำๅๆฯ")
_THAI_SONORANTS = set("งญนมยรลว")


def _is_combining(ch: str) -> bool:
    return ord(ch) in _THAI_COMBINING or unicodedata.category(ch) in ("Mn", "Me")


def _char_width(ch: str) -> float:
    """Rough advance width in em; we cannot measure fonts on the server."""
    if _is_combining(ch):
        return 0.0
    if "\u0e00" <= ch <= "\u0e7f":
        return 0.6
    if ch == " ":
        return 0.3
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch.isupper() or ch in "mwMW@%":
        return 0.7
    if ch in "il.,:;'|!()[]/":
        return 0.32
    return 0.55


def _width(text: str, size: float) -> float:
    return sum(_char_width(ch) for ch in text) * size


def _clusters(text: str) -> list[str]:
    """Split into base characters with their combining marks attached."""
    out: list[str] = []
    for ch in text:
        if out and _is_combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _soft_break_ok(before: str, after: str, nxt: str = "") -> bool:
    if before[-1] in _THAI_LEADING_VOWELS or after[0] in _THAI_FOLLOWING:
        return False
    # A silent leading ห or อ belongs to the next consonant: หน้า, หมาย, อย่าง.
    if before in ("ห", "อ") and after[0] in _THAI_SONORANTS:
        return False
    # A bare consonant right after a vowel is most likely that syllable's final
    # (งา|น, ศึ|ก), unless a following vowel shows it opens the next one.
    has_vowel = before[-1] in "าำ" or any(0x0E31 <= ord(c) <= 0x0E39 for c in before)
    bare = len(after) == 1 and "\u0e01" <= after <= "\u0e2e"
    return not (has_vowel and bare and not (nxt and nxt[0] in _THAI_FOLLOWING))


def _good_break(clusters: list[str], cut: int) -> bool:
    """Without a dictionary, guess boundaries that are very likely between syllables."""
    before, after = clusters[cut - 1], clusters[cut]
    nxt = clusters[cut + 1] if cut + 1 < len(clusters) else ""
    if not _soft_break_ok(before, after, nxt):
        return False
    if after[0] in _THAI_LEADING_VOWELS or after[0] == "(" or before[-1] in "/)-,ะำ์ๆฯ":
        return True
    # "หน้า|จาก": after า, a consonant followed by a vowel opens a new syllable.
    return before[-1] == "า" and bool(nxt) and (
        nxt[0] in _THAI_FOLLOWING or (len(after) > 1 and len(nxt) > 0 and "\u0e01" <= after[0]
                                       <= "\u0e2e"))


def _break_word(word: str, max_width: float, size: float) -> list[str]:
    clusters = _clusters(word)
    pieces: list[str] = []
    start = 0
    while start < len(clusters):
        end, used = start + 1, _width(clusters[start], size)
        while end < len(clusters) and used + _width(clusters[end], size) <= max_width:
            used += _width(clusters[end], size)
            end += 1
        if end < len(clusters):
            # Step back to a likely syllable boundary if one is near enough,
            # else at least avoid orphaning a leading vowel like "เ".
            floor = start + max(1, (end - start) // 2)
            good = [c for c in range(end, floor - 1, -1) if _good_break(clusters, c)]
            soft = [c for c in range(end, max(start, end - 4), -1)
                    if _soft_break_ok(clusters[c - 1], clusters[c],
                                      clusters[c + 1] if c + 1 < len(clusters) else "")]
            end = good[0] if good else soft[0] if soft else end
        pieces.append("".join(clusters[start:end]))
        start = end
    return pieces


def wrap_text(text: str, max_width: float, size: float = FONT_SIZE) -> list[str]:
    """Greedy wrap: at spaces where there are any, else between clusters."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if _width(candidate, size) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            pieces = _break_word(word, max_width, size)
            lines.extend(pieces[:-1])
            line = pieces[-1]
        if line:
            lines.append(line)
    return lines


def _ellipsize(line: str, max_width: float, size: float) -> str:
    clusters = _clusters(line)
    while clusters and _width("".join(clusters) + "…", size) > max_width:
        clusters.pop()
    return "".join(clusters) + "…"


def _fit(text: str, width: float, height: float) -> tuple[list[str], float]:
    """Wrap, shrinking the font, and cut with an ellipsis as a last resort."""
    width = max(width, 20.0)
    size = FONT_SIZE
    while True:
        lines = wrap_text(text, width, size)
        if len(lines) * size * LINE_HEIGHT <= height or size <= MIN_FONT_SIZE:
            break
        size -= 1
    max_lines = max(1, int(height // (size * LINE_HEIGHT)))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _ellipsize(lines[-1], width, size)
    return lines, size


def _text(parent: etree._Element, text: str, box: Box, *, anchor: str = "middle",
          valign: str = "middle", rotate: bool = False, halo: bool = False) -> None:
    """Write wrapped text into `box`; `rotate` turns it -90° (pool and lane names)."""
    if not text:
        return
    width, height = (box.h, box.w) if rotate else (box.w, box.h)
    lines, size = _fit(text, width, height)
    step = size * LINE_HEIGHT
    cx, cy = box.cx, box.cy
    x = cx if anchor == "middle" else box.x
    top = cy - len(lines) * step / 2 if valign == "middle" else box.y
    node = _add(parent, "text", cls="label", x=x, font_size=size, text_anchor=anchor,
                transform=f"rotate(-90 {_fmt(cx)} {_fmt(cy)})" if rotate else None)
    if halo:  # a white outline keeps labels readable where lines cross them
        for key, value in (("stroke", "#fff"), ("stroke-width", "3"),
                           ("stroke-linejoin", "round"), ("paint-order", "stroke")):
            node.set(key, value)
    for i, line in enumerate(lines):
        # Baseline sits about 0.8 em under the top of each line box.
        span = _add(node, "tspan", x=x, y=top + i * step + size * 0.95)
        span.text = line


# ----------------------------------------------------------------------- markers


def _person(g: etree._Element, x: float, y: float) -> None:
    m = _add(g, "g", cls="marker marker-user", fill="none", stroke=STROKE, stroke_width=1.2)
    _add(m, "circle", cx=x + 8, cy=y + 4.5, r=3.5)
    _add(m, "path", d=f"M{_fmt(x + 1)},{_fmt(y + 16)} q0,-7 7,-7 q7,0 7,7 z")


def _envelope(g: etree._Element, cx: float, cy: float, w: float, filled: bool,
              cls: str) -> None:
    h = w * 0.68
    x, y = cx - w / 2, cy - h / 2
    m = _add(g, "g", cls=cls, stroke="#fff" if filled else STROKE, stroke_width=1.2,
             fill=STROKE if filled else "#fff")
    _add(m, "rect", x=x, y=y, width=w, height=h)
    _add(m, "path", d=f"M{_fmt(x)},{_fmt(y)} L{_fmt(cx)},{_fmt(cy + h * 0.1)} "
                      f"L{_fmt(x + w)},{_fmt(y)}", fill="none")


def _task_marker(g: etree._Element, kind: str, box: Box) -> None:
    x, y = box.x + 6, box.y + 6
    if kind == "userTask":
        _person(g, x, y)
    elif kind in ("sendTask", "receiveTask"):
        _envelope(g, x + 9, y + 6, 16, kind == "sendTask", f"marker marker-{kind[:-4]}")
    elif kind == "scriptTask":
        m = _add(g, "g", cls="marker marker-script", fill="none", stroke=STROKE, stroke_width=1)
        _add(m, "path", d=f"M{_fmt(x + 4)},{_fmt(y)} h10 q-4,4 0,8 q4,4 0,8 h-10 "
                          "q-4,-4 0,-8 q4,-4 0,-8 z")
        for dy in (4, 8, 12):
            _add(m, "path", d=f"M{_fmt(x + 5)},{_fmt(y + dy)} h6")
    elif kind == "serviceTask":
        m = _add(g, "g", cls="marker marker-service", fill="none", stroke=STROKE)
        # Dashes on a thick ring read as gear teeth at this size.
        _add(m, "circle", cx=x + 8, cy=y + 8, r=6, stroke_width=3, stroke_dasharray="2.4 2.3")
        _add(m, "circle", cx=x + 8, cy=y + 8, r=3.2, stroke_width=1.2, fill="#fff")
    elif kind == "manualTask":
        m = _add(g, "g", cls="marker marker-manual", fill="#fff", stroke=STROKE, stroke_width=1)
        _add(m, "path", d=f"M{_fmt(x)},{_fmt(y + 7)} l6,-4 h9 v2 h-6 h7 v2.5 h-7 h6 v2.5 "
                          "h-6 h5 v2.5 h-11 l-3,-2 z")
    elif kind == "businessRuleTask":
        m = _add(g, "g", cls="marker marker-business-rule", fill="#fff", stroke=STROKE,
                 stroke_width=1)
        _add(m, "rect", x=x, y=y + 2, width=16, height=12)
        _add(m, "rect", x=x, y=y + 2, width=16, height=3.5, fill=STROKE)
        _add(m, "path", d=f"M{_fmt(x)},{_fmt(y + 9.5)} h16 M{_fmt(x + 5)},{_fmt(y + 5.5)} v8.5")


def is_expanded(kind: str, di: etree._Element) -> bool:
    """bpmn-js's rule (lib/util/DiUtil.js ``isExpanded``): a sub-process is open only when
    its shape says isExpanded="true". Without the attribute it is collapsed, and bpmn-js's
    importer (SubprocessCompatibility) moves the shapes drawn inside it to the
    sub-process's own drill-down plane, so they are not drawn on this one either."""
    return kind in SUBPROCESSES and di.get("isExpanded") == "true"


def _bottom_markers(g: etree._Element, el: etree._Element | None, kind: str, box: Box,
                    collapsed: bool) -> bool:
    """Compensation, collapsed (+), loop, multi-instance and ad-hoc markers along the
    bottom edge, left to right as bpmn-js places them."""
    names: list[str] = []
    if el is not None and el.get("isForCompensation") == "true":
        names.append("compensation")
    if collapsed:
        names.append("collapsed")
    if el is not None:
        if el.find(_q(BPMN_NS, "standardLoopCharacteristics")) is not None:
            names.append("loop")
        mi = el.find(_q(BPMN_NS, "multiInstanceLoopCharacteristics"))
        if mi is not None:
            names.append("sequential" if mi.get("isSequential") == "true" else "parallel")
    if kind == "adHocSubProcess":
        names.append("adhoc")
    x = box.cx - (len(names) * 18 - 4) / 2
    y = box.y + box.h - 18
    for name in names:
        m = _add(g, "g", cls=f"marker marker-{name}", fill="none", stroke=STROKE,
                 stroke_width=1.5)
        if name == "compensation":  # two rewind triangles
            for dx in (0, 7):
                _add(m, "polygon", fill="#fff", stroke_width=1,
                     points=f"{_fmt(x + dx)},{_fmt(y + 7)} {_fmt(x + dx + 7)},{_fmt(y + 2)} "
                            f"{_fmt(x + dx + 7)},{_fmt(y + 12)}")
        elif name == "collapsed":
            _add(m, "rect", x=x, y=y, width=14, height=14, fill="#fff")
            _add(m, "path", d=f"M{_fmt(x + 7)},{_fmt(y + 3)} v8 M{_fmt(x + 3)},{_fmt(y + 7)} h8")
        elif name == "loop":
            _add(m, "path", d=f"M{_fmt(x + 4)},{_fmt(y + 12)} a5.5,5.5 0 1 1 6,0 "
                              f"M{_fmt(x + 10)},{_fmt(y + 8)} v4 h4")
        elif name in ("parallel", "sequential"):
            for i in (2, 7, 12):
                d = (f"M{_fmt(x + i)},{_fmt(y + 1)} v12" if name == "parallel"
                     else f"M{_fmt(x + 1)},{_fmt(y + i)} h12")
                _add(m, "path", d=d, stroke_width=2)
        else:
            _add(m, "path", d=f"M{_fmt(x)},{_fmt(y + 8)} q3.5,-5 7,0 q3.5,5 7,0")
        x += 18
    return bool(names)


def _event_definitions(el: etree._Element, ctx: Context) -> list[str]:
    kinds = [_local(c)[: -len("EventDefinition")] for c in el
             if isinstance(c.tag, str) and _local(c).endswith("EventDefinition")]
    for ref in el.findall(_q(BPMN_NS, "eventDefinitionRef")):
        target = ctx.elements.get((ref.text or "").strip())
        if target is not None and _local(target).endswith("EventDefinition"):
            kinds.append(_local(target)[: -len("EventDefinition")])
    return kinds


def _event_marker(g: etree._Element, kind: str, cx: float, cy: float, r: float,
                  filled: bool) -> None:
    fill = STROKE if filled else "#fff"
    m = _add(g, "g", cls=f"marker marker-{kind}", stroke=STROKE, stroke_width=1.5, fill=fill)
    s = r * 0.55

    def poly(points: list[tuple[float, float]]) -> None:
        _add(m, "polygon", points=" ".join(f"{_fmt(cx + px * s)},{_fmt(cy + py * s)}"
                                           for px, py in points))

    if kind == "timer":
        m.set("fill", "#fff")
        _add(m, "circle", cx=cx, cy=cy, r=s * 1.1)
        _add(m, "path", fill="none", d=f"M{_fmt(cx)},{_fmt(cy)} v{_fmt(-s * 0.8)} "
                                       f"M{_fmt(cx)},{_fmt(cy)} l{_fmt(s * 0.55)},{_fmt(s * 0.3)}")
    elif kind == "message":
        m.getparent().remove(m)
        _envelope(g, cx, cy, s * 2, filled, "marker marker-message")
    elif kind == "escalation":
        poly([(0, -1), (0.7, 0.9), (0, 0.2), (-0.7, 0.9)])
    elif kind == "error":
        poly([(-0.8, 0.9), (-0.3, -0.8), (0.2, 0.2), (0.8, -0.9), (0.3, 0.8), (-0.2, -0.2)])
    elif kind == "signal":
        poly([(0, -1), (0.9, 0.7), (-0.9, 0.7)])
    elif kind == "terminate":
        _add(m, "circle", cx=cx, cy=cy, r=r * 0.6, fill=STROKE)
    elif kind == "conditional":
        m.set("fill", "#fff")
        _add(m, "rect", x=cx - s * 0.7, y=cy - s * 0.9, width=s * 1.4, height=s * 1.8)
        for dy in (-0.5, 0, 0.5):
            _add(m, "path", d=f"M{_fmt(cx - s * 0.45)},{_fmt(cy + dy * s)} h{_fmt(s * 0.9)}")
    elif kind == "link":
        poly([(-0.8, -0.35), (0.2, -0.35), (0.2, -0.8), (0.9, 0), (0.2, 0.8), (0.2, 0.35),
              (-0.8, 0.35)])
    elif kind == "compensate":
        poly([(-0.9, 0), (0, -0.6), (0, 0.6)])
        poly([(0, 0), (0.9, -0.6), (0.9, 0.6)])
    elif kind == "cancel":
        k = s * 1.4
        _add(m, "path", stroke_width=3, d=f"M{_fmt(cx - k / 2)},{_fmt(cy - k / 2)} "
             f"l{_fmt(k)},{_fmt(k)} m0,{_fmt(-k)} l{_fmt(-k)},{_fmt(k)}")
    elif kind == "multiple":
        poly([(0, -0.9), (0.85, -0.25), (0.55, 0.8), (-0.55, 0.8), (-0.85, -0.25)])


# ------------------------------------------------------------------------ shapes


def _draw_pool(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
               ctx: Context) -> None:
    kind = _local(el) if el is not None else "participant"
    _add(g, "rect", cls="outline", x=box.x, y=box.y, width=box.w, height=box.h,
         fill="none" if kind == "lane" else "#fff", stroke=STROKE, stroke_width=1.5)
    name = _name(el, ctx)
    horizontal = di.get("isHorizontal", "true") != "false"
    # A black-box pool (no process inside) shows its name across the middle.
    black_box = kind == "participant" and el is not None and not el.get("processRef")
    if black_box:
        _text(g, name, box)
    elif horizontal:
        _add(g, "path", d=f"M{_fmt(box.x + BAND)},{_fmt(box.y)} v{_fmt(box.h)}",
             stroke=STROKE, stroke_width=1)
        _text(g, name, Box(box.x, box.y + 4, BAND, box.h - 8), rotate=True)
    else:
        _add(g, "path", d=f"M{_fmt(box.x)},{_fmt(box.y + BAND)} h{_fmt(box.w)}",
             stroke=STROKE, stroke_width=1)
        _text(g, name, Box(box.x + 4, box.y, box.w - 8, BAND))


def _draw_activity(g: etree._Element, el: etree._Element | None, di: etree._Element,
                   box: Box, ctx: Context) -> None:
    kind = _local(el) if el is not None else "task"
    is_sub = kind in SUBPROCESSES
    expanded = is_expanded(kind, di)
    dashed = el is not None and el.get("triggeredByEvent") == "true"  # event sub-process
    width = 4 if kind == "callActivity" else 1.5
    _add(g, "rect", cls="outline", x=box.x, y=box.y, width=box.w, height=box.h, rx=10,
         fill="#fff" if not expanded else "#fcfcfc", stroke=STROKE, stroke_width=width,
         stroke_dasharray="4 3" if dashed else None)
    if kind == "transaction":
        _add(g, "rect", x=box.x + 3, y=box.y + 3, width=box.w - 6, height=box.h - 6, rx=8,
             fill="none", stroke=STROKE, stroke_width=1)
    _task_marker(g, kind, box)
    has_bottom = _bottom_markers(g, el, kind, box, is_sub and not expanded)
    name = _name(el, ctx)
    if expanded:
        _text(g, name, Box(box.x + 8, box.y + 4, box.w - 16, 34), anchor="start", valign="top")
    else:
        top = 20 if kind in ("userTask", "sendTask", "receiveTask", "scriptTask",
                             "serviceTask", "manualTask", "businessRuleTask") else 4
        hosted = el is not None and el.get("id") in ctx.hosts
        bottom = 20 if has_bottom or hosted else 4
        _text(g, name, Box(box.x + 5, box.y + top, box.w - 10,
                           box.h - top - bottom))


def _draw_event(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
                ctx: Context) -> None:
    kind = _local(el) if el is not None else "intermediateCatchEvent"
    r = min(box.w, box.h) / 2
    cx, cy = box.cx, box.cy
    non_interrupting = el is not None and (
        el.get("cancelActivity") == "false" or el.get("isInterrupting") == "false")
    dash = "4 2.5" if non_interrupting else None
    width = {"startEvent": 1.5, "endEvent": 4}.get(kind, 1.5)
    _add(g, "circle", cls="outline", cx=cx, cy=cy, r=r, fill="#fff", stroke=STROKE,
         stroke_width=width, stroke_dasharray=dash)
    if kind not in ("startEvent", "endEvent"):
        _add(g, "circle", cx=cx, cy=cy, r=max(r - 3, 1), fill="none", stroke=STROKE,
             stroke_width=1.2, stroke_dasharray=dash)
    defs = _event_definitions(el, ctx) if el is not None else []
    if len(defs) > 1:
        defs = ["multiple"]
    filled = kind in ("endEvent", "intermediateThrowEvent", "implicitThrowEvent")
    if defs:
        _event_marker(g, defs[0], cx, cy, r, filled)
    _outside_label(g, _name(el, ctx), di, box)


def _draw_gateway(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
                  ctx: Context) -> None:
    kind = _local(el) if el is not None else "gateway"
    cx, cy, hw, hh = box.cx, box.cy, box.w / 2, box.h / 2
    _add(g, "polygon", cls="outline", fill="#fff", stroke=STROKE, stroke_width=1.5,
         points=f"{_fmt(cx)},{_fmt(box.y)} {_fmt(box.x + box.w)},{_fmt(cy)} "
                f"{_fmt(cx)},{_fmt(box.y + box.h)} {_fmt(box.x)},{_fmt(cy)}")
    s = min(hw, hh) * 0.45
    name = kind.removesuffix("Gateway") or "gateway"
    m = _add(g, "g", cls=f"marker marker-{name}", fill="none", stroke=STROKE, stroke_width=3.5)
    # Exclusive gateways always show their X: one look for one meaning, whatever
    # the modeler wrote in isMarkerVisible.
    if kind == "exclusiveGateway":
        _add(m, "path", d=f"M{_fmt(cx - s * .75)},{_fmt(cy - s * .75)} l{_fmt(s * 1.5)},"
                          f"{_fmt(s * 1.5)} m0,{_fmt(-s * 1.5)} l{_fmt(-s * 1.5)},{_fmt(s * 1.5)}")
    elif kind in ("parallelGateway", "complexGateway"):
        d = f"M{_fmt(cx)},{_fmt(cy - s)} v{_fmt(2 * s)} M{_fmt(cx - s)},{_fmt(cy)} h{_fmt(2 * s)}"
        if kind == "complexGateway":
            k = s * 0.7
            d += (f" M{_fmt(cx - k)},{_fmt(cy - k)} l{_fmt(2 * k)},{_fmt(2 * k)}"
                  f" M{_fmt(cx + k)},{_fmt(cy - k)} l{_fmt(-2 * k)},{_fmt(2 * k)}")
        _add(m, "path", d=d)
    elif kind == "inclusiveGateway":
        _add(m, "circle", cx=cx, cy=cy, r=s * 0.95, stroke_width=2.5)
    elif kind == "eventBasedGateway":
        m.set("stroke-width", "1.2")
        _add(m, "circle", cx=cx, cy=cy, r=s * 1.15)
        _add(m, "circle", cx=cx, cy=cy, r=s * 0.95)
        pts = [(cx + s * 0.6 * math.sin(a * 2 * math.pi / 5),
                cy - s * 0.6 * math.cos(a * 2 * math.pi / 5)) for a in range(5)]
        _add(m, "polygon", points=" ".join(f"{_fmt(px)},{_fmt(py)}" for px, py in pts))
    _outside_label(g, _name(el, ctx), di, box)


def _draw_data(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
               ctx: Context) -> None:
    kind = _local(el) if el is not None else "dataObject"
    x, y, w, h = box.x, box.y, box.w, box.h
    if kind in DATA_STORES:
        e = min(h * 0.15, 8)  # cylinder: top ellipse, sides, bottom arc
        _add(g, "path", cls="outline", fill="#fff", stroke=STROKE, stroke_width=1.5,
             d=f"M{_fmt(x)},{_fmt(y + e)} a{_fmt(w / 2)},{_fmt(e)} 0 0 1 {_fmt(w)},0 "
               f"v{_fmt(h - 2 * e)} a{_fmt(w / 2)},{_fmt(e)} 0 0 1 {_fmt(-w)},0 z")
        for k in (1, 2):
            _add(g, "path", fill="none", stroke=STROKE, stroke_width=1,
                 d=f"M{_fmt(x)},{_fmt(y + e * k)} a{_fmt(w / 2)},{_fmt(e)} 0 0 0 {_fmt(w)},0")
    else:
        f = min(w, h) * 0.3  # folded corner
        _add(g, "path", cls="outline", fill="#fff", stroke=STROKE, stroke_width=1.5,
             d=f"M{_fmt(x)},{_fmt(y)} h{_fmt(w - f)} l{_fmt(f)},{_fmt(f)} v{_fmt(h - f)} "
               f"h{_fmt(-w)} z M{_fmt(x + w - f)},{_fmt(y)} v{_fmt(f)} h{_fmt(f)}")
        if kind in ("dataInput", "dataOutput"):
            m = _add(g, "g", cls=f"marker marker-{kind}", stroke=STROKE,
                     fill=STROKE if kind == "dataOutput" else "#fff")
            _add(m, "path", d=f"M{_fmt(x + 4)},{_fmt(y + 6)} h5 v-3 l5,5 l-5,5 v-3 h-5 z")
    _outside_label(g, _name(el, ctx), di, box)


def _draw_annotation(g: etree._Element, el: etree._Element | None, di: etree._Element,
                     box: Box, ctx: Context) -> None:
    _add(g, "rect", x=box.x, y=box.y, width=box.w, height=box.h, fill="none", stroke="none")
    _add(g, "path", cls="line", fill="none", stroke=STROKE, stroke_width=1.5,
         d=f"M{_fmt(box.x + 12)},{_fmt(box.y)} h-12 v{_fmt(box.h)} h12")
    _text(g, _name(el, ctx), Box(box.x + 6, box.y + 3, box.w - 8, box.h - 6),
          anchor="start", valign="top")


def _draw_group(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
                ctx: Context) -> None:
    _add(g, "rect", cls="outline", x=box.x, y=box.y, width=box.w, height=box.h, rx=10,
         fill="none", stroke=STROKE, stroke_width=1.5, stroke_dasharray="10 4 2 4")
    label = _label_box(di) or Box(box.x + 4, box.y + 4, box.w - 8, 36)
    _text(g, _name(el, ctx), label, valign="top")


def _draw_other(g: etree._Element, el: etree._Element | None, di: etree._Element, box: Box,
                ctx: Context) -> None:
    """Anything we do not know, including DI that points at a missing element."""
    kind = _local(el) if el is not None else "unknown"
    if kind in CONVERSATIONS:
        k = box.w / 4
        pts = [(box.x + k, box.y), (box.x + 3 * k, box.y), (box.x + box.w, box.cy),
               (box.x + 3 * k, box.y + box.h), (box.x + k, box.y + box.h), (box.x, box.cy)]
        _add(g, "polygon", cls="outline", fill="#fff", stroke=STROKE, stroke_width=1.5,
             points=" ".join(f"{_fmt(px)},{_fmt(py)}" for px, py in pts))
        _outside_label(g, _name(el, ctx), di, box)
        return
    _add(g, "rect", cls="outline", x=box.x, y=box.y, width=box.w, height=box.h, rx=4,
         fill="#fff", stroke="#777", stroke_width=1, stroke_dasharray="3 3")
    _text(g, _name(el, ctx), Box(box.x + 4, box.y + 4, box.w - 8, box.h - 8))


def _outside_label(g: etree._Element, name: str, di: etree._Element, box: Box) -> None:
    """Events, gateways and data sit their names outside: at BPMNLabel, else below."""
    label = _label_box(di)
    if label is None:
        label = Box(box.cx - 55, box.y + box.h + 4, 110, 4 * FONT_SIZE * LINE_HEIGHT)
    else:
        # Modelers size these boxes with their own fonts; let Thai grow downwards.
        label = Box(label.cx - max(label.w, 90) / 2, label.y, max(label.w, 90),
                    max(label.h, 4 * FONT_SIZE * LINE_HEIGHT))
    _text(g, name, label, valign="top", halo=True)


Drawer = Callable[[etree._Element, "etree._Element | None", etree._Element, Box, Context], None]


def _drawer(kind: str) -> Drawer:
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


# ------------------------------------------------------------------------- edges


def _draw_edge(g: etree._Element, el: etree._Element | None, di: etree._Element,
               ctx: Context) -> None:
    points = _waypoints(di)
    if len(points) < 2:
        return
    kind = _local(el) if el is not None else "unknown"
    attrs: dict[str, object] = {"fill": "none", "stroke": STROKE, "stroke_width": 1.5}
    if kind == "sequenceFlow":
        attrs["marker_end"] = "url(#govflow-arrow)"
        source = ctx.elements.get(el.get("sourceRef") or "") if el is not None else None
        from_gateway = source is not None and _local(source).endswith("Gateway")
        if el is not None and el.find(_q(BPMN_NS, "conditionExpression")) is not None \
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
    line = _add(g, "polyline", cls="line",
                points=" ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points), **attrs)
    g.insert(0, line)  # under the default-flow slash
    name = _name(el, ctx)
    if name:
        label = _label_box(di)
        if label is None:
            mx, my = _midpoint(points)
            label = Box(mx - 55, my - 2 * FONT_SIZE * LINE_HEIGHT - 4, 110,
                        2 * FONT_SIZE * LINE_HEIGHT)
        else:
            label = Box(label.cx - max(label.w, 90) / 2, label.y, max(label.w, 90),
                        max(label.h, 3 * FONT_SIZE * LINE_HEIGHT))
        _text(g, name, label, valign="top", halo=True)


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
    _add(g, "path", cls="line marker-default", stroke=STROKE, stroke_width=1.5,
         d=f"M{_fmt(px - vx * 6)},{_fmt(py - vy * 6)} L{_fmt(px + vx * 6)},{_fmt(py + vy * 6)}")


def _defs(svg: etree._Element) -> None:
    defs = _add(svg, "defs")
    _add(defs, "style").text = STYLE

    def marker(mid: str, w: float, ref_x: float, draw: dict[str, object], tag: str) -> None:
        m = _add(defs, "marker", id=mid, viewBox=f"0 0 {_fmt(w)} {_fmt(w)}", refX=ref_x,
                 refY=w / 2, markerWidth=w, markerHeight=w, markerUnits="userSpaceOnUse",
                 orient="auto-start-reverse" if mid == "govflow-line-arrow" else "auto")
        _add(m, tag, **draw)

    marker("govflow-arrow", 11, 10.5, {"d": "M0.5,1 L10.5,5.5 L0.5,10 z", "fill": STROKE}, "path")
    marker("govflow-open-arrow", 11, 10.5, {"d": "M0.5,1 L10.5,5.5 L0.5,10 z", "fill": "#fff",
                                              "stroke": STROKE}, "path")
    marker("govflow-line-arrow", 11, 10.5, {"d": "M0.5,1 L10.5,5.5 L0.5,10", "fill": "none",
                                              "stroke": STROKE}, "path")
    marker("govflow-circle", 10, 5, {"cx": 5, "cy": 5, "r": 3.5, "fill": "#fff",
                                     "stroke": STROKE}, "circle")
    marker("govflow-condition", 16, 0.5, {"d": "M0.5,8 L8,4 L15.5,8 L8,12 z", "fill": "#fff",
                                          "stroke": STROKE}, "path")


# ------------------------------------------------------------------------- public


def _index(root: etree._Element) -> dict[str, etree._Element]:
    """Model elements by id; BPMN-namespace elements win over extensions."""
    found: dict[str, etree._Element] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or not el.get("id"):
            continue
        ns = etree.QName(el).namespace
        if ns in (BPMNDI_NS, DC_NS, DI_NS):
            continue
        if el.get("id") not in found or ns == BPMN_NS:
            found[el.get("id")] = el
    return found


def _layer(di: etree._Element, el: etree._Element | None) -> tuple[int, float]:
    """Draw order: pools, lanes, open sub-processes (largest first), nodes, edges, the rest."""
    if _local(di) == "BPMNEdge":
        return 4, 0
    kind = _local(el) if el is not None else ""
    box = _bounds(di)
    area = box.w * box.h if box else 0.0
    if kind == "participant":
        return 0, -area
    if kind == "lane":
        return 1, -area
    if is_expanded(kind, di):
        return 2, -area
    if kind in ("boundaryEvent", "group"):
        return 5, 0
    return 3, 0


def _extent(plane: etree._Element) -> Box:
    xs: list[float] = []
    ys: list[float] = []
    for di in plane.iter(_q(BPMNDI_NS, "BPMNShape"), _q(BPMNDI_NS, "BPMNEdge")):
        for box in (_bounds(di), _label_box(di)):
            if box is not None:
                xs += [box.x, box.x + box.w]
                ys += [box.y, box.y + box.h]
        for x, y in _waypoints(di):
            xs.append(x)
            ys.append(y)
    if not xs:
        return Box(0, 0, 100, 100)
    return Box(min(xs) - MARGIN, min(ys) - MARGIN, max(xs) - min(xs) + 2 * MARGIN,
               max(ys) - min(ys) + 2 * MARGIN)


def render_svg(tree: etree._ElementTree, *, state: Mapping[str, str] | None = None,
               diagram_index: int = 0) -> str:
    """Draw diagram number `diagram_index` of a parsed BPMN file as SVG text.

    `state` maps element ids to "completed", "active" or "overdue"; other values
    are ignored so that a stale state never breaks the drawing.
    """
    root = tree.getroot()
    diagrams = list(root.iter(_q(BPMNDI_NS, "BPMNDiagram")))
    if not diagrams:
        raise DiagramError("this file has no diagram (BPMNDI) to draw")
    if not 0 <= diagram_index < len(diagrams):
        raise DiagramError(f"this file has {len(diagrams)} diagram(s); there is no diagram "
                           f"number {diagram_index + 1}")
    plane = diagrams[diagram_index].find(_q(BPMNDI_NS, "BPMNPlane"))
    items = [] if plane is None else list(
        plane.iter(_q(BPMNDI_NS, "BPMNShape"), _q(BPMNDI_NS, "BPMNEdge")))
    if plane is None or not items:
        raise DiagramError("this file has no diagram (BPMNDI) to draw")

    elements = _index(root)
    hosts = frozenset(el.get("attachedToRef") or "" for el in elements.values()
                      if _local(el) == "boundaryEvent")
    ctx = Context(elements, state or {}, hosts)
    view = _extent(plane)
    svg = etree.Element(_q(SVG_NS, "svg"), nsmap={None: SVG_NS})
    for key, value in (("class", "bpmn-diagram"), ("width", _fmt(view.w)),
                       ("height", _fmt(view.h)), ("font-family", FONT_FAMILY),
                       ("viewBox", " ".join(_fmt(v) for v in (view.x, view.y, view.w, view.h)))):
        svg.set(key, value)
    title = diagrams[diagram_index].get("name") or _name(_plane_element(plane, ctx), ctx)
    if title:
        _add(svg, "title").text = title
    _defs(svg)
    _add(svg, "rect", x=view.x, y=view.y, width=view.w, height=view.h, fill="#fff")

    def resolve(di: etree._Element) -> tuple[str, etree._Element | None]:
        ref = di.get("bpmnElement") or di.get("id") or ""
        el = ctx.elements.get(ref)
        if el is None and ":" in ref:  # a QName like "ns:id" from some exporters
            el = ctx.elements.get(ref.split(":", 1)[1])
        return ref, el

    resolved = [(di, *resolve(di)) for di in items]
    ctx.plane_id = plane.get("bpmnElement") or ""
    ctx.collapsed = frozenset(
        ref for di, ref, el in resolved
        if el is not None and _local(el) in SUBPROCESSES and not is_expanded(_local(el), di))
    resolved.sort(key=lambda item: _layer(item[0], item[2]))
    for di, ref, el in resolved:
        _draw_item(svg, di, ref, el, ctx)
    return etree.tostring(svg, encoding="unicode", xml_declaration=False)


def _plane_element(plane: etree._Element, ctx: Context) -> etree._Element | None:
    return ctx.elements.get(plane.get("bpmnElement") or "")


def _inside_collapsed(el: etree._Element | None, ctx: Context) -> bool:
    """Whether `el` sits inside a sub-process drawn collapsed here (bpmn-js moves it to that
    sub-process's own plane). Data associations stay, as bpmn-js keeps them (#1619)."""
    if el is None or not ctx.collapsed or _local(el) in (
            "dataInputAssociation", "dataOutputAssociation"):
        return False
    parent = el.getparent()
    while parent is not None and parent.get("id") != ctx.plane_id:
        if parent.get("id") in ctx.collapsed and _local(parent) in SUBPROCESSES:
            return True
        parent = parent.getparent()
    return False


def _draw_item(svg: etree._Element, di: etree._Element, ref: str,
               el: etree._Element | None, ctx: Context) -> None:
    is_edge = _local(di) == "BPMNEdge"
    kind = _local(el) if el is not None else "unknown"
    classes = ["bpmn-edge" if is_edge else "bpmn-shape", f"bpmn-{kind}"]
    state = ctx.state.get(ref)
    if state in STATES:
        classes.append(f"state-{state}")
    g = _add(svg, "g", cls=" ".join(classes))
    g.set("data-element-id", ref)
    if _inside_collapsed(el, ctx):
        g.set("class", g.get("class") + " bpmn-hidden")  # kept, empty, so pages find it
        return
    if is_edge:
        _draw_edge(g, el, di, ctx)
        return
    box = _bounds(di)
    if box is None:
        return  # keep the (empty) group so the element can still be found
    _drawer(kind)(g, el, di, box, ctx)
    if state == "completed" and kind not in ("participant", "lane"):
        # A check mark, so "done" does not rest on colour alone.
        bx, by = box.x + box.w, box.y
        _add(g, "circle", cls="state-badge", cx=bx - 2, cy=by + 2, r=7)
        _add(g, "path", cls="state-check", fill="none",
             d=f"M{_fmt(bx - 6)},{_fmt(by + 2)} l3,3 l5,-6")


def render_file(path: Path, **kw: object) -> str:
    """Read and draw a BPMN file; unreadable XML raises `BpmnLoadError`."""
    path = Path(path)
    tree = read_xml(path.read_bytes(), str(path))
    return render_svg(tree, **kw)  # type: ignore[arg-type]
