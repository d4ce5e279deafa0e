"""Follow-up until resolved: reminders counted in working days from the last
follow-up, re-armed by each one, and a loop that stays shallow for years-long cases."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from engine.core import clock
from engine.core.models import DueTimer, Escalation
from engine.jobs.scheduler import tick
from engine.services.inbox import instances, tasks
from engine.thai.workdays import BANGKOK
from tests.samples import COMPLAINT

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


def to_follow_up(rt, people, notified_on: str = "2026-12-09") -> dict:
    """A complaint accepted, ordered and acted on: its first follow-up task."""
    case = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    step = tasks.complete_task(rt, people.legal_officer, case["tasks"][0]["id"],
                               {"screening_outcome": "accept"})
    step = tasks.complete_task(rt, people.director, step["next_tasks"][0]["id"],
                               {"director_instruction": "สืบสวนข้อเท็จจริง",
                                "action_type": "fact_finding"})
    step = tasks.complete_task(rt, people.legal_officer, step["next_tasks"][0]["id"],
                               {"initial_action_note": "แจ้งโรงเรียนแล้ว",
                                "parties_notified_on": notified_on,
                                "notice_to": "accused_unit"})
    [follow] = step["next_tasks"]
    assert follow["bpmn_id"] == "follow_up"
    return follow


def follow_up(rt, actor, task_id: str, on: str, resolved: bool = False) -> dict:
    return tasks.complete_task(rt, actor, task_id, {
        "follow_up_date": on, "follow_up_note": f"ติดตามเมื่อ {on}", "resolved": resolved})


def waiting_timers(rt) -> dict[str, datetime]:
    with rt.db.read() as session:
        rows = session.execute(select(DueTimer.bpmn_id, DueTimer.due_at)
                               .where(DueTimer.state == "waiting")).all()
    return {bpmn_id: due.astimezone(BANGKOK) for bpmn_id, due in rows}


def escalation_codes(rt) -> list[tuple[str, str]]:
    with rt.db.read() as session:
        rows = session.execute(select(Escalation.code, Escalation.status)
                               .order_by(Escalation.id)).all()
    return [tuple(row) for row in rows]


def test_reminders_count_working_days_from_the_last_follow_up(runtime, people):
    with clock.frozen(bkk("2026-12-07T09:00")) as now:
        follow = to_follow_up(runtime, people, notified_on="2026-12-09")
        # 10 working days after Wed 9 Dec 2026, skipping Thu 10 Dec (Constitution Day),
        # the weekends and 31 Dec / 1 Jan: 11, 14–18, 21–24 Dec → the 10th is Thu 24 Dec.
        assert waiting_timers(runtime) == {
            "follow_up_reminder": bkk("2026-12-24T08:30"),
            "follow_up_overdue": bkk("2027-01-11T16:30"),
        }
        assert follow["due_at"] == "2027-01-11T16:30:00+07:00"
        tasks.claim_task(runtime, people.legal_officer, follow["id"])

        now.move_to(bkk("2026-12-24T08:29"))
        assert tick(runtime).fired == 0
        now.move_to(bkk("2026-12-24T08:31"))
        assert tick(runtime).fired == 1
        assert escalation_codes(runtime) == [("follow_up_reminder", "open")]

        # A follow-up recorded on 28 Dec resolves the reminder and re-arms both timers
        # from that day, for the next round's task.
        now.move_to(bkk("2026-12-28T10:00"))
        step = follow_up(runtime, people.legal_officer, follow["id"], "2026-12-28")
        [again] = step["next_tasks"]
        assert again["bpmn_id"] == "follow_up" and again["id"] != follow["id"]
        assert escalation_codes(runtime) == [("follow_up_reminder", "resolved")]
        # 29, 30 Dec, 4–8, 11, 12, 13 Jan 2027 (31 Dec and 1 Jan are holidays).
        assert waiting_timers(runtime) == {
            "follow_up_reminder": bkk("2027-01-13T08:30"),
            "follow_up_overdue": bkk("2027-01-27T16:30"),
        }

        # Nobody follows up: the reminder, then the head of Legal Affairs at twice the period.
        now.move_to(bkk("2027-01-27T16:31"))
        assert tick(runtime).fired == 2
        assert escalation_codes(runtime)[1:] == [
            ("follow_up_reminder", "open"), ("follow_up_overdue", "open")]
        with runtime.db.read() as session:
            overdue = session.scalars(select(Escalation)
                                      .where(Escalation.code == "follow_up_overdue")).one()
        assert (overdue.level, overdue.notify_role) == (1, "legal_head")

        # Resolved: no follow-up timer is left waiting, the case goes to review.
        step = follow_up(runtime, people.legal_officer, again["id"], "2027-01-28", resolved=True)
        assert [t["bpmn_id"] for t in step["next_tasks"]] == ["review_result"]
        assert waiting_timers(runtime) == {}
        assert {status for _code, status in escalation_codes(runtime)} == {"resolved"}


def test_more_follow_up_after_review_starts_new_rounds(runtime, people):
    with clock.frozen(bkk("2026-12-07T09:00")):
        follow = to_follow_up(runtime, people)
        step = follow_up(runtime, people.legal_officer, follow["id"], "2026-12-20", resolved=True)
        step = tasks.complete_task(runtime, people.legal_head, step["next_tasks"][0]["id"],
                                   {"result_summary": "ยังไม่ครบ", "review_decision":
                                    "more_follow_up"})
        [again] = step["next_tasks"]
        assert again["bpmn_id"] == "follow_up"
        # Counted from the last follow-up (Sun 20 Dec): 21–25, 28–30 Dec, 4, 5 Jan.
        assert waiting_timers(runtime)["follow_up_reminder"] == bkk("2027-01-05T08:30")


def test_a_case_followed_up_for_years_does_not_stall(runtime, people):
    """Gateway loops stop after ~250 rounds in SpiffWorkflow 3.2 (its recursion
    limit, measured); the follow-up is a standard loop, so 260 rounds (over twenty years of monthly
    follow-ups) still end in the review."""
    with clock.frozen(bkk("2026-12-07T09:00")):
        task = to_follow_up(runtime, people)
        for _ in range(260):
            step = follow_up(runtime, people.legal_officer, task["id"], "2026-12-20")
            [task] = step["next_tasks"]
            assert task["bpmn_id"] == "follow_up"
        step = follow_up(runtime, people.legal_officer, task["id"], "2026-12-21", resolved=True)
        assert [t["bpmn_id"] for t in step["next_tasks"]] == ["review_result"]


def test_instructions_quote_the_time_limits_the_bpmn_sets(runtime, people):
    follow = to_follow_up(runtime, people)
    text = tasks.get_task(runtime, people.legal_officer, follow["id"])["documentation"]
    assert "ภายใน 10 วันทำการนับจากการติดตามครั้งล่าสุด" in text and "{" not in text
    case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    triage = tasks.get_task(runtime, people.legal_officer, case["tasks"][0]["id"])
    assert "ภายใน 3 วันทำการนับจากวันที่ได้รับเรื่อง" in triage["documentation"]
