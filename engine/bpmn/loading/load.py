"""Check and parse one BPMN file: the entry to engine.bpmn.loading."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec

from engine.bpmn.loading.process_info import ProcessInfo, process_info
from engine.bpmn.loading.references import check_references
from engine.bpmn.loading.safe_xml import read_xml
from engine.bpmn.loading.spiff_parsing import spiff_specs
from engine.bpmn.loading.xsd import check_xsd
from engine.bpmn.problems import Problem
from engine.bpmn.xml_names import BPMN_NS
from engine.core.errors import BpmnLoadError

__all__ = ["LoadedBpmn", "load_bpmn", "load_bpmn_file"]


@dataclass
class LoadedBpmn:
    file: str
    content_hash: str
    tree: etree._ElementTree
    processes: dict[str, ProcessInfo]
    specs: dict[str, BpmnProcessSpec]
    subprocess_specs: dict[str, dict]
    warnings: list[Problem]


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
    processes = {pid: process_info(p) for p in process_elements if (pid := p.get("id"))}
    executable = [pid for pid, info in processes.items() if info.executable]
    specs: dict[str, BpmnProcessSpec] = {}
    subs: dict[str, dict] = {}
    if executable:
        specs, subs, problems = spiff_specs(tree, file, executable)
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
