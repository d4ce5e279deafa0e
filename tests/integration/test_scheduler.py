"""Deadlines that fire on time and exactly once, with a controlled clock and real parts."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.core import clock
from engine.core.models import AuditEvent, DueTimer, Escalation, Notification
from engine.jobs.scheduler import tick
from engine.services.admin import holidays
from engine.services.inbox import instances, tasks
from engine.thai.workdays import BANGKOK
from engine.workflow import escalations
from tests.samples import COMPLAINT


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


def levels(rt) -> list[tuple[int, str | None]]:
    with rt.db.read() as session:
        rows = session.scalars(select(Escalation).order_by(Escalation.id)).all()
        return [(row.level, row.notify_role) for row in rows]


def test_escalations_fire_on_time_in_order_and_once(runtime, people):
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        assert case["tasks"][0]["due_at"] == "2026-12-11T16:30:00+07:00"
        now.move_to(bkk("2026-12-11T08:29"))
        assert tick(runtime).fired == 0 and levels(runtime) == []
        now.move_to(bkk("2026-12-11T08:31"))  # start of the last working day: the reminder
        assert tick(runtime).fired == 1
        assert levels(runtime) == [(0, "assignee")]
        now.move_to(bkk("2026-12-11T16:29"))
        assert tick(runtime).fired == 0
        now.move_to(bkk("2026-12-11T16:31"))  # the breach goes to the head of Legal Affairs
        assert tick(runtime).fired == 1
        assert levels(runtime) == [(0, "assignee"), (1, "legal_head")]
        assert tick(runtime).fired == 0  # nothing fires twice
        now.move_to(bkk("2026-12-15T16:31"))  # two working days later: the Director
        assert tick(runtime).fired == 1
        assert levels(runtime)[-1] == (2, "director")
        listed = escalations.list_escalations(runtime, people.legal_head, "open")
        assert {e["level"] for e in listed} >= {1}
        assert all(e["instance_id"] == case["id"] for e in listed)
        # The reminder reached the Legal Affairs group (the task is unclaimed): in the app.
        with runtime.db.read() as session:
            told = set(session.scalars(select(Notification.user_id)))
        assert {people.legal_officer.id, people.legal_officer2.id, people.legal_head.id,
                people.director.id} <= told
        # Completing the triage resolves every escalation and ends every timer.
        tasks.complete_task(runtime, people.legal_officer, case["tasks"][0]["id"],
                            {"screening_outcome": "accept"})
        assert escalations.list_escalations(runtime, people.legal_head, "open") == []
        assert len(escalations.list_escalations(runtime, people.director, "resolved")) == 3
        with runtime.db.read() as session:
            assert session.scalar(select(func.count()).where(DueTimer.state == "waiting")) == 0


def test_completing_triage_in_time_cancels_every_timer(runtime, people):
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        now.move_to(bkk("2026-12-10T09:00"))
        tasks.complete_task(runtime, people.legal_officer, case["tasks"][0]["id"],
                            {"screening_outcome": "not_considered",
                             "not_considered_reason": "time_barred"})
        now.move_to(bkk("2026-12-20T09:00"))
        assert tick(runtime).fired == 0
        assert levels(runtime) == []
        with runtime.db.read() as session:
            states = set(session.scalars(select(DueTimer.state)))
        assert states == {"cancelled"}


def test_catch_up_after_downtime_fires_all_in_due_order(runtime, people):
    """The scheduler was down for the whole window: one pass fires all three, oldest first."""
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        now.move_to(bkk("2026-12-16T09:00"))
        report = tick(runtime)
        assert report.fired == 3
        assert [level for level, _ in levels(runtime)] == [0, 1, 2]


def test_breach_is_exactly_one_escalation_to_legal_head_after_1630(runtime, people):
    """The issue's 'done when': received 4 Dec 2026, one escalation after 16:30 on 11 Dec."""
    with clock.frozen(bkk("2026-12-04T15:00")) as now:
        instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        for moment in ("2026-12-08T09:00", "2026-12-11T12:00", "2026-12-11T16:30"):
            now.move_to(bkk(moment))
            tick(runtime)
        assert [lv for lv in levels(runtime) if lv[0] >= 1] == []
        now.move_to(bkk("2026-12-11T16:30:01"))
        tick(runtime)
        tick(runtime)
        assert [lv for lv in levels(runtime) if lv[0] >= 1] == [(1, "legal_head")]


