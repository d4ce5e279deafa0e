"""Read, check and parse one BPMN file safely.

BPMN files come from process owners, not programmers, so every failure has to
become a `Problem` with a line number and plain words, and nothing in the file
may reach the network or the local disk (DTDs, entities) while we read it.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from lxml import etree
from SpiffWorkflow.bpmn.parser.node_parser import NodeParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.bpmn.spiff_messages import GENERIC, KIND_TH, TOO_DEEP, plain_spiff_message
from engine.core.errors import BpmnLoadError

__all__ = [
    "MAX_BPMN_BYTES",
    "MAX_DEPTH",
    "MAX_REPORTED_PROBLEMS",
    "MoreProblems",
    "LoadedBpmn",
    "Problem",
    "ProcessInfo",
    "TimerInfo",
    "UserTaskInfo",
    "bound_problems",
    "check_xsd",
    "load_bpmn",
    "load_bpmn_file",
    "read_xml",
]

MAX_BPMN_BYTES = 5 * 1024 * 1024
# Modelers nest a handful of levels (definitions/process/subProcess/.../script);
# anything near libxml2's own 256 limit is an attack or a broken generator.
MAX_DEPTH = 200
# A report longer than this helps nobody (8,000 copies of one mistake): the rest is
# counted in one last line, "and 1,234 more".
MAX_REPORTED_PROBLEMS = 200

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
_log = logging.getLogger(__name__)
FORM_PROPERTY = "formJsonSchemaFilename"
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")

# Shorter, readable names for namespaces in XSD and spiff messages.
_NS_PREFIXES = {
    BPMN_NS: "bpmn",
    SPIFF_NS: "spiffworkflow",
    "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
    "http://www.omg.org/spec/DD/20100524/DC": "dc",
    "http://www.omg.org/spec/DD/20100524/DI": "di",
}


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    element_id: str | None
    message: str
    message_th: str
    severity: Literal["error", "warning"] = "error"

    def format(self, lang: str = "en") -> str:
        text = self.message_th if lang == "th" else self.message
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        suffix = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}: {text}{suffix}"


@dataclass(frozen=True)
class MoreProblems(Problem):
    """The last line of a report cut short: "and 1,234 more"."""

    count: int = 0

    @classmethod
    def of(cls, file: str, line: int | None, count: int,
           severity: Literal["error", "warning"]) -> MoreProblems:
        shown = f"{count:,}"
        return cls(file, line, None, f"and {shown} more (fix those above and check again)",
                   f"และอีก {shown} รายการ (แก้ไขรายการข้างต้นแล้วตรวจอีกครั้ง)", severity, count)


@dataclass(frozen=True)
class UserTaskInfo:
    id: str
    name: str | None
    documentation: str | None
    form: str | None
    lane_id: str | None
    line: int | None


@dataclass(frozen=True)
class TimerInfo:
    element_id: str
    attached_to: str | None
    kind: Literal["timeDate", "timeDuration", "timeCycle"]
    expression: str
    line: int | None


@dataclass
class ProcessInfo:
    process_id: str
    name: str | None
    executable: bool
    lanes: dict[str, str] = field(default_factory=dict)
    node_lane: dict[str, str] = field(default_factory=dict)
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)
    start_form: str | None = None
    timers: list[TimerInfo] = field(default_factory=list)
    script_tasks: dict[str, str] = field(default_factory=dict)
    conditions: dict[str, str] = field(default_factory=dict)
    start_event: str | None = None  # the first start event directly in the process
    start_line: int | None = None
    line: int | None = None  # of the process element: where its file-wide problems sit


@dataclass
class LoadedBpmn:
    file: str
    content_hash: str
    tree: etree._ElementTree
    processes: dict[str, ProcessInfo]
    specs: dict[str, BpmnProcessSpec]
    subprocess_specs: dict[str, dict]
    warnings: list[Problem]


# ---------------------------------------------------------------------- reading


def _safe_parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers keep an error log and are not
    # meant to be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


_DOCTYPE_MARKERS = tuple(
    "<!DOCTYPE".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be")
)


def _mentions_doctype(data: bytes) -> bool:
    return any(marker in data for marker in _DOCTYPE_MARKERS)


def _doctype_line(data: bytes) -> int | None:
    # Only meaningful for ASCII-compatible encodings, which is all modelers write.
    index = data.find(_DOCTYPE_MARKERS[0])
    return None if index < 0 else data.count(b"\n", 0, index) + 1


def _doctype_problem(file: str, line: int | None) -> Problem:
    return Problem(
        file,
        line,
        None,
        "DOCTYPE/entities are not allowed in BPMN files; remove the <!DOCTYPE ...> declaration",
        "ไม่อนุญาตให้มี DOCTYPE/entity ในไฟล์ BPMN กรุณาลบส่วน <!DOCTYPE ...> ออก",
    )


def _syntax_problem(file: str, err: etree.XMLSyntaxError) -> Problem:
    # lxml repeats the position at the end of msg; we report the line separately.
    detail = re.sub(r",? line \d+, column \d+\s*$", "", err.msg or str(err)).strip()
    if detail.startswith("Excessive depth in document"):
        # libxml2's own limit (256) fired first; its hint about XML_PARSE_HUGE
        # means nothing to a process owner.
        return _too_deep_problem(file, err.lineno or None)
    return Problem(
        file,
        err.lineno or None,
        None,
        f"the file is not well-formed XML: {detail}",
        f"ไฟล์ไม่ใช่ XML ที่ถูกต้อง: {detail}",
    )


def _too_deep_problem(file: str, line: int | None) -> Problem:
    return Problem(
        file, line, None,
        f"elements are nested more than {MAX_DEPTH} levels deep",
        f"มีการซ้อนองค์ประกอบลึกเกิน {MAX_DEPTH} ชั้น",
    )


def _max_depth_exceeded(root: etree._Element, limit: int) -> etree._Element | None:
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        if depth > limit:
            return element
    return None


def read_xml(data: bytes, file: str) -> etree._ElementTree:
    """Parse untrusted bytes without DTDs, entities, network or huge trees."""
    if len(data) > MAX_BPMN_BYTES:
        mib = MAX_BPMN_BYTES // (1024 * 1024)
        raise BpmnLoadError([Problem(
            file, None, None,
            f"the file is too large ({len(data):,} bytes); the limit is {mib} MB",
            f"ไฟล์มีขนาดใหญ่เกินไป ({len(data):,} ไบต์) ขนาดสูงสุดคือ {mib} MB",
        )])
    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as err:
        problems = [_syntax_problem(file, err)]
        if _mentions_doctype(data):
            # e.g. billion laughs: libxml2 stops it, but say why it is refused.
            problems.insert(0, _doctype_problem(file, _doctype_line(data)))
        raise BpmnLoadError(problems) from None
    except ValueError as err:
        raise BpmnLoadError([Problem(
            file, None, None,
            f"the file cannot be read as XML: {err}",
            f"ไม่สามารถอ่านไฟล์เป็น XML ได้: {err}",
        )]) from None
    tree = root.getroottree()
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise BpmnLoadError([_doctype_problem(file, _doctype_line(data))])
    too_deep = _max_depth_exceeded(root, MAX_DEPTH)
    if too_deep is not None:
        raise BpmnLoadError([_too_deep_problem(file, too_deep.sourceline)])
    return tree


# -------------------------------------------------------------------------- XSD

_schema_lock = threading.Lock()
_schema: etree.XMLSchema | None = None


def _schema_dir() -> Path:
    import SpiffWorkflow

    return Path(SpiffWorkflow.__file__).resolve().parent


def _build_schema() -> etree.XMLSchema:
    base = _schema_dir()
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    doc = etree.parse(str(base / "bpmn" / "parser" / "schema" / "BPMN20.xsd"), parser)
    # spiff's own VALIDATOR imports its xsd under the namespace "spiffworkflow",
    # which is not the xsd's targetNamespace; use the real one so that
    # spiffworkflow:* extension elements are actually checked.
    spiff_xsd = base / "spiff" / "parser" / "schema" / "spiffworkflow.xsd"
    doc.getroot().insert(0, etree.Element(
        "{http://www.w3.org/2001/XMLSchema}import",
        namespace=SPIFF_NS,
        schemaLocation=spiff_xsd.as_uri(),
    ))
    return etree.XMLSchema(doc)


def _get_schema() -> etree.XMLSchema:
    global _schema
    if _schema is None:
        with _schema_lock:
            if _schema is None:
                _schema = _build_schema()
    return _schema


def _short_names(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        prefix = _NS_PREFIXES.get(match.group(1))
        return f"{prefix}:{match.group(2)}" if prefix else match.group(0)

    return re.sub(r"\{([^}]+)\}([\w.-]+)", repl, text)


def _plain_xsd_message(raw: str) -> tuple[str, str]:
    text = _short_names(raw)
    dup = re.search(r"attribute 'id': '([^']*)' is not a valid value of the atomic type 'xs:ID'",
                    text)
    if dup:
        ident = dup.group(1)
        return (f"the id '{ident}' is used more than once or is not a valid id "
                "(ids must be unique and start with a letter or '_')",
                f"รหัส (id) '{ident}' ซ้ำกันหรือไม่ถูกต้อง "
                "(id ต้องไม่ซ้ำกันและขึ้นต้นด้วยตัวอักษรหรือ '_')")
    # The list of expected elements can run to dozens of names; keep a few.
    expected = re.search(r"Expected is one of \(([^)]*)\)\.?", text)
    if expected:
        names = [n.strip() for n in expected.group(1).split(",") if n.strip()]
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        text = text[: expected.start()] + f"Expected one of: {shown}."
    text = text.strip()
    return (f"does not follow the BPMN 2.0 schema: {text}",
            f"ไม่เป็นไปตามมาตรฐาน BPMN 2.0: {text}")


LineIndex = dict[tuple[int, str | None], etree._Element]


def _elements_by_line(tree: etree._ElementTree) -> LineIndex:
    """The first element on each line, and the first of each tag on each line.

    Built once per file, so finding the element behind each XSD error costs
    one look-up however many elements share its line (a minified file has one).
    """
    index: LineIndex = {}
    for element in tree.iter(tag=etree.Element):
        index.setdefault((element.sourceline, None), element)
        index.setdefault((element.sourceline, element.tag), element)
    return index


def _element_for_error(index: LineIndex, line: int, message: str) -> etree._Element | None:
    named = re.search(r"Element '(\{[^}]*\}[\w.-]+|[\w.-]+)'", message)
    found = index.get((line, named.group(1))) if named else None
    return found if found is not None else index.get((line, None))


def _nearest_id(element: etree._Element | None) -> str | None:
    while element is not None:
        if element.get("id"):
            return element.get("id")
        element = element.getparent()
    return None


def _swap_correlation_expressions(tree: etree._ElementTree, tag: str) -> list[etree._Element]:
    # bpmn-js writes formalExpression where the XSD wants messagePath; spiff's
    # validator renames it before checking, and so do we (then we rename back).
    found = tree.xpath(
        ".//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression", namespaces=NS
    )
    for element in found:
        element.tag = tag
    return found


# libxml2 names each error's element by its path ("…/bpmn:sequenceFlow[4711]"), counting
# the siblings before it: n errors among n siblings cost n². Containers wider than this
# are checked in a copy cut to this many children (for the lines), and the whole file
# once more as a stream (for the count).
MAX_XSD_SIBLINGS = 1000


def _widest(tree: etree._ElementTree) -> int:
    return max((len(el) for el in tree.iter(tag=etree.Element)), default=0)


def _cut_copy(tree: etree._ElementTree) -> etree._ElementTree:
    """A copy with every container cut to its first MAX_XSD_SIBLINGS children (lines kept)."""
    root = copy.deepcopy(tree.getroot())
    for element in [el for el in root.iter(tag=etree.Element) if len(el) > MAX_XSD_SIBLINGS]:
        del element[MAX_XSD_SIBLINGS:]
    return root.getroottree()


def _streamed_error_count(schema: etree.XMLSchema, tree: etree._ElementTree) -> int:
    # Validating while parsing names no paths, so it is linear, but it gives no lines.
    parser = etree.XMLParser(schema=schema, resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False)
    with contextlib.suppress(etree.XMLSyntaxError):  # the log holds what we count
        etree.fromstring(etree.tostring(tree), parser)
    return sum(1 for e in parser.error_log if e.domain_name == "SCHEMASV")


def _slices(tree: etree._ElementTree) -> Iterator[tuple[etree._ElementTree, set[int]]]:
    """What the cut copy left out, as small documents: each later run of MAX_XSD_SIBLINGS
    children of a wide container, under bare copies of its ancestors (lines kept), with
    the ids of the copied children. Every element is copied once: linear."""
    for container in [el for el in tree.iter(tag=etree.Element) if len(el) > MAX_XSD_SIBLINGS]:
        chain = [container, *container.iterancestors()][::-1]
        for start in range(MAX_XSD_SIBLINGS, len(container), MAX_XSD_SIBLINGS):
            parent = None
            for original in chain:
                bare = etree.Element(original.tag, dict(original.attrib), nsmap=original.nsmap)
                bare.sourceline = original.sourceline
                if parent is not None:
                    parent.append(bare)
                parent = bare
            kept = [copy.deepcopy(child) for child in container[start:start + MAX_XSD_SIBLINGS]]
            parent.extend(kept)
            yield parent.getroottree(), {id(el) for child in kept for el in child.iter()}


def _slice_errors(schema: etree.XMLSchema, tree: etree._ElementTree,
                  wanted: int) -> list[tuple[int, str]]:
    """Errors inside the left-out children, until ``wanted`` are found; errors of the bare
    ancestors (which miss their other children) are not the file's and are dropped."""
    found: list[tuple[int, str]] = []
    for piece, inside in _slices(tree):
        schema.validate(piece)
        index = _elements_by_line(piece)
        for error in schema.error_log:
            element = _element_for_error(index, error.line, error.message)
            if element is not None and id(element) in inside:
                found.append((error.line, error.message))
        if len(found) >= wanted:
            break
    return found


