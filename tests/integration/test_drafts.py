"""Issue 17 item 5: a draft per process, saved from the editor, validated, audited and not
live; a save over a newer draft is refused and loses nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.core import clock
from engine.core.errors import Forbidden, InvalidData, NotFound
from engine.core.models import AuditEvent, ProcessDraft
from engine.core.schema import downgrade, upgrade
from engine.services.admin import drafts
from engine.services.admin.users import add_user
from engine.services.inbox import instances
from engine.workflow.runtime import Runtime
from tests.samples import COMPLAINT

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

#: A step the drafts rename: present once in the shipped complaint.bpmn.
OLD_NAME = 'name="ผู้อำนวยการ สพป. สั่งการ"'


@pytest.fixture
def owners(runtime):
    first = add_user(runtime, "owner_a", ["process_owner"], "ICT", display_name="นางสาวเอ ผู้ดูแล")
    second = add_user(runtime, "owner_b", ["process_owner"], "ICT", display_name="นายบี ผู้ดูแล")
    return first, second


def renamed(rt: Runtime, owner, name: str) -> str:
    """The deployed complaint BPMN with the Director's step renamed to ``name``."""
    text = (rt.settings.processes_dir / "complaint.bpmn").read_text(encoding="utf-8")
    assert text.count(OLD_NAME) == 1
    return text.replace(OLD_NAME, f'name="{name}"')


def audit_actions(rt: Runtime) -> list[tuple[str, str, dict]]:
    with rt.db.read() as session:
        rows = session.execute(select(AuditEvent.action, AuditEvent.actor_name,
                                      AuditEvent.detail)
                               .where(AuditEvent.action.like("draft_%"))
                               .order_by(AuditEvent.id)).all()
    return [tuple(row) for row in rows]


def test_without_a_draft_the_editor_gets_the_current_version(runtime, owners):
    owner, _ = owners
    view = drafts.get_draft(runtime, owner, "complaint")
    assert view["from_draft"] is False and view["revision"] is None
    assert view["base_version"] == 1 and view["saved_by"] is None
    assert (runtime.settings.processes_dir / "complaint.bpmn").read_text(
        encoding="utf-8") == view["bpmn"]
    with pytest.raises(NotFound):
        drafts.get_draft(runtime, owner, "no_such_process")


def test_save_keeps_the_draft_with_its_report_and_audit(runtime, owners):
    owner, _ = owners
    saved = drafts.save_draft(runtime, owner, "complaint", renamed(runtime, owner, "สั่งการ"), None)
    assert saved["revision"] == 1 and saved["report"]["ok"] is True
    assert saved["report"]["errors"] == 0
    view = drafts.get_draft(runtime, owner, "complaint")
    assert view["from_draft"] is True and view["revision"] == 1
    assert 'name="สั่งการ"' in view["bpmn"] and view["saved_by"] == "นางสาวเอ ผู้ดูแล"
    again = drafts.save_draft(runtime, owner, "complaint", renamed(runtime, owner, "สั่งการ 2"), 1)
    assert again["revision"] == 2
    assert [(a, who, d["revision"]) for a, who, d in audit_actions(runtime)] == [
        ("draft_saved", "owner_a", 1), ("draft_saved", "owner_a", 2)]


def test_a_draft_with_errors_is_kept_and_a_file_that_is_not_xml_is_refused(runtime, owners):
    owner, _ = owners
    text = drafts.get_draft(runtime, owner, "complaint")["bpmn"]
    broken = text.replace('targetRef="triage"', 'targetRef="nowhere"', 1)
    saved = drafts.save_draft(runtime, owner, "complaint", broken, None)
    report = saved["report"]
    assert report["ok"] is False and report["errors"] >= 1
    assert any("nowhere" in p["message"] for p in report["problems"])
    assert {p["source"] for p in report["problems"]} == {"govflow"}
    assert drafts.get_draft(runtime, owner, "complaint")["bpmn"] == broken
    with pytest.raises(InvalidData) as refused:
        drafts.save_draft(runtime, owner, "complaint", "<definitions><unclosed>", 1)
    assert "XML" in refused.value.message and " / " in refused.value.message
    with pytest.raises(InvalidData):
        drafts.save_draft(runtime, owner, "complaint", "", 1)
    assert drafts.get_draft(runtime, owner, "complaint")["revision"] == 1  # nothing changed


