"""SVG rendering of BPMN diagrams: our processes, Thai wrapping, state, the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn.diagram.render import render_file, render_svg
from engine.bpmn.loading.safe_xml import read_xml
from engine.core.errors import BpmnLoadError, DiagramError
from engine.thai.label_wrap import wrap_text
from tests.conftest import CORPORA, corpus_params

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
SVG = "http://www.w3.org/2000/svg"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
NS = {"s": SVG}
THAI_COMBINING = {0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)}


def parse_svg(text: str) -> etree._Element:
    # The same hardened parser we use for BPMN input.
    return read_xml(text.encode("utf-8"), "out.svg").getroot()


def di_refs(tree: etree._ElementTree, kinds: tuple[str, ...] = ("BPMNShape", "BPMNEdge"),
            diagram: etree._Element | None = None) -> set[str]:
    scope = diagram if diagram is not None else tree.getroot()
    return {el.get("bpmnElement") for kind in kinds
            for el in scope.iter(f"{{{BPMNDI}}}{kind}") if el.get("bpmnElement")}


def group_ids(svg: etree._Element) -> set[str]:
    return {g.get("data-element-id") for g in svg.iter(f"{{{SVG}}}g")
            if g.get("data-element-id") is not None}


def group(svg: etree._Element, element_id: str) -> etree._Element:
    found = [g for g in svg.iter(f"{{{SVG}}}g") if g.get("data-element-id") == element_id]
    assert found, element_id
    return found[0]


def tspans(svg: etree._Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{{{SVG}}}tspan")]


def assert_self_contained(text: str, svg: etree._Element) -> None:
    assert not list(svg.iter(f"{{{SVG}}}script"))
    assert not any(isinstance(el.tag, str) and etree.QName(el).localname.lower() == "script"
                   for el in svg.iter())
    for el in svg.iter():
        for name, value in el.attrib.items():
            assert "href" not in name, (el.tag, name)
            assert not name.startswith("on"), (el.tag, name)
            assert "url(" not in value or value.startswith("url(#"), (el.tag, value)
            assert "http" not in value, (el.tag, name, value)


# ----------------------------------------------------------------- our processes


@pytest.mark.parametrize("name", ["complaint.bpmn", "publishing.bpmn"])
def test_our_processes_render(name: str) -> None:
    path = PROCESSES / name
    tree = read_xml(path.read_bytes(), name)
    text = render_file(path)
    svg = parse_svg(text)
    assert etree.QName(svg).localname == "svg"
    assert di_refs(tree) <= group_ids(svg)
    assert_self_contained(text, svg)
    assert text.replace(SVG, "").count("http") == 0
    # Every line of text stays clear of a leading combining mark.
    for line in tspans(svg):
        assert line and ord(line[0]) not in THAI_COMBINING, repr(line)


def test_thai_task_name_is_written() -> None:
    svg = parse_svg(render_file(PROCESSES / "complaint.bpmn"))
    triage = group(svg, "triage")
    assert "bpmn-userTask" in triage.get("class").split()
    assert triage.find(".//s:g[@class='marker marker-user']", NS) is not None
    words = "".join(t.text or "" for t in triage.iter(f"{{{SVG}}}tspan"))
    assert "พิจารณาคัดกรอง" in words.replace(" ", "") or any(
        "พิจารณา" in t for t in tspans(svg))


def test_timer_boundary_events_have_timer_marker() -> None:
    tree = read_xml((PROCESSES / "complaint.bpmn").read_bytes(), "complaint.bpmn")
    bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL"
    timers = [b.get("id") for b in tree.getroot().iter(f"{{{bpmn}}}boundaryEvent")
              if b.find(f"{{{bpmn}}}timerEventDefinition") is not None]
    assert timers
    svg = parse_svg(render_svg(tree))
    for timer in timers:
        g = group(svg, timer)
        assert "bpmn-boundaryEvent" in g.get("class").split()
        assert g.find(".//s:g[@class='marker marker-timer']", NS) is not None, timer


def test_gateways_and_flows() -> None:
    svg = parse_svg(render_file(PROCESSES / "complaint.bpmn"))
    gateways = [g for g in svg.iter(f"{{{SVG}}}g")
                if "bpmn-exclusiveGateway" in (g.get("class") or "").split()]
    assert gateways
    assert all(g.find(".//s:g[@class='marker marker-exclusive']", NS) is not None
               for g in gateways)
    flows = [g for g in svg.iter(f"{{{SVG}}}g")
             if "bpmn-sequenceFlow" in (g.get("class") or "").split()]
    assert flows
    for flow in flows:
        line = flow.find("s:polyline", NS)
        assert line is not None and line.get("marker-end") == "url(#govflow-arrow)"
    assert svg.find(".//s:marker[@id='govflow-arrow']", NS) is not None
    lanes = [g for g in svg.iter(f"{{{SVG}}}g") if "bpmn-lane" in (g.get("class") or "")]
    assert lanes and all(g.find("s:text", NS).get("transform", "").startswith("rotate(-90")
                         for g in lanes)


# ------------------------------------------------------------------------- text


def test_long_thai_name_wraps_without_leading_marks() -> None:
    name = "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้นและแจ้งผู้ถูกร้องเรียนที่เกี่ยวข้องทั้งหมด"
    lines = wrap_text(name, 90)
    assert len(lines) > 1
    assert "".join(lines) == name
    for line in lines:
        assert ord(line[0]) not in THAI_COMBINING, repr(line)
        assert line[0] not in "ะาำ", repr(line)
        assert line[-1] not in "เแโใไ", repr(line)


def test_long_thai_name_in_svg_gives_several_tspans() -> None:
    name = "ผู้อำนวยการกลุ่มส่งเสริมการศึกษาทางไกลพิจารณาอนุมัติเผยแพร่ข้อมูลข่าวสาร"
    svg = parse_svg(render_svg(_one_task(name)))
    lines = [t.text for t in group(svg, "t1").iter(f"{{{SVG}}}tspan")]
    assert len(lines) > 1
    for line in lines:
        assert line and ord(line[0]) not in THAI_COMBINING, repr(line)


def test_spaces_are_preferred_break_points() -> None:
    assert wrap_text("Review the complaint", 80) == ["Review the", "complaint"]


def test_overlong_text_is_shrunk_and_ellipsized() -> None:
    svg = parse_svg(render_svg(_one_task("ก" * 400)))
    g = group(svg, "t1")
    text = g.find("s:text", NS)
    assert float(text.get("font-size")) < 12
    lines = [t.text for t in text.iter(f"{{{SVG}}}tspan")]
    assert lines[-1].endswith("…")


def test_markup_in_names_is_escaped() -> None:
    name = "<script>alert(1)</script> & <b onload='x'>"
    text = render_svg(_one_task(name))
    svg = parse_svg(text)
    assert_self_contained(text, svg)
    assert "<script" not in text
    assert "&lt;script&gt;" in text


# ------------------------------------------------------------------------ state


def test_state_classes() -> None:
    state = {"triage": "overdue", "start_complaint": "completed", "director_order": "active",
             "flow_x": "bogus"}
    text = render_file(PROCESSES / "complaint.bpmn", state=state)
    svg = parse_svg(text)
    assert "state-overdue" in group(svg, "triage").get("class").split()
    assert "state-completed" in group(svg, "start_complaint").get("class").split()
    assert "state-active" in group(svg, "director_order").get("class").split()
    # Painted with attributes, not a <style> sheet a page's CSP would block.
    assert svg.find(".//s:style", NS) is None
    outline = group(svg, "triage").find("s:rect[@class='outline']", NS)
    assert (outline.get("stroke"), outline.get("stroke-dasharray")) == ("#c62828", "8 4")
    assert group(svg, "director_order").find("s:rect[@class='outline']", NS).get(
        "stroke-width") == "4"
    assert "bogus" not in text
    # "Completed" is not shown by colour alone.
    assert group(svg, "start_complaint").find("s:path[@class='state-check']", NS) is not None


# ----------------------------------------------------------------- no diagram


def test_no_bpmndi_raises_diagram_error() -> None:
    data = (b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
            b'<process id="p"><task id="t1" name="x"/></process></definitions>')
    with pytest.raises(DiagramError, match="no diagram"):
        render_svg(read_xml(data, "x.bpmn"))
    assert issubclass(DiagramError, ValueError)


def test_missing_diagram_index_raises() -> None:
    with pytest.raises(DiagramError):
        render_svg(_one_task("x"), diagram_index=3)


def test_unknown_element_still_gets_group() -> None:
    tree = _one_task("x", extra_di='<bpmndi:BPMNShape id="ghost_di" bpmnElement="ghost">'
                                   '<dc:Bounds x="300" y="100" width="50" height="50"/>'
                                   '</bpmndi:BPMNShape>')
    svg = parse_svg(render_svg(tree))
    assert "bpmn-unknown" in group(svg, "ghost").get("class").split()


def test_hostile_file_raises_load_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>')
    with pytest.raises(BpmnLoadError):
        render_file(bad)


def _one_task(name: str, extra_di: str = "") -> etree._ElementTree:
    root = etree.fromstring(
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        ' xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"'
        ' xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">'
        '<process id="p"><userTask id="t1"/></process>'
        '<bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="pl" bpmnElement="p">'
        '<bpmndi:BPMNShape id="t1_di" bpmnElement="t1">'
        '<dc:Bounds x="100" y="100" width="100" height="80"/></bpmndi:BPMNShape>'
        f'{extra_di}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></definitions>')
    # Set the name through lxml so that markup in it stays text.
    root.find("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")[0].set("name", name)
    return root.getroottree()


# ----------------------------------------------------------------------- corpus


def _corpus_files() -> list[Path]:
    if not CORPORA.is_dir():
        return []
    return sorted(p for p in CORPORA.rglob("*")
                  if p.suffix in (".bpmn", ".xml") and "xsd" not in p.relative_to(CORPORA).parts)


@pytest.mark.usefixtures("corpora")
def test_corpus_is_present() -> None:
    assert len(_corpus_files()) >= 60


@pytest.mark.usefixtures("corpora")
@pytest.mark.parametrize("path", corpus_params(_corpus_files()),
                         ids=lambda p: str(p.relative_to(CORPORA)))
def test_corpus_file_renders(path: Path) -> None:
    data = path.read_bytes()
    try:
        tree = read_xml(data, path.name)
    except BpmnLoadError:
        # Only files our loader refuses as XML may fail, and they fail the same way.
        with pytest.raises(BpmnLoadError):
            render_file(path)
        return
    diagrams = list(tree.getroot().iter(f"{{{BPMNDI}}}BPMNDiagram"))
    if not di_refs(tree):
        with pytest.raises(DiagramError):
            render_file(path)
        return
    # Files with several diagrams (drill-down sub-processes) are drawn one by one;
    # together they must show every BPMNShape and BPMNEdge in the file.
    drawn: set[str] = set()
    for index, diagram in enumerate(diagrams):
        if not di_refs(tree, diagram=diagram):
            with pytest.raises(DiagramError):
                render_svg(tree, diagram_index=index)
            continue
        text = render_svg(tree, diagram_index=index)
        svg = parse_svg(text)
        assert_self_contained(text, svg)
        ids = group_ids(svg)
        assert di_refs(tree, diagram=diagram) <= ids
        drawn |= ids
    assert di_refs(tree) <= drawn


# ------------------------------------------------------------------ the DI decides

OWN_CORPUS = Path(__file__).resolve().parent / "corpus"


def classes(g: etree._Element) -> set[str]:
    return set((g.get("class") or "").split())


def markers(g: etree._Element) -> set[str]:
    return {c for el in g.iter(f"{{{SVG}}}g") for c in classes(el) if c.startswith("marker-")}


@pytest.mark.parametrize("path", sorted(OWN_CORPUS.glob("*.bpmn")), ids=lambda p: p.name)
def test_own_corpus_renders_or_says_there_is_no_diagram(path: Path) -> None:
    tree = read_xml(path.read_bytes(), path.name)
    if not di_refs(tree):
        with pytest.raises(DiagramError):
            render_file(path)
        return
    text = render_file(path)
    assert di_refs(tree) <= group_ids(parse_svg(text))


def test_sub_process_without_is_expanded_is_collapsed_with_its_insides_not_drawn() -> None:
    # bpmn-js: DiUtil.isExpanded is false without isExpanded="true", and its importer
    # moves the shapes inside to the sub-process's own drill-down plane.
    svg = parse_svg(render_file(OWN_CORPUS / "subprocess-without-isexpanded.bpmn"))
    sub = group(svg, "sub")
    assert "marker-collapsed" in markers(sub)
    for inside in ("sub_start", "sub_task", "sub_end", "sf1", "sf2"):
        g = group(svg, inside)
        assert "bpmn-hidden" in classes(g) and len(g) == 0, inside
    for outside in ("start", "f1", "f2", "end"):
        g = group(svg, outside)
        assert "bpmn-hidden" not in classes(g) and len(g) > 0, outside
    # The name is centred in the box, as for any collapsed activity.
    [label] = [t for t in sub.iter(f"{{{SVG}}}text")]
    assert label.get("text-anchor") == "middle"


def test_sub_process_with_is_expanded_true_shows_its_insides() -> None:
    data = (OWN_CORPUS / "subprocess-without-isexpanded.bpmn").read_bytes().replace(
        b'bpmnElement="sub">', b'bpmnElement="sub" isExpanded="true">')
    svg = parse_svg(render_svg(read_xml(data, "open.bpmn")))
    assert "marker-collapsed" not in markers(group(svg, "sub"))
    for inside in ("sub_start", "sub_task", "sub_end", "sf1", "sf2"):
        assert len(group(svg, inside)) > 0, inside


def test_compensation_activity_has_its_marker() -> None:
    svg = parse_svg(render_file(OWN_CORPUS / "compensation.bpmn"))
    assert "marker-compensation" in markers(group(svg, "refund_task"))
    assert "marker-compensation" not in markers(group(svg, "pay"))
    [marker] = [g for g in group(svg, "refund_task").iter(f"{{{SVG}}}g")
                if "marker-compensation" in classes(g)]
    assert len(marker.findall(f"{{{SVG}}}polygon")) == 2  # the two rewind triangles


# ------------------------------------------------------- fit, current step, lanes, labels


def test_the_drawing_fits_its_box_and_marks_the_current_step() -> None:
    state = {"start_request": "completed", "director_approval": "completed",
             "web_admin_check": "active", "ict_head_decision": "active"}
    svg = parse_svg(render_file(PROCESSES / "publishing.bpmn", state=state))
    assert svg.get("width") == "100%" and svg.get("height") is None
    assert len(svg.get("viewBox").split()) == 4
    assert svg.get("role") == "img" and svg.find("s:title", NS).text
    # The first current step in the file's order, once.
    [current] = [g for g in svg.iter(f"{{{SVG}}}g") if g.get("id") == "diagram-current"]
    assert current.get("data-element-id") == "web_admin_check"


def test_lane_names_stay_inside_their_band() -> None:
    from engine.bpmn.diagram.style import BAND, BAND_PAD, LINE_HEIGHT
    svg = parse_svg(render_file(PROCESSES / "publishing.bpmn"))
    lanes = [g for g in svg.iter(f"{{{SVG}}}g") if "bpmn-lane" in classes(g)]
    assert lanes
    for lane in lanes:
        text = lane.find("s:text", NS)
        size = float(text.get("font-size"))
        lines = [t.text for t in text.iter(f"{{{SVG}}}tspan")]
        assert len(lines) * size * LINE_HEIGHT <= BAND - 2 * BAND_PAD, lines
        assert not any(line.endswith("…") for line in lines), lines
    ict = group(svg, "lane_ict_head")
    assert len(list(ict.iter(f"{{{SVG}}}tspan"))) == 2  # the long name wraps, whole words


def test_labels_replace_names_and_stay_text() -> None:
    labels = {"t1": "ภายใน 5 วันทำการ <script>alert(1)</script>"}
    text = render_svg(_one_task("ภายใน {triage_days} วันทำการ"), labels=labels)
    svg = parse_svg(text)
    assert_self_contained(text, svg)
    words = "".join(t.text or "" for t in group(svg, "t1").iter(f"{{{SVG}}}tspan"))
    assert "5" in words and "{triage_days}" not in words
    assert "<script" not in text and "&lt;script&gt;" in text


def test_a_name_set_above_its_event_never_covers_it() -> None:
    svg = parse_svg(render_file(PROCESSES / "publishing.bpmn"))
    start = group(svg, "start_request")
    circle = start.find("s:circle", NS)
    top = float(circle.get("cy")) - float(circle.get("r"))
    text = start.find("s:text", NS)
    size = float(text.get("font-size"))
    baselines = [float(t.get("y")) for t in text.iter(f"{{{SVG}}}tspan")]
    assert len(baselines) > 1
    # The last line's descenders end above the circle.
    assert max(baselines) + size * 0.3 <= top, (baselines, top)
