"""Structure checks for the process owners' files under ``processes/``.

Both BPMN files must validate against the XSD SpiffWorkflow ships and parse with the spiff
parser; every node needs a Thai name, a lane and a diagram shape; every lane maps to a role in
``processes.toml``; every form is a valid JSON Schema with a Thai label on every field; the
complaint time limits are settings in ``processes.toml``, set by no script; and the reminder
and escalations on the triage task are boundary timers whose paths throw codes that
``processes.toml`` defines.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.spiff.parser import VALIDATOR
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

PROCESSES_DIR = Path(__file__).resolve().parents[2] / "processes"
PROCESS_IDS = ("publishing", "complaint")
VALID_ROLES = {
    "admin",
    "director",
    "legal_officer",
    "legal_head",
    "web_admin",
    "ict_head",
    "staff",
    "process_owner",
}

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FLOW_NODE_TAGS = (
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
)
FORM_PROPERTY = "formJsonSchemaFilename"
THAI = re.compile(r"[\u0E00-\u0E7F]")

COMPLAINT_START_KEYS = {
    "subject",
    "details",
    "complaint_type",
    "accused_name",
    "accused_position",
    "accused_unit",
    "event_date",
    "event_place",
    "complainant_name",
    "complainant_address",
    "complainant_phone",
    "complainant_email",
    "channel",
    "received_at",
    # A letter's own date and number, for the ทะเบียนหนังสือรับ and the result's อ้างถึง.
    "letter_date",
    "letter_no",
}
COMPLAINT_START_REQUIRED = {"subject", "details", "complaint_type", "channel", "received_at"}
# The triage task's boundary timers: timer id -> (timeDate expression, escalation code thrown).
TRIAGE_TIMERS = {
    "triage_reminder": ("working_days_after(received_at, triage_days)", "triage_reminder"),
    "triage_deadline": ("deadline_after(received_at, triage_days)", "triage_breach"),
    "triage_second_escalation": (
        "deadline_after(received_at, triage_days + 2)",
        "triage_breach_second",
    ),
}
FOLLOW_UP_TIMERS = {"follow_up_reminder": "follow_up_reminder",
                    "follow_up_overdue": "follow_up_overdue"}
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
WORKING_DAY_HELPERS = {"deadline_after", "working_days_after"}

# Only these AST nodes may appear in a gateway condition (no calls, no attributes).
SAFE_CONDITION_NODES = (
    ast.Expression,
    ast.Compare,
    ast.BoolOp,
    ast.UnaryOp,
    ast.Name,
    ast.Constant,
    ast.Load,
    ast.And,
    ast.Or,
    ast.Not,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.Tuple,
    ast.List,
)


# ----------------------------------------------------------------------------- helpers


def _parse_xml(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))


@cache
def bpmn_tree(pid: str) -> etree._ElementTree:
    return _parse_xml(PROCESSES_DIR / f"{pid}.bpmn")


def process_el(pid: str) -> etree._Element:
    found = bpmn_tree(pid).xpath(f"/bpmn:definitions/bpmn:process[@id='{pid}']", namespaces=NS)
    assert len(found) == 1, f"{pid}.bpmn must contain exactly one process with id {pid!r}"
    return found[0]


def flow_nodes(pid: str) -> list[etree._Element]:
    proc = process_el(pid)
    return [el for tag in FLOW_NODE_TAGS for el in proc.findall(f"bpmn:{tag}", NS)]


def nested_flow_nodes(pid: str) -> list[etree._Element]:
    """Flow nodes inside the process's embedded subprocesses (they belong to no lane of
    their own: they take the subprocess's)."""
    proc = process_el(pid)
    return [el for sub in proc.iterfind(".//bpmn:subProcess", NS)
            for tag in FLOW_NODE_TAGS for el in sub.findall(f"bpmn:{tag}", NS)]


def sequence_flows(pid: str) -> list[etree._Element]:
    return process_el(pid).findall(".//bpmn:sequenceFlow", NS)


def lanes(pid: str) -> list[etree._Element]:
    return process_el(pid).findall("bpmn:laneSet/bpmn:lane", NS)


