"""govflow's own checks on a BPMN file that SpiffWorkflow has already parsed.

`engine.bpmn.loading` covers XML, the XSD and SpiffWorkflow's parse;
`engine.bpmn.definitions.build_bundle` covers lanes, forms and the expression
whitelist. This module adds what neither of them sees:

1. every timer expression evaluates, in the restricted evaluator and on sample
   data, to an ISO 8601 value SpiffWorkflow accepts;
2. every exclusive/inclusive gateway's outgoing flows have a condition or are
   the default, and the default is one of its outgoing flows;
3. no element that loads but that govflow cannot run (messages, compensation,
   links, transactions, ad-hoc sub-processes, service tasks);
4. a warning for loops built from gateways, which SpiffWorkflow stalls on after
   about 250 rounds (task-tree depth 1000);
5. every condition and script compiles and evaluates on sample data, and names
   only variables something sets (`engine.bpmn.expression_lint`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Literal

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.bpmn.expressions.checks import check_expression, check_script
from engine.bpmn.expressions.environment import make_script_engine
from engine.bpmn.loading.load import LoadedBpmn
from engine.bpmn.loading.process_info import ProcessInfo, TimerInfo
from engine.bpmn.problems import Problem
from engine.bpmn.xml_names import BPMN_NS
from engine.core.errors import ExpressionError
from engine.thai.workdays import WorkingCalendar, bpmn_helpers

__all__ = ["has_errors", "lint", "sample_data"]

SAMPLE_DATE = "2026-01-05"
SAMPLE_DATETIME = "2026-01-05T09:00:00+07:00"
SAMPLE_TEXT = "ตัวอย่าง"

_GATEWAYS = {f"{{{BPMN_NS}}}{t}" for t in ("exclusiveGateway", "inclusiveGateway")}
_CONTAINER_TAGS = ("process", "subProcess", "transaction", "adHocSubProcess")
_NOT_FLOW_NODES = {f"{{{BPMN_NS}}}{t}" for t in (
    "sequenceFlow", "laneSet", "documentation", "extensionElements", "dataObject",
    "dataObjectReference", "dataStoreReference", "textAnnotation", "association",
    "ioSpecification", "property", "group", "category",
)}
# Looks like an ISO 8601 duration, cycle or date written without quotes.
_BARE_ISO = re.compile(r"(?i)\s*(P[\dT]\S*|R\d*/\S*|\d{4}-\d\d-\d\d\S*)\s*")

Scope = dict[str, Any]


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def lint(loaded: LoadedBpmn, bundles: Mapping[str, Mapping[str, Any]]) -> list[Problem]:
    """Extra checks on a file that loaded; `bundles` maps process id to its bundle.

    Only executable processes are checked: the rest are diagrams, never run.
    """
    problems: list[Problem] = []
    elements = _process_elements(loaded.tree)
    for pid, info in loaded.processes.items():
        process = elements.get(pid)
        if process is None or not info.executable:
            continue
        bundle = bundles.get(pid)
        if bundle is not None or not info.start_form:
            # Without the start form (already reported) timers would fail on names.
            problems += check_timers(loaded.file, process, info, bundle or {})
        problems += _check_expressions(loaded.file, process, pid, bundle)
        problems += check_gateways(loaded.file, process)
        problems += check_unsupported(loaded.file, process)
        problems += check_gateway_loops(loaded.file, process)
    return problems


def _check_expressions(
    file: str, process: etree._Element, pid: str, bundle: Mapping[str, Any] | None
) -> list[Problem]:
    # Imported here: engine.bpmn.expression_lint builds on this module's sample values.
    from engine.bpmn.expression_lint import check_expressions

    return check_expressions(file, process, pid, bundle)


def _process_elements(tree: etree._ElementTree) -> dict[str, etree._Element]:
    """Each process by id (the first of an id), found in one pass: asking for each process
    in turn scanned all of them (processes²)."""
    found: dict[str, etree._Element] = {}
    for process in tree.getroot().iterchildren(f"{{{BPMN_NS}}}process"):
        found.setdefault(process.get("id") or "", process)
    return found


def _problem(
    file: str, element: etree._Element | None, element_id: str | None,
    en: str, th: str, severity: Literal["error", "warning"] = "error",
) -> Problem:
    line = None if element is None else element.sourceline
    return Problem(file, line, element_id, en, th, severity)


# ------------------------------------------------------------------ sample data


def sample_value(schema: Mapping[str, Any]) -> Any:
    """A plausible value for one JSON Schema property."""
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        choices = [c for c in schema.get(key) or [] if isinstance(c, Mapping)]
        if choices:
            return sample_value(choices[0])
    fmt = schema.get("format")
    if fmt == "date":
        return SAMPLE_DATE
    if fmt == "date-time":
        return SAMPLE_DATETIME
    return _sample_of_type(schema)


def _sample_of_type(schema: Mapping[str, Any]) -> Any:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    if kind == "string":
        return SAMPLE_TEXT
    if kind == "object":
        return sample_data(schema)
    if kind == "array":
        return []
    return None


def sample_data(schema: Mapping[str, Any] | None) -> Scope:
    properties = (schema or {}).get("properties") or {}
    return {
        name: sample_value(prop)
        for name, prop in properties.items()
        if isinstance(prop, Mapping)
    }


def _form_data(bundle: Mapping[str, Any]) -> Scope:
    """Sample data for the start form, then for the task forms the start form lacks.

    Timers on later tasks may use what an earlier task's form entered; counting
    only the start form would call those timers broken.
    """
    forms = bundle.get("forms") or {}
    names = [bundle.get("start_form")]
    names += [task.get("form") for task in (bundle.get("tasks") or {}).values()]
    data: Scope = {}
    for name in names:
        for key, value in sample_data(forms.get(name) if name else None).items():
            data.setdefault(key, value)
    return data


# ----------------------------------------------------------------------- timers


def check_timers(
    file: str, process: etree._Element, info: ProcessInfo, bundle: Mapping[str, Any]
) -> list[Problem]:
    """Evaluate each timer on sample data from the forms, after the script tasks."""
    if not info.timers:
        return []
    environment = make_script_engine(bpmn_helpers(WorkingCalendar())).environment
    context = _form_data(bundle)
    problems = _run_scripts(file, process, info, environment, context)
    for timer in info.timers:
        problem = _check_timer(file, timer, environment, context)
        if problem is not None:
            problems.append(problem)
    return problems


def _run_scripts(
    file: str, process: etree._Element, info: ProcessInfo, environment: Any, context: Scope
) -> list[Problem]:
    problems = []
    for task_id, script in info.script_tasks.items():  # document order
        try:
            check_script(script)
        except ExpressionError:
            continue  # reported by engine.bpmn.definitions
        try:
            environment.execute(script, context)
        except Exception as exc:  # noqa: BLE001 - a report, never a traceback
            en, th = _split_error(exc)
            task = process.xpath(".//*[@id=$i]", i=task_id)
            problems.append(_problem(
                file, task[0] if task else None, task_id,
                f"script task {task_id} failed on sample data ({en}); "
                "timers after it were checked without its results",
                f"สคริปต์ {task_id} ทำงานกับข้อมูลตัวอย่างไม่สำเร็จ ({th}) "
                "จึงตรวจตัวจับเวลาโดยไม่มีผลของสคริปต์นี้",
                "warning",
            ))
    return problems


def _split_error(exc: Exception) -> tuple[str, str]:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, ExpressionError) and " / " in text:
        th, en = text.split(" / ", 1)
        return en, th
    if not isinstance(exc, ValueError):
        text = f"{type(exc).__name__}: {text}"
    return text, text


def _check_timer(
    file: str, timer: TimerInfo, environment: Any, context: Scope
) -> Problem | None:
    expr = timer.expression
    try:
        check_expression(expr)
    except ExpressionError:
        return None  # outside the whitelist: reported by engine.bpmn.definitions
    try:
        value = environment.evaluate(expr, dict(context))
    except Exception as exc:  # noqa: BLE001
        return _timer_failed(file, timer, exc)
    en_th = _TIMER_CHECKS[timer.kind](value)
    if en_th is None:
        return None
    en, th = en_th
    return Problem(
        file, timer.line, timer.element_id,
        f"timer {timer.kind} {expr!r} gives {value!r}: {en}",
        f"ตัวจับเวลา {timer.kind} {expr!r} ได้ค่า {value!r}: {th}",
    )


def _timer_failed(file: str, timer: TimerInfo, exc: Exception) -> Problem:
    expr = timer.expression
    if _BARE_ISO.fullmatch(expr):
        quoted = expr.strip()
        return Problem(
            file, timer.line, timer.element_id,
            f"timer {timer.kind} {expr!r}: put ISO durations in quotes: \"{quoted}\"",
            f"ตัวจับเวลา {timer.kind} {expr!r}: ค่าตามมาตรฐาน ISO ต้องอยู่ในเครื่องหมายคำพูด "
            f"เช่น \"{quoted}\"",
        )
    en, th = _split_error(exc)
    return Problem(
        file, timer.line, timer.element_id,
        f"timer {timer.kind} {expr!r} cannot be evaluated on sample data: {en}",
        f"คำนวณตัวจับเวลา {timer.kind} {expr!r} กับข้อมูลตัวอย่างไม่ได้: {th}",
    )


Verdict = tuple[str, str] | None


def _not_text(value: Any, example: str) -> Verdict:
    if isinstance(value, str):
        return None
    return (f"it must be text such as \"{example}\"",
            f"ต้องเป็นข้อความ เช่น \"{example}\"")


def _time_date(value: Any) -> Verdict:
    wrong = _not_text(value, SAMPLE_DATETIME)
    if wrong:
        return wrong
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return ("not an ISO 8601 date-time, e.g. \"2026-01-05T16:30:00+07:00\"",
                "ไม่ใช่วันเวลาตาม ISO 8601 เช่น \"2026-01-05T16:30:00+07:00\"")
    if moment.tzinfo is None:
        return ("give the offset, e.g. +07:00 — SpiffWorkflow would read it in the "
                "server's time zone",
                "ต้องระบุเขตเวลา เช่น +07:00 มิฉะนั้น SpiffWorkflow จะใช้เขตเวลาของเครื่องแม่ข่าย")
    return None


def _time_duration(value: Any) -> Verdict:
    wrong = _not_text(value, "PT1H")
    if wrong:
        return wrong
    bad = ("not an ISO 8601 duration, e.g. \"P3D\" or \"PT1H\"",
           "ไม่ใช่ระยะเวลาตาม ISO 8601 เช่น \"P3D\" หรือ \"PT1H\"")
    if not value.strip().upper().startswith("P"):
        return bad
    try:
        parsed = TimerEventDefinition.parse_iso_duration(value)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises a bare Exception
        return bad
    return None if parsed else bad


def _time_cycle(value: Any) -> Verdict:
    wrong = _not_text(value, "R3/PT1H")
    if wrong:
        return wrong
    bad = ("not an ISO 8601 repeating interval, e.g. \"R3/PT1H\"",
           "ไม่ใช่ช่วงเวลาซ้ำตาม ISO 8601 เช่น \"R3/PT1H\"")
    if not value.strip().upper().startswith("R"):
        return bad
    try:
        TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:  # noqa: BLE001
        return bad
    return None


_TIMER_CHECKS: dict[str, Callable[[Any], Verdict]] = {
    "timeDate": _time_date,
    "timeDuration": _time_duration,
    "timeCycle": _time_cycle,
}


# --------------------------------------------------------------------- gateways


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _outgoing(gateway: etree._Element) -> list[etree._Element]:
    parent = gateway.getparent()
    return [
        flow for flow in parent.findall(f"{{{BPMN_NS}}}sequenceFlow")
        if flow.get("sourceRef") == gateway.get("id")
    ]


def _outgoing_by_source(process: etree._Element) -> dict[tuple[Any, str | None], list[Any]]:
    """Every flow by (its container, its sourceRef): one walk, where asking each
    gateway in turn scanned all its container's flows (gateways × flows)."""
    found: dict[tuple[Any, str | None], list[Any]] = {}
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        found.setdefault((flow.getparent(), flow.get("sourceRef")), []).append(flow)
    return found


