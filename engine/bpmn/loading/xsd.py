"""Check a BPMN file against the BPMN 2.0 schema (with SpiffWorkflow's extensions).

Each schema error becomes a Problem with its line and the nearest id, in words a
process owner can act on; a file with very wide containers is checked in pieces so
that the check stays linear in the file's size.
"""

from __future__ import annotations

import contextlib
import copy
import re
import threading
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from engine.bpmn.problems import MAX_REPORTED_PROBLEMS, MoreProblems, Problem
from engine.bpmn.xml_names import BPMN_NS, NS, SPIFF_NS, nearest_id, short_names, tag_of

__all__ = ["MAX_XSD_SIBLINGS", "check_xsd"]

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


def _plain_xsd_message(raw: str) -> tuple[str, str]:
    text = short_names(raw)
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


LineIndex = dict[tuple[int | None, str | None], etree._Element]


def _elements_by_line(tree: etree._ElementTree) -> LineIndex:
    """The first element on each line, and the first of each tag on each line.

    Built once per file, so finding the element behind each XSD error costs
    one look-up however many elements share its line (a minified file has one).
    """
    index: LineIndex = {}
    for element in tree.iter(tag=etree.Element):
        index.setdefault((element.sourceline, None), element)
        index.setdefault((element.sourceline, tag_of(element)), element)
    return index


def _element_for_error(index: LineIndex, line: int, message: str) -> etree._Element | None:
    named = re.search(r"Element '(\{[^}]*\}[\w.-]+|[\w.-]+)'", message)
    found = index.get((line, named.group(1))) if named else None
    return found if found is not None else index.get((line, None))


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
            parent: etree._Element | None = None
            for original in chain:
                bare = etree.Element(original.tag, dict(original.attrib), nsmap=original.nsmap)
                # types-lxml calls sourceline read-only; lxml sets it, and the errors found
                # in this slice must carry the file's own lines.
                bare.sourceline = original.sourceline  # type: ignore[misc]
                if parent is not None:
                    parent.append(bare)
                parent = bare
            assert parent is not None  # the chain holds at least the container
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
        found = _element_for_error(index, line, message) if line else None
        en, th = _plain_xsd_message(message)
        problems.append(Problem(file, line or None, nearest_id(found), en, th))
    if beyond:
        last_line = problems[-1].line if problems else tree.getroot().sourceline
        problems.append(MoreProblems.of(file, last_line, beyond, "error"))
    return problems
