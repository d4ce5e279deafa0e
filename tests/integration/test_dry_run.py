"""Issue 17 item 5: a dry run walks a test case through a process in memory, the owner
choosing each decision; it shows who gets each task and when each deadline falls, and
writes nothing: no row, no mail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.core.errors import Forbidden, InvalidData
from engine.core.models import Base
from engine.services.admin import drafts
from engine.services.admin.dry_run import dry_run
from engine.services.admin.users import add_user
from engine.workflow.runtime import Runtime

pytestmark = pytest.mark.usefixtures("sample_day")  # Friday 4 December 2026, 10:00

TRIAGE_DEADLINE = "deadline_after(received_at, triage_days)</bpmn:timeDate>"


@pytest.fixture
def owner(runtime):
    return add_user(runtime, "owner", ["process_owner"], "ICT", display_name="ผู้ดูแลกระบวนงาน")


def row_counts(rt: Runtime) -> dict[str, int]:
    with rt.db.read() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables}


def test_the_first_step_its_deadlines_and_the_choices_it_offers(runtime, owner):
    walk = dry_run(runtime, owner, "complaint")
    assert walk["source"] == "current" and walk["received_at"] == "2026-12-04T10:00:00+07:00"
    (triage,) = walk["steps"]
    assert triage["task"] == "triage" and triage["role"] == "legal_officer"
    assert triage["name"] == "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน 3 วันทำการ)"
    # Received Friday 4 Dec: 7 Dec is in lieu of Father's Day (Sat 5), 10 Dec Constitution
    # Day, so the third working day is Friday 11 Dec; the second escalation two after it.
    assert triage["due"] == "2026-12-11T16:30:00+07:00"
    assert [t["due"] for t in triage["timers"]] == [
        "2026-12-11T08:30:00+07:00", "2026-12-11T16:30:00+07:00", "2026-12-15T16:30:00+07:00"]
    decision = walk["decision"]
    assert decision["gateway"] == "gw_screening" and decision["task"] == "triage"
    options = {o["flow"]: o for o in decision["options"]}
    assert options["flow_screening_accept"]["values"] == {"screening_outcome": "accept"}
    assert options["flow_screening_forward"]["values"] == {"screening_outcome": "forward"}
    assert options["flow_screening_not_considered"]["available"] is True
    assert walk["finished"] is False and walk["path"] == []


def test_accept_then_follow_up_twice_then_approve_reaches_the_end(runtime, owner):
    walk = dry_run(runtime, owner, "complaint", ["flow_screening_accept"])
    assert [(s["task"], s["role"]) for s in walk["steps"]] == [
        ("triage", "legal_officer"), ("director_order", "director"),
        ("initial_action", "legal_officer"), ("follow_up", "legal_officer"),
        ("review_result", "legal_head")]
    assert walk["steps"][0]["choice"] == {"flow": "flow_screening_accept",
                                          "name": "รับไว้พิจารณา"}
    follow_up = walk["steps"][3]
    assert follow_up["due"] is not None and follow_up["timers"]
    assert walk["decision"]["gateway"] == "gw_review"
    done = dry_run(runtime, owner, "complaint",
                   ["flow_screening_accept", "flow_review_more", "flow_review_approve"])
    assert [s["task"] for s in done["steps"]] == [
        "triage", "director_order", "initial_action", "follow_up", "review_result",
        "follow_up", "review_result", "notify_result"]
    assert done["finished"] is True and done["decision"] is None and done["stopped"] is None
    assert done["path"] == ["flow_screening_accept", "flow_review_more", "flow_review_approve"]


def test_forwarding_goes_to_the_forward_step(runtime, owner):
    walk = dry_run(runtime, owner, "complaint", ["flow_screening_forward"])
    assert [s["task"] for s in walk["steps"]] == ["triage", "forward_case", "notify_result"]
    assert walk["finished"] is True


def test_an_unknown_choice_asks_again(runtime, owner):
    walk = dry_run(runtime, owner, "complaint", ["flow_that_is_not_there"])
    assert [s["task"] for s in walk["steps"]] == ["triage"]
    assert walk["decision"]["gateway"] == "gw_screening" and walk["path"] == []


def test_a_dry_run_writes_nothing_and_sends_nothing(runtime, owner):
    drafts.save_draft(runtime, owner, "complaint",
                      (runtime.settings.processes_dir / "complaint.bpmn").read_text("utf-8"),
                      None)
    before = row_counts(runtime)
    assert before["outbox_message"] == 0
    for source in ("draft", "current"):
        dry_run(runtime, owner, "complaint",
                ["flow_screening_accept", "flow_review_approve"], source)
        dry_run(runtime, owner, "complaint", ["flow_screening_not_considered"], source)
    assert row_counts(runtime) == before


def test_the_draft_is_tried_with_its_own_deadlines(runtime, owner):
    text = (runtime.settings.processes_dir / "complaint.bpmn").read_text(encoding="utf-8")
    assert text.count(TRIAGE_DEADLINE) == 1
    longer = text.replace(TRIAGE_DEADLINE,
                          "deadline_after(received_at, triage_days + 2)</bpmn:timeDate>")
    drafts.save_draft(runtime, owner, "complaint", longer, None,
                      {"lane_legal_officer": "legal_head"})
    walk = dry_run(runtime, owner, "complaint")
    assert walk["source"] == "draft" and walk["revision"] == 1 and walk["errors"] == 0
    assert walk["steps"][0]["due"] == "2026-12-15T16:30:00+07:00"
    assert walk["steps"][0]["role"] == "legal_head"  # the draft's role for the lane
    current = dry_run(runtime, owner, "complaint", source="current")
    assert current["steps"][0]["due"] == "2026-12-11T16:30:00+07:00"
    assert current["steps"][0]["role"] == "legal_officer"


def test_a_draft_that_cannot_load_cannot_be_tried(runtime, owner):
    text = (runtime.settings.processes_dir / "complaint.bpmn").read_text(encoding="utf-8")
    drafts.save_draft(runtime, owner, "complaint",
                      text.replace('targetRef="triage"', 'targetRef="nowhere"', 1), None)
    with pytest.raises(InvalidData) as refused:
        dry_run(runtime, owner, "complaint")
    assert "cannot be tried" in refused.value.message
    assert dry_run(runtime, owner, "complaint", source="current")["steps"]


def test_only_owners_and_sensible_requests(runtime, owner, people):
    with pytest.raises(Forbidden):
        dry_run(runtime, people.legal_head, "complaint")
    with pytest.raises(InvalidData):
        dry_run(runtime, owner, "complaint", source="tomorrow")
    with pytest.raises(InvalidData):
        dry_run(runtime, owner, "complaint", ["x"] * 100)
