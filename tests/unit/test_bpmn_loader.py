import hashlib
import sys
from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn.loading.load import load_bpmn, load_bpmn_file
from engine.bpmn.loading.safe_xml import read_xml
from engine.bpmn.loading.xsd import check_xsd
from engine.bpmn.problems import Problem
from engine.core.errors import BpmnLoadError
from tests.bpmn_samples import GOOD, HOSTILE, bpmn
from tests.conftest import CORPORA

REPO = Path(__file__).resolve().parents[2]

def line_of(data: bytes, needle: str) -> int:
    text = data.decode("utf-8")
    return text[: text.index(needle)].count("\n") + 1


def problems_of(data: bytes, file: str = "t.bpmn") -> list[Problem]:
    with pytest.raises(BpmnLoadError) as info:
        load_bpmn(data, file)
    assert info.value.problems, "BpmnLoadError must carry at least one Problem"
    return info.value.problems


# ------------------------------------------------------------------ happy path


def test_minimal_valid_process_loads():
    loaded = load_bpmn(GOOD, "good.bpmn")
    assert loaded.file == "good.bpmn"
    assert loaded.content_hash == hashlib.sha256(GOOD).hexdigest()
    assert loaded.warnings == []
    assert list(loaded.specs) == ["publish"]
    assert loaded.subprocess_specs == {"publish": {}}
    spec = loaded.specs["publish"]
    assert spec.task_specs["draft"].lane == "Staff"  # spiff saw the lanes too
    assert spec.task_specs["draft"].extensions["properties"]["formJsonSchemaFilename"] == (
        "forms/x.schema.json"
    )

    info = loaded.processes["publish"]
    assert (info.process_id, info.name, info.executable) == ("publish", "Publish news", True)
    assert info.lanes == {"lane_staff": "Staff", "lane_boss": "Director"}
    assert info.node_lane["draft"] == "lane_staff"
    assert info.node_lane["approve"] == "lane_boss"
    assert info.start_form == "forms/start.schema.json"

    draft = info.user_tasks["draft"]
    assert (draft.id, draft.name, draft.form, draft.lane_id) == (
        "draft", "Write draft", "forms/x.schema.json", "lane_staff",
    )
    assert draft.documentation == "Write the news item."
    assert draft.line == line_of(GOOD, '<bpmn:userTask id="draft"')
    assert info.user_tasks["approve"].form is None
    assert info.user_tasks["approve"].lane_id == "lane_boss"

    [timer] = info.timers
    assert (timer.element_id, timer.attached_to, timer.kind) == ("late", "approve", "timeDate")
    assert timer.expression == '"2030-01-01T09:00:00+07:00"'
    assert timer.line == line_of(GOOD, '<bpmn:boundaryEvent id="late"')

    assert info.conditions == {"f_ok": "needs_approval == True"}
    assert info.script_tasks == {"stamp": "stamped = True"}


def test_tasks_inside_subprocess_take_its_lane():
    data = bpmn("""\
<bpmn:process id="p" isExecutable="true">
  <bpmn:laneSet id="ls"><bpmn:lane id="lane_a" name="Office">
    <bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>sub</bpmn:flowNodeRef>
    <bpmn:flowNodeRef>e</bpmn:flowNodeRef>
  </bpmn:lane></bpmn:laneSet>
  <bpmn:startEvent id="s"/>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="sub"/>
  <bpmn:subProcess id="sub">
    <bpmn:startEvent id="ss"/>
    <bpmn:sequenceFlow id="g1" sourceRef="ss" targetRef="inner"/>
    <bpmn:userTask id="inner" name="Inner"/>
    <bpmn:sequenceFlow id="g2" sourceRef="inner" targetRef="se"/>
    <bpmn:endEvent id="se"/>
  </bpmn:subProcess>
  <bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="e"/>
  <bpmn:endEvent id="e"/>
</bpmn:process>
""")
    loaded = load_bpmn(data, "sub.bpmn")
    assert loaded.processes["p"].user_tasks["inner"].lane_id == "lane_a"
    assert "sub" in loaded.subprocess_specs["p"]
    assert loaded.subprocess_specs["p"]["sub"].task_specs["inner"].lane == "Office"


