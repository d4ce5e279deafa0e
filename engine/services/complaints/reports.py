"""The six-monthly report on complaints for the Director, counted in halves of
the fiscal year (1 Oct–31 Mar, 1 Apr–30 Sep), and the cumulative 12-month report
(1 Oct–30 Sep, ``half`` WHOLE_YEAR).

Each case received in the period falls in exactly one status bucket as of the period's
last day. The report carries no personal data and no complaint subjects (those are the
complainant's own words): cases are listed by number, date, channel, type and status.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.actors import Actor
from engine.core.audit import record
from engine.core.errors import Forbidden
from engine.core.models import ProcessInstance, Task
from engine.core.statuses import TaskStatus
from engine.documents.complaint_report import (
    CaseLine,
    ComplaintReport,
    check_period,
    period_bounds,
)
from engine.services.admin.signers import signature_for
from engine.services.complaints.report_notes import notes_of
from engine.thai.workdays import BANGKOK
from engine.workflow.cases import case_data_of
from engine.workflow.runtime import Runtime

PROCESS_KEY = "complaint"
REPORT_ROLES = frozenset({"legal_head", "director", "legal_officer"})


def _bangkok_day(moment: Any) -> date | None:
    return moment.astimezone(BANGKOK).date() if moment is not None else None


def _status(data: dict[str, Any], screened_on: date | None, ended_on: date | None,
            end: date) -> str:
    """The one bucket a case is in as of the period's last day."""
    outcome = data.get("screening_outcome") if screened_on and screened_on <= end else None
    if outcome == "not_considered":
        return "not_considered"
    if outcome == "forward":
        return "forwarded"
    if ended_on is not None and ended_on <= end:
        return "completed"
    return "in_progress"


#: Cases per query for the triage times (well under every backend's parameter limit).
BATCH = 500


def _screened_at(session: Session, ids: list[int]) -> dict[int, datetime | None]:
    """When each case's triage was completed, for many cases a query per batch (a case
    has one triage step)."""
    found: dict[int, datetime | None] = {}
    for at in range(0, len(ids), BATCH):
        found.update(session.execute(
            select(Task.instance_id, Task.completed_at).where(
                Task.instance_id.in_(ids[at:at + BATCH]), Task.bpmn_id == "triage",
                Task.state == TaskStatus.COMPLETED)
        ).tuples().all())
    return found


def complaint_report(rt: Runtime, actor: Actor | None, fiscal_year: int,
                     half: int) -> ComplaintReport:
    if actor is not None and actor.roles.isdisjoint(REPORT_ROLES):
        raise Forbidden("รายงานนี้สำหรับกลุ่มกฎหมายและคดีและผู้อำนวยการ / for Legal Affairs "
                        "and the Director")
    check_period(fiscal_year, half)
    start, end = period_bounds(fiscal_year, half)
    report = ComplaintReport(fiscal_year, half, start, end)
    with rt.db.write() as session:
        report.notes = notes_of(session, fiscal_year, half)
        # The Director acknowledges the report on the day it is made: whoever signs for
        # the post that day (an acting or a delegated official included).
        today = clock.now().astimezone(BANGKOK).date()
        report.acknowledged_by = signature_for(session, rt.office, today)
        current = rt.definitions.current(session, PROCESS_KEY)
        if current is not None:
            choice = current.start_form.get("properties", {}).get("complaint_type", {})
            report.type_titles = {o.get("const"): o.get("title", o.get("const"))
                                  for o in choice.get("oneOf", [])}
        instances = session.scalars(
            select(ProcessInstance).where(
                ProcessInstance.process_key == PROCESS_KEY,
                ProcessInstance.received_on >= start,
                ProcessInstance.received_on <= end,
            ).order_by(ProcessInstance.received_on, ProcessInstance.id)
        ).all()
        screened = _screened_at(session, [instance.id for instance in instances])
        for instance in instances:
            received_on = instance.received_on
            assert received_on is not None, "the query keeps cases received in the period"
            data = case_data_of(rt, session, instance.id)
            screened_on = _bangkok_day(screened.get(instance.id))
            report.cases.append(CaseLine(
                instance_id=instance.id,
                received_on=received_on,
                channel=str(data.get("channel", "")),
                complaint_type=str(data.get("complaint_type", "")),
                status=_status(data, screened_on, _bangkok_day(instance.ended_at), end),
                triage_working_days=(
                    rt.calendar.working_days_between(received_on, screened_on)
                    if screened_on is not None and screened_on <= end else None),
            ))
        record(session, actor, "report_generated", report="complaints",
               fiscal_year=fiscal_year, half=half, cases=len(report.cases))
    return report
