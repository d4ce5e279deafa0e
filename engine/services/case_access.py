"""Checking that an actor may see a case, for the services that hang things off it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.actors import Actor
from engine.definitions import Definition
from engine.errors import NotFound
from engine.models import ProcessInstance
from engine.runtime import Runtime
from engine.services.access import may_see_instance


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
