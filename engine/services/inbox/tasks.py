"""The task inbox: list, read, claim, unclaim and complete user tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Literal, cast
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import BindParameter, Select, Table, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from engine.bpmn.bundle import ProcessBundle
from engine.bpmn.definitions import Definition
from engine.bpmn.forms import validate_form
from engine.bpmn.placeholders import fill_form_texts, fill_placeholders
from engine.core.actors import Actor, actor_of
from engine.core.audit import record
from engine.core.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.core.models import MAX_DB_INT, ProcessInstance, ProcessVersion, Task, User, utcnow
from engine.core.statuses import TaskStatus
from engine.services.complaints.letter_parts import form_choices
from engine.services.complaints.letters import issue_letter
from engine.services.inbox.task_personal import seal_task_personal
from engine.services.publishing.notices import tell_owner
from engine.services.publishing.requests import publish_step
from engine.workflow.access import (
    may_act_on,
    may_see_task,
    require_act,
    supervises,
)
from engine.workflow.case import CaseRow, StepContext
from engine.workflow.cases import (
    CASE_COLUMNS,
    case_data_of,
    load_case,
    run_engine,
    save_case,
)
from engine.workflow.runtime import Runtime
from engine.workflow.views import ViewContext, task_view

View = Literal["mine", "group", "all"]
VIEWS: tuple[str, ...] = ("mine", "group", "all")
MAX_PAGE = 200


def _not_found(task_id: str) -> NotFound:
    return NotFound(f"ไม่พบงาน {task_id} / task {task_id} not found")


_task = cast(Table, Task.__table__)
#: The list's orders, on the table's columns (the list's statements are Core). The id last:
#: among tasks with equal keys (cases started in the same moment) PostgreSQL may return
#: any order, and pages would repeat one task and skip another.
SORTS = {
    "due": (_task.c.due_at.is_(None), _task.c.due_at, _task.c.created_at, _task.c.id),
    "-due": (_task.c.due_at.is_(None), _task.c.due_at.desc(), _task.c.created_at, _task.c.id),
    "created": (_task.c.created_at, _task.c.id),
    "-created": (_task.c.created_at.desc(), _task.c.id),
    "received": (_task.c.received_on, _task.c.created_at, _task.c.id),
    "-received": (_task.c.received_on.desc(), _task.c.created_at.desc(), _task.c.id),
}
_LOAD_TASK = select(_task).where(_task.c.id == bindparam("tid"))
_LOAD_TASK_LOCKED = _LOAD_TASK.with_for_update()
_instance = cast(Table, ProcessInstance.__table__)
#: The row with its case's version in one statement (a command needs both); locking only
#: the task row, as _LOAD_TASK_LOCKED does: the case row is locked by load_case.
_LOAD_TASK_VERSION = (
    select(_task, _instance.c.version_id.label("_version_id"))
    .join(_instance, _instance.c.id == _task.c.instance_id)
    .where(_task.c.id == bindparam("tid"))
)
_LOAD_TASK_VERSION_LOCKED = _LOAD_TASK_VERSION.with_for_update(of=_task)
_VERSION_OF = select(_instance.c.version_id).where(_instance.c.id == bindparam("iid"))
_CASE_PREFIX = "case_"
_STATE = "_case_state"
#: complete_task's first statement: the task row and its case's row, both locked (the case
#: row as load_case would lock it), instead of two statements. The saved state comes with
#: them: with several web workers most commands find their case in another worker's
#: cache, not their own, and restore it; reading the state here spares them a statement
#: (on PostgreSQL a round trip) for the cost of reading a column the others do not need.
_LOAD_TASK_AND_CASE_LOCKED = (
    select(_task, *(column.label(_CASE_PREFIX + column.name) for column in CASE_COLUMNS),
           _instance.c.state.label(_STATE))
    .join(_instance, _instance.c.id == _task.c.instance_id)
    .where(_task.c.id == bindparam("tid"))
    .with_for_update()
)
_HOLDER: dict[str, BindParameter[Any]] = {
    "assignee_id": bindparam("uid"),
    "assignee_name": bindparam("uname"),
    "assignee_display": bindparam("udisplay"),
}
_CLAIM = (
    update(_task)
    .where(_task.c.id == bindparam("tid"), _task.c.state == TaskStatus.OPEN,
           _task.c.assignee_id.is_(None))
    .values(**_HOLDER)
)
_ASSIGN = update(_task).where(_task.c.id == bindparam("tid")).values(**_HOLDER)
_COMPLETE = (
    update(_task)
    .where(_task.c.id == bindparam("tid"))
    .values(
        state=TaskStatus.COMPLETED,
        completed_by_id=bindparam("uid"),
        completed_at=bindparam("now"),
        **_HOLDER,
    )
)


def _holder(user: Actor | None) -> dict[str, Any]:
    if user is None:
        return {"uid": None, "uname": None, "udisplay": None}
    return {"uid": user.id, "uname": user.username, "udisplay": user.display_name}


def _hold(row: SimpleNamespace, user: Actor | None) -> None:
    row.assignee_id = user.id if user else None
    row.assignee_name = user.username if user else None
    row.assignee_display = user.display_name if user else None


def _task_row(session: Session, task_id: str, *, lock: bool = False) -> SimpleNamespace:
    """The inbox row as a plain object (the command paths use Core, not the ORM)."""
    _check_id(task_id)
    query = _LOAD_TASK_LOCKED if lock else _LOAD_TASK
    row = session.connection().execute(query, {"tid": task_id}).first()
    if row is None:
        raise _not_found(task_id)
    return SimpleNamespace(**row._mapping)


def _check_id(task_id: str) -> None:
    try:
        UUID(task_id)
    except ValueError:
        raise _not_found(task_id) from None


def _task_row_and_version(session: Session, task_id: str, *,
                          lock: bool) -> tuple[SimpleNamespace, int]:
    """The inbox row and its case's version id, read together."""
    _check_id(task_id)
    query = _LOAD_TASK_VERSION_LOCKED if lock else _LOAD_TASK_VERSION
    row = session.connection().execute(query, {"tid": task_id}).first()
    if row is None:
        raise _not_found(task_id)
    values = dict(row._mapping)
    version_id = values.pop("_version_id")
    return SimpleNamespace(**values), version_id


