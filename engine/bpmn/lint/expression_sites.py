"""Every condition and script of a process, and the names each reads and sets."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from engine.bpmn.xml_names import BPMN_NS, SPIFF_NS, tag_of

__all__ = ["Site", "assigned_names", "data_names", "expression_sites", "read_names"]

#: Longest script read for its assignments when the evaluator refused it (its own limit).
_MAX_PARSED = 10_000


@dataclass(frozen=True)
class Site:
    """One expression or script in the file, with what to call it in a message."""

    element: etree._Element  # the expression's own element: its line is reported
    element_id: str | None  # the flow, task or event it belongs to
    what_en: str
    what_th: str
    text: str
    is_script: bool


def _bpmn(name: str) -> str:
    return f"{{{BPMN_NS}}}{name}"


def _spiff(name: str) -> str:
    return f"{{{SPIFF_NS}}}{name}"


# tag → (English, Thai, is a script, levels up to the element that carries the id)
_SITE_TAGS: dict[str, tuple[str, str, bool, int]] = {
    _bpmn("conditionExpression"): ("condition", "เงื่อนไข", False, 1),
    _bpmn("script"): ("script", "สคริปต์", True, 1),
    _spiff("preScript"): ("pre-script", "สคริปต์ก่อนเริ่มงาน (preScript)", True, 2),
    _spiff("postScript"): ("post-script", "สคริปต์หลังจบงาน (postScript)", True, 2),
    _bpmn("loopCondition"): ("loop condition", "เงื่อนไขการวนซ้ำ", False, 2),
    _bpmn("loopCardinality"): ("multi-instance count (loopCardinality)",
                               "จำนวนรอบของงานแบบ multi-instance (loopCardinality)", False, 2),
    _bpmn("completionCondition"): ("completion condition", "เงื่อนไขการสิ้นสุด", False, 2),
    _bpmn("condition"): ("condition of the conditional event",
                         "เงื่อนไขของเหตุการณ์แบบมีเงื่อนไข", False, 2),
    _spiff("payloadExpression"): ("payload expression", "ค่าที่ส่งไปกับเหตุการณ์", False, 3),
}

# Elements whose id or name SpiffWorkflow puts in the task data (data objects,
# multi-instance items, a caught event's variable).
_DATA_TAGS = tuple(_bpmn(t) for t in (
    "dataObject", "dataInput", "dataOutput", "inputDataItem", "outputDataItem",
))
_DATA_TEXT_TAGS = (_bpmn("loopDataInputRef"), _bpmn("loopDataOutputRef"), _spiff("variableName"))


def _owner(element: etree._Element, levels: int) -> etree._Element:
    owner = element
    for _ in range(levels):
        parent = owner.getparent()
        if parent is None:
            break
        owner = parent
    return owner


def expression_sites(process: etree._Element) -> Iterator[Site]:
    """Every expression and script of the process, in document order (timers aside)."""
    for element in process.iter(*_SITE_TAGS):
        what_en, what_th, is_script, levels = _SITE_TAGS[tag_of(element)]
        if element.tag == _bpmn("script") and _owner(element, 1).tag != _bpmn("scriptTask"):
            continue
        yield Site(element, _owner(element, levels).get("id"), what_en, what_th,
                   element.text or "", is_script)


def data_names(process: etree._Element) -> set[str]:
    names: set[str] = set()
    for element in process.iter(*_DATA_TAGS, *_DATA_TEXT_TAGS):
        if element.tag in _DATA_TEXT_TAGS:
            names.add((element.text or "").strip())
        else:
            names.update(filter(None, (element.get("id"), element.get("name"))))
    return names


def _tree(site: Site) -> ast.AST:
    # Only called once the evaluator compiled the text, so it parses and is bounded.
    if site.is_script:
        return ast.parse(textwrap.dedent(site.text).strip(), mode="exec")
    return ast.parse(site.text.strip(), mode="eval")


def assigned_names(script: str) -> set[str]:
    """Names a script assigns; also read from a script the evaluator refuses, so that its
    refusal is reported once, not again at every use of what it would set."""
    if len(script) > _MAX_PARSED:
        return set()
    try:
        tree = ast.parse(textwrap.dedent(script).strip(), mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    return {
        node.id for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }


def read_names(site: Site) -> list[str]:
    """Variables the text reads (called helpers are not variables; `n += 1` reads n)."""
    tree = _tree(site)
    skipped: set[int] = set()
    names: dict[str, None] = {}
    for node in ast.walk(tree):  # parents come before their children
        if isinstance(node, ast.Call):
            skipped.add(id(node.func))
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            names.setdefault(node.target.id)
        elif (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
              and id(node) not in skipped):
            names.setdefault(node.id)
    return list(names)
