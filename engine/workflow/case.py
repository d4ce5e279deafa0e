"""A case as a command holds it, and what a completed step's effects are given.

These types sit apart from :mod:`engine.workflow.cases` (which loads and saves cases)
so that the escalations it raises and the services' step effects can name them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from sqlalchemy.orm import Session

from engine.bpmn.definitions import Definition
from engine.core.actors import Actor
from engine.workflow.runner import Scan
from engine.workflow.runtime import Runtime


@dataclass
class CaseRow:
    """The instance columns a command reads and writes."""

    id: int
    process_key: str
    version_id: int
    revision: int
    status: str
    title: str
    unit_id: int | None
    started_by_id: int | None
    ended_at: datetime | None
    serializer_version: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    received_on: date | None = None


@dataclass(frozen=True)
class FiredTimer:
    """A boundary timer that fired in this command."""

    timer_id: str
    bpmn_id: str
    due_at: datetime
    spiff_task: SpiffTask


@dataclass
class Case:
    instance: CaseRow
    definition: Definition
    workflow: BpmnWorkflow
    scan: Scan | None = None
    #: Timers this command fired, in due order (set by save_case).
    fired: list[FiredTimer] = field(default_factory=list)
    #: A new case's number in the ทะเบียนหนังสือรับ ("12/2569"), set by the command that
    #: registered it, so that command need not read its own entry back.
    received_number: str | None = None


@dataclass(frozen=True)
class StepContext:
    """A step just completed, as its effects see it, in the completing command's transaction.

    ``case`` is the running case (its workflow already advanced) and ``data`` the
    completed task's data. An effect that raises refuses the step and changes nothing.
    """

    rt: Runtime
    session: Session
    case: Case
    actor: Actor
    bpmn_id: str
    data: Mapping[str, Any]
    now: datetime
