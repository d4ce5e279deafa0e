"""Starting cases and reading them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn.bundle import ProcessBundle
from engine.bpmn.definitions import Definition
from engine.bpmn.forms import validate_form
from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Forbidden, InvalidData, NotFound
from engine.core.limits import require_fit
from engine.core.models import AuditEvent, ProcessInstance, Task, utcnow
from engine.core.name_index import replace_name_terms
from engine.core.personal_data import (
    derived_flags,
    may_read_personal_data,
    personal_fields,
    split_personal,
)
from engine.core.statuses import InstanceStatus, TaskStatus
from engine.services.complaints.intake import register_arrival
from engine.services.inbox.attachments import UploadedFile, files_problems, store_attachment
from engine.services.registry.entries import received_number
from engine.thai.dates import DateEntryError, check_received_day
from engine.thai.workdays import BANGKOK, to_bangkok_date
from engine.workflow.access import may_see_instance
from engine.workflow.case import Case, CaseRow
from engine.workflow.cases import (
    case_workflow,
    insert_case,
    new_workflow,
    run_engine,
    save_case,
    submitted_values,
)
from engine.workflow.runner import case_data
from engine.workflow.runtime import Runtime, WorkflowGuard
from engine.workflow.views import ViewContext, event_view, instance_summary, iso, task_view
from engine.workflow.workflow_state import SERIALIZER_VERSION

#: Files a person may attach when starting a case (e.g. the scanned letter of a complaint).
MAX_START_FILES = 5
#: The error key for those files (the start page's file input).
START_FILES_FIELD = "files"


def start_instance(
    rt: Runtime, actor: Actor, process_key: str, data: dict[str, Any] | None,
    files: Sequence[UploadedFile] = (),
) -> dict[str, Any]:
    """Start a case of the current version of ``process_key`` with its start-form data and
    any files that came with it (a complaint's scanned letter and evidence): all of it in
    one transaction, or nothing."""
    problems = files_problems(files, field=START_FILES_FIELD, max_files=MAX_START_FILES)
    with rt.workflow_guard() as guard, rt.db.write() as session:
        definition = current_definition(rt, session, process_key)
        start_role = definition.bundle.start_role
        if start_role not in actor.roles:
            raise Forbidden(
                f"เริ่มเรื่องนี้ได้เฉพาะบทบาท '{start_role}' / only role '{start_role}' may start "
                f"'{process_key}'"
            )
        clean = checked_start_data(
            definition.start_form, data, problems,
            "แนบไฟล์ไม่ได้ ยังไม่ได้เริ่มเรื่อง / a file cannot be attached; nothing was saved")
        case, opened, personal = start_case(rt, session, guard, definition, clean, actor)
        view = _started_view(case, actor, opened, case.instance.created_at)
        # The case's only entry in the register is the one start_case just wrote.
        view["received_number"] = case.received_number
        view["attachments"] = [
            # A complaint's files at intake are the complainant's letter and evidence.
            store_attachment(rt, session, actor, case.instance.id, upload.filename,
                             upload.content_type, upload.data,
                             from_complainant=bool(personal_fields(process_key)))
            for upload in files
        ]
        if personal_fields(process_key):
            view["personal_data"] = _show_personal(session, actor, case.instance.id, personal)
    return view


def checked_start_data(schema: dict[str, Any] | None, data: dict[str, Any] | None,
                       file_problems: dict[str, str], refusal: str) -> dict[str, Any]:
    """The start data validated, with the files' faults: one refusal names every bad
    field and every bad file together, and nothing is stored."""
    try:
        clean = validate_form(schema, data or {}) if schema else _no_form(data)
    except InvalidData as error:
        raise InvalidData(error.message, {**error.fields, **file_problems}) from None
    if file_problems:
        raise InvalidData(refusal, file_problems)
    return clean


def current_definition(rt: Runtime, session: Session, process_key: str) -> Definition:
    rt.refresh_calendar(session)
    definition = rt.definitions.current(session, process_key)
    if definition is None:
        raise NotFound(f"ไม่พบกระบวนงาน '{process_key}' / no process '{process_key}'")
    return definition


def start_case(
    rt: Runtime, session: Session, guard: WorkflowGuard, definition: Definition,
    clean: dict[str, Any], actor: Actor | None,
) -> tuple[Case, list, dict[str, Any]]:
    """Create and run a new case from validated start data; ``actor`` None is the public.

    Returns the case, the inbox rows it opened and its personal data (kept encrypted).
    """
    process_key = definition.process_key
    public, personal = split_personal(process_key, clean, definition.bundle.forms.values())
    public.update(derived_flags(process_key, personal))
    title_field = definition.bundle.title_field
    title = str(public.get(title_field) or "") if title_field else ""
    # The form's maxLength is the process owner's; the column's is the database's.
    require_fit({title_field or "title": (ProcessInstance.title, title)},
                "ชื่อเรื่องยาวเกินกำหนด / the case title is too long")
    now = utcnow()
    values: dict[str, Any] = {
        "process_key": process_key,
        "version_id": definition.version_id,
        "status": InstanceStatus.RUNNING,
        "title": title,
        "started_by_id": actor.id if actor else None,
        "unit_id": actor.unit_id if actor else None,
        "serializer_version": SERIALIZER_VERSION,
        "created_at": now,
        "updated_at": now,
        "ended_at": None,
        "received_on": _received_on(rt, definition.bundle, public, now),
    }
    instance_id = insert_case(session, {**values, "personal_data": rt.cipher.encrypt(personal)})
    replace_name_terms(session, rt.name_index_key, instance_id, process_key, personal,
                       new_case=True)
    row = CaseRow(id=instance_id, revision=0, **values)
    case = Case(row, definition, new_workflow(rt, definition, public))
    run_engine(case, "การเริ่มเรื่อง / starting the case")
    opened = save_case(rt, session, guard, case)
    record(session, actor, "instance_started", instance_id=instance_id, public=actor is None,
           process_key=process_key, version=definition.version)
    numbered = register_arrival(rt, session, process_key, instance_id, public, personal,
                                values["received_on"], actor)
    case.received_number = numbered.label if numbered is not None else None
    return case, opened, personal


def _received_on(rt: Runtime, bundle: ProcessBundle, data: dict[str, Any],
                 now: datetime) -> date:
    """The Bangkok date the case arrived: the start form's received field, else today.

    A typed received date in the future or too long ago is refused (the web form and
    the API alike): every deadline of the case counts from it."""
    today = now.astimezone(BANGKOK).date()
    field = bundle.received_field
    if not (field and data.get(field)):
        return today
    day = to_bangkok_date(data[field])
    try:
        check_received_day(day, today, rt.settings.received_date_max_years)
    except DateEntryError as error:
        raise InvalidData("วันที่ได้รับเรื่องไม่ถูกต้อง / the received date is not valid",
                          {field: str(error)}) from None
    return day


def _started_view(case: Case, actor: Actor, opened: list, at: Any) -> dict[str, Any]:
    """The new case, built from what the start command holds.

    Reading it back would cost a second transaction and a second look at the
    personal data.
    """
    row, definition = case.instance, case.definition
    view = instance_summary(row, definition.version)
    view["process_name"] = definition.name
    view["tasks"] = [task_view(t) for t in opened]
    view["history"] = [
        {
            "at": iso(at),
            "actor": actor.username,
            "action": "instance_started",
            "task_id": None,
            "detail": {"process_key": row.process_key, "version": definition.version},
        }
    ]
    view["data"] = case_data(case.workflow)
    return view


def _no_form(data: dict[str, Any] | None) -> dict[str, Any]:
    if data:
        raise InvalidData(
            "กระบวนงานนี้ไม่มีแบบฟอร์มเริ่มต้น / this process takes no start data",
            {key: "ไม่มีช่องนี้ / no such field" for key in data},
        )
    return {}


def get_instance(
    rt: Runtime, actor: Actor, instance_id: int, *, include_personal: bool = True
) -> dict[str, Any]:
    """A case with its open tasks, its history and the data the actor may see.

    Reading the personal data of a complaint is itself recorded in the audit log; a
    caller that will not show it passes ``include_personal=False`` and reads nothing.
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
        ctx = ViewContext(rt.calendar, {instance.process_key: definition.name})
        view["tasks"] = [task_view(t, ctx) for t in tasks if t.state == TaskStatus.OPEN]
        workflow = case_workflow(rt, session, instance_id)
        view["history"] = [_with_values(event_view(e), workflow) for e in events]
        view["process_name"] = definition.name
        view["received_number"] = received_number(session, instance_id)
        view["data"] = case_data(workflow)
        # The version's forms, so a page can label every field and choice of the case.
        view["forms"] = list(definition.bundle.forms.values())
        if personal_fields(instance.process_key) and include_personal:
            view["personal_data"] = _personal_data(rt, session, actor, instance)
        return view


def _with_values(event: dict[str, Any], workflow: Any) -> dict[str, Any]:
    """A completed step's history entry carries what it recorded (never personal data:
    that is only in the start form, and never enters the workflow)."""
    if event["action"] == "task_completed":
        detail = event.get("detail") or {}
        event["values"] = submitted_values(workflow, event.get("task_id"), detail.get("fields"))
    return event


def _personal_data(rt: Runtime, session, actor: Actor, instance: ProcessInstance) -> Any:
    if not may_read_personal_data(actor.roles):
        return None
    return _show_personal(session, actor, instance.id, rt.cipher.decrypt(instance.personal_data))


def _show_personal(session, actor: Actor, instance_id: int, personal: dict) -> dict | None:
    """Personal data for a role that may read it, with the read recorded; None otherwise."""
    if not may_read_personal_data(actor.roles):
        return None
    record(session, actor, "personal_data_read", instance_id=instance_id, fields=sorted(personal))
    return personal


def case_diagram(rt: Runtime, actor: Actor, instance_id: int) -> str:
    """The case's diagram as SVG, coloured by state: steps completed, active and overdue."""
    from engine.services.inbox.case_map import case_map

    return case_map(rt, actor, instance_id).svg
