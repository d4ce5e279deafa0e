"""Where a case stands, drawn and listed: its diagram with the steps marked, and the same
steps as a list (done, current, waiting) with who and when, for phones and screen readers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.bpmn.diagram.render import render_svg
from engine.bpmn.diagram.steps import process_steps
from engine.bpmn.loading.safe_xml import read_xml
from engine.bpmn.placeholders import fill_element_names
from engine.core.actors import Actor
from engine.core.errors import NotFound
from engine.core.models import ProcessInstance, ProcessVersion, Task, utcnow
from engine.core.statuses import InstanceStatus, TaskStatus
from engine.workflow.access import may_see_instance
from engine.workflow.cases import case_data_of
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso

__all__ = ["CaseMap", "case_map"]


@dataclass
class CaseMap:
    """`svg`: the diagram; `steps`: dicts with id, name, state ("done", "current",
    "waiting", or "skipped" once the case has ended), overdue, who, at (completed) and
    due_at, in the order a case meets them."""

    svg: str
    steps: list[dict[str, Any]] = field(default_factory=list)


def _diagram_state(rows: list[Any], now: datetime) -> dict[str, str]:
    """BPMN id → "completed", "active" or "overdue"; an open round beats a finished one."""
    state: dict[str, str] = {}
    for row in rows:
        if row.state == TaskStatus.COMPLETED:
            state.setdefault(row.bpmn_id, "completed")
        elif row.state == TaskStatus.OPEN:
            state[row.bpmn_id] = "overdue" if row.due_at is not None and row.due_at <= now \
                else "active"
    return state


def _step(step_id: str, name: str, rows: list[Any], now: datetime,
          ended: bool) -> dict[str, Any]:
    """One step of the list, from its task rows (oldest first): the open one, else the
    last finished one, else waiting (skipped, when the case ended without it)."""
    opened = [r for r in rows if r.state == TaskStatus.OPEN]
    done = [r for r in rows if r.state == TaskStatus.COMPLETED]
    row = opened[-1] if opened else done[-1] if done else None
    view: dict[str, Any] = {"id": step_id, "name": row.name if row else name,
                            "state": "skipped" if ended else "waiting", "overdue": False,
                            "who": None, "at": None, "due_at": None}
    if row is None:
        return view
    view.update(state="current" if opened else "done", who=row.assignee_display,
                at=iso(row.completed_at), due_at=iso(row.due_at) if opened else None,
                overdue=bool(opened and row.due_at is not None and row.due_at <= now))
    return view


def case_map(rt: Runtime, actor: Actor, instance_id: int) -> CaseMap:
    """The case's diagram and its steps; `NotFound` when the actor may not see it."""
    with rt.db.read() as session:
        instance = session.get(ProcessInstance, instance_id)
        if instance is None or not may_see_instance(
                actor, instance, rt.definitions.by_id(session, instance.version_id).bundle):
            raise NotFound(f"ไม่พบเรื่องเลขที่ {instance_id} / case {instance_id} not found")
        rows = list(session.execute(
            select(Task.bpmn_id, Task.name, Task.state, Task.due_at, Task.completed_at,
                   Task.assignee_display)
            .where(Task.instance_id == instance_id).order_by(Task.created_at)
        ).all())
        bpmn = session.get_one(ProcessVersion, instance.version_id).bpmn_xml
        ended = instance.status != InstanceStatus.RUNNING
        data = case_data_of(rt, session, instance_id)
    now = utcnow()
    tree = read_xml(bpmn, "case.bpmn")
    fill_element_names(tree, data)  # timers and steps not reached yet say the case's limits
    # The names the inbox shows for steps reached; the file's for the others.
    labels = {row.bpmn_id: row.name for row in rows if row.name}
    by_step: dict[str, list[Any]] = {}
    for row in rows:
        by_step.setdefault(row.bpmn_id, []).append(row)
    svg = render_svg(tree, state=_diagram_state(rows, now), labels=labels)
    steps = [_step(s.id, s.name, by_step.get(s.id, []), now, ended)
             for s in process_steps(tree, labels)]
    return CaseMap(svg, steps)