def _schema_errors(tree: etree._ElementTree) -> tuple[list[tuple[int, str]], int]:
    """The schema errors with their lines, and how many more the file has beyond them."""
    schema = _get_schema()
    wide = _widest(tree) > MAX_XSD_SIBLINGS
    with _schema_lock:  # the schema keeps its error_log on itself
        schema.validate(_cut_copy(tree) if wide else tree)
        errors = [(e.line, e.message) for e in schema.error_log]
        if not wide:
            return errors, 0
        total = _streamed_error_count(schema, tree)
        if len(errors) < min(total, MAX_REPORTED_PROBLEMS):
            errors += _slice_errors(schema, tree, MAX_REPORTED_PROBLEMS - len(errors))
    return errors, max(total - len(errors), 0)


def check_xsd(tree: etree._ElementTree, file: str) -> list[Problem]:
    """Return one Problem per schema error, each with its line and nearest id."""
    swapped = _swap_correlation_expressions(tree, f"{{{BPMN_NS}}}messagePath")
    try:
        errors, beyond = _schema_errors(tree)
    finally:
        for element in swapped:
            element.tag = f"{{{BPMN_NS}}}formalExpression"
    if not errors and not beyond:
        return []
    index = _elements_by_line(tree)
    problems = []
    for line, message in errors:
        element = _element_for_error(index, line, message) if line else None
        en, th = _plain_xsd_message(message)
        problems.append(Problem(file, line or None, _nearest_id(element), en, th))
    if beyond:
        line = problems[-1].line if problems else tree.getroot().sourceline
        problems.append(MoreProblems.of(file, line, beyond, "error"))
    return problems


