"""Who may see and act on what. Roles decide; the lane mapping says which role a task needs."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from engine.bpmn.bundle import ProcessBundle
from engine.core.actors import Actor
from engine.core.errors import Forbidden
from engine.core.models import ProcessInstance
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


def may_see_instance(actor: Actor, instance: ProcessInstance, bundle: ProcessBundle) -> bool:
    if instance.started_by_id == actor.id or supervises(actor, bundle):
        return True
    for task in bundle.tasks.values():
        if task.role not in actor.roles:
            continue
        if not task.requester_unit_only or instance.unit_id == actor.unit_id:
            return True
    return False