def view_context(rt: Runtime, session: Session) -> ViewContext:
    return ViewContext(rt.calendar, {d.process_key: d.name for d in _current(rt, session)})


_CURRENT_IDS = (select(ProcessVersion.id).where(ProcessVersion.is_current.is_(True))
                .order_by(ProcessVersion.process_key))


def _current(rt: Runtime, session: Session) -> list[Definition]:
    """Every process's current version, as ``rt.definitions.current_all`` gives them, from
    a statement built once (the list path asks on every request)."""
    ids = session.connection().execute(_CURRENT_IDS).scalars().all()
    return [rt.definitions.by_id(session, version_id) for version_id in ids]


def _forbidden_all() -> Forbidden:
    return Forbidden(
        "มุมมอง 'งานทั้งหมด' สำหรับผู้บังคับบัญชาเท่านั้น / the 'all' view is for supervisors"
    )


def _unknown_view(view: str) -> InvalidData:
    return InvalidData(
        f"view ต้องเป็น {', '.join(VIEWS)} / view must be one of {', '.join(VIEWS)}",
        {"view": f"ไม่รู้จัก '{view}' / unknown value"},
    )


#: Each view's condition, its values bound per request (see :func:`_view_values`).
_VIEW_CONDITIONS: dict[str, Any] = {
    "mine": _task.c.assignee_id == bindparam("me"),
    "group": and_(
        _task.c.assignee_id.is_(None),
        _task.c.role.in_(bindparam("roles", expanding=True)),
        or_(_task.c.unit_id.is_(None), _task.c.unit_id == bindparam("unit")),
    ),
    "all": _task.c.process_key.in_(bindparam("supervised", expanding=True)),
}


def _view_values(actor: Actor, view: str, current: list[Definition]) -> dict[str, Any]:
    """Who the view is for, as the values of its condition: the actor's id; their roles and
    unit; the processes they supervise (none: the 'all' view is refused)."""
    if view == "mine":
        return {"me": actor.id}
    if view == "group":
        return {"roles": sorted(actor.roles), "unit": actor.unit_id}
    if view == "all":
        keys = [d.process_key for d in current if supervises(actor, d.bundle)]
        if not keys:
            raise _forbidden_all()
        return {"supervised": keys}
    raise _unknown_view(view)


@lru_cache(maxsize=256)
def _list_statements(view: str, by_process: bool, overdue: bool, due_before: bool,
                     sort: str) -> tuple[Select, Select]:
    """The page's and the count's statements for one shape of filters, built once: building
    and keying a statement per request cost more than running it on SQLite."""
    where = [_task.c.state == TaskStatus.OPEN, _VIEW_CONDITIONS[view]]
    if by_process:
        where.append(_task.c.process_key == bindparam("process_key"))
    if overdue:
        where.append(_task.c.due_at < bindparam("now"))
    if due_before:
        where.append(_task.c.due_at < bindparam("due_before"))
    rows = (select(_task).where(*where).order_by(*SORTS[sort])
            .limit(bindparam("limit")).offset(bindparam("offset")))
    count = select(func.count()).select_from(_task).where(*where)
    return rows, count