def form_ref(el: etree._Element) -> str | None:
    props = el.xpath(
        f"bpmn:extensionElements/spiffworkflow:properties/"
        f"spiffworkflow:property[@name='{FORM_PROPERTY}']/@value",
        namespaces=NS,
    )
    assert len(props) <= 1, f"{el.get('id')}: more than one {FORM_PROPERTY}"
    return props[0] if props else None


def form_refs(pid: str) -> dict[str, str]:
    """bpmn id -> form path (relative to processes/) for start events and user tasks."""
    proc = process_el(pid)
    refs = {}
    for el in proc.findall("bpmn:startEvent", NS) + proc.findall(".//bpmn:userTask", NS):
        ref = form_ref(el)
        assert ref, f"{pid}: {el.get('id')} has no {FORM_PROPERTY} property"
        refs[el.get("id")] = ref
    return refs


def all_form_refs() -> list[tuple[str, str, str]]:
    return [(pid, node, ref) for pid in PROCESS_IDS for node, ref in form_refs(pid).items()]


def _inline_refs(node: Any, base: Path) -> Any:
    if isinstance(node, list):
        return [_inline_refs(item, base) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#"):
        target_path = (base / ref).resolve()
        assert target_path.is_relative_to(PROCESSES_DIR), f"$ref {ref} leaves processes/"
        assert target_path.is_file(), f"$ref {ref} (from {base}) does not exist"
        target = _inline_refs(json.loads(target_path.read_text("utf-8")), target_path.parent)
        rest = {k: _inline_refs(v, base) for k, v in node.items() if k != "$ref"}
        return {**target, **rest}
    return {k: _inline_refs(v, base) for k, v in node.items()}


@cache
def load_form(relative: str) -> dict[str, Any]:
    path = (PROCESSES_DIR / relative).resolve()
    assert path.is_relative_to(PROCESSES_DIR), f"{relative} leaves processes/"
    assert path.is_file(), f"form file {relative} does not exist"
    return _inline_refs(json.loads(path.read_text("utf-8")), path.parent)


@cache
def settings() -> dict[str, Any]:
    return tomllib.loads((PROCESSES_DIR / "processes.toml").read_text("utf-8"))


def is_thai(text: str | None) -> bool:
    return bool(text and text.strip() and THAI.search(text))


def choice_values(prop: dict[str, Any]) -> list[Any]:
    return [opt["const"] for opt in prop.get("oneOf", []) if "const" in opt]


def condition_of(flow: etree._Element) -> str | None:
    cond = flow.find("bpmn:conditionExpression", NS)
    return None if cond is None else (cond.text or "").strip()


def timer_expressions(pid: str) -> dict[str, tuple[str, str]]:
    """Event id -> (timer kind, expression) for every timer event of the process."""
    found = {}
    for definition in process_el(pid).iterfind(".//bpmn:timerEventDefinition", NS):
        for kind in TIMER_KINDS:
            expr = definition.findtext(f"bpmn:{kind}", namespaces=NS)
            if expr is not None:
                found[definition.getparent().get("id")] = (kind, expr.strip())
    return found


def thrown_escalation_codes(pid: str, start: str) -> set[str]:
    """Escalation codes thrown on the paths that leave ``start`` (a boundary event)."""
    proc = process_el(pid)
    codes: set[str] = set()
    seen: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for ref in proc.xpath(
            ".//*[@id=$node]/bpmn:escalationEventDefinition/@escalationRef", node=node,
            namespaces=NS
        ):
            found = bpmn_tree(pid).xpath(
                "/bpmn:definitions/bpmn:escalation[@id=$ref]/@escalationCode",
                ref=ref,
                namespaces=NS,
            )
            assert len(found) == 1, f"{pid}: {node} throws {ref!r}, which is not defined once"
            codes.add(found[0])
        todo += proc.xpath(
            ".//bpmn:sequenceFlow[@sourceRef=$node]/@targetRef", node=node, namespaces=NS
        )
    return codes


# ----------------------------------------------------------------------------- BPMN


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_bpmn_validates_against_spiff_xsd(pid: str) -> None:
    path = PROCESSES_DIR / f"{pid}.bpmn"
    # validate() preprocesses the tree in place, so give it a fresh copy.
    VALIDATOR.validate(_parse_xml(path), filename=path.name)


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_bpmn_parses_with_spiff(pid: str) -> None:
    path = PROCESSES_DIR / f"{pid}.bpmn"
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(_parse_xml(path), filename=str(path))
    assert parser.get_process_ids() == [pid]
    spec = parser.get_spec(pid)
    bpmn_ids = {getattr(ts, "bpmn_id", None) for ts in spec.task_specs.values()}
    assert {el.get("id") for el in flow_nodes(pid)} <= bpmn_ids
    # Forms reach the engine through the spiff extensions of the task specs.
    specs = [spec, *parser.get_subprocess_specs(pid).values()]
    by_id = {ts.bpmn_id: ts for one in specs for ts in one.task_specs.values()
             if getattr(ts, "bpmn_id", None)}
    for node_id, ref in form_refs(pid).items():
        assert by_id[node_id].extensions["properties"][FORM_PROPERTY] == ref


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_process_is_executable_in_a_named_pool(pid: str) -> None:
    proc = process_el(pid)
    assert proc.get("isExecutable") == "true"
    assert is_thai(proc.get("name"))
    participants = bpmn_tree(pid).xpath(
        f"//bpmn:collaboration/bpmn:participant[@processRef='{pid}']", namespaces=NS
    )
    assert len(participants) == 1
    assert is_thai(participants[0].get("name"))


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_every_node_and_lane_has_a_thai_name(pid: str) -> None:
    everything = flow_nodes(pid) + nested_flow_nodes(pid) + lanes(pid)
    unnamed = [el.get("id") for el in everything if not is_thai(el.get("name"))]
    assert not unnamed, f"{pid}: elements without a Thai name: {unnamed}"


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_lanes_are_unique_and_hold_every_node_once(pid: str) -> None:
    lane_els = lanes(pid)
    assert lane_els, f"{pid} has no lanes"
    ids = [lane.get("id") for lane in lane_els]
    names = [lane.get("name") for lane in lane_els]
    assert len(set(ids)) == len(ids)
    # SpiffWorkflow reports a task's lane by *name*, so names must identify lanes too.
    assert len(set(names)) == len(names), f"{pid}: duplicate lane names {names}"
    assert all(re.fullmatch(r"lane_[a-z0-9_]+", i) for i in ids), ids
    refs: dict[str, list[str]] = {}
    for lane in lane_els:
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            refs.setdefault(ref.text.strip(), []).append(lane.get("id"))
    node_ids = {el.get("id") for el in flow_nodes(pid)}
    assert set(refs) == node_ids, f"{pid}: lane refs differ: {set(refs) ^ node_ids}"
    twice = {node: ls for node, ls in refs.items() if len(ls) != 1}
    assert not twice, f"{pid}: nodes in more than one lane: {twice}"


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_diagram_covers_every_element(pid: str) -> None:
    tree = bpmn_tree(pid)
    shapes = {s.get("bpmnElement"): s for s in tree.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement"): e for e in tree.iterfind(".//bpmndi:BPMNEdge", NS)}
    participant = tree.find(f".//bpmn:participant[@processRef='{pid}']", NS).get("id")
    for el_id in [participant] + [lane.get("id") for lane in lanes(pid)]:
        assert el_id in shapes, f"{pid}: no diagram shape for {el_id}"
        assert shapes[el_id].get("isHorizontal") == "true", f"{el_id} must be horizontal"
    missing = [el.get("id") for el in flow_nodes(pid) + nested_flow_nodes(pid)
               if el.get("id") not in shapes]
    assert not missing, f"{pid}: flow nodes without a shape: {missing}"
    missing = [f.get("id") for f in sequence_flows(pid) if f.get("id") not in edges]
    assert not missing, f"{pid}: sequence flows without an edge: {missing}"
    for flow in sequence_flows(pid):
        assert len(edges[flow.get("id")].findall("di:waypoint", NS)) >= 2, flow.get("id")

    def bounds(el_id: str) -> tuple[float, float, float, float]:
        b = shapes[el_id].find("dc:Bounds", NS)
        x, y = float(b.get("x")), float(b.get("y"))
        return x, y, x + float(b.get("width")), y + float(b.get("height"))

    # Each node is drawn inside the lane it belongs to.
    for lane in lanes(pid):
        lx0, ly0, lx1, ly1 = bounds(lane.get("id"))
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            x0, y0, x1, y1 = bounds(ref.text.strip())
            assert lx0 <= x0 and x1 <= lx1 and ly0 <= y0 and y1 <= ly1, (
                f"{pid}: {ref.text} is drawn outside {lane.get('id')}"
            )


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_gateways_have_default_and_safe_named_conditions(pid: str) -> None:
    flows = {f.get("id"): f for f in sequence_flows(pid)}
    fields: dict[str, dict[str, Any]] = {}
    for ref in form_refs(pid).values():
        fields.update(load_form(ref)["properties"])
    for gw in process_el(pid).iterfind(".//bpmn:exclusiveGateway", NS):
        outgoing = [f for f in flows.values() if f.get("sourceRef") == gw.get("id")]
        if len(outgoing) < 2:
            continue
        default = gw.get("default")
        assert default in {f.get("id") for f in outgoing}, f"{gw.get('id')} has no default flow"
        for flow in outgoing:
            assert is_thai(flow.get("name")), f"{flow.get('id')} needs a Thai name"
            cond = condition_of(flow)
            if flow.get("id") == default:
                assert cond is None, f"default flow {flow.get('id')} must not have a condition"
                continue
            assert cond, f"{flow.get('id')} needs a conditionExpression"
            tree = ast.parse(cond, mode="eval")
            bad = [
                type(n).__name__ for n in ast.walk(tree) if not isinstance(n, SAFE_CONDITION_NODES)
            ]
            assert not bad, f"{flow.get('id')}: {cond!r} uses {bad}"
            # Every variable is a form field, and every literal it is compared with is
            # one of that field's choices.
            for cmp in (n for n in ast.walk(tree) if isinstance(n, ast.Compare)):
                assert isinstance(cmp.left, ast.Name), cond
                prop = fields.get(cmp.left.id)
                assert prop is not None, f"{cond!r}: {cmp.left.id} is not a form field"
                for right in cmp.comparators:
                    assert isinstance(right, ast.Constant), cond
                    if prop.get("type") == "boolean":
                        assert isinstance(right.value, bool), cond
                    else:
                        assert right.value in choice_values(prop), (
                            f"{cond!r}: {right.value!r} is not a choice of {cmp.left.id}"
                        )


def test_script_tasks_only_assign_literals_or_copy_form_fields() -> None:
    for pid in PROCESS_IDS:
        fields = {name for ref in form_refs(pid).values()
                  for name in load_form(ref).get("properties", {})}
        for task in process_el(pid).iterfind(".//bpmn:scriptTask", NS):
            script = task.findtext("bpmn:script", default="", namespaces=NS)
            for stmt in ast.parse(script).body:
                assert isinstance(stmt, ast.Assign), f"{task.get('id')}: {script!r}"
                assert all(isinstance(t, ast.Name) for t in stmt.targets), script
                copies_field = isinstance(stmt.value, ast.Name) and stmt.value.id in fields
                assert isinstance(stmt.value, ast.Constant) or copies_field, script


def test_time_limits_are_settings_that_no_script_sets() -> None:
    """triage_days and follow_up_days are set in one place, processes.toml's
    [complaint.settings], which the settings page edits: no script task sets them."""
    named = settings()["complaint"]["settings"]
    assert list(named) == ["triage_days", "follow_up_days"]
    assert (named["triage_days"]["value"], named["triage_days"]["rule_max"]) == (3, 3)
    assert named["triage_days"]["rule_th"] == "ข้อ 5.1: ภายใน 3 วันทำการ"
    assert named["follow_up_days"]["value"] == 10 and "rule_max" not in named["follow_up_days"]
    assert all(is_thai(s["label_th"]) and is_thai(s["rule_th"]) for s in named.values())
    for pid in PROCESS_IDS:
        for task in process_el(pid).iterfind(".//bpmn:scriptTask", NS):
            script = task.findtext("bpmn:script", default="", namespaces=NS)
            for stmt in ast.parse(script).body:
                targets = {t.id for t in stmt.targets if isinstance(t, ast.Name)}
                assert not targets & set(named), f"{task.get('id')} sets {targets}"


def test_triage_has_a_reminder_and_two_escalation_timers() -> None:
    proc = process_el("complaint")
    events = proc.findall("bpmn:boundaryEvent[@attachedToRef='triage']", NS)
    assert {e.get("id") for e in events} == set(TRIAGE_TIMERS)
    assert len(events) == len(TRIAGE_TIMERS)
    timers = timer_expressions("complaint")
    for event in events:
        event_id = event.get("id")
        expected, code = TRIAGE_TIMERS[event_id]
        assert event.get("cancelActivity") == "false", f"{event_id} must not cancel triage"
        assert timers.get(event_id) == ("timeDate", expected), event_id
        assert is_thai(event.findtext("bpmn:documentation", namespaces=NS)), (
            f"{event_id} needs Thai documentation saying what it does"
        )
        assert thrown_escalation_codes("complaint", event_id) == {code}, event_id


def test_every_thrown_escalation_code_is_configured() -> None:
    for pid in PROCESS_IDS:
        configured = set(settings()[pid].get("escalations", {}))
        thrown = set().union(
            *(thrown_escalation_codes(pid, event_id) for event_id in timer_expressions(pid))
        )
        defined = set(
            bpmn_tree(pid).xpath("/bpmn:definitions/bpmn:escalation/@escalationCode", namespaces=NS)
        )
        assert thrown <= configured, (
            f"{pid}: codes missing from processes.toml {thrown - configured}"
        )
        assert configured <= thrown, f"{pid}: codes nothing throws {configured - thrown}"
        assert defined == thrown, f"{pid}: escalations defined but never thrown {defined - thrown}"
    assert set(settings()["complaint"]["escalations"]) == (
        {c for _e, c in TRIAGE_TIMERS.values()} | set(FOLLOW_UP_TIMERS.values()))


def test_timer_day_counts_come_only_from_the_time_limits() -> None:
    """A process owner changes the triage window or the follow-up period, and with it
    every timer that counts from it, with one edit."""
    for pid in PROCESS_IDS:
        for event_id, (_kind, expr) in timer_expressions(pid).items():
            tree = ast.parse(expr, mode="eval")
            allowed: set[int] = set()
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) in WORKING_DAY_HELPERS
                ):
                    assert len(node.args) == 2, f"{event_id}: {expr!r}"
                    count = node.args[1]
                    names = {n.id for n in ast.walk(count) if isinstance(n, ast.Name)}
                    assert names in ({"triage_days"}, {"follow_up_days"}), (
                        f"{event_id}: {expr!r} must count triage_days or follow_up_days")
                # The one extra literal: the second escalation's "+ 2" working days.
                if (
                    event_id == "triage_second_escalation"
                    and isinstance(node, ast.BinOp)
                    and isinstance(node.op, ast.Add)
                    and isinstance(node.left, ast.Name)
                    and node.left.id == "triage_days"
                    and isinstance(node.right, ast.Constant)
                    and node.right.value == 2
                ):
                    allowed.add(id(node.right))
                # And the follow-up escalation's "twice the period".
                if (
                    event_id == "follow_up_overdue"
                    and isinstance(node, ast.BinOp)
                    and isinstance(node.op, ast.Mult)
                    and isinstance(node.right, ast.Constant)
                    and node.right.value == 2
                ):
                    allowed.add(id(node.right))
            literals = [
                n.value
                for n in ast.walk(tree)
                if isinstance(n, ast.Constant)
                and not isinstance(n.value, str)
                and id(n) not in allowed
            ]
            assert not literals, f"{pid}: {event_id} {expr!r} has literal day counts {literals}"


