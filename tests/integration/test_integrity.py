"""`govflow check`: every case's inbox rows, timers and escalations agree with its workflow.

A clean run agrees; each kind of damage done by hand to the rows is reported by case and id.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, update

from engine.core.models import DueTimer, Escalation, Task
from engine.services.inbox import instances
from engine.services.ops.integrity import check_all
from tests.samples import COMPLAINT, PUBLISHING_REQUEST
from webui.cli import main

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

#: Received long ago: the triage deadline has passed, so its timer fires at once.
LATE_COMPLAINT = {**COMPLAINT, "received_at": "2026-09-01"}


def _cases(rt, people) -> tuple[int, int, int]:
    """A complaint past its deadlines, one within them, and a publishing request."""
    late = instances.start_instance(rt, people.legal_officer, "complaint", LATE_COMPLAINT)
    timely = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    request = instances.start_instance(rt, people.staff, "publishing", PUBLISHING_REQUEST)
    return late["id"], timely["id"], request["id"]


def _kinds(rt, **kwargs) -> set[tuple[int, str]]:
    return {(m.instance_id, m.kind) for m in check_all(rt, **kwargs).mismatches}


def test_running_cases_agree(runtime, people):
    late, _, _ = _cases(runtime, people)
    report = check_all(runtime)
    assert report.ok, [m.describe() for m in report.mismatches]
    assert report.instances == 3 and report.open_tasks == 3 and report.waiting_timers >= 2
    assert report.escalations >= 1 and report.fired_timers >= 1
    with runtime.db.read() as session:
        assert session.scalar(select(Escalation.instance_id)) == late


def test_each_kind_of_damage_is_named(runtime, people):
    late, timely, request = _cases(runtime, people)
    with runtime.db.write() as session:
        session.execute(delete(Task).where(Task.instance_id == request))
        session.execute(delete(Escalation).where(Escalation.instance_id == late))
        waiting = session.scalars(select(DueTimer).where(
            DueTimer.instance_id == timely, DueTimer.state == "waiting")).all()
        assert len(waiting) >= 2
        session.execute(delete(DueTimer).where(DueTimer.id == waiting[0].id))
        session.execute(update(DueTimer).where(DueTimer.id == waiting[1].id)
                        .values(due_at=waiting[1].due_at - timedelta(days=400)))
    kinds = _kinds(runtime)
    assert {(request, "task_missing"), (late, "escalation_missing"),
            (timely, "timer_missing"), (timely, "timer_due_differs"),
            (timely, "timer_late")} <= kinds
    assert not {kind for iid, kind in kinds if iid == request} - {"task_missing"}


def test_a_stale_task_and_timer_are_named(runtime, people):
    late, _, request = _cases(runtime, people)
    with runtime.db.write() as session:
        fired = session.scalars(select(DueTimer).where(
            DueTimer.instance_id == late, DueTimer.state == "fired")).first()
        session.execute(update(DueTimer).where(DueTimer.id == fired.id)
                        .values(state="waiting"))
        session.execute(update(Task).where(Task.instance_id == request)
                        .values(state="completed"))
    kinds = _kinds(runtime)
    assert (late, "timer_stale") in kinds and (late, "timer_unrecorded") in kinds
    assert (request, "task_missing") in kinds


def test_cli_exit_code_and_json(own_copy, monkeypatch):
    rt, people, _, folder = own_copy
    monkeypatch.setenv("GOVFLOW_INSTANCE_DIR", str(rt.settings.instance_dir))
    monkeypatch.setenv("GOVFLOW_PROCESSES_DIR", str(folder))
    _cases(rt, people)
    runner = CliRunner()
    clean = runner.invoke(main, ["check", "--json"])
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.output)["ok"] is True
    with rt.db.write() as session:
        session.execute(delete(Task))
    broken = runner.invoke(main, ["check"])
    assert broken.exit_code == 1
    assert "task_missing" in broken.output and "lost task" in broken.output


def test_since_reads_the_running_cases_and_the_recent_changes_only(runtime, people):
    """`govflow check --since`: an ended case not written since is left out (its damage
    found only by the whole check); a running case is read however old its last change."""
    from engine.core import clock
    from engine.core.models import ProcessInstance
    from tests.samples import SCENARIOS
    from tests.web.publication_support import drive

    late, timely, _ = _cases(runtime, people)
    old_request = instances.start_instance(runtime, people.staff, "publishing",
                                           PUBLISHING_REQUEST)["id"]
    drive(runtime, people, old_request, SCENARIOS["publishing_returned_withdrawn"][3])
    long_ago = clock.now() - timedelta(days=400)
    with runtime.db.write() as session:
        session.execute(update(ProcessInstance).where(ProcessInstance.id.in_(
            [old_request, timely])).values(updated_at=long_ago))
        # Damage in both: the ended request's first step shown open again, the running
        # complaint's open step lost.
        first = session.scalars(select(Task.id).where(
            Task.instance_id == old_request, Task.state == "completed")).first()
        session.execute(update(Task).where(Task.id == first).values(state="open"))
        session.execute(delete(Task).where(Task.instance_id == late))
    recent = check_all(runtime, since=clock.now() - timedelta(days=7))
    assert recent.instances == 3  # the three running cases, the idle one among them
    assert {(m.instance_id, m.kind) for m in recent.mismatches} == {(late, "task_missing")}
    everything = _kinds(runtime)
    assert {(late, "task_missing"), (old_request, "task_stale")} <= everything


def test_cli_since(own_copy, monkeypatch):
    rt, people, _, folder = own_copy
    monkeypatch.setenv("GOVFLOW_INSTANCE_DIR", str(rt.settings.instance_dir))
    monkeypatch.setenv("GOVFLOW_PROCESSES_DIR", str(folder))
    _cases(rt, people)
    runner = CliRunner()
    recent = runner.invoke(main, ["check", "--since", "7"])
    assert recent.exit_code == 0, recent.output
    assert "checked 3 case(s) (running or changed in the last 7 day(s))" in recent.output
    refused = runner.invoke(main, ["check", "--since", "0"])
    assert refused.exit_code == 2 and "Traceback" not in refused.output