def check_gateways(file: str, process: etree._Element) -> list[Problem]:
    problems = []
    outgoing = _outgoing_by_source(process)
    for gateway in process.iter(*_GATEWAYS):
        flows = outgoing.get((gateway.getparent(), gateway.get("id")), [])
        problems += _check_gateway(file, gateway, flows)
    return problems


def _check_gateway(file: str, gateway: etree._Element,
                   flows: list[etree._Element] | None = None) -> list[Problem]:
    gid = gateway.get("id")
    kind = _local(gateway)
    flows = _outgoing(gateway) if flows is None else flows
    flow_ids = [f.get("id") for f in flows]
    default = gateway.get("default")
    problems = []
    if default and default not in flow_ids:
        problems.append(_problem(
            file, gateway, gid,
            f"{kind} {gid} has default=\"{default}\", which is not one of its outgoing "
            f"flows ({', '.join(flow_ids) or 'none'})",
            f"ทางแยก {gid} กำหนดเส้นทางปริยาย (default) เป็น \"{default}\" "
            f"ซึ่งไม่ใช่เส้นทางที่ออกจากทางแยกนี้",
        ))
    if len(flows) > 1:
        bare = [
            f.get("id") for f in flows
            if f.get("id") != default and f.find(f"{{{BPMN_NS}}}conditionExpression") is None
        ]
        if bare:
            names = ", ".join(bare)
            problems.append(_problem(
                file, gateway, gid,
                f"{kind} {gid}: outgoing flows {names} have no condition; give each a "
                "condition or make one of them the gateway's default",
                f"ทางแยก {gid}: เส้นทาง {names} ไม่มีเงื่อนไข กรุณากำหนดเงื่อนไข "
                "หรือตั้งเส้นหนึ่งเป็นเส้นทางปริยาย (default)",
            ))
    return problems


