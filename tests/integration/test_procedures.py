"""Both procedures end to end through the service API, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from engine.core.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.services.inbox import instances, tasks
from tests.samples import COMPLAINT, PUBLISHING_REQUEST, REVISED, SCENARIOS, SECRETS

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT


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


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_scenario_through_the_service_api(runtime, people, scenario):
    starter, process_key, start_data, steps = SCENARIOS[scenario]
    actors = people.all()
    started = instances.start_instance(runtime, actors[starter], process_key, start_data)
    iid = started["id"]
    assert started["status"] == "running" and started["version"] == 1
    for role, data in steps:
        done = do(runtime, actors[role], iid, data)
    assert done["instance_status"] == "completed"
    view = instances.get_instance(runtime, actors["director"], iid)
    assert view["status"] == "completed" and view["ended_at"] and view["tasks"] == []
    completed = [e["actor"] for e in view["history"] if e["action"] == "task_completed"]
    assert completed == [people.all()[role].username for role, _ in steps]
    steps_and_end = [e["action"] for e in view["history"]
                     if e["action"] in ("task_completed", "instance_completed")]
    assert steps_and_end[-2:] == ["task_completed", "instance_completed"]
    # Complaints issue the notice of initial action (when accepted) and the result notice.
    letters = [e["detail"]["letter"] for e in view["history"] if e["action"] == "letter_issued"]
    expected = {"complaint_accepted_to_resolution": ["initial_action_notice", "result_notice"],
                "complaint_not_considered": ["result_notice"],
                "complaint_forwarded": ["result_notice"]}
    assert letters == expected.get(scenario, [])


def test_publishing_case_data_and_title(runtime, people):
    started = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)
    assert started["title"] == PUBLISHING_REQUEST["title"]
    assert started["data"]["category"] == "1.1.1"


def test_revision_goes_only_to_the_requesting_unit(runtime, people):
    iid = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)["id"]
    do(runtime, people.director, iid, {"director_decision": "return", "director_reason": "ไม่ครบ"})
    revise = only_task(runtime, people.staff, iid, "แก้ไข")
    assert revise["role"] == "staff"
    # Another unit's task is hidden from it: the same answer as a missing task.
    with pytest.raises(NotFound):
        tasks.claim_task(runtime, people.staff_other_unit, revise["id"])
    assert tasks.list_tasks(runtime, people.staff_other_unit, "group")["total"] == 0
    assert tasks.list_tasks(runtime, people.staff, "group")["total"] == 1


def test_complaint_deadline_is_three_working_days(runtime, people):
    started = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    # Received Fri 4 Dec 2026: 5 Dec Saturday, 7 Dec its substitution day, 10 Dec
    # Constitution Day → working days 8, 9 and 11 Dec → due 11 Dec 16:30 +07:00.
    assert started["tasks"][0]["due_at"] == "2026-12-11T16:30:00+07:00"


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
        from engine.core.models import ProcessInstance

        row = session.get(ProcessInstance, iid)
        assert not any(s in row.state for s in SECRETS)
        assert not any(s.encode() in row.personal_data for s in SECRETS)
        assert row.personal_data.startswith(b"gAAAA")  # a Fernet token, not plain JSON


def test_user_outside_the_lane_is_refused(runtime, people):
    iid = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)["id"]
    task = only_task(runtime, people.director, iid)
    for outsider in (people.web_admin, people.legal_officer, people.staff):
        # Outside the lane the task is hidden: the same answer as a missing task.
        with pytest.raises(NotFound):
            tasks.claim_task(runtime, outsider, task["id"])
        with pytest.raises(NotFound):
            tasks.complete_task(runtime, outsider, task["id"], {"director_decision": "approve"})
    # A supervisor sees it but may not act on it.
    with pytest.raises(Forbidden):
        tasks.claim_task(runtime, people.ict_head, task["id"])
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


def test_a_second_round_never_offers_the_first_rounds_decision(runtime, people):
    started = instances.start_instance(runtime, people.staff, "publishing", PUBLISHING_REQUEST)
    step = tasks.complete_task(runtime, people.director, started["tasks"][0]["id"], {
        "director_decision": "return", "director_reason": "ข้อมูลไม่ครบ"})
    revise = tasks.get_task(runtime, people.staff, step["next_tasks"][0]["id"])
    assert revise["prefill"]["title"] == PUBLISHING_REQUEST["title"]  # the request itself
    step = tasks.complete_task(runtime, people.staff, revise["id"],
                               {**REVISED, "revise_action": "resubmit"})
    again = tasks.get_task(runtime, people.director, step["next_tasks"][0]["id"])
    assert "director_reason" not in again["prefill"]
    assert "director_decision" not in again["prefill"]


def test_a_field_the_owner_clears_in_a_revision_is_cleared(runtime, people):
    request = {**PUBLISHING_REQUEST, "external_link": "https://example.go.th/old",
               "remarks": "หมายเหตุเดิม"}
    started = instances.start_instance(runtime, people.staff, "publishing", request)
    step = tasks.complete_task(runtime, people.director, started["tasks"][0]["id"], {
        "director_decision": "return", "director_reason": "ลิงก์ไม่ถูกต้อง"})
    revised = {k: v for k, v in REVISED.items() if k not in ("external_link", "remarks")}
    tasks.complete_task(runtime, people.staff, step["next_tasks"][0]["id"],
                        {**revised, "revise_action": "resubmit"})
    data = instances.get_instance(runtime, people.director, started["id"])["data"]
    assert "external_link" not in data and "remarks" not in data
    assert data["category"] == PUBLISHING_REQUEST["category"]
