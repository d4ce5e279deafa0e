"""Both procedures end to end through the service API, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.services import instances, tasks
from tests.samples import COMPLAINT, PUBLISHING_REQUEST, SECRETS


def only_task(rt, actor, instance_id, bpmn_name_part=None):
    """The one open task of a case, as ``actor`` sees it in its group view."""
    view = instances.get_instance(rt, actor, instance_id)
    assert len(view["tasks"]) == 1, view["tasks"]
    task = view["tasks"][0]
    if bpmn_name_part:
        assert bpmn_name_part in task["name"], task["name"]
    return task


def do(rt, actor, instance_id, data, name_part=None):
    task = only_task(rt, actor, instance_id, name_part)
    tasks.claim_task(rt, actor, task["id"])
    return tasks.complete_task(rt, actor, task["id"], data)


def test_publishing_approved(runtime, people):
    started = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)
    iid = started["id"]
    assert started["status"] == "running" and started["version"] == 1
    assert started["title"] == PUBLISHING_REQUEST["title"]
    do(runtime, people.director, iid, {"director_decision": "approve"}, "ผู้อำนวยการ")
    do(runtime, people.web_admin, iid, {"check_result": "pass", "source_owner": "กลุ่มนโยบายฯ"})
    do(runtime, people.ict_head, iid, {"ict_decision": "approve"})
    done = do(runtime, people.web_admin, iid, {"published_url": "https://example.go.th/p/1"})
    assert done["instance_status"] == "completed"
    view = instances.get_instance(runtime, people.director, iid)
    assert view["status"] == "completed" and view["ended_at"] and view["tasks"] == []
    completed = [e for e in view["history"] if e["action"] == "task_completed"]
    assert [e["actor"] for e in completed] == ["director", "web_admin", "ict_head", "web_admin"]
    assert view["data"]["published_url"] == "https://example.go.th/p/1"


def test_publishing_rejected_then_revised_and_resubmitted(runtime, people):
    iid = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)["id"]
    do(runtime, people.director, iid, {"director_decision": "approve"})
    do(runtime, people.web_admin, iid, {"check_result": "pass", "source_owner": "กลุ่มนโยบายฯ"})
    do(runtime, people.ict_head, iid, {"ict_decision": "reject", "ict_reason": "ขัดมาตรา 9"})
    revise = only_task(runtime, people.staff, iid)
    assert revise["role"] == "staff"
    # The data-owner lane goes only to staff of the requesting unit.
    with pytest.raises(Forbidden):
        tasks.claim_task(runtime, people.staff_other_unit, revise["id"])
    group = tasks.list_tasks(runtime, people.staff_other_unit, "group")
    assert group["total"] == 0
    revised = {**PUBLISHING_REQUEST, "title": "แผนปฏิบัติการ (ฉบับแก้ไข)", "revise_action": "resubmit"}
    revised.pop("unit"), revised.pop("request_date")
    do(runtime, people.staff, iid, revised, "แก้ไข")
    do(runtime, people.director, iid, {"director_decision": "approve"})
    do(runtime, people.web_admin, iid, {"check_result": "pass", "source_owner": "กลุ่มนโยบายฯ"})
    do(runtime, people.ict_head, iid, {"ict_decision": "approve"})
    done = do(runtime, people.web_admin, iid, {})
    assert done["instance_status"] == "completed"


def test_publishing_returned_and_withdrawn(runtime, people):
    iid = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)["id"]
    do(runtime, people.director, iid, {"director_decision": "return", "director_reason": "ไม่ครบ"})
    done = do(runtime, people.staff, iid, {"revise_action": "withdraw"})
    assert done["instance_status"] == "completed"


def test_complaint_accepted_and_followed_to_resolution(runtime, people):
    started = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    iid = started["id"]
    triage = started["tasks"][0]
    # Received Fri 4 Dec 2026: working days 8, 9 and 11 Dec → deadline 11 Dec 16:30 +07:00.
    assert triage["due_at"] == "2026-12-11T16:30:00+07:00"
    do(runtime, people.legal_officer, iid, {"screening_outcome": "accept"})
    do(runtime, people.director, iid,
       {"director_instruction": "สืบสวนข้อเท็จจริง", "action_type": "fact_finding"})
    do(runtime, people.legal_officer, iid,
       {"initial_action_note": "แจ้งโรงเรียนแล้ว", "parties_notified_on": "2026-12-09"})
    do(runtime, people.legal_officer, iid,
       {"follow_up_date": "2026-12-20", "follow_up_note": "รอผล", "resolved": False})
    do(runtime, people.legal_officer, iid,
       {"follow_up_date": "2027-01-20", "follow_up_note": "ได้ผลแล้ว", "resolved": True})
    do(runtime, people.legal_head, iid,
       {"result_summary": "มีมูล ลงโทษทางวินัย", "review_decision": "approve"})
    done = do(runtime, people.legal_officer, iid,
              {"notified_on": "2027-01-25", "notify_method": "letter"})
    assert done["instance_status"] == "completed"


def test_complaint_not_considered(runtime, people):
    iid = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)["id"]
    do(runtime, people.legal_officer, iid,
       {"screening_outcome": "not_considered", "not_considered_reason": "time_barred"})
    notify = only_task(runtime, people.legal_officer, iid, "แจ้งผล")
    done = tasks.complete_task(runtime, people.legal_officer, notify["id"],
                               {"notified_on": "2026-12-10", "notify_method": "letter"})
    assert done["instance_status"] == "completed"


def test_complaint_personal_data_only_for_privileged_roles(runtime, people):
    iid = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)["id"]
    for actor in (people.legal_officer, people.legal_head, people.director):
        view = instances.get_instance(runtime, actor, iid)
        assert view["personal_data"]["complainant_name"] == COMPLAINT["complainant_name"]
        assert view["personal_data"]["accused_name"] == COMPLAINT["accused_name"]
    reads = [e for e in instances.get_instance(runtime, people.director, iid)["history"]
             if e["action"] == "personal_data_read"]
    assert len(reads) >= 4 and {e["actor"] for e in reads} >= {"legal_officer", "director"}
    for actor in (people.staff, people.web_admin, people.ict_head, people.admin):
        with pytest.raises(NotFound):
            instances.get_instance(runtime, actor, iid)
    # Not in the inbox rows, the workflow state or the task listing.
    legal_tasks = tasks.list_tasks(runtime, people.legal_officer, "group")
    assert not any(s in repr(legal_tasks) for s in SECRETS)
    with runtime.db.read() as session:
        from engine.models import ProcessInstance

        row = session.get(ProcessInstance, iid)
        assert not any(s in row.state for s in SECRETS)
        assert not any(s.encode() in row.personal_data for s in SECRETS)
        assert row.personal_data.startswith(b"gAAAA")  # a Fernet token, not plain JSON


def test_user_outside_the_lane_is_refused(runtime, people):
    iid = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)["id"]
    task = only_task(runtime, people.director, iid)
    for outsider in (people.web_admin, people.legal_officer, people.staff):
        with pytest.raises(Forbidden):
            tasks.claim_task(runtime, outsider, task["id"])
        with pytest.raises(Forbidden):
            tasks.complete_task(runtime, outsider, task["id"], {"director_decision": "approve"})
    with pytest.raises(Forbidden):
        instances.start_instance(runtime, people.web_admin, "publishing", PUBLISHING_REQUEST)
    with pytest.raises(Forbidden):
        instances.start_instance(runtime, people.staff, "complaint", COMPLAINT)


def test_invalid_form_data_names_fields_and_changes_nothing(runtime, people):
    iid = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)["id"]
    task = only_task(runtime, people.director, iid)
    before = instances.get_instance(runtime, people.director, iid)
    with pytest.raises(InvalidData) as err:
        tasks.complete_task(runtime, people.director, task["id"], {"director_decision": "return"})
    assert "director_reason" in err.value.fields
    with pytest.raises(InvalidData) as err:
        tasks.complete_task(runtime, people.director, task["id"],
                            {"director_decision": "maybe", "surprise": 1})
    assert {"director_decision", "surprise"} <= set(err.value.fields)
    after = instances.get_instance(runtime, people.director, iid)
    assert after["tasks"] == before["tasks"]
    assert [e for e in after["history"] if e["action"] != "personal_data_read"] == \
        [e for e in before["history"] if e["action"] != "personal_data_read"]
    with pytest.raises(InvalidData) as err:
        instances.start_instance(runtime, people.staff, "publishing",
                                 {**PUBLISHING_REQUEST, "no_personal_data_confirmed": False,
                                  "external_link": "javascript:alert(1)"})
    assert {"no_personal_data_confirmed", "external_link"} <= set(err.value.fields)


def test_claim_unclaim_and_conflicts(runtime, people):
    iid = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)["id"]
    task = only_task(runtime, people.legal_officer, iid)
    claimed = tasks.claim_task(runtime, people.legal_officer, task["id"])
    assert claimed["assignee"] == "legal_officer"
    assert tasks.list_tasks(runtime, people.legal_officer, "mine")["total"] == 1
    assert tasks.list_tasks(runtime, people.legal_officer2, "group")["total"] == 0
    with pytest.raises(Conflict):
        tasks.claim_task(runtime, people.legal_officer2, task["id"])
    with pytest.raises(Conflict):
        tasks.complete_task(runtime, people.legal_officer2, task["id"],
                            {"screening_outcome": "accept"})
    with pytest.raises(Conflict):
        tasks.unclaim_task(runtime, people.legal_officer2, task["id"])
    # A supervisor of the process may take it back from the holder.
    assert tasks.unclaim_task(runtime, people.legal_head, task["id"])["assignee"] is None
    assert tasks.list_tasks(runtime, people.legal_officer2, "group")["total"] == 1
    tasks.complete_task(runtime, people.legal_officer2, task["id"], {"screening_outcome": "accept"})
    with pytest.raises(Conflict):
        tasks.complete_task(runtime, people.legal_officer2, task["id"],
                            {"screening_outcome": "accept"})


def test_supervisor_views(runtime, people):
    instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)
    instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    assert {t["process_key"] for t in
            tasks.list_tasks(runtime, people.director, "all")["tasks"]} == {"publishing",
                                                                            "complaint"}
    assert {t["process_key"] for t in
            tasks.list_tasks(runtime, people.legal_head, "all")["tasks"]} == {"complaint"}
    assert {t["process_key"] for t in
            tasks.list_tasks(runtime, people.ict_head, "all")["tasks"]} == {"publishing"}
    with pytest.raises(Forbidden):
        tasks.list_tasks(runtime, people.staff, "all")
    with pytest.raises(InvalidData):
        tasks.list_tasks(runtime, people.staff, "everything")
