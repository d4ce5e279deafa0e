"""Escalations: what the BPMN throws when a deadline timer fires, recorded and routed.

A boundary timer's path throws an escalation code (e.g. ``triage_breach``);
``processes.toml`` says what the code means: its level and who is told. Each fired
timer raises at most one escalation (the timer id is unique), and completing the
task resolves its escalations. Notifications never carry personal data: a case
with personal fields is named by its number only.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from engine.bpmn.process_settings import EscalationRule
from engine.core.actors import Actor, holders_of
from engine.core.audit import record
from engine.core.emails import header_text
from engine.core.errors import Conflict, InvalidData, NotFound
from engine.core.models import (
    Escalation,
    Notification,
    OutboxMessage,
    ProcessInstance,
    Task,
    Unit,
    User,
    utcnow,
)
from engine.core.personal_data import personal_fields
from engine.core.statuses import EscalationStatus
from engine.thai.dates import format_thai_datetime
from engine.thai.workdays import BANGKOK
from engine.workflow.access import supervised_processes
from engine.workflow.case import Case, FiredTimer
from engine.workflow.runner import attached_user_task
from engine.workflow.runtime import Runtime
from engine.workflow.views import iso, working_days_left

_escalation = cast(Table, Escalation.__table__)
STATUSES = tuple(EscalationStatus)


def raise_escalations(session: Session, case: Case, fired: list[FiredTimer],
                      now: datetime) -> list[int]:
    """Record and route an escalation for each fired timer whose path throws a known code."""
    bundle = case.definition.bundle
    created = []
    for timer in fired:
        thrown = bundle.escalation_for(timer.bpmn_id)
        if thrown is None:
            continue
        code, rule = thrown
        user_task = attached_user_task(timer.spiff_task)
        task_id = str(user_task.id) if user_task is not None else None
        result = session.connection().execute(insert(_escalation).values(
            instance_id=case.instance.id, task_id=task_id, timer_id=timer.timer_id, code=code,
            level=rule.level, notify_role=rule.notify, status=EscalationStatus.OPEN,
            due_at=timer.due_at, fired_at=now,
        ))
        key = result.inserted_primary_key
        assert key is not None, "an INSERT of one row has its key"
        escalation_id = key[0]
        created.append(escalation_id)
        record(session, None, "escalation_raised", instance_id=case.instance.id,
               task_id=task_id, escalation_id=escalation_id, code=code, level=rule.level)
        _notify(session, case, task_id, rule, timer.due_at, escalation_id, now)
    return created


def resolve_for_finished_tasks(conn: Connection, instance_id: int, open_task_ids: set[str],
                               now: datetime) -> None:
    condition = and_(_escalation.c.instance_id == instance_id,
                     _escalation.c.status != EscalationStatus.RESOLVED)
    if open_task_ids:
        condition = and_(condition, _escalation.c.task_id.not_in(sorted(open_task_ids)))
    conn.execute(update(_escalation).where(condition).values(
        status=EscalationStatus.RESOLVED, resolved_at=now))


def _recipients(session: Session, task_id: str | None, notify: str) -> list[User]:
    if notify == "assignee" and task_id is not None:
        task = session.get(Task, task_id)
        if task is not None and task.assignee_id is not None:
            holder = session.get(User, task.assignee_id)
            return [holder] if holder is not None and holder.active else []
        notify = task.role if task is not None and task.role else notify
    return holders_of(session, notify)


def _message(case: Case, task_name: str, level: int, due_at: datetime,
             now: datetime) -> tuple[str, str]:
    """The notice's subject and text, worded by tense: a reminder caught up after its
    deadline (a case keyed in late, a scheduler that was down) says the deadline has
    passed, never that it "will be" due. The e-mail adds the English beneath."""
    instance = case.instance
    # Complaint titles are the complainant's own words: name the case by number only.
    named = f"เรื่องเลขที่ {instance.id}"
    if not personal_fields(instance.process_key) and instance.title:
        named += f" “{instance.title}”"
    due = format_thai_datetime(due_at)
    # A label wrapped in the modeller keeps its line break in the name: one line here.
    task_name = header_text(task_name)
    if level == 0 and due_at > now:
        subject = f"แจ้งเตือนกำหนดเวลา: {task_name}"
        text = f"{named}: งาน “{task_name}” จะครบกำหนด {due} กรุณาดำเนินการให้ทันกำหนด"
    elif level == 0:
        subject = f"แจ้งเตือนกำหนดเวลา: {task_name}"
        text = f"{named}: งาน “{task_name}” ครบกำหนดแล้วเมื่อ {due} กรุณาดำเนินการโดยด่วน"
    else:
        subject = f"เกินกำหนด (ระดับ {level}): {task_name}"
        text = f"{named}: งาน “{task_name}” เกินกำหนดแล้วตั้งแต่ {due} กรุณาติดตามโดยด่วน"
    return subject, text


def _english(case: Case, level: int, due_at: datetime, now: datetime) -> str:
    """The notice in English, for the e-mail's second paragraph (task names stay Thai)."""
    due = due_at.astimezone(BANGKOK).strftime("%d %b %Y, %H:%M (Bangkok time)")
    if level == 0 and due_at > now:
        return f"Case {case.instance.id}: the task above will be due on {due}."
    if level == 0:
        return f"Case {case.instance.id}: the task above was due on {due}."
    return (f"Case {case.instance.id}: the task above has been overdue since {due} "
            f"(escalation level {level}).")