# ----------------------------------------------------------------------------- settings


@pytest.mark.parametrize("pid", PROCESS_IDS)
def test_processes_toml_maps_every_lane_to_a_valid_role(pid: str) -> None:
    conf = settings()[pid]
    assert set(conf) <= {"supervisors", "title_field", "received_field", "lanes", "escalations",
                         "letters", "notify_owner", "publication_step", "settings"}
    assert conf["supervisors"] and set(conf["supervisors"]) <= VALID_ROLES
    lane_conf = conf["lanes"]
    lane_ids = {lane.get("id") for lane in lanes(pid)}
    assert set(lane_conf) == lane_ids, f"{pid}: lanes differ {set(lane_conf) ^ lane_ids}"
    for lane_id, rule in lane_conf.items():
        role = rule if isinstance(rule, str) else rule["role"]
        assert role in VALID_ROLES, f"{pid}.lanes.{lane_id}: unknown role {role!r}"
    # Every user task lands in a mapped lane.
    lane_of = {
        ref.text.strip(): lane.get("id")
        for lane in lanes(pid)
        for ref in lane.findall("bpmn:flowNodeRef", NS)
    }
    for task in process_el(pid).iterfind(".//bpmn:userTask", NS):
        # A task inside a sub-process takes the lane of the sub-process around it.
        holders = [task, *task.iterancestors(f"{{{NS['bpmn']}}}subProcess")]
        lane = next((lane_of[h.get("id")] for h in holders if h.get("id") in lane_of), None)
        assert lane in lane_conf, task.get("id")
    # The case title comes from a required text field of the start form.
    start_ref = next(
        ref
        for node, ref in form_refs(pid).items()
        if process_el(pid).find(f"bpmn:startEvent[@id='{node}']", NS) is not None
    )
    start = load_form(start_ref)
    assert conf["title_field"] in start["required"]
    # The received date, where named, is a required date field of the start form.
    if "received_field" in conf:
        assert conf["received_field"] in start["required"]
        assert start["properties"][conf["received_field"]].get("format") == "date"
    assert start["properties"][conf["title_field"]]["type"] == "string"
    # Each escalation code has a level and tells a valid role or the task's assignee.
    for code, rule in conf.get("escalations", {}).items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), f"{pid}.escalations.{code}"
        assert set(rule) == {"level", "notify"}, f"{pid}.escalations.{code}: {rule}"
        assert isinstance(rule["level"], int) and rule["level"] >= 0, f"{pid}.escalations.{code}"
        assert rule["notify"] in VALID_ROLES | {"assignee"}, f"{pid}.escalations.{code}"


