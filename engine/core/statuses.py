"""The statuses a case, an inbox task, a timer and an escalation go through.

Each member is the very string the database column stores and the JSON API sends
(a StrEnum member is a str), so comparing a row's value with a member is comparing
strings; the enums only give the values one name each.
"""

from __future__ import annotations

from enum import StrEnum


class InstanceStatus(StrEnum):
    """``process_instance.status``."""

    RUNNING = "running"
    COMPLETED = "completed"
    #: A step failed inside the BPMN; the case waits for the process owner.
    ERROR = "error"
    #: Named by the API contract (webui/openapi.py); no command sets it today.
    CANCELLED = "cancelled"


class TaskStatus(StrEnum):
    """``task.state``: an inbox row for a user task."""

    OPEN = "open"
    COMPLETED = "completed"
    #: The workflow moved on without it (a boundary timer, a cancelled branch).
    CANCELLED = "cancelled"


class TimerState(StrEnum):
    """``due_timer.state``: the scheduler's row for a waiting BPMN timer."""

    WAITING = "waiting"
    FIRED = "fired"
    CANCELLED = "cancelled"
    #: Firing it failed; the scheduler stops retrying.
    ERROR = "error"


class EscalationStatus(StrEnum):
    """``escalation.status``."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    #: The task it was raised on is finished.
    RESOLVED = "resolved"
