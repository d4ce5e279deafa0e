"""Who may see and act on what. Roles decide; the lane mapping says which role a task needs."""

from __future__ import annotations

from enum import Enum
from typing import Protocol

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from engine.bpmn.bundle import ProcessBundle
from engine.core.actors import Actor
from engine.core.errors import Forbidden
from engine.core.models import ProcessInstance, ProcessVersion
from engine.workflow.runtime import Runtime


class InboxTask(Protocol):
    """What deciding access reads of an inbox task: the ORM row or the command paths' copy."""

    @property
    def role(self) -> str | None: ...
    @property
    def unit_id(self) -> int | None: ...
    @property
    def assignee_id(self) -> int | None: ...


def may_act_on(actor: Actor, task: InboxTask) -> bool:
    """True if the task's lane maps to one of the actor's roles (and, for data-owner lanes,
    the actor belongs to the unit that made the request)."""
    if task.role is None or task.role not in actor.roles:
        return False
    return task.unit_id is None or task.unit_id == actor.unit_id


def supervises(actor: Actor, bundle: ProcessBundle) -> bool:
    return actor.has_any(bundle.supervisors)


def supervised_processes(rt: Runtime, session: Session, actor: Actor) -> list[str]:
    """Keys of the current processes whose ``supervisors`` include one of the actor's roles."""
    return [
        d.process_key for d in rt.definitions.current_all(session) if supervises(actor, d.bundle)
    ]


def require_act(actor: Actor, task: InboxTask) -> None:
    if not may_act_on(actor, task):
        raise Forbidden(
            "งานนี้อยู่นอกบทบาทหรือหน่วยงานของท่าน / this task belongs to a role or unit you do not "
            "hold; ask your administrator if you should have access"
        )


def may_see_task(actor: Actor, task: InboxTask, bundle: ProcessBundle) -> bool:
    return may_act_on(actor, task) or task.assignee_id == actor.id or supervises(actor, bundle)


class CaseScope(Enum):
    """Which cases of one process version an actor sees, besides those they started."""

    #: Every case: a supervisor, or a lane of one of the actor's roles.
    ALL = "all"
    #: Cases started in the actor's unit: only unit-only lanes of their roles.
    OWN_UNIT = "own_unit"
    #: None but their own.
    STARTED = "started"


def case_scope(actor: Actor, bundle: ProcessBundle) -> CaseScope:
    if supervises(actor, bundle):
        return CaseScope.ALL
    scope = CaseScope.STARTED
    for task in bundle.tasks.values():
        if task.role not in actor.roles:
            continue
        if not task.requester_unit_only:
            return CaseScope.ALL
        scope = CaseScope.OWN_UNIT
    return scope


def may_see_instance(actor: Actor, instance: ProcessInstance, bundle: ProcessBundle) -> bool:
    if instance.started_by_id == actor.id:
        return True
    scope = case_scope(actor, bundle)
    return scope is CaseScope.ALL or (
        scope is CaseScope.OWN_UNIT and instance.unit_id == actor.unit_id)


def visible_instances(rt: Runtime, session: Session, actor: Actor) -> ColumnElement[bool]:
    """:func:`may_see_instance` as a condition on ``process_instance``, so a search
    filters, counts and pages in the database. Decided per version (one small query for
    the ids; the bundles come from the definitions' cache)."""
    by_scope: dict[CaseScope, list[int]] = {scope: [] for scope in CaseScope}
    for version_id in session.scalars(select(ProcessVersion.id).order_by(ProcessVersion.id)):
        bundle = rt.definitions.by_id(session, version_id).bundle
        by_scope[case_scope(actor, bundle)].append(version_id)
    return or_(
        ProcessInstance.started_by_id == actor.id,
        ProcessInstance.version_id.in_(by_scope[CaseScope.ALL]),
        and_(ProcessInstance.version_id.in_(by_scope[CaseScope.OWN_UNIT]),
             ProcessInstance.unit_id == actor.unit_id),
    )