# ------------------------------------------------------------ reference checks


def _is_executable(process: etree._Element) -> bool:
    # Same rule as SpiffWorkflow's ProcessParser, so we never ask it for a spec
    # it considers non-executable.
    return process.get("isExecutable", "true").strip() == "true"


class _Siblings:
    """The ids of each container's direct children, each set built once.

    Rebuilding the set for every flow made a container of n flows cost n².
    """

    def __init__(self) -> None:
        self._ids: dict[etree._Element, set[str]] = {}

    def of(self, element: etree._Element) -> set[str]:
        parent = element.getparent()
        ids = self._ids.get(parent)
        if ids is None:
            ids = {el.get("id") for el in parent.iterchildren(tag=etree.Element)}
            self._ids[parent] = ids
        return ids


@dataclass(frozen=True)
class _Ids:
    all: set[str]
    processes: set[str]
    # Root elements events and tasks point at, by kind: error, escalation, message, signal.
    by_kind: dict[str, set[str]]
    siblings: _Siblings


def _check_flow_refs(flow: etree._Element, file: str, ids: _Ids) -> list[Problem]:
    sibling_ids = ids.siblings.of(flow)
    flow_id = flow.get("id") or "?"
    problems = []
    for attr, what in (("sourceRef", "comes from"), ("targetRef", "points to")):
        ref = flow.get(attr)
        if not ref or ref in sibling_ids:
            continue  # a missing attribute is reported by the XSD check
        elsewhere = ref in ids.all
        where = "is in another process or sub-process" if elsewhere else "does not exist"
        where_th = "อยู่ในกระบวนการหรือกระบวนการย่อยอื่น" if elsewhere else "ไม่มีอยู่จริง"
        problems.append(Problem(
            file, flow.sourceline, flow_id,
            f"sequence flow {flow_id} {what} '{ref}', which {where}",
            f"เส้นลำดับงาน (sequence flow) {flow_id} อ้างถึง '{ref}' ซึ่ง{where_th}",
        ))
    return problems