def test_complaint_escalations_reach_the_right_people() -> None:
    escalations = settings()["complaint"]["escalations"]
    assert escalations == {
        "triage_reminder": {"level": 0, "notify": "assignee"},
        "triage_breach": {"level": 1, "notify": "legal_head"},
        "triage_breach_second": {"level": 2, "notify": "director"},
        "follow_up_reminder": {"level": 0, "notify": "assignee"},
        "follow_up_overdue": {"level": 1, "notify": "legal_head"},
    }


def test_only_the_data_owner_lane_is_restricted_to_the_requesting_unit() -> None:
    restricted = [
        (pid, lane)
        for pid, conf in settings().items()
        for lane, rule in conf["lanes"].items()
        if isinstance(rule, dict) and rule.get("requester_unit_only")
    ]
    assert restricted == [("publishing", "lane_owner")]
    assert settings()["publishing"]["lanes"]["lane_owner"]["role"] == "staff"


# ----------------------------------------------------------------------------- forms


@pytest.mark.parametrize(
    ("pid", "node", "ref"), all_form_refs(), ids=[f"{p}:{n}" for p, n, _ in all_form_refs()]
)
def test_form_is_a_labelled_json_schema(pid: str, node: str, ref: str) -> None:
    assert ref.startswith("forms/") and ref.endswith(".schema.json"), ref
    schema = load_form(ref)
    Draft202012Validator.check_schema(schema)
    assert schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert is_thai(schema.get("title")), f"{ref}: form needs a Thai title"
    props = schema["properties"]
    assert props, f"{ref} has no fields"
    for name, prop in props.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), f"{ref}: field name {name!r}"
        assert is_thai(prop.get("title")), f"{ref}: field {name} needs a Thai title"
        if prop.get("type") == "string" and "oneOf" not in prop and "enum" not in prop:
            assert isinstance(prop.get("maxLength"), int), f"{ref}: {name} needs maxLength"
        for option in prop.get("oneOf", []):
            assert "const" in option and is_thai(option.get("title")), f"{ref}: {name}"
        values = choice_values(prop)
        assert len(values) == len(set(values)), f"{ref}: duplicate choices in {name}"
    # Everything a rule requires is a field of the form.
    required = set(schema.get("required", []))
    for rule in schema.get("allOf", []):
        for branch in ("if", "then", "else"):
            required |= set(rule.get(branch, {}).get("required", []))
            assert set(rule.get(branch, {}).get("properties", {})) <= set(props), ref
    assert required <= set(props), f"{ref}: required but undefined {required - set(props)}"