def list_tasks(
    rt: Runtime,
    actor: Actor,
    view: str = "mine",
    *,
    process_key: str | None = None,
    overdue: bool = False,
    due_before: datetime | None = None,
    sort: str = "due",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Open tasks in one of the three inbox views, filtered, sorted and paginated."""
    if sort not in SORTS:
        raise InvalidData("sort ไม่ถูกต้อง / invalid sort", {"sort": f"use one of {list(SORTS)}"})
    if not 1 <= limit <= MAX_PAGE or not 0 <= offset <= MAX_DB_INT:
        # An offset past what the database's integers hold would fail inside the driver.
        raise InvalidData(
            f"ขนาดหน้าไม่ถูกต้อง / invalid page: limit 1–{MAX_PAGE}, offset 0–{MAX_DB_INT}",
            {"limit": f"1–{MAX_PAGE}; offset ≥ 0", "offset": f"0–{MAX_DB_INT}"},
        )
    if view not in VIEWS:
        raise _unknown_view(view)
    with rt.db.read() as session:
        current = _current(rt, session)
        values = _view_values(actor, view, current)
        rows_sql, count_sql = _list_statements(view, bool(process_key), overdue,
                                               due_before is not None, sort)
        values.update(process_key=process_key, now=utcnow(), due_before=due_before)
        conn = session.connection()
        rows = conn.execute(rows_sql, {**values, "limit": limit, "offset": offset}).all()
        if len(rows) < limit and (rows or offset == 0):
            # A page that is not full is the last: the total is known without counting
            # (same transaction, so the same rows the count would see).
            total = offset + len(rows)
        else:
            total = conn.execute(count_sql, values).scalar_one()
        ctx = ViewContext(rt.calendar, {d.process_key: d.name for d in current})
        return {"tasks": [task_view(row, ctx) for row in rows], "total": total}


def count_tasks(rt: Runtime, actor: Actor) -> dict[str, int | None]:
    """How many open tasks each inbox tab holds; ``all`` is None for non-supervisors."""
    with rt.db.read() as session:
        current = _current(rt, session)
        conn = session.connection()
        counts: dict[str, int | None] = {}
        for view in VIEWS:
            try:
                values = _view_values(actor, view, current)
            except Forbidden:
                counts[view] = None
                continue
            counts[view] = conn.execute(
                _list_statements(view, False, False, False, "due")[1], values).scalar_one()
        return counts


def _visible_row(rt: Runtime, session: Session, actor: Actor, task_id: str, *,
                 lock: bool = False) -> tuple[SimpleNamespace, Definition]:
    """The task's row and definition; to someone who may not see the task, the same 404 as
    a missing one, so no one else learns it exists (a supervisor sees it but may not act)."""
    row, version_id = _task_row_and_version(session, task_id, lock=lock)
    return row, _visible_definition(rt, session, actor, row, version_id)


def _visible_definition(rt: Runtime, session: Session, actor: Actor, row: SimpleNamespace,
                        version_id: int) -> Definition:
    definition = rt.definitions.by_id(session, version_id)
    if not may_see_task(actor, row, definition.bundle):
        raise _not_found(row.id)
    return definition


def _visible_row_and_case(rt: Runtime, session: Session, actor: Actor,
                          task_id: str) -> tuple[SimpleNamespace, CaseRow, str]:
    """As _visible_row with ``lock``, with the case's instance row (and its saved state)
    read and locked in the same statement, for the command that will load the case."""
    _check_id(task_id)
    found = session.connection().execute(_LOAD_TASK_AND_CASE_LOCKED, {"tid": task_id}).first()
    if found is None:
        raise _not_found(task_id)
    task_values: dict[str, Any] = {}
    case_values: dict[str, Any] = {}
    mapping = dict(found._mapping)
    state: str = mapping.pop(_STATE)
    for key, value in mapping.items():
        if key.startswith(_CASE_PREFIX):
            case_values[key[len(_CASE_PREFIX):]] = value
        else:
            task_values[key] = value
    row, instance = SimpleNamespace(**task_values), CaseRow(**case_values)
    _visible_definition(rt, session, actor, row, instance.version_id)
    return row, instance, state


def get_task(rt: Runtime, actor: Actor, task_id: str) -> dict[str, Any]:
    """A task with its form (JSON Schema), instructions and the form's current values."""
    with rt.db.read() as session:
        row, definition = _visible_row(rt, session, actor, task_id)
        rule = definition.task_info(row.bpmn_id)
        view = task_view(row, view_context(rt, session))
        data = case_data_of(rt, session, row.instance_id)
        view["form"] = fill_form_texts(definition.task_form(row.bpmn_id), data)
        view["documentation"] = fill_placeholders(rule.documentation if rule else "", data)
        is_open = row.state == TaskStatus.OPEN
        view["may_act"] = is_open and _may_work(actor, row)
        view["can_reassign"] = is_open and supervises(actor, definition.bundle)
        view["prefill"] = (_prefill(data, view["form"], definition.start_form)
                           if view["may_act"] else {})
        # The case's files for a letter's enclosures: only for whoever completes the step.
        view["choices"] = (form_choices(rt, session, actor, row.instance_id, view["form"],
                                        definition.bundle.letters.get(row.bpmn_id))
                           if view["may_act"] else {})
        return view


def _cleared(form: dict[str, Any] | None, start_form: dict[str, Any] | None,
             submitted: dict[str, Any]) -> list[str]:
    """The request's own free-text or number fields a revision left empty: emptied, not
    kept from the earlier version (a link or note the owner removed must not be published).
    Choices are left alone: an unchosen choice keeps the request's."""
    started = (start_form or {}).get("properties", {})
    return [name for name, prop in ((form or {}).get("properties") or {}).items()
            if name in started and name not in submitted and isinstance(prop, dict)
            and prop.get("type") in ("string", "integer", "number")
            and not any(key in prop for key in ("oneOf", "enum", "const"))]


def _prefill(data: dict[str, Any], form: dict[str, Any],
             start_form: dict[str, Any]) -> dict[str, Any]:
    """Current values of the request's own fields (``data``: the case's), e.g. the request
    a revision starts from. A decision or reason from an earlier round is never offered
    again."""
    started = (start_form or {}).get("properties", {})
    fields = [key for key in form.get("properties", {}) if key in started]
    return {key: data[key] for key in fields if key in data}


def _version_of(session: Session, row: Any) -> int:
    return session.connection().execute(_VERSION_OF, {"iid": row.instance_id}).scalar_one()


def _may_work(actor: Actor, row: Any) -> bool:
    return may_act_on(actor, row) and row.assignee_id in (None, actor.id)


def _require_open(row: Any) -> None:
    if row.state != TaskStatus.OPEN:
        raise Conflict(
            "งานนี้เสร็จสิ้นหรือถูกยกเลิกแล้ว / this task is already finished or cancelled"
        )


def _claimed_by_other() -> Conflict:
    return Conflict("งานนี้มีผู้รับไปแล้ว / another person has already claimed this task")


def claim_task(rt: Runtime, actor: Actor, task_id: str) -> dict[str, Any]:
    """Take an unclaimed task. Exactly one of many concurrent claimers wins; the rest get 409."""
    with rt.db.write() as session:
        row, _ = _visible_row(rt, session, actor, task_id)
        require_act(actor, row)
        _require_open(row)
        if row.assignee_id == actor.id:
            return task_view(row)
        # The conditional UPDATE is the arbiter: it matches only while nobody holds the task.
        won = session.connection().execute(_CLAIM, {"tid": task_id, **_holder(actor)}).rowcount
        if won != 1:
            raise _claimed_by_other()
        record(session, actor, "task_claimed", instance_id=row.instance_id, task_id=task_id,
               acting_for=actor.acting_role_for(row.role), task=row.name)
        _hold(row, actor)
        return task_view(row)


def unclaim_task(rt: Runtime, actor: Actor, task_id: str) -> dict[str, Any]:
    """Give a task back to the group. Its holder or a supervisor of the process may do it."""
    with rt.db.write() as session:
        row, definition = _visible_row(rt, session, actor, task_id, lock=True)
        _require_open(row)
        if row.assignee_id is None:
            return task_view(row)
        if row.assignee_id != actor.id and not supervises(actor, definition.bundle):
            raise _claimed_by_other()
        session.connection().execute(_ASSIGN, {"tid": task_id, **_holder(None)})
        _hold(row, None)
        record(session, actor, "task_unclaimed", instance_id=row.instance_id, task_id=task_id,
               task=row.name)
        return task_view(row)


def eligible_assignees(rt: Runtime, actor: Actor, task_id: str) -> list[dict[str, str]]:
    """The active users who may work on the task (their roles, unit and acting appointments)."""
    with rt.db.read() as session:
        row = _task_row(session, task_id)
        definition = rt.definitions.by_id(session, _version_of(session, row))
        if not supervises(actor, definition.bundle):
            raise Forbidden("มอบหมายงานได้เฉพาะผู้บังคับบัญชา / only supervisors may reassign")
        return [
            {"username": a.username, "display_name": a.display_name}
            for a in _candidates(session, row)
        ]


def _candidates(session: Session, row: Any) -> list[Actor]:
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.username))
    actors = (actor_of(session, user) for user in users)
    return [a for a in actors if may_act_on(a, row)]