def _check_boundary_refs(event: etree._Element, file: str, ids: _Ids) -> list[Problem]:
    ref = event.get("attachedToRef")
    if not ref or ref in ids.all:
        return []
    event_id = event.get("id") or "?"
    return [Problem(
        file, event.sourceline, event_id,
        f"boundary event {event_id} is attached to '{ref}', which does not exist",
        f"boundary event {event_id} ผูกอยู่กับ '{ref}' ซึ่งไม่มีอยู่จริง",
    )]


def _check_call_refs(call: etree._Element, file: str, ids: _Ids) -> list[Problem]:
    called = call.get("calledElement")
    if called and called in ids.processes:
        return []
    call_id = call.get("id") or "?"
    if not called:
        return [Problem(
            file, call.sourceline, call_id,
            f"call activity {call_id} names no process to call; set its calledElement to the "
            "id of a process in this file",
            f"call activity {call_id} ไม่ได้ระบุกระบวนการที่จะเรียก กรุณากำหนด calledElement "
            "เป็น id ของกระบวนการในไฟล์นี้",
        )]
    return [Problem(
        file, call.sourceline, call_id,
        f"call activity {call_id} calls process '{called}', which is not in this file",
        f"call activity {call_id} เรียกกระบวนการ '{called}' ซึ่งไม่มีอยู่ในไฟล์นี้",
    )]