# ------------------------------------------------------- elements we cannot run

# SpiffWorkflow itself refuses complexGateway, dataStoreReference, serviceTask
# without an operator, businessRuleTask without DMN and callActivity to another
# file (engine.bpmn.loading reports those). These load but govflow cannot run them.
_UNSUPPORTED_TAGS = {
    "sendTask": ("a send task (govflow does not route messages)",
                 "งานส่งข้อความ (send task) เพราะ govflow ยังไม่ส่งต่อข้อความ"),
    "receiveTask": ("a receive task (govflow does not route messages)",
                    "งานรับข้อความ (receive task) เพราะ govflow ยังไม่ส่งต่อข้อความ"),
    "serviceTask": ("a service task (govflow has no services to call)",
                    "งานเรียกบริการ (service task) เพราะ govflow ยังไม่มีบริการให้เรียก"),
    "transaction": ("a transaction", "ธุรกรรม (transaction)"),
    "adHocSubProcess": ("an ad-hoc sub-process", "กระบวนการย่อยแบบ ad-hoc"),
}
_UNSUPPORTED_EVENTS = {
    "messageEventDefinition": ("a message event (govflow does not route messages)",
                               "เหตุการณ์ข้อความ (message event) เพราะ govflow ยังไม่ส่งต่อข้อความ"),
    "compensateEventDefinition": ("a compensation event", "เหตุการณ์ชดเชย (compensation event)"),
    "linkEventDefinition": ("a link event", "เหตุการณ์เชื่อมโยง (link event)"),
}