def reassign_task(rt: Runtime, actor: Actor, task_id: str, username: str) -> dict[str, Any]:
    """A supervisor hands an open task to a named user who may work on it."""
    with rt.db.write() as session:
        row = _task_row(session, task_id, lock=True)
        _require_open(row)
        definition = rt.definitions.by_id(session, _version_of(session, row))
        if not supervises(actor, definition.bundle):
            raise Forbidden("มอบหมายงานได้เฉพาะผู้บังคับบัญชา / only supervisors may reassign")
        target = next((a for a in _candidates(session, row) if a.username == username), None)
        if target is None:
            raise InvalidData(
                "ผู้ใช้นี้รับงานนี้ไม่ได้ / this user cannot take this task",
                {"username": "เลือกผู้ที่มีบทบาทตรงกับงาน / choose a user holding the task's role"},
            )
        session.connection().execute(_ASSIGN, {"tid": task_id, **_holder(target)})
        record(session, actor, "task_reassigned", instance_id=row.instance_id, task_id=task_id,
               task=row.name, to=target.username, previous=row.assignee_name)
        _hold(row, target)
        return task_view(row, view_context(rt, session))


def step_effects(bundle: ProcessBundle, bpmn_id: str) -> list[Callable[[StepContext], object]]:
    """What else completing ``bpmn_id`` does, as processes.toml says, in order: the letter it
    issues (complaints), the publication it makes public, the owner it tells. Each runs in
    the completing command's transaction; one that raises refuses the step."""
    return [effect for effect, concerned in (
        (issue_letter, bpmn_id in bundle.letters),
        (publish_step, bpmn_id == bundle.publication_step),
        (tell_owner, bpmn_id in bundle.notify_owner),
    ) if concerned]