# The attribute that names a root element, and that element's kind.
_ROOT_REFS = {
    "errorEventDefinition": ("errorRef", "error"),
    "escalationEventDefinition": ("escalationRef", "escalation"),
    "messageEventDefinition": ("messageRef", "message"),
    "signalEventDefinition": ("signalRef", "signal"),
    "sendTask": ("messageRef", "message"),
    "receiveTask": ("messageRef", "message"),
}


def _check_root_ref(element: etree._Element, file: str, ids: _Ids) -> list[Problem]:
    """An errorRef, escalationRef, messageRef or signalRef must name such an element:
    SpiffWorkflow meets a dangling one with an internal TypeError."""
    attr, kind = _ROOT_REFS[etree.QName(element).localname]
    kind_th = KIND_TH[kind]
    ref = (element.get(attr) or "").strip()
    if not ref or ref in ids.by_kind[kind]:
        return []
    # An event definition belongs to its event: name the event, as the modeler shows it.
    is_definition = etree.QName(element).localname.endswith("EventDefinition")
    owner_id = _nearest_id(element.getparent() if is_definition else element) or "?"
    return [Problem(
        file, element.sourceline, owner_id,
        f"{attr}=\"{ref}\" of {owner_id} names no bpmn:{kind} of this file; add "
        f"<bpmn:{kind} id=\"{ref}\"> under bpmn:definitions or pick an existing one",
        f"{attr}=\"{ref}\" ของ {owner_id} อ้างถึง{kind_th} ที่ไม่มีในไฟล์นี้ "
        f"กรุณาเพิ่ม <bpmn:{kind} id=\"{ref}\"> ใต้ bpmn:definitions หรือเลือกรายการที่มีอยู่",
    )]


_Check = Callable[[etree._Element, str, _Ids], list[Problem]]
_REFERENCE_CHECKS: dict[str, _Check] = {
    f"{{{BPMN_NS}}}sequenceFlow": _check_flow_refs,
    f"{{{BPMN_NS}}}boundaryEvent": _check_boundary_refs,
    f"{{{BPMN_NS}}}callActivity": _check_call_refs,
    **{f"{{{BPMN_NS}}}{tag}": _check_root_ref for tag in _ROOT_REFS},
}


def _ids(root: etree._Element, processes: list[etree._Element]) -> _Ids:
    by_kind: dict[str, set[str]] = {kind: set() for kind in KIND_TH}
    for element in root.iterchildren(*(f"{{{BPMN_NS}}}{kind}" for kind in by_kind)):
        by_kind[etree.QName(element).localname].add(element.get("id"))
    return _Ids(
        all={el.get("id") for el in root.iter(tag=etree.Element) if el.get("id")},
        processes={p.get("id") for p in processes},
        by_kind=by_kind,
        siblings=_Siblings(),
    )


def check_references(tree: etree._ElementTree, file: str) -> list[Problem]:
    """Catch dangling references before SpiffWorkflow turns them into misleading
    messages without line numbers: errors in executable processes, warnings in
    the rest (they are shown, never run). One walk over each process."""
    root = tree.getroot()
    processes = root.findall(f"{{{BPMN_NS}}}process")
    ids = _ids(root, processes)
    problems: list[Problem] = []
    for process in processes:
        severity: Literal["error", "warning"] = "error" if _is_executable(process) else "warning"
        for element in process.iter(*_REFERENCE_CHECKS):
            found = _REFERENCE_CHECKS[element.tag](element, file, ids)
            problems += found if severity == "error" else [
                replace(p, severity=severity) for p in found]
    return problems


