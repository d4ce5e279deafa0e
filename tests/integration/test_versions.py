"""Process owners change the steps: preview, diff, deploy by upload, versions, migration."""

from __future__ import annotations

import pytest

from engine.core.errors import Conflict, Forbidden, InvalidData
from engine.services.admin import versions
from engine.services.admin.processes import deploy
from engine.services.inbox import instances, tasks
from tests.complaint_changes import DEADLINE, LATER_DEADLINE, five_days, renamed_start
from tests.samples import COMPLAINT

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT


@pytest.fixture
def owned(own_copy):
    return own_copy


def test_owner_changes_the_deadline_sees_the_diff_and_deploys(owned):
    rt, people, owner, folder = owned
    running = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    preview = versions.preview_upload(rt, owner, "complaint.bpmn", five_days(folder))
    assert preview["ok"] and not [p for p in preview["problems"] if p["severity"] == "error"]
    (entry,) = preview["processes"]
    assert entry["current_version"] == 1 and "triage_deadline" in entry["changed"]
    assert f"-        <bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">{DEADLINE}" in \
        preview["text_diff"]
    assert f"+        <bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">{LATER_DEADLINE}" in \
        preview["text_diff"]
    assert entry["added"] == [] and entry["removed"] == []
    # Nothing changed yet.
    assert versions.list_versions(rt, "complaint")[0]["version"] == 1
    result = versions.deploy_upload(rt, owner, "complaint.bpmn", five_days(folder))
    assert result["deployed"] == [("complaint", 2)]
    assert LATER_DEADLINE in (folder / "complaint.bpmn").read_text(encoding="utf-8")
    listed = versions.list_versions(rt, "complaint")
    assert [(v["version"], v["is_current"], v["running"]) for v in listed] == \
        [(2, True, 0), (1, False, 1)]
    new = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    assert new["tasks"][0]["due_at"] == "2026-12-15T16:30:00+07:00"  # 5 working days
    kept = instances.get_instance(rt, people.legal_head, running["id"])
    assert kept["version"] == 1 and kept["tasks"][0]["due_at"] == "2026-12-11T16:30:00+07:00"
    # deploy (as `govflow deploy` would) does not undo the upload.
    assert deploy(rt).deployed == []
    diff = versions.diff_versions(rt, "complaint", 1, 2)
    assert "triage_deadline" in diff["changed"] and diff["instances_on_changed"] == []


def test_broken_upload_is_never_deployed(owned):
    rt, people, owner, folder = owned
    before = (folder / "complaint.bpmn").read_bytes()
    broken = before.replace(b'targetRef="triage"', b'targetRef="nowhere"', 1)
    preview = versions.preview_upload(rt, owner, "complaint.bpmn", broken)
    assert not preview["ok"] and any("nowhere" in p["message"] for p in preview["problems"])
    with pytest.raises(InvalidData):
        versions.deploy_upload(rt, owner, "complaint.bpmn", broken)
    assert (folder / "complaint.bpmn").read_bytes() == before
    assert versions.list_versions(rt, "complaint")[0]["version"] == 1
    with pytest.raises(InvalidData):
        versions.preview_upload(rt, owner, "../evil.bpmn", before)
    with pytest.raises(Forbidden):
        versions.preview_upload(rt, people.staff, "complaint.bpmn", before)


def test_earlier_version_made_current_again(owned):
    rt, _people, owner, folder = owned
    versions.deploy_upload(rt, owner, "complaint.bpmn", five_days(folder))
    versions.make_current(rt, owner, "complaint", 1)
    assert DEADLINE in (folder / "complaint.bpmn").read_text(encoding="utf-8")
    assert [v["is_current"] for v in versions.list_versions(rt, "complaint")] == [False, True]
    assert deploy(rt).deployed == []  # processes/ agrees with what is live


def test_migration_keeps_pending_timers_and_refuses_when_unsafe(owned):
    rt, people, owner, folder = owned
    running = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    versions.deploy_upload(rt, owner, "complaint.bpmn", renamed_start(folder))
    moved = versions.migrate_instance(rt, owner, running["id"])
    assert (moved["from"], moved["to"]) == (1, 2)
    assert moved["completed_steps_changed"] == ["start_complaint"]
    view = instances.get_instance(rt, people.legal_head, running["id"])
    assert view["version"] == 2
    # The pending deadline keeps its due time (and the case its triage_days = 3).
    assert view["tasks"][0]["due_at"] == "2026-12-11T16:30:00+07:00"
    assert any(e["action"] == "instance_migrated" for e in view["history"])
    with pytest.raises(Conflict):  # already on the newest version
        versions.migrate_instance(rt, owner, running["id"])
    # A version without the triage step: a case waiting at triage cannot move there.
    other = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    text = (folder / "complaint.bpmn").read_text(encoding="utf-8").replace(
        'name="พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น', 'name="คัดกรองเรื่องร้องเรียน', 1)
    text = text.replace('id="triage"', 'id="screening"').replace(
        'attachedToRef="triage"', 'attachedToRef="screening"').replace(
        'Ref="triage"', 'Ref="screening"').replace(
        "<bpmn:flowNodeRef>triage</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>screening</bpmn:flowNodeRef>").replace(
        'bpmnElement="triage"', 'bpmnElement="screening"')
    result = versions.deploy_upload(rt, owner, "complaint.bpmn", text.encode("utf-8"))
    assert result["deployed"] == [("complaint", 3)]
    outcome = versions.migrate_version(rt, owner, "complaint", 2)
    # Both cases on version 2 wait at triage, which version 3 no longer has.
    assert outcome["migrated"] == []
    assert sorted(r["instance_id"] for r in outcome["refused"]) == [running["id"], other["id"]]
    assert all("triage" in r["reason"] for r in outcome["refused"])
    # The refused case is untouched and still works.
    task_id = instances.get_instance(rt, people.legal_officer, other["id"])["tasks"][0]["id"]
    tasks.complete_task(rt, people.legal_officer, task_id, {"screening_outcome": "accept"})


def test_versions_over_http(owned):
    from engine.services.admin.users import issue_token
    from webui import create_app

    rt, people, owner, folder = owned
    client = create_app(runtime=rt).test_client()

    def auth(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(rt, name)}"}

    running = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    versions.deploy_upload(rt, owner, "complaint.bpmn", five_days(folder))
    listed = client.get("/api/v1/processes/complaint/versions", headers=auth("owner"))
    assert [v["version"] for v in listed.json["versions"]] == [2, 1]
    assert client.get("/api/v1/processes/complaint/versions",
                      headers=auth("legal_head")).status_code == 200  # a supervisor
    assert client.get("/api/v1/processes/complaint/versions",
                      headers=auth("staff_plan")).status_code == 403
    diff = client.get("/api/v1/processes/complaint/diff?from=1&to=2", headers=auth("owner"))
    assert "triage_deadline" in diff.json["changed"]
    refused = client.post(f"/api/v1/instances/{running['id']}/migrate", json={"to_version": 1},
                          headers=auth("owner"))
    assert refused.status_code == 409 and refused.json["message"]
    assert client.post(f"/api/v1/instances/{running['id']}/migrate", json={},
                       headers=auth("legal_head")).status_code == 403
    moved = client.post(f"/api/v1/instances/{running['id']}/migrate", json={},
                        headers=auth("owner"))
    assert moved.status_code == 200 and moved.json["to"] == 2
    again = client.post("/api/v1/processes/complaint/versions/1/make-current",
                        headers=auth("owner"))
    assert again.status_code == 200
