"""The steps people take in a process, in the order a case meets them: what a phone shows
instead of the diagram.

A step is a task a person does (user or manual task). The order follows the sequence
flows from the start event, depth first, the usual way out of a gateway before its
default flow (the "send back" branch in our processes), so the list reads like the
procedure on paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from engine.bpmn.xml_names import BPMN_NS, local_name

__all__ = ["PEOPLE_TASKS", "Step", "process_steps"]

#: The kinds of task a person does.
PEOPLE_TASKS = frozenset({"userTask", "manualTask"})


@dataclass(frozen=True)
class Step:
    id: str
    name: str


def _flows(process: etree._Element) -> dict[str, list[str]]:
    """Element id → the targets of its outgoing flows, its default flow last."""
    defaults = {el.get("default") for el in process.iter() if el.get("default")}
    out: dict[str, list[tuple[bool, str]]] = {}
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        source, target = flow.get("sourceRef") or "", flow.get("targetRef") or ""
        out.setdefault(source, []).append((flow.get("id") in defaults, target))
    # Boundary events (timers, errors) leave their host too, after its normal flows.
    for event in process.iter(f"{{{BPMN_NS}}}boundaryEvent"):
        out.setdefault(event.get("attachedToRef") or "", []).append((True, event.get("id") or ""))
    return {k: [t for _, t in sorted(v, key=lambda item: item[0])] for k, v in out.items()}


def process_steps(tree: etree._ElementTree,
                  labels: Mapping[str, str] | None = None) -> list[Step]:
    """Every person's task of the file's processes, in the order a case meets them.

    `labels` maps element ids to names to show instead of the file's (as the diagram's).
    Tasks no flow reaches come last, in the file's order.
    """
    labels = labels or {}
    by_id: dict[str, etree._Element] = {}
    order: list[str] = []
    for process in tree.getroot().iter(f"{{{BPMN_NS}}}process"):
        flows = _flows(process)
        for el in process.iter():
            if isinstance(el.tag, str) and el.get("id"):
                by_id.setdefault(el.get("id") or "", el)
        starts = [el.get("id") or "" for el in process.iter(f"{{{BPMN_NS}}}startEvent")
                  if el.getparent() is process]
        seen: set[str] = set()
        stack = list(reversed(starts))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            order.append(current)
            stack.extend(reversed([t for t in flows.get(current, []) if t not in seen]))
        order += [el.get("id") or "" for el in process.iter()
                  if isinstance(el.tag, str) and el.get("id") not in seen
                  and local_name(el) in PEOPLE_TASKS]
    steps: list[Step] = []
    for element_id in dict.fromkeys(order):
        task = by_id.get(element_id)
        if task is None or local_name(task) not in PEOPLE_TASKS:
            continue
        name = labels.get(element_id, task.get("name") or "").strip() or element_id
        steps.append(Step(element_id, name))
    return steps