def complete_task(
    rt: Runtime, actor: Actor, task_id: str, data: dict[str, Any] | None
) -> dict[str, Any]:
    """Submit a task's form and move the case on. An unclaimed task is claimed on the way."""
    with rt.workflow_guard() as guard, rt.db.write() as session:
        row, instance, state = _visible_row_and_case(rt, session, actor, task_id)
        require_act(actor, row)
        _require_open(row)
        if row.assignee_id not in (None, actor.id):
            raise _claimed_by_other()
        case = load_case(rt, session, guard, row.instance_id, locked_row=instance, state=state)
        schema = case.definition.task_form(row.bpmn_id)
        clean = validate_form(schema, data or {}) if schema else dict(data or {})
        spiff_task = case.workflow.get_task_from_id(UUID(task_id))
        if spiff_task is None or spiff_task.state != TaskState.READY:
            raise Conflict("งานนี้ไม่อยู่ในสถานะรอดำเนินการแล้ว / this task is no longer waiting")
        for name in _cleared(schema, case.definition.start_form, clean):
            spiff_task.data.pop(name, None)
        spiff_task.data.update(seal_task_personal(rt, session, case, clean))
        case.workflow.run_task_from_id(spiff_task.id)
        run_engine(case, f"งาน '{row.name}' / completing '{row.bpmn_id}'")
        now = utcnow()
        session.connection().execute(_COMPLETE, {"tid": task_id, "now": now, **_holder(actor)})
        _hold(row, actor)
        row.state, row.completed_at, row.completed_by_id = TaskStatus.COMPLETED, now, actor.id
        record(session, actor, "task_completed", instance_id=row.instance_id, task_id=task_id,
               acting_for=actor.acting_role_for(row.role), task=row.name, fields=sorted(clean))
        step = StepContext(rt, session, case, actor, row.bpmn_id, spiff_task.data, now)
        for effect in step_effects(case.definition.bundle, row.bpmn_id):
            effect(step)
        opened = save_case(rt, session, guard, case)
        view = task_view(row)
        view["instance_status"] = case.instance.status
        # What the case needs next, so a client can go on without another round trip.
        view["next_tasks"] = [task_view(t) for t in opened]
        return view