def test_a_save_from_an_older_revision_is_refused_and_the_newer_draft_kept(runtime, owners):
    first, second = owners
    base = drafts.get_draft(runtime, first, "complaint")
    drafts.save_draft(runtime, first, "complaint", renamed(runtime, first, "ฉบับของเอ"),
                      base["revision"])
    with pytest.raises(drafts.DraftConflict) as refused:
        drafts.save_draft(runtime, second, "complaint", renamed(runtime, second, "ฉบับของบี"),
                          base["revision"])
    error = refused.value
    assert error.status == 409 and error.revision == 1 and error.saved_by == "นางสาวเอ ผู้ดูแล"
    thai, english = error.message.split(" / ")
    assert "นางสาวเอ ผู้ดูแล" in thai and "4 ธันวาคม 2569 10:00 น." in thai
    assert "saved a newer draft" in english and "2026-12-04 10:00" in english
    kept = drafts.get_draft(runtime, second, "complaint")
    assert 'name="ฉบับของเอ"' in kept["bpmn"] and kept["revision"] == 1
    # Saving deliberately over the newer draft names it, and then wins.
    assert drafts.save_draft(runtime, second, "complaint", renamed(runtime, second, "ฉบับของบี"),
                             1)["revision"] == 2


def test_two_concurrent_saves_from_one_revision_one_wins(runtime, owners):
    first, second = owners
    drafts.save_draft(runtime, first, "complaint", renamed(runtime, first, "เริ่ม"), None)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(owner, name):
        text = renamed(runtime, owner, "เริ่ม").replace('name="เริ่ม"', f'name="{name}"')
        barrier.wait()
        try:
            outcomes[name] = drafts.save_draft(runtime, owner, "complaint", text, 1)["revision"]
        except drafts.DraftConflict as error:
            outcomes[name] = error
        except Exception as error:  # noqa: BLE001 - any other outcome fails the test below
            outcomes[name] = repr(error)

    threads = [threading.Thread(target=save, args=(first, "ของเอ")),
               threading.Thread(target=save, args=(second, "ของบี"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [name for name, outcome in outcomes.items() if outcome == 2]
    losers = [name for name, outcome in outcomes.items()
              if isinstance(outcome, drafts.DraftConflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    kept = drafts.get_draft(runtime, first, "complaint")
    assert kept["revision"] == 2 and f'name="{winners[0]}"' in kept["bpmn"]
    assert [d["revision"] for a, _who, d in audit_actions(runtime)] == [1, 2]


def test_discard_and_a_draft_outlasting_a_restart(runtime, owners):
    owner, other = owners
    drafts.save_draft(runtime, owner, "complaint", renamed(runtime, owner, "ค้างไว้"), None)
    # Signing out ends nothing that is kept: another process on the same database sees it.
    later = Runtime(runtime.settings)
    try:
        assert drafts.get_draft(later, other, "complaint")["revision"] == 1
    finally:
        later.close()
    with pytest.raises(drafts.DraftConflict):
        drafts.discard_draft(runtime, other, "complaint", 2)
    assert drafts.discard_draft(runtime, other, "complaint", 1)["discarded"] == 1
    assert drafts.get_draft(runtime, owner, "complaint")["from_draft"] is False
    # The editor that still holds revision 1 is told the draft is gone, not silently re-made.
    with pytest.raises(drafts.DraftConflict) as refused:
        drafts.save_draft(runtime, owner, "complaint", renamed(runtime, owner, "x"), 1)
    assert refused.value.revision is None
    assert [a for a, _who, _d in audit_actions(runtime)] == ["draft_saved", "draft_discarded"]


def test_a_draft_is_not_live(runtime, owners, people):
    owner, _ = owners
    drafts.save_draft(runtime, owner, "complaint", renamed(runtime, owner, "ไม่ควรเห็น"), None)
    case = instances.start_instance(runtime, people.legal_officer, "complaint", COMPLAINT)
    assert case["version"] == 1
    assert case["tasks"][0]["bpmn_id"] == "triage"


def test_only_process_owners_touch_drafts(runtime, owners, people):
    owner, _ = owners
    text = renamed(runtime, owner, "x")
    for call in (lambda who: drafts.get_draft(runtime, who, "complaint"),
                 lambda who: drafts.save_draft(runtime, who, "complaint", text, None),
                 lambda who: drafts.discard_draft(runtime, who, "complaint", 1),
                 lambda who: drafts.touch_presence(runtime, who, "complaint")):
        with pytest.raises(Forbidden):
            call(people.legal_head)
    drafts.save_draft(runtime, people.admin, "complaint", text, None)  # administrators may
    with runtime.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ProcessDraft)) == 1


def test_presence_names_the_others_editing_in_the_last_two_minutes(runtime, owners):
    first, second = owners
    assert drafts.touch_presence(runtime, first, "complaint") == {"editors": []}
    seen = drafts.touch_presence(runtime, second, "complaint")["editors"]
    assert [e["user"] for e in seen] == ["นางสาวเอ ผู้ดูแล"]
    assert seen[0]["since"] == "2026-12-04T10:00:00+07:00"
    assert [e["user"] for e in drafts.get_draft(runtime, first, "complaint")["editors"]] == [
        "นายบี ผู้ดูแล"]
    with clock.frozen(clock.now() + timedelta(minutes=3)):
        # The first owner's page stopped saying it is open: gone. The second's comes back.
        assert drafts.touch_presence(runtime, second, "complaint") == {"editors": []}
        back = drafts.touch_presence(runtime, first, "complaint")["editors"]
        assert [e["user"] for e in back] == ["นายบี ผู้ดูแล"]


def test_migration_0010_goes_down_and_up_again(runtime, owners):
    owner, _ = owners
    drafts.touch_presence(runtime, owner, "complaint")
    downgrade(runtime.db, "0009")
    upgrade(runtime.db)
    assert drafts.get_draft(runtime, owner, "complaint")["from_draft"] is False
    assert drafts.save_draft(runtime, owner, "complaint", renamed(runtime, owner, "y"),
                             None)["revision"] == 1


def test_deploying_a_draft_writes_its_lane_roles_and_drops_it(own_copy):
    rt, people, owner, folder = own_copy
    text = renamed(rt, owner, "สั่งการ (ร่าง)")
    drafts.save_draft(rt, owner, "complaint", text, None, {"lane_director": "legal_head"})
    toml_before = (folder / "processes.toml").read_text(encoding="utf-8")
    assert drafts.lane_changes(rt, "complaint", {"lane_director": "legal_head"}) == {
        "lane_director": ("director", "legal_head")}
    result = drafts.deploy_file(rt, owner, "complaint.bpmn", text.encode("utf-8"))
    assert result["deployed"] == [("complaint", 2)]
    toml_after = (folder / "processes.toml").read_text(encoding="utf-8")
    assert 'lane_director = { role = "legal_head" }' in toml_after
    assert toml_after.count("# ผู้อำนวยการ สพป.") == toml_before.count("# ผู้อำนวยการ สพป.")
    case = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    assert case["version"] == 2
    assert drafts.get_draft(rt, owner, "complaint")["from_draft"] is False
    assert [a for a, _who, _d in audit_actions(rt)] == ["draft_saved", "draft_deployed"]


def test_a_refused_deploy_puts_processes_toml_back(own_copy):
    rt, _people, owner, folder = own_copy
    broken = renamed(rt, owner, "x").replace('targetRef="triage"', 'targetRef="nowhere"', 1)
    drafts.save_draft(rt, owner, "complaint", broken, None, {"lane_director": "legal_head"})
    toml_before = (folder / "processes.toml").read_bytes()
    with pytest.raises(InvalidData):
        drafts.deploy_file(rt, owner, "complaint.bpmn", broken.encode("utf-8"))
    assert (folder / "processes.toml").read_bytes() == toml_before
    assert drafts.get_draft(rt, owner, "complaint")["revision"] == 1