def test_load_bpmn_file_uses_name_and_bytes(tmp_path):
    path = tmp_path / "sub" / "good.bpmn"
    path.parent.mkdir()
    path.write_bytes(GOOD)
    loaded = load_bpmn_file(path)
    assert loaded.file == "good.bpmn"
    assert loaded.content_hash == hashlib.sha256(GOOD).hexdigest()


def test_not_executable_is_a_warning():
    data = GOOD.replace(b'isExecutable="true"', b'isExecutable="false"')
    loaded = load_bpmn(data, "draft.bpmn")
    assert loaded.specs == {} and loaded.subprocess_specs == {}
    assert loaded.processes["publish"].executable is False
    [warning] = loaded.warnings
    assert warning.severity == "warning"
    assert 'not executable (isExecutable="false")' in warning.message
    assert warning.element_id == "publish"


# ---------------------------------------------------------------- file errors


def test_not_well_formed_reports_line():
    data = bpmn('<bpmn:process id="p">\n  <bpmn:task id="t">\n  </bpmn:tsk>\n</bpmn:process>\n')
    [problem] = problems_of(data)
    assert problem.line == line_of(data, "</bpmn:tsk>")
    assert "not well-formed" in problem.message
    assert problem.message_th


def test_xsd_violation_reports_line_and_id():
    data = GOOD.replace(
        b'<bpmn:endEvent id="done"/>', b'<bpmn:fooTask id="foo"/>\n  <bpmn:endEvent id="done"/>'
    )
    problems = problems_of(data)
    assert [(p.line, p.element_id) for p in problems] == [
        (line_of(data, '<bpmn:fooTask id="foo"'), "foo")
    ]
    assert "bpmn:fooTask" in problems[0].message


def test_check_xsd_leaves_tree_unchanged():
    data = bpmn("""\
<bpmn:message id="m" name="m"/>
<bpmn:correlationProperty id="cp" name="cp">
  <bpmn:correlationPropertyRetrievalExpression messageRef="m">
    <bpmn:formalExpression>order_id</bpmn:formalExpression>
  </bpmn:correlationPropertyRetrievalExpression>
</bpmn:correlationProperty>
""")
    tree = read_xml(data, "c.bpmn")
    before = etree.tostring(tree)
    assert check_xsd(tree, "c.bpmn") == []
    assert etree.tostring(tree) == before


def test_dangling_target_ref_is_plain():
    data = GOOD.replace(
        b'<bpmn:sequenceFlow id="f4" sourceRef="stamp" targetRef="done"/>',
        b'<bpmn:sequenceFlow id="f4" sourceRef="stamp" targetRef="nowhere"/>',
    )
    [problem] = problems_of(data)
    assert problem.element_id == "f4"
    assert problem.line == line_of(data, '<bpmn:sequenceFlow id="f4"')
    assert problem.message == "sequence flow f4 points to 'nowhere', which does not exist"
    assert "two items" not in problem.message


def test_unsupported_element_gets_line_and_id_from_tree():
    data = GOOD.replace(
        b'<bpmn:exclusiveGateway id="gw" default="f_skip"/>',
        b'<bpmn:complexGateway id="gw" default="f_skip"/>',
    )
    [problem] = problems_of(data)
    assert problem.element_id == "gw"
    assert problem.line == line_of(data, '<bpmn:complexGateway id="gw"')
    assert "bpmn:complexGateway" in problem.message
    assert "not supported" in problem.message


def test_missing_start_event():
    data = bpmn('<bpmn:process id="p" isExecutable="true"><bpmn:task id="t"/></bpmn:process>\n')
    [problem] = problems_of(data)
    assert problem.element_id == "p"
    assert problem.line == line_of(data, '<bpmn:process id="p"')
    assert "no start event" in problem.message


# ------------------------------------------------------------------- hostile


