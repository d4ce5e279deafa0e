"""Draw one diagram of a parsed BPMN file as SVG text: the entry to engine.bpmn.diagram."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from lxml import etree

from engine.bpmn.diagram.change_marks import CHANGE_KINDS, mark_change
from engine.bpmn.diagram.edges import add_defs, draw_edge
from engine.bpmn.diagram.kinds import SUBPROCESSES, is_expanded
from engine.bpmn.diagram.primitives import (
    SVG_NS,
    Box,
    Context,
    add,
    bounds,
    element_name,
    fmt,
    label_box,
    qname,
    waypoints,
)
from engine.bpmn.diagram.shapes import drawer_for
from engine.bpmn.diagram.style import DONE, FONT_FAMILY, MARGIN, STATES, paint_state
from engine.bpmn.loading.safe_xml import read_xml
from engine.bpmn.xml_names import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, local_name
from engine.core.errors import DiagramError

__all__ = ["CURRENT_ID", "CURRENT_STATES", "render_file", "render_svg"]

#: The id of the current step's group, so a page can link to it and scroll it into view.
CURRENT_ID = "diagram-current"
#: The states of a step that is waiting for someone now.
CURRENT_STATES = ("active", "overdue")


def _index(root: etree._Element) -> dict[str, etree._Element]:
    """Model elements by id; BPMN-namespace elements win over extensions."""
    found: dict[str, etree._Element] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        el_id = el.get("id")
        if not el_id:
            continue
        ns = etree.QName(el).namespace
        if ns in (BPMNDI_NS, DC_NS, DI_NS):
            continue
        if el_id not in found or ns == BPMN_NS:
            found[el_id] = el
    return found


def _layer(di: etree._Element, el: etree._Element | None) -> tuple[int, float]:
    """Draw order: pools, lanes, open sub-processes (largest first), nodes, edges, the rest."""
    if local_name(di) == "BPMNEdge":
        return 4, 0
    kind = local_name(el) if el is not None else ""
    box = bounds(di)
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
    for di in plane.iter(qname(BPMNDI_NS, "BPMNShape"), qname(BPMNDI_NS, "BPMNEdge")):
        for box in (bounds(di), label_box(di)):
            if box is not None:
                xs += [box.x, box.x + box.w]
                ys += [box.y, box.y + box.h]
        for x, y in waypoints(di):
            xs.append(x)
            ys.append(y)
    if not xs:
        return Box(0, 0, 100, 100)
    return Box(min(xs) - MARGIN, min(ys) - MARGIN, max(xs) - min(xs) + 2 * MARGIN,
               max(ys) - min(ys) + 2 * MARGIN)


def render_svg(tree: etree._ElementTree, *, state: Mapping[str, str] | None = None,
               labels: Mapping[str, str] | None = None, diagram_index: int = 0,
               changes: Mapping[str, str] | None = None, id_prefix: str = "") -> str:
    """Draw diagram number `diagram_index` of a parsed BPMN file as SVG text.

    `state` maps element ids to "completed", "active" or "overdue"; other values
    are ignored so that a stale state never breaks the drawing. The first active or
    overdue step's group gets the id `CURRENT_ID`. `labels` maps element ids to the
    names to write instead of the file's (names are text: escaped, never markup).
    `changes` maps element ids to "added", "removed" or "changed", for comparing two
    versions (engine/bpmn/diagram/change_marks.py); other values are ignored.
    `id_prefix` goes before every id the SVG defines (and every reference to one), so two
    drawings can sit in one page without sharing ids.

    The SVG fits the width of whatever holds it (width 100%, its height from the viewBox).
    """
    root = tree.getroot()
    diagrams = list(root.iter(qname(BPMNDI_NS, "BPMNDiagram")))
    if not diagrams:
        raise DiagramError("this file has no diagram (BPMNDI) to draw")
    if not 0 <= diagram_index < len(diagrams):
        raise DiagramError(f"this file has {len(diagrams)} diagram(s); there is no diagram "
                           f"number {diagram_index + 1}")
    plane = diagrams[diagram_index].find(qname(BPMNDI_NS, "BPMNPlane"))
    items = [] if plane is None else list(
        plane.iter(qname(BPMNDI_NS, "BPMNShape"), qname(BPMNDI_NS, "BPMNEdge")))
    if plane is None or not items:
        raise DiagramError("this file has no diagram (BPMNDI) to draw")

    elements = _index(root)
    hosts = frozenset(el.get("attachedToRef") or "" for el in elements.values()
                      if local_name(el) == "boundaryEvent")
    ctx = Context(elements, state or {}, hosts, labels=labels or {}, changes=changes or {})
    view = _extent(plane)
    svg = etree.Element(qname(SVG_NS, "svg"), nsmap={None: SVG_NS})
    for key, value in (("class", "bpmn-diagram"), ("width", "100%"), ("role", "img"),
                       ("font-family", FONT_FAMILY),
                       ("viewBox", " ".join(fmt(v) for v in (view.x, view.y, view.w, view.h)))):
        svg.set(key, value)
    # Its accessible name: role="img" takes it from <title>.
    add(svg, "title").text = _title(diagrams[diagram_index], plane, ctx)
    add_defs(svg)
    add(svg, "rect", x=view.x, y=view.y, width=view.w, height=view.h, fill="#fff")

    def resolve(di: etree._Element) -> tuple[str, etree._Element | None]:
        ref = di.get("bpmnElement") or di.get("id") or ""
        el = ctx.elements.get(ref)
        if el is None and ":" in ref:  # a QName like "ns:id" from some exporters
            el = ctx.elements.get(ref.split(":", 1)[1])
        return ref, el

    resolved = [(di, *resolve(di)) for di in items]
    current = [ref for _, ref, _ in resolved if ctx.state.get(ref) in CURRENT_STATES]
    ctx.plane_id = plane.get("bpmnElement") or ""
    ctx.collapsed = frozenset(
        ref for di, ref, el in resolved
        if el is not None and local_name(el) in SUBPROCESSES
        and not is_expanded(local_name(el), di))
    resolved.sort(key=lambda item: _layer(item[0], item[2]))
    for di, ref, el in resolved:
        _draw_item(svg, di, ref, el, ctx)
    _mark_current(svg, current)
    if id_prefix:
        _prefix_ids(svg, id_prefix)
    return etree.tostring(svg, encoding="unicode")


def _prefix_ids(svg: etree._Element, prefix: str) -> None:
    for el in svg.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            if name == "id":
                el.set(name, prefix + value)
            elif "url(#" in value:
                el.set(name, value.replace("url(#", f"url(#{prefix}"))


def _mark_current(svg: etree._Element, current: list[str]) -> None:
    """The first current step, in the file's order, gets CURRENT_ID."""
    if not current:
        return
    for g in svg.iter(qname(SVG_NS, "g")):
        if g.get("data-element-id") == current[0]:
            g.set("id", CURRENT_ID)
            return