def check_unsupported(file: str, process: etree._Element) -> list[Problem]:
    problems = []
    for element in process.iter(etree.Element):
        found = _unsupported(element)
        if found is None:
            continue
        target, (en, th) = found
        eid = target.get("id")
        problems.append(_problem(
            file, target, eid,
            f"govflow cannot run {_local(target)} yet: {eid} is {en}",
            f"govflow ยังไม่รองรับ {_local(target)}: {eid} เป็น{th}",
        ))
    return problems


def _unsupported(element: etree._Element) -> tuple[etree._Element, tuple[str, str]] | None:
    name = _local(element) if element.tag.startswith(f"{{{BPMN_NS}}}") else ""
    if name in _UNSUPPORTED_TAGS:
        return element, _UNSUPPORTED_TAGS[name]
    if name in _UNSUPPORTED_EVENTS:
        return element.getparent(), _UNSUPPORTED_EVENTS[name]
    return None


# ---------------------------------------------------------------- gateway loops


def check_gateway_loops(file: str, process: etree._Element) -> list[Problem]:
    problems = []
    for container in process.iter(*(f"{{{BPMN_NS}}}{t}" for t in _CONTAINER_TAGS)):
        nodes, edges = _flow_graph(container)
        reported: set[str] = set()
        for gateway, entry in _gateway_back_edges(nodes, edges):
            gid = gateway.get("id")
            if gid in reported:
                continue
            reported.add(gid)
            problems.append(_loop_warning(file, gateway, entry))
    return problems