class WatchedLxml:
    """lxml as the loader sees it, counting what it parsed and how far it walked."""

    def __init__(self) -> None:
        self.parses = 0
        self.parsed = 0  # nodes plus characters of text and attributes in the parsed tree
        self.walked = 0  # elements the depth check entered

    def __getattr__(self, name: str):
        return getattr(etree, name)

    def fromstring(self, data, parser=None):
        self.parses += 1
        root = etree.fromstring(data, parser)
        for node in root.iter():
            attributes = node.attrib.values() if isinstance(node.tag, str) else ()
            self.parsed += 1 + len(node.text or "") + len(node.tail or "")
            self.parsed += sum(len(value) for value in attributes)
        return root

    def iterwalk(self, root, events):
        for event, element in etree.iterwalk(root, events=events):
            self.walked += event == "start"
            yield event, element


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_input_is_refused_while_reading(case, tmp_path, monkeypatch):
    """Refused by read_xml: nothing expanded, the depth walk cut short, no later stage."""
    from engine.bpmn.loading import load, safe_xml

    data = HOSTILE[case](tmp_path)
    load.load_bpmn(GOOD, "good.bpmn")  # schema and caches built once, not counted
    accepting_good = python_steps(load.load_bpmn, GOOD, "good.bpmn")
    later_stages: list[str] = []
    for stage in ("check_xsd", "check_references", "process_info", "spiff_specs"):
        monkeypatch.setattr(load, stage, lambda *args, stage=stage: later_stages.append(stage))
    watched = WatchedLxml()
    monkeypatch.setattr(safe_xml, "etree", watched)

    def refuse():
        with pytest.raises(BpmnLoadError) as caught:
            load_bpmn(data, "evil.bpmn")
        return caught

    info = refuse()
    assert later_stages == []
    assert watched.parses == (0 if case == "oversized" else 1)
    assert watched.parsed <= len(data)  # no entity grew the tree past the bytes sent
    assert watched.walked <= safe_xml.MAX_DEPTH + 1  # the walk stops at the first level over
    monkeypatch.undo()
    assert python_steps(refuse) <= accepting_good
    text = str(info.value)
    assert info.value.problems
    for leaked in ("root:", "SECRET-FROM-DTD", "lollollol", "aaaaaaaa"):
        assert leaked not in text
    if case in ("xxe", "billion_laughs", "small_internal_entities", "external_dtd",
                "network_dtd"):
        assert "DOCTYPE/entities are not allowed in BPMN files" in text
        assert info.value.problems[0].line == 2
    if case == "oversized":
        assert "too large" in text
    if case.startswith("deep"):
        assert "nested more than 200 levels" in text


# ---------------------------------------------------------------- formatting


def test_problem_format():
    p = Problem("a.bpmn", 12, "gw", "bad gateway", "เกตเวย์ผิด")
    assert p.format() == "a.bpmn:12: bad gateway [gw]"
    assert p.format("th") == "a.bpmn:12: เกตเวย์ผิด [gw]"
    assert Problem("a.bpmn", None, None, "empty", "ว่าง").format() == "a.bpmn: empty"
    err = BpmnLoadError([p, Problem("a.bpmn", 3, None, "x", "y")])
    assert str(err) == "a.bpmn:12: bad gateway [gw]\na.bpmn:3: x"


# ------------------------------------------------------------------ corpora


def corpus_files() -> list[Path]:
    found = []
    for sub in ("miwg", "modelers"):
        for pattern in ("*.bpmn", "*.xml"):
            found += (CORPORA / sub).rglob(pattern)
    return sorted(found)


needs_corpora = pytest.mark.usefixtures("corpora")


@needs_corpora
def test_corpora_never_escape_with_other_exceptions():
    files = corpus_files()
    assert len(files) > 20
    escaped = []
    for path in files:
        try:
            load_bpmn_file(path)
        except BpmnLoadError as err:
            if not err.problems:
                escaped.append((path, "BpmnLoadError without problems"))
        except Exception as err:  # noqa: BLE001 - that is what we are hunting
            escaped.append((path, repr(err)))
    assert escaped == []


