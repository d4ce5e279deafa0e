"""SpiffWorkflow's parse of a checked file, and its failures as govflow's own Problems.

SpiffWorkflow's look-ups of referenced elements are answered from an index (see below),
so its parse stays linear in the file's size.
"""

from __future__ import annotations

import logging
import re

from lxml import etree
from SpiffWorkflow.bpmn.parser.node_parser import NodeParser
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.bpmn.loading.spiff_messages import GENERIC, TOO_DEEP, plain_spiff_message
from engine.bpmn.problems import Problem
from engine.bpmn.xml_names import BPMN_NS, NS, short_names, tag_of

__all__ = ["spiff_specs"]

_log = logging.getLogger(__name__)

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
            index.setdefault((tag_of(element), element_id), []).append(element)
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
    raw = short_names(str(err.args[0]) if err.args else "").strip().rstrip(".").strip()
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


def spiff_specs(
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