def test_every_form_file_is_used() -> None:
    used = {ref for _pid, _node, ref in all_form_refs()}
    on_disk = {f"forms/{p.name}" for p in (PROCESSES_DIR / "forms").glob("*.json")}
    assert on_disk == used, f"unused or missing forms: {on_disk ^ used}"


def test_every_user_task_has_instructions() -> None:
    for pid in PROCESS_IDS:
        for task in process_el(pid).iterfind(".//bpmn:userTask", NS):
            assert is_thai(task.findtext("bpmn:documentation", namespaces=NS)), task.get("id")


@pytest.mark.parametrize("name", ["complaint_types.json", "not_considered_reasons.json"])
def test_lists_are_schema_fragments(name: str) -> None:
    fragment = json.loads((PROCESSES_DIR / "lists" / name).read_text("utf-8"))
    Draft202012Validator.check_schema(fragment)
    assert fragment["type"] == "string"
    assert is_thai(fragment["title"])
    values = choice_values(fragment)
    assert len(values) >= 2 and len(values) == len(set(values)) == len(fragment["oneOf"])
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", v) for v in values), values
    assert all(is_thai(option["title"]) for option in fragment["oneOf"])


def test_complaint_start_form_fields() -> None:
    ref = form_refs("complaint")["start_complaint"]
    raw = json.loads((PROCESSES_DIR / ref).read_text("utf-8"))
    assert set(raw["properties"]) == COMPLAINT_START_KEYS
    assert set(raw["required"]) == COMPLAINT_START_REQUIRED
    assert raw["properties"]["complaint_type"]["$ref"] == "../lists/complaint_types.json"
    props = load_form(ref)["properties"]
    assert props["received_at"]["format"] == "date"
    assert props["event_date"]["format"] == "date"
    assert props["complainant_email"]["format"] == "email"
    assert choice_values(props["channel"]) == ["letter", "in_person", "website"]