@needs_corpora
@pytest.mark.parametrize("rel, pid", [
    ("modelers/camunda-bpm-examples/invoicePayment.bpmn", "embeddedFormsBpmnEvents"),
    ("miwg/C.9.1.bpmn", "requestDocument_en"),
])
def test_known_good_corpus_files_load(rel, pid):
    loaded = load_bpmn_file(CORPORA / rel)
    assert pid in loaded.specs


@needs_corpora
def test_miwg_c10_needs_a_service_operator():
    # Valid BPMN, but its service task says nothing about what to call, which
    # the spiff dialect (unlike the plain BpmnParser) refuses.
    with pytest.raises(BpmnLoadError) as info:
        load_bpmn_file(CORPORA / "miwg" / "C.1.0.bpmn")
    [problem] = info.value.problems
    assert (problem.element_id, problem.line) == ("archiveInvoice", 570)
    assert "serviceTaskOperator" in problem.message


@needs_corpora
def test_corpus_broken_file_has_line():
    with pytest.raises(BpmnLoadError) as info:
        load_bpmn_file(CORPORA / "modelers" / "camunda-modeler" / "broken.bpmn")
    assert info.value.problems[0].line == 5


# ------------------------------------------- checks linear in the file's size

MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<bpmn:definitions xmlns:bpmn="{MODEL}"'
    ' xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"'
    ' xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"'
    ' xmlns:di="http://www.omg.org/spec/DD/20100524/DI"'
    ' id="defs" targetNamespace="http://example.org/govflow">\n'
)


def bare_flows(n: int, sep: str = "\n") -> bytes:
    """The issue's reproducer: n `<sequenceFlow/>` without id or ends, in one process."""
    flows = sep.join("<bpmn:sequenceFlow/>" for _ in range(n))
    return (DI_HEAD + f'<bpmn:process id="p" isExecutable="true">{sep}{flows}{sep}'
            "</bpmn:process></bpmn:definitions>\n").encode()


def fan_out(n: int) -> bytes:
    """A real-shaped file that passes every stage: a parallel split into n branches, each a
    task and an exclusive gateway with a condition and a default, with BPMNDI."""
    nodes = ['<bpmn:startEvent id="start"/>', '<bpmn:parallelGateway id="split"/>',
             '<bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="split"/>']
    shapes = []
    for i in range(n):
        nodes += [
            f'<bpmn:sequenceFlow id="a{i}" sourceRef="split" targetRef="t{i}"/>',
            f'<bpmn:task id="t{i}" name="Step {i}"/>',
            f'<bpmn:sequenceFlow id="b{i}" sourceRef="t{i}" targetRef="g{i}"/>',
            f'<bpmn:exclusiveGateway id="g{i}" default="d{i}"/>',
            f'<bpmn:sequenceFlow id="c{i}" sourceRef="g{i}" targetRef="e{i}">'
            "<bpmn:conditionExpression>1 == 1</bpmn:conditionExpression></bpmn:sequenceFlow>",
            f'<bpmn:sequenceFlow id="d{i}" sourceRef="g{i}" targetRef="e{i}"/>',
            f'<bpmn:endEvent id="e{i}"/>',
        ]
        shapes.append(f'<bpmndi:BPMNShape id="t{i}_di" bpmnElement="t{i}">'
                      f'<dc:Bounds x="{200 + i * 150}" y="80" width="100" height="80"/>'
                      "</bpmndi:BPMNShape>")
        shapes.append(f'<bpmndi:BPMNEdge id="b{i}_di" bpmnElement="b{i}">'
                      f'<di:waypoint x="{250 + i * 150}" y="160"/>'
                      f'<di:waypoint x="{250 + i * 150}" y="200"/></bpmndi:BPMNEdge>')
    body = "\n".join(nodes)
    di = "\n".join(shapes)
    return (DI_HEAD + f'<bpmn:process id="p" isExecutable="true">\n{body}\n</bpmn:process>\n'
            '<bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" bpmnElement="p">\n'
            f"{di}\n</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n</bpmn:definitions>\n").encode()


