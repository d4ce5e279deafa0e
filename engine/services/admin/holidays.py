"""The administrators' holiday table, and recomputing deadlines when it changes.

The calendar is the ``holidays`` package (TH, public and government, without Labour
Day and Children's Day) plus days administrators add (e.g. Royal Ploughing Day after
2026, cabinet-declared days) minus days they remove. A change recomputes every pending
deadline that has not fired, in the same transaction, and the audit log records each one.
Adding Royal Ploughing Day for a year the package cannot date also answers that year's
calendar gap (engine/services/admin/calendar_gaps.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Conflict, InvalidData
from engine.core.limits import fit_problems
from engine.core.models import DueTimer, HolidayOverride, utcnow
from engine.core.statuses import TimerState
from engine.services.admin import calendar_gaps
from engine.services.admin.staff import require_admin
from engine.thai.dates import fiscal_year_bounds
from engine.thai.holiday_names import english_name
from engine.thai.usual_holidays import UsualHoliday, usual_holiday_named
from engine.thai.workdays import WorkingCalendar
from engine.workflow.cases import load_case, run_engine, save_case
from engine.workflow.runtime import Runtime, calendar_from_overrides


def list_holidays(rt: Runtime, start: date, end: date) -> list[dict[str, Any]]:
    """Days off from start to end (inclusive), with where each comes from, plus removals."""
    with rt.db.read() as session:
        calendar = rt.refresh_calendar(session, force=True)
        overrides = {
            row.day: row
            for row in session.scalars(
                select(HolidayOverride).where(
                    HolidayOverride.revoked_at.is_(None),
                    HolidayOverride.day >= start,
                    HolidayOverride.day <= end,
                )
            )
        }
    # name_en: the English pages' name of a package holiday; an administrator's own
    # reason has none and is shown as typed.
    days = [
        {"day": d.isoformat(), "name": name, "name_en": english_name(name) or name,
         "source": "added" if d in overrides else "package",
         "reference": overrides[d].reference if d in overrides else ""}
        for d, name in calendar.holidays_in(start, end)
    ]
    days += [
        {"day": d.isoformat(), "name": row.reason, "name_en": row.reason, "source": "removed",
         "reference": row.reference}
        for d, row in overrides.items() if row.kind == "remove"
    ]
    return sorted(days, key=lambda item: item["day"])


def fiscal_year_range(fiscal_year_be: int) -> tuple[date, date]:
    return fiscal_year_bounds(fiscal_year_be)


def _check_text(reason: str, reference: str) -> None:
    fields = fit_problems({"reason": (HolidayOverride.reason, reason),
                              "reference": (HolidayOverride.reference, reference)})
    if not reason.strip():
        fields["reason"] = "ระบุเหตุผล / give a reason"
    if fields:
        raise InvalidData("ข้อมูลวันหยุดไม่ถูกต้อง / invalid holiday change", fields)


def add_holiday(rt: Runtime, actor: Actor | None, day: date, reason: str,
                reference: str = "", usual_day: str = "") -> dict[str, Any]:
    """Make ``day`` a day off (or undo an earlier removal of it).

    ``usual_day`` (a key of engine.thai.usual_holidays, e.g. "royal_ploughing") says the
    day is that usual holiday, which answers its fiscal year's calendar gap; without it a
    reason naming the holiday (e.g. "วันพืชมงคล") in its usual months does the same.
    """
    return _change(rt, actor, day, reason.strip(), reference.strip(), "add", usual_day.strip())


def remove_holiday(rt: Runtime, actor: Actor | None, day: date, reason: str,
                   reference: str = "") -> dict[str, Any]:
    """Make ``day`` a working day (or undo an earlier addition of it)."""
    return _change(rt, actor, day, reason.strip(), reference.strip(), "remove")


def _change(rt: Runtime, actor: Actor | None, day: date, reason: str, reference: str,
            kind: str, usual_day: str = "") -> dict[str, Any]:
    # None is the command line, run by whoever administers the server.
    if actor is not None:
        require_admin(actor)
    _check_text(reason, reference)
    usual = None
    if kind == "add":
        usual = (calendar_gaps.usual_holiday(usual_day) if usual_day
                 else usual_holiday_named(reason, day))
    who = actor.username if actor else "cli"
    result, calendar = _apply_change(rt, actor, who, day, reason, reference, kind, usual)
    # Only once committed does the changed calendar reach other threads; a change that
    # rolled back never leaves its own.
    rt.publish_calendar(calendar)
    return result


def _apply_change(rt: Runtime, actor: Actor | None, who: str, day: date, reason: str,
                  reference: str, kind: str, usual: UsualHoliday | None
                  ) -> tuple[dict[str, Any], WorkingCalendar]:
    with rt.workflow_guard() as guard, rt.db.write() as session:
        calendar = calendar_from_overrides(session)
        active = session.scalar(
            select(HolidayOverride).where(
                HolidayOverride.day == day, HolidayOverride.revoked_at.is_(None)
            )
        )
        answered = None
        if active is not None and active.kind != kind:
            # Undo the opposite change rather than stacking one on top of it.
            active.revoked_at, active.revoked_by = utcnow(), who
            action = "holiday_override_revoked"
            if active.kind == "add":
                calendar_gaps.forget_added(session, actor, who, active)
        else:
            _refuse_no_op(calendar, day, kind)
            added = HolidayOverride(day=day, kind=kind, reason=reason, reference=reference,
                                    created_by=who)
            session.add(added)
            session.flush()
            if usual is not None and kind == "add" and calendar_gaps.record_added(
                    session, actor, who, added, usual):
                answered = usual.key
            action = "holiday_added" if kind == "add" else "holiday_removed"
        session.flush()
        record(session, actor, action, day=day.isoformat(), reason=reason, reference=reference)
        # Deadlines are recomputed in this transaction, against the calendar as changed,
        # which only this command's thread counts with until the commit.
        changed = calendar_from_overrides(session)
        with rt.command_calendar(changed):
            recomputed = recompute_deadlines(rt, session, guard, actor)
    return {"day": day.isoformat(), "action": action, "recomputed": recomputed,
            "usual_day": answered}, changed


def _refuse_no_op(calendar: WorkingCalendar, day: date, kind: str) -> None:
    off = not calendar.is_working_day(day)
    if kind == "add" and off:
        name = calendar.holiday_name(day) or "วันหยุดสุดสัปดาห์ / a weekend"
        raise Conflict(f"{day.isoformat()} เป็นวันหยุดอยู่แล้ว ({name}) / is already a day off")
    if kind == "remove" and (not off or day.weekday() >= 5):
        raise Conflict(
            f"{day.isoformat()} ไม่ใช่วันหยุดที่ถอนได้ / is not a holiday that can be removed "
            "(weekends always stay days off)"
        )


def recompute_deadlines(rt: Runtime, session: Session, guard: Any,
                        actor: Actor | None) -> int:
    """Re-evaluate every waiting date timer against the current calendar; return how many
    moved. Timers already fired are history and stay as they were."""
    instance_ids = session.scalars(
        select(DueTimer.instance_id).where(DueTimer.state == TimerState.WAITING).distinct()
    ).all()
    moved = 0
    for instance_id in instance_ids:
        case = load_case(rt, session, guard, instance_id)
        changes = _reevaluate(case.workflow)
        if not changes:
            continue
        run_engine(case, "การคำนวณกำหนดเวลาใหม่ / recomputing deadlines")
        save_case(rt, session, guard, case)
        for bpmn_id, before, after in changes:
            record(session, actor, "deadline_recomputed", instance_id=instance_id,
                   timer=bpmn_id, before=before, after=after)
        moved += len(changes)
    return moved


def _reevaluate(workflow: Any) -> list[tuple[str, str, str]]:
    changes = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimeDateEventDefinition):
            continue
        before = task.internal_data.get("event_value")
        after = workflow.script_engine.evaluate(task, definition.expression)
        if after != before:
            task.internal_data["event_value"] = after
            changes.append((task.task_spec.bpmn_id, str(before), str(after)))
    return changes