def _loop_warning(file: str, gateway: etree._Element, entry: str) -> Problem:
    gid = gateway.get("id")
    return _problem(
        file, gateway, gid,
        f"the loop from {gid} back to {entry} is built from gateways; SpiffWorkflow "
        "stalls after about 250 rounds (task-tree depth 1000): if it can repeat many "
        "times, use a loop or multi-instance task or a timer",
        f"วงวนจาก {gid} กลับไปที่ {entry} สร้างด้วยทางแยก (gateway) SpiffWorkflow "
        "จะหยุดทำงานเมื่อวนประมาณ 250 รอบ (ความลึกของ task tree 1000) "
        "หากอาจวนซ้ำหลายครั้ง ให้ใช้งานแบบวนซ้ำ (loop) หรือ multi-instance หรือตัวจับเวลาแทน",
        "warning",
    )


def _flow_graph(
    container: etree._Element,
) -> tuple[dict[str, etree._Element], dict[str, list[str]]]:
    """Flow nodes directly in `container` and their successors, in document order.

    A boundary event counts as a successor of the activity it is attached to.
    """
    nodes = {
        child.get("id"): child for child in container
        if isinstance(child.tag, str) and child.tag not in _NOT_FLOW_NODES and child.get("id")
    }
    edges: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for flow in container.findall(f"{{{BPMN_NS}}}sequenceFlow"):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in edges and target in nodes:
            edges[source].append(target)
    for node_id, node in nodes.items():
        attached = node.get("attachedToRef") if _local(node) == "boundaryEvent" else None
        if attached in edges:
            edges[attached].append(node_id)
    return nodes, edges


def _gateway_back_edges(
    nodes: Mapping[str, etree._Element], edges: Mapping[str, list[str]]
) -> Iterator[tuple[etree._Element, str]]:
    """For each back edge of a DFS from the start events whose cycle passes an
    exclusive or inclusive gateway: (the last such gateway on it, the node it returns to)."""
    starts = [nid for nid, node in nodes.items() if _local(node) == "startEvent"]
    visited: set[str] = set()
    for start in starts:
        if start in visited:
            continue
        for gateway, target in _back_edges(start, edges, visited,
                                           lambda n: nodes[n].tag in _GATEWAYS):
            yield nodes[gateway], target


def _back_edges(
    start: str, edges: Mapping[str, list[str]], visited: set[str],
    is_gateway: Callable[[str], bool],
) -> Iterator[tuple[str, str]]:
    """Iterative DFS (no recursion limit); yields (the last gateway on the path, the node
    it loops back to) for each back edge whose cycle has a gateway.

    Each node's place on the path and the last gateway up to it are kept as the path
    grows, so a back edge costs O(1), not a scan of the path.
    """
    path = [start]
    on_path = {start: 0}
    last_gateway = [0 if is_gateway(start) else -1]  # index into path, or -1
    visited.add(start)
    pending = [iter(edges.get(start, ()))]
    while pending:
        successor = next(pending[-1], None)
        if successor is None:
            pending.pop()
            del on_path[path.pop()]
            last_gateway.pop()
            continue
        if successor in on_path:
            if last_gateway[-1] >= on_path[successor]:
                yield path[last_gateway[-1]], successor
        elif successor not in visited:
            visited.add(successor)
            on_path[successor] = len(path)
            last_gateway.append(len(path) if is_gateway(successor) else last_gateway[-1])
            path.append(successor)
            pending.append(iter(edges.get(successor, ())))
