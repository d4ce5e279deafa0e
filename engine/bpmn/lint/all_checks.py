"""Every lint check on each executable process of a file that loaded."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

from engine.bpmn.lint.connections import check_connections
from engine.bpmn.lint.expression_checks import check_expressions
from engine.bpmn.lint.gateway_loops import check_gateway_loops
from engine.bpmn.lint.gateways import check_gateways
from engine.bpmn.lint.timers import check_timers
from engine.bpmn.lint.unsupported import check_unsupported
from engine.bpmn.loading.load import LoadedBpmn
from engine.bpmn.problems import Problem
from engine.bpmn.xml_names import BPMN_NS

__all__ = ["has_errors", "lint"]


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
        problems += check_expressions(loaded.file, process, pid, bundle)
        problems += check_gateways(loaded.file, process)
        problems += check_connections(loaded.file, process)
        problems += check_unsupported(loaded.file, process)
        problems += check_gateway_loops(loaded.file, process)
    return problems


def _process_elements(tree: etree._ElementTree) -> dict[str, etree._Element]:
    """Each process by id (the first of an id), found in one pass: asking for each process
    in turn scanned all of them (processes²)."""
    found: dict[str, etree._Element] = {}
    for process in tree.getroot().iterchildren(f"{{{BPMN_NS}}}process"):
        found.setdefault(process.get("id") or "", process)
    return found