def python_steps(fn, *args) -> int:
    """How many Python lines ran (each loop round counts): the work done, machine-free."""
    steps = 0

    def local(frame, event, arg):
        nonlocal steps
        if event == "line":
            steps += 1
        return local

    sys.settrace(lambda frame, event, arg: local)
    try:
        fn(*args)
    finally:
        sys.settrace(None)
    return steps


def check(data: bytes) -> object:
    from engine.bpmn.definitions import check_bytes

    return check_bytes(data, "n.bpmn", REPO / "processes")


def wide_with_last_error(n: int) -> bytes:
    """n good flows in one process, the last without its targetRef."""
    flows = [f'<bpmn:sequenceFlow id="f{i}" sourceRef="s" targetRef="s"/>' for i in range(n)]
    flows[-1] = '<bpmn:sequenceFlow id="last" sourceRef="s"/>'
    return (DI_HEAD + '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/>\n'
            + "\n".join(flows) + "\n</bpmn:process></bpmn:definitions>\n").encode()


@pytest.mark.parametrize("make, n", [
    (bare_flows, 150),                                  # thousands of XSD errors
    (wide_with_last_error, 3000),                       # one error past the cut copy
    (lambda n: bare_flows(n, sep=""), 150),             # ... all on one line (minified)
    (fan_out, 60),                                      # every stage, and lint
])
def test_check_work_grows_linearly(make, n):
    check(make(n))  # the schema, imports and caches are built once, not counted
    small = python_steps(check, make(n))
    large = python_steps(check, make(4 * n))
    # Linear work gives 4×; the quadratic spots fixed earlier gave 10–16× here.
    assert large <= 5 * small, (small, large)


def test_render_work_grows_linearly():
    from engine.bpmn.diagram.render import render_svg

    def render(data: bytes) -> str:
        return render_svg(read_xml(data, "n.bpmn"))

    render(fan_out(10))
    small = python_steps(render, fan_out(60))
    large = python_steps(render, fan_out(240))
    assert large <= 5 * small, (small, large)


def test_thousands_of_problems_stop_at_the_bound():
    from engine.bpmn.problems import MAX_REPORTED_PROBLEMS, MoreProblems

    checked = check(bare_flows(8000))
    problems = checked.problems
    assert len(problems) == MAX_REPORTED_PROBLEMS + 1
    last = problems[-1]
    assert isinstance(last, MoreProblems) and last.severity == "error"
    # 8,000 flows lack both sourceRef and targetRef: 16,000 schema errors.
    assert last.count == 16000 - MAX_REPORTED_PROBLEMS
    assert last.message.startswith("and 15,800 more")
    assert last.message_th.startswith("และอีก 15,800 รายการ")
    assert last.line is not None
    assert all(p.line is not None for p in problems)


def test_the_cli_prints_the_bound_and_the_rest_in_one_line(tmp_path):
    from click.testing import CliRunner

    from engine.bpmn.problems import MAX_REPORTED_PROBLEMS
    from webui.cli import main as cli

    path = tmp_path / "flows.bpmn"
    path.write_bytes(bare_flows(3000))
    for lang, text in (("th", "และอีก 5,800 รายการ"), ("en", "and 5,800 more")):
        result = CliRunner().invoke(cli, ["validate", "--lang", lang, str(path)])
        lines = result.output.splitlines()
        assert result.exit_code == 1
        assert len(lines) == MAX_REPORTED_PROBLEMS + 1
        assert text in lines[-1] and lines[-1].startswith("flows.bpmn:")


def test_errors_past_a_wide_container_are_counted_not_lost():
    from engine.bpmn.loading.xsd import MAX_XSD_SIBLINGS
    from engine.bpmn.problems import MoreProblems

    flows = [f'<bpmn:sequenceFlow id="f{i}" sourceRef="s" targetRef="s"/>'
             for i in range(MAX_XSD_SIBLINGS + 500)]
    flows[10] = '<bpmn:sequenceFlow id="f10" sourceRef="s"/>'  # no targetRef
    flows[-1] = '<bpmn:sequenceFlow id="last" sourceRef="s"/>'
    data = (DI_HEAD + '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/>\n'
            + "\n".join(flows) + "\n</bpmn:process></bpmn:definitions>\n").encode()
    problems = check_xsd(read_xml(data, "w.bpmn"), "w.bpmn")
    # The first is found in the cut copy, the last among the children it left out.
    assert [(p.element_id, p.line) for p in problems] == [
        ("f10", line_of(data, 'id="f10"')), ("last", line_of(data, 'id="last"'))]
    assert not any(isinstance(p, MoreProblems) for p in problems)