# ------------------------------------------------------------------ ProcessInfo


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _spiff_property(element: etree._Element, name: str) -> str | None:
    found = element.xpath(
        "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property[@name=$n]/@value",
        namespaces=NS, n=name,
    )
    return str(found[0]) if found else None


def _lanes(process: etree._Element) -> tuple[dict[str, str], dict[str, str]]:
    lanes: dict[str, str] = {}
    node_lane: dict[str, str] = {}
    # Document order puts nested lanes after their parents, so the innermost
    # lane wins, as it does in SpiffWorkflow.
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        lane_id = lane.get("id")
        if not lane_id:
            continue
        lanes[lane_id] = lane.get("name") or lane_id
        for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
            if _text(ref):
                node_lane[_text(ref)] = lane_id
    _inherit_subprocess_lanes(process, node_lane)
    return lanes, node_lane


_CONTAINERS = {f"{{{BPMN_NS}}}{t}" for t in ("subProcess", "transaction", "adHocSubProcess")}
_FLOW_NODE_SKIP = {f"{{{BPMN_NS}}}{t}" for t in (
    "sequenceFlow", "laneSet", "lane", "documentation", "extensionElements",
    "dataObject", "dataObjectReference", "dataStoreReference", "textAnnotation",
    "association", "ioSpecification", "property",
)}


def _inherit_subprocess_lanes(process: etree._Element, node_lane: dict[str, str]) -> None:
    # Tasks inside a sub-process are not listed in any lane; SpiffWorkflow
    # gives them the sub-process's lane, so we do the same.
    for container in process.iter(*_CONTAINERS):
        lane_id = node_lane.get(container.get("id", ""))
        if lane_id is None:
            continue
        for child in container:
            child_id = child.get("id") if isinstance(child.tag, str) else None
            if child_id and child.tag not in _FLOW_NODE_SKIP:
                node_lane.setdefault(child_id, lane_id)


def _user_tasks(process: etree._Element, node_lane: dict[str, str]) -> dict[str, UserTaskInfo]:
    tasks = {}
    for task in process.iter(f"{{{BPMN_NS}}}userTask"):
        task_id = task.get("id")
        if not task_id:
            continue
        doc = task.find(f"{{{BPMN_NS}}}documentation")
        tasks[task_id] = UserTaskInfo(
            id=task_id,
            name=task.get("name"),
            documentation=None if doc is None else (doc.text or None),
            form=_spiff_property(task, FORM_PROPERTY),
            lane_id=node_lane.get(task_id),
            line=task.sourceline,
        )
    return tasks


def _start_form(process: etree._Element) -> str | None:
    for start in process.findall(f"{{{BPMN_NS}}}startEvent"):
        has_trigger = any(
            isinstance(child.tag, str) and child.tag.endswith("EventDefinition")
            for child in start
        )
        if not has_trigger:
            return _spiff_property(start, FORM_PROPERTY)
    return None


def _timers(process: etree._Element) -> list[TimerInfo]:
    timers = []
    for definition in process.iter(f"{{{BPMN_NS}}}timerEventDefinition"):
        event = definition.getparent()
        for kind in TIMER_KINDS:
            expr = definition.find(f"{{{BPMN_NS}}}{kind}")
            if expr is None:
                continue
            timers.append(TimerInfo(
                element_id=event.get("id") or "",
                attached_to=event.get("attachedToRef"),
                kind=kind,
                expression=(expr.text or "").strip(),
                line=event.sourceline,
            ))
    return timers


def _scripts(process: etree._Element) -> dict[str, str]:
    scripts = {}
    for task in process.iter(f"{{{BPMN_NS}}}scriptTask"):
        script = task.find(f"{{{BPMN_NS}}}script")
        if task.get("id"):
            scripts[task.get("id")] = "" if script is None else (script.text or "")
    return scripts


def _conditions(process: etree._Element) -> dict[str, str]:
    conditions = {}
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        expr = flow.find(f"{{{BPMN_NS}}}conditionExpression")
        if expr is not None and flow.get("id"):
            conditions[flow.get("id")] = (expr.text or "").strip()
    return conditions


