"""Starting cases and reading them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.actors import Actor
from engine.audit import record
from engine.errors import Forbidden, InvalidData, NotFound
from engine.forms import validate_form
from engine.models import AuditEvent, ProcessInstance, Task
from engine.personal_data import (
    derived_flags,
    may_read_personal_data,
    personal_fields,
    split_personal,
)
from engine.runner import case_data
from engine.runtime import Runtime
from engine.services.access import may_see_instance
from engine.services.cases import Case, new_workflow, run_engine, save_case
from engine.services.views import event_view, instance_summary, task_view
from engine.workflow_state import SERIALIZER_VERSION, restore


def start_instance(
    rt: Runtime, actor: Actor, process_key: str, data: dict[str, Any] | None
) -> dict[str, Any]:
    """Start a case of the current version of ``process_key`` with its start-form data."""
    with rt.workflow_guard() as guard, rt.db.write() as session:
        definition = rt.definitions.current(session, process_key)
        if definition is None:
            raise NotFound(f"ไม่พบกระบวนงาน '{process_key}' / no process '{process_key}'")
        start_role = definition.bundle.get("start_role")
        if start_role not in actor.roles:
            raise Forbidden(
                f"เริ่มเรื่องนี้ได้เฉพาะบทบาท '{start_role}' / only role '{start_role}' may start "
                f"'{process_key}'"
            )
        schema = definition.start_form
        clean = validate_form(schema, data or {}) if schema else _no_form(data)
        public, personal = split_personal(process_key, clean)
        public.update(derived_flags(process_key, personal))
        workflow = new_workflow(rt, definition, public)
        run_engine(workflow, "การเริ่มเรื่อง / starting the case")
        title_field = definition.bundle.get("title_field")
        instance = ProcessInstance(
            process_key=process_key,
            version_id=definition.version_id,
            title=str(public.get(title_field, ""))[:300] if title_field else "",
            started_by_id=actor.id,
            unit_id=actor.unit_id,
            serializer_version=SERIALIZER_VERSION,
            state="",
            personal_data=rt.cipher.encrypt(personal),
        )
        session.add(instance)
        session.flush()
        case = Case(instance, definition, workflow)
        save_case(rt, session, guard, case)
        record(
            session,
            actor,
            "instance_started",
            instance_id=instance.id,
            process_key=process_key,
            version=definition.version,
        )
        instance_id = instance.id
    return get_instance(rt, actor, instance_id)


def _no_form(data: dict[str, Any] | None) -> dict[str, Any]:
    if data:
        raise InvalidData(
            "กระบวนงานนี้ไม่มีแบบฟอร์มเริ่มต้น / this process takes no start data",
            {key: "ไม่มีช่องนี้ / no such field" for key in data},
        )
    return {}


def get_instance(rt: Runtime, actor: Actor, instance_id: int) -> dict[str, Any]:
    """A case with its open tasks, its history and the data the actor may see.

    Reading the personal data of a complaint is itself recorded in the audit log.
    """
    with rt.db.write() as session:
        instance = session.get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound(f"ไม่พบเรื่องเลขที่ {instance_id} / case {instance_id} not found")
        definition = rt.definitions.by_id(session, instance.version_id)
        if not may_see_instance(actor, instance, definition.bundle):
            # The same answer as a missing case, so ids cannot be probed.
            raise NotFound(f"ไม่พบเรื่องเลขที่ {instance_id} / case {instance_id} not found")
        tasks = session.scalars(
            select(Task).where(Task.instance_id == instance_id).order_by(Task.created_at)
        ).all()
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)
        ).all()
        view = instance_summary(instance, definition.version)
        view["tasks"] = [task_view(t) for t in tasks if t.state == "open"]
        view["history"] = [event_view(e) for e in events]
        view["data"] = _case_data(rt, instance, definition)
        if personal_fields(instance.process_key):
            view["personal_data"] = _personal_data(rt, session, actor, instance)
        return view


def _case_data(rt: Runtime, instance: ProcessInstance, definition) -> dict[str, Any]:
    workflow = rt.workflows.peek(instance.id, instance.revision)
    if workflow is None:
        workflow = restore(
            instance.state,
            definition.spec,
            definition.subprocess_specs,
            instance.serializer_version,
            rt.script_engine,
        )
    return case_data(workflow)


def _personal_data(rt: Runtime, session, actor: Actor, instance: ProcessInstance) -> Any:
    if not may_read_personal_data(actor.roles):
        return None
    personal = rt.cipher.decrypt(instance.personal_data)
    record(
        session,
        actor,
        "personal_data_read",
        instance_id=instance.id,
        fields=sorted(personal),
    )
    return personal