def _title(diagram: etree._Element, plane: etree._Element, ctx: Context) -> str:
    """The diagram's name, else its process's or collaboration's, else its first
    named process."""
    named = (diagram.get("name") or "").strip() or element_name(
        ctx.elements.get(plane.get("bpmnElement") or ""), ctx)
    if not named:
        named = next((element_name(el, ctx) for el in ctx.elements.values()
                      if local_name(el) == "process" and element_name(el, ctx)), "")
    return named or "BPMN"


def _inside_collapsed(el: etree._Element | None, ctx: Context) -> bool:
    """Whether `el` sits inside a sub-process drawn collapsed here (bpmn-js moves it to that
    sub-process's own plane). Data associations stay, as bpmn-js keeps them (#1619)."""
    if el is None or not ctx.collapsed or local_name(el) in (
            "dataInputAssociation", "dataOutputAssociation"):
        return False
    parent = el.getparent()
    while parent is not None and parent.get("id") != ctx.plane_id:
        if parent.get("id") in ctx.collapsed and local_name(parent) in SUBPROCESSES:
            return True
        parent = parent.getparent()
    return False


def _draw_item(svg: etree._Element, di: etree._Element, ref: str,
               el: etree._Element | None, ctx: Context) -> None:
    is_edge = local_name(di) == "BPMNEdge"
    kind = local_name(el) if el is not None else "unknown"
    classes = ["bpmn-edge" if is_edge else "bpmn-shape", f"bpmn-{kind}"]
    state = ctx.state.get(ref)
    if state in STATES:
        classes.append(f"state-{state}")
    g = add(svg, "g", cls=" ".join(classes))
    g.set("data-element-id", ref)
    if _inside_collapsed(el, ctx):
        g.set("class", g.get("class", "") + " bpmn-hidden")  # kept, empty, so pages find it
        return
    change = ctx.changes.get(ref)
    if is_edge:
        draw_edge(g, el, di, ctx)
        if state in STATES:
            paint_state(g, state)
        if change in CHANGE_KINDS:
            mark_change(g, change, None)
        return
    box = bounds(di)
    if box is None:
        return  # keep the (empty) group so the element can still be found
    drawer_for(kind)(g, el, di, box, ctx)
    if state in STATES:
        paint_state(g, state)
    if change in CHANGE_KINDS:
        mark_change(g, change, box)
    if state == "completed" and kind not in ("participant", "lane"):
        # A check mark, so "done" does not rest on colour alone.
        bx, by = box.x + box.w, box.y
        add(g, "circle", cls="state-badge", cx=bx - 2, cy=by + 2, r=7, fill="#fff",
            stroke=DONE, stroke_width=2)
        add(g, "path", cls="state-check", fill="none", stroke=DONE, stroke_width=2.5,
            d=f"M{fmt(bx - 6)},{fmt(by + 2)} l3,3 l5,-6")


def render_file(path: Path, **kw: object) -> str:
    """Read and draw a BPMN file; unreadable XML raises `BpmnLoadError`."""
    path = Path(path)
    tree = read_xml(path.read_bytes(), str(path))
    return render_svg(tree, **kw)  # type: ignore[arg-type]
