"""Namespaces and names in BPMN XML, shared by the loader, the checks and the diagram."""

from __future__ import annotations

import re
from typing import cast

from lxml import etree

__all__ = [
    "BPMNDI_NS",
    "BPMN_NS",
    "DC_NS",
    "DI_NS",
    "NS",
    "SPIFF_NS",
    "local_name",
    "nearest_id",
    "short_names",
    "tag_of",
]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

# Shorter, readable names for namespaces in XSD and spiff messages.
_NS_PREFIXES = {
    BPMN_NS: "bpmn",
    SPIFF_NS: "spiffworkflow",
    BPMNDI_NS: "bpmndi",
    DC_NS: "dc",
    DI_NS: "di",
}


def short_names(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        prefix = _NS_PREFIXES.get(match.group(1))
        return f"{prefix}:{match.group(2)}" if prefix else match.group(0)

    return re.sub(r"\{([^}]+)\}([\w.-]+)", repl, text)


def tag_of(element: etree._Element) -> str:
    """An element's tag, which is text in every tree parsed from a file (the stubs allow any
    value, since a tag set by hand is kept as given)."""
    return cast(str, element.tag)


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def nearest_id(element: etree._Element | None) -> str | None:
    while element is not None:
        if element.get("id"):
            return element.get("id")
        element = element.getparent()
    return None