def _notify(session: Session, case: Case, task_id: str | None, rule: EscalationRule,
            due_at: datetime, escalation_id: int, now: datetime) -> None:
    task = session.get(Task, task_id) if task_id else None
    # People are told the task's deadline, not the moment this reminder fired.
    deadline = task.due_at if task is not None and task.due_at is not None else due_at
    subject, text = _message(case, task.name if task else "", rule.level, deadline, now)
    body = f"{text}\n\n{_english(case, rule.level, deadline, now)}"
    for user in _recipients(session, task_id, rule.notify):
        session.add(Notification(user_id=user.id, instance_id=case.instance.id, text=text))
        if user.email:
            session.add(OutboxMessage(
                message_id=f"<escalation-{escalation_id}-{user.id}."
                           f"{secrets.token_hex(6)}@govflow>",
                recipient=user.email, subject=subject, body=body,
            ))


def _view(row: Escalation, process_key: str, extra: dict[str, Any] | None = None) -> dict:
    return {
        **(extra or {}),
        "id": row.id,
        "instance_id": row.instance_id,
        "process_key": process_key,
        "task_id": row.task_id,
        "code": row.code,
        "level": row.level,
        "notify_role": row.notify_role,
        "status": row.status,
        "due_at": iso(row.due_at),
        "fired_at": iso(row.fired_at),
        "acknowledged_by": row.acknowledged_by,
        "acknowledged_at": iso(row.acknowledged_at),
        "resolved_at": iso(row.resolved_at),
    }


def _age_from(row: Escalation, task_due: datetime | None) -> datetime:
    """The date a level's age counts from: its own timer's due date, so the second
    escalation (two working days after the deadline) is two working days younger than the
    first. A reminder is about the task's deadline, not the morning it fired."""
    return task_due if row.level == 0 and task_due is not None else row.due_at


def visible_escalations(rt: Runtime, session: Session, actor: Actor,
                        statuses: Collection[str] | None) -> list[Any]:
    """The escalations the actor may see, in ``statuses`` (None: all), each with its case,
    unit name and task columns."""
    wrong = sorted(set(statuses or ()) - set(STATUSES))
    if wrong:
        raise InvalidData("status ไม่ถูกต้อง / invalid status",
                          {"status": f"one of {', '.join(STATUSES)}"})
    keys = supervised_processes(rt, session, actor)
    query = (
        select(Escalation, ProcessInstance, Unit.name, Task.name, Task.assignee_display,
               Task.due_at)
        .join(ProcessInstance, ProcessInstance.id == Escalation.instance_id)
        .outerjoin(Unit, Unit.id == ProcessInstance.unit_id)
        .outerjoin(Task, Task.id == Escalation.task_id)
        .where(ProcessInstance.process_key.in_(keys) | Escalation.notify_role.in_(
            sorted(actor.roles)))
        .order_by(Escalation.due_at, Escalation.level)
    )
    if statuses is not None:
        query = query.where(Escalation.status.in_(sorted(statuses)))
    return list(session.execute(query).all())


def escalation_view(rt: Runtime, found: Any, now: datetime) -> dict[str, Any]:
    row, instance, unit_name, task_name, assignee, task_due = found
    age_from = _age_from(row, task_due)
    return _view(row, instance.process_key, {
        "unit_name": unit_name,
        "task_name": task_name,
        "assignee_display": assignee,
        "task_due_at": iso(task_due),
        "age_from": iso(age_from),
        # Working days past this level's due date (0 on the day; negative before it).
        "age_working_days": -working_days_left(rt.calendar, age_from, now)
        if row.status != EscalationStatus.RESOLVED else None,
        "past_due": age_from <= now,
    })


def list_escalations(rt: Runtime, actor: Actor, status: str | None = None) -> list[dict]:
    """Escalations of the processes the actor supervises (or is told about by role)."""
    with rt.db.read() as session:
        now = utcnow()
        return [escalation_view(rt, found, now)
                for found in visible_escalations(rt, session, actor,
                                                 None if status is None else (status,))]


def acknowledge(rt: Runtime, actor: Actor, escalation_id: int) -> dict[str, Any]:
    with rt.db.write() as session:
        row = session.get(Escalation, escalation_id)
        key = session.scalar(select(ProcessInstance.process_key)
                             .where(ProcessInstance.id == row.instance_id)) if row else None
        supervised = key in supervised_processes(rt, session, actor)
        # The same rule as list_escalations: a supervised process, or routed to my role.
        if row is None or not (supervised or row.notify_role in actor.roles):
            raise NotFound(f"ไม่พบการแจ้งเตือนเลขที่ {escalation_id} / no escalation "
                           f"{escalation_id}")
        if row.status == EscalationStatus.RESOLVED:
            raise Conflict("เรื่องนี้ดำเนินการแล้ว / already resolved: the task was completed")
        for level in _task_levels(session, row):
            # One story per task: acknowledging its level acknowledges the lower ones the
            # actor may see too, so the page and the badge do not ask twice.
            if level.status == EscalationStatus.OPEN and (
                    supervised or level.notify_role in actor.roles):
                level.status, level.acknowledged_by, level.acknowledged_at = (
                    EscalationStatus.ACKNOWLEDGED, actor.username, utcnow())
                record(session, actor, "escalation_acknowledged",
                       instance_id=level.instance_id, escalation_id=level.id)
        return _view(row, key or "")


def _task_levels(session: Session, row: Escalation) -> list[Escalation]:
    """``row`` and the lower levels raised on the same task."""
    if row.task_id is None:
        return [row]
    return list(session.scalars(select(Escalation).where(
        Escalation.instance_id == row.instance_id, Escalation.task_id == row.task_id,
        Escalation.level <= row.level)))