def process_info(process: etree._Element) -> ProcessInfo:
    lanes, node_lane = _lanes(process)
    start = next((s for s in process.iterchildren(f"{{{BPMN_NS}}}startEvent") if s.get("id")),
                 None)
    return ProcessInfo(
        process_id=process.get("id") or "",
        name=process.get("name"),
        executable=_is_executable(process),
        lanes=lanes,
        node_lane=node_lane,
        user_tasks=_user_tasks(process, node_lane),
        start_form=_start_form(process),
        timers=_timers(process),
        script_tasks=_scripts(process),
        conditions=_conditions(process),
        start_event=None if start is None else start.get("id"),
        start_line=None if start is None else start.sourceline,
        line=process.sourceline,
    )


# ------------------------------------------------------------------------ spiff

# SpiffWorkflow finds the message, signal, error, escalation or data reference that an
# element names by searching the whole document each time (NodeParser.doc_xpath with
# ".//bpmn:message[@id='…']"): events × elements. The same look-ups are answered from one
# index per parse and document, built on first use; any other search is SpiffWorkflow's.
_DOC_LOOKUP = re.compile(r"""\.//bpmn:(\w+)\[@id=(['"])([^'"]*)\2\]""")
_spiff_doc_xpath = NodeParser.doc_xpath
DocIndex = dict[tuple[str, str], list[etree._Element]]


def _document_index(owner: object, root: etree._Element) -> DocIndex:
    indexes = owner.__dict__.setdefault("_govflow_doc_index", {})
    found = indexes.get(id(root))
    if found is not None and found[0] is root:
        return found[1]
    index: DocIndex = {}
    for element in root.iterdescendants(tag=etree.Element):
        element_id = element.get("id")
        if element_id is not None:
            index.setdefault((element.tag, element_id), []).append(element)
    indexes[id(root)] = (root, index)
    return index


def _indexed_doc_xpath(self: NodeParser, xpath: str) -> list:
    match = _DOC_LOOKUP.fullmatch(xpath)
    owner = getattr(getattr(self, "process_parser", None), "parser", None)
    if match is None or owner is None:
        return _spiff_doc_xpath(self, xpath)
    index = _document_index(owner, self.node.getroottree().getroot())
    tag = f"{{{self.nsmap.get('bpmn', BPMN_NS)}}}{match.group(1)}"
    return list(index.get((tag, match.group(3)), []))


NodeParser.doc_xpath = _indexed_doc_xpath


def _by_id(tree: etree._ElementTree, element_id: str | None) -> etree._Element | None:
    if not element_id:
        return None
    found = tree.xpath("//*[@id=$i]", i=element_id)
    return found[0] if found else None


def _data_store(tree: etree._ElementTree, raw: str) -> etree._Element | None:
    # This error is raised without a node; find the store by its name.
    match = re.match(r"Data Store with name (.*) has no implementation", raw)
    if not match:
        return None
    found = tree.xpath("//bpmn:dataStore[@name=$n]", namespaces=NS, n=match.group(1))
    return found[0] if found else None


def _located(file: str, tree: etree._ElementTree, element: etree._Element | None,
             words: tuple[str, str]) -> Problem:
    # Every message carries a line: without an element, the definitions element's.
    if element is None:
        element = tree.getroot()
    return Problem(file, element.sourceline, element.get("id"), *words)


def _own_words(raw: str, tag: str, element: etree._Element | None, file: str,
               kind: str) -> tuple[str, str]:
    words = plain_spiff_message(raw, tag, element)
    if words is None:
        # The library's text helps a developer, never a process owner: log it only.
        _log.warning("SpiffWorkflow could not read %s (%s): %s", file, kind, raw)
        return GENERIC
    return words


def _validation_problem(
    err: ValidationException, tree: etree._ElementTree, file: str, pid: str
) -> Problem:
    raw = _short_names(str(err.args[0]) if err.args else "").strip().rstrip(".").strip()
    # lxml calls it sourceline, spiff looks for line_number: so it is never set.
    element = _by_id(tree, getattr(err, "id", "") or None)
    if element is None:
        element = _data_store(tree, raw)
    words = _own_words(raw, getattr(err, "tag", "") or "?", element, file, "ValidationException")
    if element is None:
        element = _by_id(tree, pid)
    return _located(file, tree, element, words)


def _spiff_problem(err: Exception, tree: etree._ElementTree, file: str, pid: str) -> Problem:
    if isinstance(err, ValidationException):
        return _validation_problem(err, tree, file, pid)
    # Anything else is a gap in SpiffWorkflow; it still must not escape as a traceback,
    # and its text (a TypeError from the library's own code) is no message for a person.
    words = TOO_DEEP if isinstance(err, RecursionError) else GENERIC
    if words is GENERIC:
        _log.warning("SpiffWorkflow failed on %s: %s: %s", file, type(err).__name__, err)
    return _located(file, tree, _by_id(tree, pid), words)


