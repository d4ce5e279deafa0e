"""What a dry run fills in for a person, and the decisions it lets the owner make.

Each form gets plausible Thai sample values, with every date today, so the deadlines a
dry run shows fall where a case received today would have them. A user task whose flow
goes straight into an exclusive gateway is a decision: each of the gateway's flows is
offered, with the form values that take it, found by trying the form's choice fields
(enums, yes/no) through the gateway's own conditions in the restricted evaluator.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

from engine.bpmn.lint.samples import sample_value
from engine.bpmn.xml_names import BPMN_NS, NS
from engine.core.errors import GovflowError
from engine.thai.workdays import BANGKOK

#: At most this many combinations of choice values are tried for one decision.
MAX_COMBINATIONS = 256
SAMPLE_EMAIL = "sample@example.go.th"


@dataclass(frozen=True)
class Option:
    """One way out of a decision: the flow, its name and the form values that take it
    (``values`` None: no combination of the form's choices does)."""

    flow: str
    name: str
    values: dict[str, Any] | None


@dataclass(frozen=True)
class Decision:
    task: str
    gateway: str
    gateway_name: str
    options: list[Option] = field(default_factory=list)

    def option(self, flow: str) -> Option | None:
        return next((o for o in self.options if o.flow == flow and o.values is not None), None)


# ---- sample values ----------------------------------------------------------------------

def _is_choice(prop: Mapping[str, Any]) -> bool:
    return "const" in prop or bool(prop.get("enum")) or bool(prop.get("oneOf")) \
        or bool(prop.get("anyOf"))


def sample(prop: Mapping[str, Any], now: datetime) -> Any:
    """A value a person might enter: Thai text that says what it is, today's date."""
    if not _is_choice(prop):
        fmt = prop.get("format")
        if fmt == "date":
            return now.astimezone(BANGKOK).date().isoformat()
        if fmt == "date-time":
            return now.astimezone(BANGKOK).isoformat(timespec="minutes")
        if fmt == "email":
            return SAMPLE_EMAIL
        if prop.get("type") == "string":
            text = f"ตัวอย่าง{prop.get('title') or ''}"
            limit = prop.get("maxLength")
            return text[:limit] if isinstance(limit, int) and limit > 0 else text
    return sample_value(prop)


def sample_form(schema: Mapping[str, Any] | None, now: datetime) -> dict[str, Any]:
    properties = (schema or {}).get("properties") or {}
    return {name: sample(prop, now) for name, prop in properties.items()
            if isinstance(prop, Mapping)}


def _choices(prop: Mapping[str, Any]) -> list[Any]:
    if "const" in prop:
        return [prop["const"]]
    if prop.get("enum"):
        return list(prop["enum"])
    for key in ("oneOf", "anyOf"):
        values = [c["const"] for c in prop.get(key) or []
                  if isinstance(c, Mapping) and "const" in c]
        if values:
            return values
    return [True, False] if prop.get("type") == "boolean" else []


# ---- decisions --------------------------------------------------------------------------

def _flows_from(tree: etree._ElementTree, source: str) -> list[etree._Element]:
    return tree.xpath("//bpmn:sequenceFlow[@sourceRef=$s]", namespaces=NS, s=source)


def _condition(flow: etree._Element) -> str | None:
    expr = flow.find(f"{{{BPMN_NS}}}conditionExpression")
    return (expr.text or "").strip() if expr is not None and expr.text else None


def decision_after(tree: etree._ElementTree, task_id: str) -> etree._Element | None:
    """The exclusive gateway a user task's only flow leads into, if it has several ways out."""
    flows = _flows_from(tree, task_id)
    if len(flows) != 1:
        return None
    target = flows[0].get("targetRef") or ""
    found = tree.xpath("//bpmn:exclusiveGateway[@id=$t]", namespaces=NS, t=target)
    return found[0] if found and len(_flows_from(tree, target)) > 1 else None


def _taken(flows: list[tuple[str, str | None]], default: str | None, scope: dict[str, Any],
           evaluate: Any) -> str | None:
    """The one flow these values take: exactly one condition true, or none and the default."""
    true = []
    for flow_id, condition in flows:
        if condition is None:
            continue
        try:
            if evaluate(condition, dict(scope)):
                true.append(flow_id)
        except GovflowError:
            return None  # the values do not reach a decision; try others
        except Exception:  # noqa: BLE001 - SpiffWorkflow's and the evaluator's own failures
            return None
    if len(true) == 1:
        return true[0]
    return default if not true else None


def decide(tree: etree._ElementTree, gateway: etree._Element, task_id: str,
           schema: Mapping[str, Any] | None, scope: dict[str, Any],
           evaluate: Any) -> Decision:
    """The gateway's flows, each with form values (from the task's choice fields) that
    take it, tried on ``scope``: the case's data and the task's sample values."""
    gateway_id = gateway.get("id") or ""
    default = gateway.get("default")
    elements = _flows_from(tree, gateway_id)
    flows = [(f.get("id") or "", _condition(f)) for f in elements]
    properties = (schema or {}).get("properties") or {}
    fields = {name: _choices(prop) for name, prop in properties.items()
              if isinstance(prop, Mapping) and _choices(prop)}
    # The fields the conditions name, when they name any: fewer to try, and the values
    # shown for each way out are the ones that decide it.
    tested = {name for name in fields
              if any(c and re.search(rf"\b{re.escape(name)}\b", c) for _f, c in flows)}
    fields = {name: values for name, values in fields.items() if name in tested} or fields
    found: dict[str, dict[str, Any]] = {}
    combos = itertools.islice(itertools.product(*fields.values()), MAX_COMBINATIONS)
    for combo in combos:
        values = dict(zip(fields, combo, strict=True))
        flow = _taken(flows, default, {**scope, **values}, evaluate)
        if flow is not None:
            found.setdefault(flow, values)
    options = [Option(f.get("id") or "", f.get("name") or f.get("targetRef") or "",
                      found.get(f.get("id") or "")) for f in elements]
    return Decision(task_id, gateway_id, gateway.get("name") or gateway_id, options)
