"""Rows as the dictionaries the API contract names (see webui/openapi.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.core.models import AuditEvent, utcnow
from engine.core.statuses import TaskStatus
from engine.thai.workdays import BANGKOK, WorkingCalendar


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the Bangkok offset, the form people and systems here expect."""
    return value.astimezone(BANGKOK).isoformat() if value else None


@dataclass(frozen=True)
class ViewContext:
    """What rendering a task needs besides its row: the calendar and process names."""

    calendar: WorkingCalendar
    process_names: dict[str, str]
    now: datetime = field(default_factory=utcnow)


def working_days_left(calendar: WorkingCalendar, due: datetime, now: datetime) -> int:
    """Working days from today until the due date; negative once overdue."""
    due_day = due.astimezone(BANGKOK).date()
    today = now.astimezone(BANGKOK).date()
    if due > now:
        return calendar.working_days_between(today, due_day)
    return -calendar.working_days_between(due_day, today)


def task_view(task: Any, ctx: ViewContext | None = None) -> dict[str, Any]:
    view = {
        "id": task.id,
        "name": task.name,
        # The step's id in the BPMN file, so a client can tell steps apart by a stable key.
        "bpmn_id": task.bpmn_id,
        "lane": task.lane_name or task.lane_id,
        "role": task.role,
        "instance_id": task.instance_id,
        "process_key": task.process_key,
        "title": task.title,
        "state": task.state,
        "assignee": task.assignee_name,
        "assignee_display": task.assignee_display,
        "created_at": iso(task.created_at),
        "received_on": task.received_on.isoformat() if task.received_on else None,
        "due_at": iso(task.due_at),
        "completed_at": iso(task.completed_at),
    }
    if ctx is not None:
        view["process_name"] = ctx.process_names.get(task.process_key, task.process_key)
        due = task.due_at
        open_ = task.state == TaskStatus.OPEN
        view["overdue"] = bool(open_ and due is not None and due <= ctx.now)
        view["working_days_left"] = (
            working_days_left(ctx.calendar, due, ctx.now) if open_ and due is not None else None
        )
    return view


def event_view(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": iso(event.at),
        "actor": event.actor_name,
        "actor_display": event.actor_display or event.actor_name,
        "acting_for": event.acting_for,
        "action": event.action,
        "task_id": event.task_id,
        "detail": event.detail,
    }


def instance_summary(instance: Any, version: int) -> dict[str, Any]:
    return {
        "id": instance.id,
        "process_key": instance.process_key,
        "version": version,
        "status": instance.status,
        "title": instance.title,
        "created_at": iso(instance.created_at),
        "updated_at": iso(instance.updated_at),
        "ended_at": iso(instance.ended_at),
    }
