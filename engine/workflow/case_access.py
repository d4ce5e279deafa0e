"""Checking that an actor may see a case, for the services that hang things off it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.bpmn.definitions import Definition
from engine.core.actors import Actor
from engine.core.errors import NotFound
from engine.core.models import ProcessInstance
from engine.workflow.access import may_see_instance
from engine.workflow.runtime import Runtime


def visible_case(
    rt: Runtime, session: Session, actor: Actor, instance_id: int
) -> tuple[ProcessInstance, Definition]:
    """The case and its definition; NotFound both when missing and when not visible,
    so case ids cannot be probed."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is not None:
        definition = rt.definitions.by_id(session, instance.version_id)
        if may_see_instance(actor, instance, definition.bundle):
            return instance, definition
    raise NotFound(f"ไม่พบเรื่องเลขที่ {instance_id} / case {instance_id} not found")
