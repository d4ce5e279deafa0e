"""The diagram's building blocks: boxes, the drawing context, reading BPMNDI bounds and
waypoints, and writing SVG elements."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from engine.bpmn.xml_names import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, local_name

__all__ = ["SVG_NS", "Box", "Context", "add", "bounds", "element_name", "fmt", "label_box",
           "qname", "waypoints"]

SVG_NS = "http://www.w3.org/2000/svg"


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
    # Names to show instead of the file's, by element id (e.g. with placeholders filled).
    labels: Mapping[str, str] = field(default_factory=dict)
    # What a compared version added, removed or changed, by element id.
    changes: Mapping[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------------ helpers


def qname(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def fmt(v: float) -> str:
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _num(value: str | None) -> float | None:
    try:
        v = float(value) if value is not None else None
    except ValueError:
        return None
    return v if v is not None and math.isfinite(v) else None


def add(parent: etree._Element, tag: str, **attrs: object) -> etree._Element:
    """Append an SVG element; `stroke_width=` becomes `stroke-width=`."""
    el = etree.SubElement(parent, qname(SVG_NS, tag))
    for key, value in attrs.items():
        if value is None:
            continue
        name = "class" if key == "cls" else key.replace("_", "-")
        el.set(name, fmt(value) if isinstance(value, float | int) else str(value))
    return el


def bounds(el: etree._Element | None) -> Box | None:
    b = el.find(qname(DC_NS, "Bounds")) if el is not None else None
    if b is None:
        return None
    x, y, w, h = (_num(b.get(k)) for k in ("x", "y", "width", "height"))
    if x is None or y is None or w is None or h is None:
        return None
    return Box(x, y, abs(w), abs(h))


def waypoints(edge: etree._Element) -> list[tuple[float, float]]:
    points = []
    for wp in edge.findall(qname(DI_NS, "waypoint")):
        x, y = _num(wp.get("x")), _num(wp.get("y"))
        if x is not None and y is not None:
            points.append((x, y))
    return points


def label_box(di: etree._Element) -> Box | None:
    return bounds(di.find(qname(BPMNDI_NS, "BPMNLabel")))


def element_name(el: etree._Element | None, ctx: Context) -> str:
    if el is None:
        return ""
    label = ctx.labels.get(el.get("id") or "")
    if label is not None:
        return label.strip()
    kind = local_name(el)
    if kind == "textAnnotation":
        return (el.findtext(qname(BPMN_NS, "text")) or "").strip()
    if kind == "group":  # a group's name lives in the category value it points to
        value = ctx.elements.get(el.get("categoryValueRef") or "")
        return (value.get("value") or "") if value is not None else ""
    return (el.get("name") or "").strip()
