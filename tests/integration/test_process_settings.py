"""A process owner changes triage_days from 3 to 5 without touching the diagram: a new
complaint is due five working days after receipt, a running one keeps three."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.core.errors import Conflict, Forbidden, InvalidData
from engine.core.models import AuditEvent, Notification
from engine.services.admin import process_settings_edit as edit
from engine.services.admin import versions
from engine.services.admin.processes import deploy
from engine.services.inbox import instances
from engine.workflow.cases import case_data_of
from tests.samples import COMPLAINT

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

#: Received Fri 4 Dec 2026: 3 working days → Fri 11 Dec; 5 → Tue 15 Dec (14 Dec a Monday).
THREE_DAYS = "2026-12-11T16:30:00+07:00"
FIVE_DAYS = "2026-12-15T16:30:00+07:00"
TYPED_3_10 = {"triage_days": "3", "follow_up_days": "10"}


def test_settings_are_read_from_the_current_version(own_copy):
    rt, _people, owner, _folder = own_copy
    page = edit.read_process_settings(rt, owner, "complaint")
    assert page["version"] == 1
    assert [(s["name"], s["value"], s["rule_max"]) for s in page["settings"]] == [
        ("triage_days", 3, 3), ("follow_up_days", 10, None)]
    assert page["settings"][0]["unit_th"] == "วันทำการ"


def test_new_cases_get_five_days_while_running_ones_keep_three(own_copy):
    rt, people, owner, folder = own_copy
    running = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    assert running["tasks"][0]["due_at"] == THREE_DAYS
    typed = {**TYPED_3_10, "triage_days": "5"}

    preview = edit.preview_settings(rt, owner, "complaint", typed)
    # The sentence every deploy says (engine/bpmn/changes), and nothing else changes.
    (said,) = preview["summary"]
    assert said["text_th"].startswith("ระยะเวลาพิจารณาเบื้องต้น: 3 → 5 วันทำการ")
    assert said["text_en"].startswith("Triage period: 3 → 5 working days")
    assert [(c["name"], c["old"], c["new"], c["departs"]) for c in preview["changes"]] == [
        ("triage_days", 3, 5, True)]
    assert preview["unacknowledged"] == ["triage_days"]
    assert "ค่านี้เกินกว่าที่ ข้อ 5.1: ภายใน 3 วันทำการ กำหนด" in preview["changes"][0]["warning"]
    toml = (folder / "processes.toml").read_bytes()
    with pytest.raises(InvalidData) as refused:  # beyond the rule, not acknowledged
        edit.deploy_settings(rt, owner, "complaint", typed, base_version=1)
    assert set(refused.value.fields) == {"triage_days"}
    assert (folder / "processes.toml").read_bytes() == toml
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]

    done = edit.deploy_settings(rt, owner, "complaint", typed, acknowledged={"triage_days"},
                                base_version=1)
    assert done["deployed"] == [("complaint", 2)]
    assert "value = 5\n" in (folder / "processes.toml").read_text(encoding="utf-8")
    new = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    assert new["version"] == 2 and new["tasks"][0]["due_at"] == FIVE_DAYS
    assert new["tasks"][0]["name"] == "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน 5 วันทำการ)"
    kept = instances.get_instance(rt, people.legal_head, running["id"])
    assert kept["version"] == 1 and kept["tasks"][0]["due_at"] == THREE_DAYS
    with rt.db.read() as session:
        assert case_data_of(rt, session, running["id"])["triage_days"] == 3
        assert case_data_of(rt, session, new["id"])["triage_days"] == 5
        audit = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "process_settings_changed")).one()
        assert audit.detail["changes"] == {"triage_days": [3, 5]}
        assert audit.detail["beyond_rule"] == ["triage_days"] and audit.detail["version"] == 2
        # The supervisors (the head of Legal Affairs, the Director) are told, as of any deploy.
        told = session.scalars(select(Notification.text).where(
            Notification.user_id == people.legal_head.id)).all()
        assert any("ระยะเวลาพิจารณาเบื้องต้น: 3 → 5 วันทำการ" in text for text in told)
    # `govflow deploy` agrees with what is live; a case moved to version 2 keeps its 3.
    assert deploy(rt).deployed == []
    versions.migrate_instance(rt, owner, running["id"])
    moved = instances.get_instance(rt, people.legal_head, running["id"])
    assert moved["version"] == 2 and moved["tasks"][0]["due_at"] == THREE_DAYS


def test_thai_digits_and_a_value_within_the_rule_need_no_acknowledgement(own_copy):
    rt, people, owner, _folder = own_copy
    done = edit.deploy_settings(rt, owner, "complaint",
                                {"triage_days": "๒", "follow_up_days": " ๑๕ "})
    assert done["deployed"] == [("complaint", 2)] and done["unacknowledged"] == []
    assert [c["new"] for c in done["changes"]] == [2, 15]
    new = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    assert new["tasks"][0]["due_at"] == "2026-12-09T16:30:00+07:00"  # 2 working days
    # The same values again change nothing and deploy nothing.
    again = edit.deploy_settings(rt, owner, "complaint", {"triage_days": "2",
                                                          "follow_up_days": "15"})
    assert again["changes"] == [] and again["deployed"] == []


@pytest.mark.parametrize(("typed", "says"), [
    ("abc", "enter a whole number of working days, e.g. 3"),
    ("3.5", "enter a whole number"),
    ("-1", "enter a whole number"),
    ("", "enter a whole number"),
    ("0", "must be between 1 and 30 working days"),
    ("31", "ต้องอยู่ระหว่าง 1 ถึง 30 วันทำการ"),
    ("9" * 40, "enter a whole number"),
])
def test_bad_values_are_refused_and_nothing_changes(own_copy, typed, says):
    rt, _people, owner, folder = own_copy
    toml = (folder / "processes.toml").read_bytes()
    for step in (edit.preview_settings, edit.deploy_settings):
        with pytest.raises(InvalidData) as refused:
            step(rt, owner, "complaint", {**TYPED_3_10, "triage_days": typed})
        assert says in refused.value.fields["triage_days"]
        assert "follow_up_days" not in refused.value.fields
    assert (folder / "processes.toml").read_bytes() == toml
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]


def test_only_owners_and_a_stale_preview_is_refused(own_copy):
    rt, people, owner, folder = own_copy
    for who in (people.staff, people.legal_head, people.director):
        with pytest.raises(Forbidden):
            edit.read_process_settings(rt, who, "complaint")
        with pytest.raises(Forbidden):
            edit.deploy_settings(rt, who, "complaint", {**TYPED_3_10, "triage_days": "2"})
    edit.deploy_settings(rt, owner, "complaint", {**TYPED_3_10, "triage_days": "2"})
    toml = (folder / "processes.toml").read_bytes()
    with pytest.raises(Conflict, match="version 2 was deployed meanwhile"):
        edit.deploy_settings(rt, owner, "complaint", {**TYPED_3_10, "triage_days": "1"},
                             base_version=1)
    assert (folder / "processes.toml").read_bytes() == toml


def test_a_file_that_fails_its_checks_puts_processes_toml_back(own_copy):
    rt, _people, owner, folder = own_copy
    (folder / "complaint.bpmn").write_text((folder / "complaint.bpmn").read_text(
        encoding="utf-8").replace('targetRef="triage"', 'targetRef="nowhere"', 1),
        encoding="utf-8")
    toml = (folder / "processes.toml").read_bytes()
    with pytest.raises(InvalidData) as refused:
        edit.deploy_settings(rt, owner, "complaint", {**TYPED_3_10, "triage_days": "2"})
    assert "nowhere" in refused.value.fields["settings"]
    assert (folder / "processes.toml").read_bytes() == toml
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]


def test_the_file_says_what_the_owner_saw(own_copy):
    """A value edited in processes.toml by hand and never deployed is not deployed behind
    the owner's back: the page's values are written, all of them."""
    rt, _people, owner, folder = own_copy
    toml = folder / "processes.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("value = 10\n", "value = 12\n"),
                    encoding="utf-8")
    edit.deploy_settings(rt, owner, "complaint", {**TYPED_3_10, "triage_days": "2"})
    named = edit.read_process_settings(rt, owner, "complaint")["settings"]
    assert [(s["name"], s["value"]) for s in named] == [("triage_days", 2),
                                                        ("follow_up_days", 10)]
    assert "value = 12\n" not in toml.read_text(encoding="utf-8")


def test_making_the_earlier_version_current_puts_its_settings_back(own_copy):
    """Version 1 made current again writes triage_days = 3 back into processes.toml, so
    ``govflow deploy`` afterwards finds version 1 and deploys nothing."""
    rt, _people, owner, folder = own_copy
    edit.deploy_settings(rt, owner, "complaint", {**TYPED_3_10, "triage_days": "5"},
                         acknowledged={"triage_days"}, base_version=1)
    versions.make_current(rt, owner, "complaint", 1)
    toml = (folder / "processes.toml").read_text(encoding="utf-8")
    assert edit.read_process_settings(rt, owner, "complaint")["settings"][0]["value"] == 3
    assert "value = 5\n" not in toml
    assert deploy(rt).deployed == []
    current = [v["version"] for v in versions.list_versions(rt, "complaint") if v["is_current"]]
    assert current == [1]
