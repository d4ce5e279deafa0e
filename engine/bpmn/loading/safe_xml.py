"""Parse untrusted BPMN bytes as XML: no DTDs, entities, network or huge trees."""

from __future__ import annotations

import re

from lxml import etree

from engine.bpmn.problems import Problem
from engine.core.errors import BpmnLoadError

__all__ = ["MAX_BPMN_BYTES", "MAX_DEPTH", "read_xml"]

MAX_BPMN_BYTES = 5 * 1024 * 1024
# Modelers nest a handful of levels (definitions/process/subProcess/.../script);
# anything near libxml2's own 256 limit is an attack or a broken generator.
MAX_DEPTH = 200


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
