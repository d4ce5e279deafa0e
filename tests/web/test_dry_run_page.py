"""The dry-run page: the steps so far in a table with Buddhist-Era deadlines, a button per
way out of the next decision, start again; stateless, CSRF-protected, owners only."""

from __future__ import annotations

import re

import pytest

from engine.services.admin import drafts
from engine.services.admin.users import actor_by_username, add_user
from tests.account_support import known_password
from tests.web.test_english_pages import thai_outside_data
from tests.web_client import Browser, html
from webui import create_app

pytest_plugins = ("tests.web_support",)
pytestmark = pytest.mark.usefixtures("sample_day")

PAGE = "/owner/processes/complaint/dry-run"


@pytest.fixture
def owner(sqlite_runtime, web_people):
    add_user(sqlite_runtime, "owner", ["process_owner"], "ICT")
    app = create_app(runtime=sqlite_runtime)
    app.testing = True
    b = Browser(app)
    b.signin("owner", known_password(sqlite_runtime, web_people.admin, "owner"))
    return b


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_the_walk_step_by_step(owner):
    page = html(owner.get(PAGE))
    assert "ทดลองกับฉบับที่ใช้อยู่" in page and "ไม่มีการบันทึกข้อมูลหรือส่งอีเมลใด ๆ" in page
    (triage,) = rows(page)
    assert "นิติกร" in triage and "11 ธันวาคม 2569 16:30 น." in triage
    assert "15 ธันวาคม 2569 16:30 น." in triage  # the second escalation
    buttons = re.findall(r'<button type="submit" name="choice" value="([a-z_]+)"', page)
    assert buttons == ["flow_screening_accept", "flow_screening_forward",
                       "flow_screening_not_considered"]
    page = html(owner.post(PAGE, {"choice": "flow_screening_accept", "source": "current"}))
    assert len(rows(page)) == 5 and "รับไว้พิจารณา" in rows(page)[0]
    # The page keeps the path in the form, not on the server.
    assert re.findall(r'name="path" value="([a-z_]+)"', page) == ["flow_screening_accept"]
    done = html(owner.post(PAGE, {"path": "flow_screening_accept", "source": "current",
                                  "choice": "flow_review_approve"}))
    assert len(rows(done)) == 6 and "เรื่องสมมติจบกระบวนงานแล้ว" in done
    assert 'name="choice"' not in done and f'href="{PAGE}?source=current">เริ่มใหม่' in done


def test_english_leaves_thai_only_in_the_process_data(owner):
    owner.post("/language", {"lang": "en", "next": PAGE})
    page = html(owner.get(PAGE))
    assert "Dry run" in page and "11 Dec 2569 BE, 16:30" in page and "Start again" in page
    assert "Try the draft" not in page  # there is no draft
    assert thai_outside_data(page) == []
    done = html(owner.post(PAGE, {"path": "flow_screening_accept", "source": "current",
                                  "choice": "flow_review_approve"}))
    assert "The made-up case has reached the end" in done and thai_outside_data(done) == []


def test_a_choice_needs_the_csrf_token_and_other_roles_are_refused(owner, sqlite_runtime,
                                                                    web_people, passwords):
    assert owner.client.post(PAGE, data={"choice": "flow_screening_accept"}).status_code == 400
    outsider = Browser(owner.app)
    outsider.signin(web_people.legal_head.username, passwords["legal_head"])
    assert outsider.get(PAGE).status_code == 403
    assert owner.get("/owner/processes/complaint/dry-run?source=nonsense").status_code == 400
    link = html(owner.get("/owner/processes/complaint"))
    assert f'href="{PAGE}"' in link


def test_the_draft_is_tried_first_and_a_broken_one_says_why(owner, sqlite_runtime):
    me = actor_by_username(sqlite_runtime, "owner")
    text = (sqlite_runtime.settings.processes_dir / "complaint.bpmn").read_text("utf-8")
    drafts.save_draft(sqlite_runtime, me, "complaint", text, None)
    page = html(owner.get(PAGE))
    assert "ทดลองกับฉบับร่าง (บันทึกครั้งที่ 1)" in page
    assert f'href="{PAGE}?source=current">ทดลองกับฉบับที่ใช้อยู่' in page
    drafts.save_draft(sqlite_runtime, me, "complaint",
                      text.replace('targetRef="triage"', 'targetRef="nowhere"', 1), 1)
    broken = owner.get(PAGE)
    assert broken.status_code == 400
    assert "ฉบับร่างนี้ยังทดลองเดินเรื่องไม่ได้" in html(broken) and "<table" not in html(broken)
    assert owner.get(f"{PAGE}?source=current").status_code == 200