def test_holiday_change_recomputes_pending_deadlines(runtime, people):
    with clock.frozen(bkk("2026-12-04T10:00")):
        case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        task_id = case["tasks"][0]["id"]
        result = holidays.add_holiday(runtime, people.admin, datetime(2026, 12, 9).date(),
                                      "วันหยุดพิเศษ (ทดสอบ)", "มติ ครม. ทดสอบ")
        assert result["recomputed"] == 3
        # 8, 11 and 14 Dec are now the three working days.
        assert tasks.get_task(runtime, people.legal_officer, task_id)["due_at"] == \
            "2026-12-14T16:30:00+07:00"
        with runtime.db.read() as session:
            moved = session.scalars(select(AuditEvent.detail).where(
                AuditEvent.action == "deadline_recomputed")).all()
        assert {"before": "2026-12-11T16:30:00+07:00", "after": "2026-12-14T16:30:00+07:00"} \
            .items() <= next(d for d in moved if d["timer"] == "triage_deadline").items()
        holidays.remove_holiday(runtime, people.admin, datetime(2026, 12, 9).date(),
                                "ยกเลิก (ทดสอบ)")
        assert tasks.get_task(runtime, people.legal_officer, task_id)["due_at"] == \
            "2026-12-11T16:30:00+07:00"
        with pytest.raises(Exception, match="already a day off"):
            holidays.add_holiday(runtime, people.admin, datetime(2026, 12, 10).date(), "ซ้ำ")


@pytest.mark.postgres
@pytest.mark.parametrize("schedulers", [3])
def test_exactly_once_with_concurrent_scheduler_processes(pg_url, tmp_path: Path, schedulers):
    """Three scheduler processes on one PostgreSQL database, over 1,000+ due timers."""
    from engine.services.admin.processes import deploy
    from tests.conftest import People, make_runtime

    runtime = make_runtime(tmp_path, pg_url)
    deploy(runtime)
    people = People(runtime)
    cases = 340
    with clock.frozen(bkk("2026-01-05T10:00")):
        for _ in range(cases):
            instances.start_instance(runtime, people.legal_officer, "complaint",
                                     {**COMPLAINT, "received_at": "2026-01-05"})
    with runtime.db.read() as session:
        waiting = session.scalar(select(func.count()).where(DueTimer.state == "waiting"))
    assert waiting == cases * 3 >= 1000
    env = {**os.environ, "GOVFLOW_ENV": "development"}
    command = [sys.executable, "-m", "tests.integration.scheduler_worker",
               str(tmp_path / "instance"), pg_url, "20"]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=Path(__file__).resolve().parents[2])
             for _ in range(schedulers)]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outputs]
    fired = [int(out.strip().splitlines()[-1]) for out, _ in outputs]
    with runtime.db.read() as session:
        states = dict(session.execute(select(DueTimer.state, func.count())
                                      .group_by(DueTimer.state)).tuples().all())
        raised = session.scalar(select(func.count()).where(
            AuditEvent.action == "escalation_raised"))
        distinct_timers = session.scalar(select(func.count(func.distinct(Escalation.timer_id))))
    assert states == {"fired": cases * 3}  # none missed
    assert sum(fired) == cases * 3  # none fired twice
    assert raised == distinct_timers == cases * 3
    runtime.close()


def test_case_keyed_in_after_its_deadlines_still_escalates(runtime, people):
    """Received 4 Dec but keyed in on 20 Dec: the timers fire at once, and are recorded."""
    with clock.frozen(bkk("2026-12-20T09:00")):
        instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
        assert [level for level, _ in levels(runtime)] == [0, 1, 2]
        assert tick(runtime).fired == 0  # nothing left to fire, nothing fired twice
        assert len(levels(runtime)) == 3