def test_triage_reason_comes_from_the_list() -> None:
    raw = json.loads((PROCESSES_DIR / form_refs("complaint")["triage"]).read_text("utf-8"))
    # The form keeps only its own help beside the reference (the list's note is for owners).
    assert set(raw["properties"]["not_considered_reason"]) == {
        "$ref", "description", "x-description-en"}
    assert raw["properties"]["not_considered_reason"]["$ref"] == (
        "../lists/not_considered_reasons.json")


def test_publishing_request_requires_the_confirmation() -> None:
    schema = load_form(form_refs("publishing")["start_request"])
    confirm = schema["properties"]["no_personal_data_confirmed"]
    assert confirm["type"] == "boolean" and confirm["const"] is True
    assert "no_personal_data_confirmed" in schema["required"]
    validator = Draft202012Validator(schema)
    sample = {
        "unit": "กลุ่มอำนวยการ",
        "request_date": "2026-12-04",
        "title": "ข่าว",
        "details": "รายละเอียด",
        "category": "1.3.1",
        "legal_basis": "oia_s9",
        "no_personal_data_confirmed": True,
    }
    assert validator.is_valid(sample)
    assert not validator.is_valid({**sample, "no_personal_data_confirmed": False})


def test_revise_form_repeats_the_request_fields() -> None:
    request = load_form(form_refs("publishing")["start_request"])["properties"]
    revise = load_form(form_refs("publishing")["owner_revise"])["properties"]
    shared = {"title", "details", "external_link", "remarks", "category", "replaces",
              "legal_basis"}
    assert set(revise) == shared | {"no_personal_data_confirmed", "revise_action"}
    for name in shared:
        assert revise[name] == request[name], f"{name} differs between request and revise"
