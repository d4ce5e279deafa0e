"""The settings page of a process: a process owner changes triage_days without touching
the diagram; a value beyond its rule needs an acknowledgement naming the rule; bad input
says what to fix and changes nothing; other roles get 403; English when chosen."""

from __future__ import annotations

import re

import pytest

from engine.services.admin import versions
from engine.services.inbox import instances
from tests.samples import COMPLAINT
from tests.web.test_web_owner import owned, signed_in  # noqa: F401 — a fixture
from tests.web_client import Browser, html

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

PAGE = "/owner/processes/complaint/settings"
DEPLOY = "/owner/processes/complaint/settings/deploy"


def hidden_fields(page: str) -> dict[str, str]:
    """The deploy form's hidden fields, as the browser would send them back."""
    form = page[page.index(f'action="{DEPLOY}"'):]
    form = form[:form.index("</form>")]
    return {name: value for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form) if name != "csrf_token"}


def test_owner_sees_each_setting_with_its_rule_and_bounds(owned):  # noqa: F811
    rt, people, app, _folder = owned
    owner = signed_in(rt, people, app, "owner")
    assert 'href="/owner/processes/complaint/settings"' in html(
        owner.get("/owner/processes/complaint"))
    page = html(owner.get(PAGE))
    assert "ระยะเวลาพิจารณาเบื้องต้น" in page and "รอบการติดตามความคืบหน้า" in page
    assert "ข้อ 5.1: ภายใน 3 วันทำการ" in page and "ข้อ 5.2: ติดตามความคืบหน้าจนได้ข้อยุติ" in page
    assert "1 ถึง 30 วันทำการ" in page and "ระเบียบกำหนดไม่เกิน 3 วันทำการ" in page
    assert 'name="triage_days" value="3"' in page and 'name="follow_up_days" value="10"' in page
    assert 'name="csrf_token"' in page
    # A clerk reads labels, never the names the diagram uses.
    assert "triage_days" not in re.sub(r"<[^>]*>", "", page.split("<main", 1)[1])
    # A process without settings says so.
    assert "กระบวนงานนี้ไม่มีค่ากำหนด" in html(owner.get("/owner/processes/publishing/settings"))
    assert owner.get("/owner/processes/nothing/settings").status_code == 404


def test_beyond_the_rule_needs_acknowledgement_then_preview_then_deploy(owned):  # noqa: F811
    rt, people, app, folder = owned
    running = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    owner = signed_in(rt, people, app, "owner")
    owner.get(PAGE)
    asked = owner.post(PAGE, {"triage_days": "5", "follow_up_days": "10"})
    assert asked.status_code == 400
    page = html(asked)
    assert "ค่านี้เกินกว่าที่ ข้อ 5.1: ภายใน 3 วันทำการ กำหนด" in page
    assert 'type="checkbox" id="ack_triage_days" name="ack_triage_days"' in page
    assert "รับทราบว่าค่านี้เกินกว่าที่ ข้อ 5.1: ภายใน 3 วันทำการ กำหนด" in page
    assert 'name="triage_days" value="5"' in page  # what was typed stays
    assert 'action="' + DEPLOY not in page

    preview = owner.post(PAGE, {"triage_days": "5", "follow_up_days": "10",
                                "ack_triage_days": "yes"})
    assert preview.status_code == 200
    page = html(preview)
    assert "ระยะเวลาพิจารณาเบื้องต้น: 3 → 5 วันทำการ" in page
    assert "รอบการติดตามความคืบหน้า" not in page  # unchanged, not listed
    assert "เรื่องที่ดำเนินการอยู่ 1 เรื่องใช้ค่าเดิมที่มีเมื่อเริ่มเรื่อง" in page
    sent = hidden_fields(page)
    assert sent == {"base_version": "1", "triage_days": "5", "follow_up_days": "10",
                    "ack_triage_days": "yes"}
    assert "value = 3\n" in (folder / "processes.toml").read_text(encoding="utf-8")

    # The acknowledgement is checked again at deploy: without it, nothing happens.
    unacked = owner.post(DEPLOY, {k: v for k, v in sent.items() if k != "ack_triage_days"})
    assert unacked.status_code == 400 and "กรุณายืนยันว่ารับทราบ" in html(unacked)
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]

    owner.get(PAGE)
    done = owner.post(DEPLOY, sent)
    assert done.status_code == 302 and done.headers["Location"] == "/owner/processes/complaint"
    assert "ติดตั้ง complaint ฉบับที่ 2 แล้ว เรื่องใหม่จะใช้ค่าใหม่" in html(
        owner.get("/owner/processes/complaint"))
    assert "value = 5\n" in (folder / "processes.toml").read_text(encoding="utf-8")
    new = instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    assert new["tasks"][0]["due_at"] == "2026-12-15T16:30:00+07:00"
    kept = instances.get_instance(rt, people.legal_head, running["id"])
    assert kept["tasks"][0]["due_at"] == "2026-12-11T16:30:00+07:00"
    # The page now shows the new value; the same confirm again is refused as stale.
    assert 'name="triage_days" value="5"' in html(owner.get(PAGE))
    stale = owner.post(DEPLOY, sent)
    assert stale.status_code == 409 and "ฉบับที่ 2" in html(stale)


