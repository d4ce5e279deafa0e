"""Rows as the dictionaries the API contract names (see webui/openapi.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.models import AuditEvent, Task
from engine.workdays import BANGKOK


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the Bangkok offset, the form people and systems here expect."""
    return value.astimezone(BANGKOK).isoformat() if value else None


def task_view(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "name": task.name,
        "lane": task.lane_name or task.lane_id,
        "role": task.role,
        "instance_id": task.instance_id,
        "process_key": task.process_key,
        "title": task.title,
        "state": task.state,
        "assignee": task.assignee_name,
        "created_at": iso(task.created_at),
        "due_at": iso(task.due_at),
        "completed_at": iso(task.completed_at),
    }


def event_view(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": iso(event.at),
        "actor": event.actor_name,
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