def test_errors_past_the_bound_in_a_wide_container_are_counted():
    from engine.bpmn.loading.xsd import MAX_XSD_SIBLINGS
    from engine.bpmn.problems import MAX_REPORTED_PROBLEMS, MoreProblems

    n = MAX_XSD_SIBLINGS * 3
    flows = "\n".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="s"/>' for i in range(n))
    data = (DI_HEAD + '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/>\n'
            + flows + "\n</bpmn:process></bpmn:definitions>\n").encode()
    problems = check_xsd(read_xml(data, "w.bpmn"), "w.bpmn")
    located = MAX_XSD_SIBLINGS - 1  # the cut copy keeps the start event and 999 flows
    assert len(problems) == located + 1  # then one line with the count
    assert isinstance(problems[-1], MoreProblems) and problems[-1].count == n - located
    assert len(check(data).problems) == MAX_REPORTED_PROBLEMS + 1


def test_a_long_chain_is_refused_in_plain_words_not_a_recursion_error():
    tasks = "\n".join(
        f'<bpmn:task id="t{i}"/><bpmn:sequenceFlow id="f{i}" sourceRef="t{i}" '
        f'targetRef="t{i + 1}"/>' for i in range(1500))
    data = bpmn('<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/>'
                '<bpmn:sequenceFlow id="f_s" sourceRef="s" targetRef="t0"/>\n'
                f'{tasks}\n<bpmn:endEvent id="t1500"/></bpmn:process>\n')
    [problem] = problems_of(data)
    assert "split the process into sub-processes" in problem.message
    assert "Recursion" not in problem.message + problem.message_th
    assert problem.line is not None and problem.element_id


def escalations(n: int) -> bytes:
    """n branches, each throwing the one escalation of the file."""
    branches = "\n".join(
        f'<bpmn:sequenceFlow id="a{i}" sourceRef="split" targetRef="x{i}"/>'
        f'<bpmn:intermediateThrowEvent id="x{i}"><bpmn:escalationEventDefinition '
        f'id="x{i}_def" escalationRef="esc"/></bpmn:intermediateThrowEvent>'
        f'<bpmn:sequenceFlow id="b{i}" sourceRef="x{i}" targetRef="e{i}"/>'
        f'<bpmn:endEvent id="e{i}"/>' for i in range(n))
    return (DI_HEAD + '<bpmn:escalation id="esc" escalationCode="late"/>\n'
            '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="start"/>'
            '<bpmn:parallelGateway id="split"/>'
            '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>\n'
            f"{branches}\n</bpmn:process></bpmn:definitions>\n").encode()


def test_spiffworkflow_finds_what_events_name_without_searching_the_whole_file(monkeypatch):
    """Elements visited by SpiffWorkflow's document-wide searches, plus Python steps."""
    from SpiffWorkflow.bpmn.parser.node_parser import NodeParser

    visited = 0
    search = NodeParser._xpath

    def counting(self, node, xpath):
        nonlocal visited
        if node.getparent() is None:  # from the root: every element of the file is visited
            visited += sum(1 for _ in node.iter())
        return search(self, node, xpath)

    monkeypatch.setattr(NodeParser, "_xpath", counting)
    steps, searched = {}, {}
    for n in (60, 240):
        visited = 0
        steps[n] = python_steps(check, escalations(n))
        searched[n] = visited
        assert check(escalations(n)).ok
    assert steps[240] <= 5 * steps[60], steps
    assert searched[240] <= 5 * searched[60], searched  # one search per event was n²