@pytest.mark.parametrize(("typed", "says"), [
    ("ห้า", "กรุณากรอกจำนวนวันทำการเป็นตัวเลขจำนวนเต็ม เช่น 3"),
    ("45", "ต้องอยู่ระหว่าง 1 ถึง 30 วันทำการ"),
    ("<script>", "กรุณากรอกจำนวนวันทำการเป็นตัวเลขจำนวนเต็ม"),
])
def test_bad_input_says_what_to_fix_and_changes_nothing(owned, typed, says):  # noqa: F811
    rt, people, app, folder = owned
    toml = (folder / "processes.toml").read_bytes()
    owner = signed_in(rt, people, app, "owner")
    owner.get(PAGE)
    for path in (PAGE, DEPLOY):
        refused = owner.post(path, {"triage_days": typed, "follow_up_days": "10"})
        page = html(refused)
        assert refused.status_code == 400 and says in page, page[:3000]
        assert 'aria-invalid="true"' in page and 'href="#s-triage_days"' in page
        assert "<script>" not in page and "Traceback" not in page
    assert (folder / "processes.toml").read_bytes() == toml
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]


def test_thai_digits_within_the_rule_go_straight_to_the_preview(owned):  # noqa: F811
    rt, people, app, _folder = owned
    owner = signed_in(rt, people, app, "owner")
    owner.get(PAGE)
    page = html(owner.post(PAGE, {"triage_days": "๒", "follow_up_days": "๑๐"}))
    assert "ระยะเวลาพิจารณาเบื้องต้น: 3 → 2 วันทำการ" in page
    assert hidden_fields(page)["triage_days"] == "๒"
    same = owner.post(PAGE, {"triage_days": "3", "follow_up_days": "10"})
    assert same.status_code == 200 and "ไม่มีการเปลี่ยนแปลง" in html(same)


def test_other_roles_and_forms_without_csrf_are_refused(owned):  # noqa: F811
    rt, people, app, folder = owned
    toml = (folder / "processes.toml").read_bytes()
    for name in ("staff_plan", "legal_head", "director", "legal_officer"):
        b = signed_in(rt, people, app, name)
        assert b.get(PAGE).status_code == 403
        for path in (PAGE, DEPLOY):
            assert b.post(path, {"triage_days": "2", "follow_up_days": "10"}).status_code == 403
    assert Browser(app).get(PAGE).status_code == 302  # sign in first
    owner = signed_in(rt, people, app, "owner")
    forged = owner.client.post(DEPLOY, data={"triage_days": "2", "follow_up_days": "10"})
    assert forged.status_code == 400 and "แบบฟอร์มหมดอายุ" in html(forged)
    assert (folder / "processes.toml").read_bytes() == toml
    assert [v["version"] for v in versions.list_versions(rt, "complaint")] == [1]


def test_the_page_in_english(owned):  # noqa: F811
    rt, people, app, _folder = owned
    owner = signed_in(rt, people, app, "owner")
    owner.post("/language", {"lang": "en", "next": PAGE})
    page = html(owner.get(PAGE))
    assert "Triage period" in page and "Clause 5.1: within 3 working days" in page
    assert "1 to 30 working days" in page and "the rule sets at most 3 working days" in page
    assert "Review the changes" in page
    asked = html(owner.post(PAGE, {"triage_days": "5", "follow_up_days": "10"}))
    assert "this value goes beyond what Clause 5.1: within 3 working days sets" in asked
    assert "I acknowledge that this value goes beyond what Clause 5.1" in asked
    preview = html(owner.post(PAGE, {"triage_days": "5", "follow_up_days": "10",
                                     "ack_triage_days": "yes"}))
    assert "Triage period: 3 → 5 working days" in preview
    assert "ระยะเวลาพิจารณาเบื้องต้น" not in preview
    bad = html(owner.post(PAGE, {"triage_days": "x", "follow_up_days": "10"}))
    assert "Enter a whole number of working days, e.g. 3" in bad