def _spiff_specs(
    tree: etree._ElementTree, file: str, process_ids: list[str]
) -> tuple[dict[str, BpmnProcessSpec], dict[str, dict], list[Problem]]:
    parser = SpiffBpmnParser(validator=None)  # the XSD check already ran
    try:
        parser.add_bpmn_xml(tree, filename=file)
    except Exception as err:  # noqa: BLE001 - every failure must become a Problem
        return {}, {}, [_spiff_problem(err, tree, file, "")]
    specs: dict[str, BpmnProcessSpec] = {}
    subs: dict[str, dict] = {}
    problems = []
    for pid in process_ids:
        try:
            # get_spec caches on the process parser, so get_subprocess_specs
            # below does not parse the process again.
            specs[pid] = parser.get_spec(pid)
            subs[pid] = parser.get_subprocess_specs(pid)
        except Exception as err:  # noqa: BLE001
            specs.pop(pid, None)
            problems.append(_spiff_problem(err, tree, file, pid))
    return specs, subs, problems


# ----------------------------------------------------------------------- entry


def _not_executable_warning(file: str, root: etree._Element,
                            processes: list[etree._Element]) -> Problem:
    if not processes:
        return Problem(file, root.sourceline, root.get("id"), "the file contains no process",
                       "ไฟล์นี้ไม่มีกระบวนการ (process)", "warning")
    first = processes[0]
    value = first.get("isExecutable", "")
    hint = ' (write isExecutable="true" to run it)' if value.strip() == "1" else ""
    return Problem(
        file, first.sourceline, first.get("id"),
        f'not executable (isExecutable="{value}"){hint}; it can be shown but not run',
        f'กระบวนการนี้ไม่ได้ตั้งให้ทำงานได้ (isExecutable="{value}") แสดงผลได้แต่รันไม่ได้',
        "warning",
    )


def bound_problems(problems: list[Problem], limit: int = MAX_REPORTED_PROBLEMS) -> list[Problem]:
    """The first ``limit`` problems and, past them, one line "and 1,234 more".

    That line sits at the first problem left out, and is an error when any error was.
    A check that already stopped counting (see check_xsd) adds its own count.
    """
    plain = [p for p in problems if not isinstance(p, MoreProblems)]
    counted = [p for p in problems if isinstance(p, MoreProblems)]
    hidden = plain[limit:] + counted
    if not hidden:
        return plain
    count = sum(p.count if isinstance(p, MoreProblems) else 1 for p in hidden)
    error = any(p.severity == "error" for p in hidden)
    return [*plain[:limit],
            MoreProblems.of(hidden[0].file, hidden[0].line, count, "error" if error else "warning")]


def load_bpmn(data: bytes, file: str) -> LoadedBpmn:
    """Check and parse one BPMN file; raise BpmnLoadError listing every problem."""
    tree = read_xml(data, file)
    content_hash = hashlib.sha256(data).hexdigest()
    problems = check_xsd(tree, file)
    problems += check_references(tree, file)
    warnings = [p for p in problems if p.severity == "warning"]
    # Spiff on a schema-invalid or dangling file only adds confusing echoes.
    if len(warnings) < len(problems):
        raise BpmnLoadError(problems)
    root = tree.getroot()
    process_elements = root.findall(f"{{{BPMN_NS}}}process")
    processes = {p.get("id"): process_info(p) for p in process_elements if p.get("id")}
    executable = [pid for pid, info in processes.items() if info.executable]
    specs: dict[str, BpmnProcessSpec] = {}
    subs: dict[str, dict] = {}
    if executable:
        specs, subs, problems = _spiff_specs(tree, file, executable)
        if problems:
            raise BpmnLoadError(warnings + problems)
    else:
        warnings.insert(0, _not_executable_warning(file, root, process_elements))
    return LoadedBpmn(file, content_hash, tree, processes, specs, subs, warnings)


def _display_name(path: Path) -> str:
    # Under a C/POSIX locale a Thai file name arrives with surrogate escapes,
    # which later blow up when written to a database or a web page; file names
    # here are UTF-8 on disk, so decode them as such whatever the locale says.
    return os.fsencode(path.name).decode("utf-8", errors="replace")


def load_bpmn_file(path: Path) -> LoadedBpmn:
    path = Path(path)
    return load_bpmn(path.read_bytes(), _display_name(path))
