"""Rough edges a new office clerk meets: /login, and "are you sure?" before the actions
that touch many cases or a person's account (deactivate a user, make a version current,
migrate every running case of a version). Each confirmation works without JavaScript: a
page that says what will happen, with counts, and a button that posts with the CSRF token;
a POST without that confirmation changes nothing and says what to do."""

from __future__ import annotations

import re

import pytest

from engine.services.admin import staff as admin
from engine.services.admin import users, versions
from engine.services.inbox import instances, tasks
from tests.complaint_changes import DEADLINE, LATER_DEADLINE, five_days
from tests.samples import COMPLAINT
from tests.web.test_web_owner import owned, signed_in  # noqa: F401 — a fixture
from tests.web_client import Browser, html

pytestmark = pytest.mark.usefixtures("sample_day")  # files tests/samples.py COMPLAINT

pytest_plugins = ("tests.web_support",)

NOT_CONFIRMED = "ยังไม่ได้ยืนยัน จึงยังไม่มีการเปลี่ยนแปลงใด ๆ"


def confirm_form(page: str, action: str) -> str:
    """The form on a confirmation page that posts to ``action``, with its CSRF token and
    its confirm field."""
    match = re.search(rf'<form method="post" action="{re.escape(action)}">(.*?)</form>', page,
                      re.S)
    assert match, f"no form posting to {action}"
    form = match.group(1)
    assert re.search(r'name="csrf_token" value="[^"]+"', form)
    assert '<input type="hidden" name="confirm" value="yes">' in form
    return form


def is_active(rt, people, username: str) -> bool:
    return next(u["active"] for u in admin.list_users(rt, people.admin)
                if u["username"] == username)


# ---- /login ----------------------------------------------------------------------------

def test_login_redirects_to_signin_keeping_a_safe_next(app):
    client = app.test_client()
    plain = client.get("/login")
    assert plain.status_code == 301 and plain.headers["Location"] == "/signin"
    kept = client.get("/login?next=/inbox")
    assert kept.status_code == 301 and kept.headers["Location"] == "/signin?next=/inbox"
    dropped = client.get("/login?next=//evil.example/x")
    assert dropped.status_code == 301 and dropped.headers["Location"] == "/signin"
    assert client.get("/signin").status_code == 200


# ---- deactivating a user ---------------------------------------------------------------

def test_deactivating_a_user_asks_first_with_what_it_leaves(sqlite_runtime, web_people,
                                                           browser):
    held = instances.start_instance(sqlite_runtime, web_people.legal_officer, "complaint",
                                    COMPLAINT)
    tasks.claim_task(sqlite_runtime, web_people.legal_officer, held["tasks"][0]["id"])
    users.issue_token(sqlite_runtime, "legal_officer", "ระบบสารบรรณ")
    users.issue_token(sqlite_runtime, "legal_officer", "e-Office")
    b = browser("admin")
    listing = html(b.get("/admin/users"))
    assert 'href="/admin/users/legal_officer/deactivate"' in listing  # a link, not a POST

    page = b.get("/admin/users/legal_officer/deactivate")
    assert page.status_code == 200
    text = html(page)
    assert "ระงับบัญชี legal_officer" in text
    assert "โทเคน API 2 รายการของผู้ใช้จะใช้ไม่ได้ระหว่างระงับ" in text
    assert "งานที่ผู้ใช้รับไว้ 1 งานจะค้างอยู่กับผู้ใช้" in text
    form = confirm_form(text, "/admin/users/legal_officer/active")
    assert '<input type="hidden" name="active" value="0">' in form

    refused = b.post("/admin/users/legal_officer/active", {"active": "0"})
    assert refused.status_code == 400 and NOT_CONFIRMED in html(refused)
    assert is_active(sqlite_runtime, web_people, "legal_officer")
    confirm_form(html(refused), "/admin/users/legal_officer/active")  # asks again

    done = b.post("/admin/users/legal_officer/active", {"active": "0", "confirm": "yes"})
    assert done.status_code == 302
    assert not is_active(sqlite_runtime, web_people, "legal_officer")
    assert "ระงับบัญชี legal_officer แล้ว" in html(b.get("/admin/users"))
    quiet = html(b.get("/admin/users/staff_hr/deactivate"))  # nothing held, no tokens
    assert "ผู้ใช้ไม่มีโทเคน API" in quiet and "ผู้ใช้ไม่มีงานที่รับไว้ค้างอยู่" in quiet
    # Turning it back on needs no confirmation.
    assert b.post("/admin/users/legal_officer/active", {"active": "1"}).status_code == 302
    assert is_active(sqlite_runtime, web_people, "legal_officer")


def test_the_deactivation_summary_is_for_administrators(sqlite_runtime, web_people, browser):
    from engine.core.errors import Forbidden

    with pytest.raises(Forbidden):
        admin.deactivation_summary(sqlite_runtime, web_people.director, "staff_plan")
    assert browser("director").get("/admin/users/staff_plan/deactivate").status_code == 403


# ---- versions: make current and migrate ------------------------------------------------

def test_making_a_version_current_asks_first(owned):  # noqa: F811
    rt, people, app, folder = owned
    instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    versions.deploy_upload(rt, None, "complaint.bpmn", five_days(folder))
    owner = signed_in(rt, people, app, "owner")
    listing = html(owner.get("/owner/processes/complaint"))
    assert 'href="/owner/processes/complaint/versions/1/make-current"' in listing

    page = owner.get("/owner/processes/complaint/versions/1/make-current")
    assert page.status_code == 200
    text = html(page)
    assert "เรื่องใหม่จะเริ่มที่ฉบับที่ 1 แทนฉบับที่ 2" in text
    assert "เรื่องที่ดำเนินการอยู่ 1 เรื่องไม่เปลี่ยน" in text
    confirm_form(text, "/owner/processes/complaint/versions/1/make-current")

    refused = owner.post("/owner/processes/complaint/versions/1/make-current")
    assert refused.status_code == 400 and NOT_CONFIRMED in html(refused)
    assert [v["is_current"] for v in versions.list_versions(rt, "complaint")] == [True, False]
    assert LATER_DEADLINE in (folder / "complaint.bpmn").read_text(encoding="utf-8")

    done = owner.post("/owner/processes/complaint/versions/1/make-current", {"confirm": "yes"})
    assert done.status_code == 302
    assert [v["is_current"] for v in versions.list_versions(rt, "complaint")] == [False, True]
    assert DEADLINE in (folder / "complaint.bpmn").read_text(encoding="utf-8")


def test_migrating_every_case_of_a_version_asks_first_with_counts(owned):  # noqa: F811
    rt, people, app, folder = owned
    cases = [instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
             for _ in range(2)]
    versions.deploy_upload(rt, None, "complaint.bpmn", five_days(folder))
    owner = signed_in(rt, people, app, "owner")
    listing = html(owner.get("/owner/processes/complaint"))
    assert 'href="/owner/processes/complaint/versions/1/migrate"' in listing
    assert 'action="/owner/processes/complaint/versions/1/migrate"' not in listing

    def on_version() -> list[int]:
        return [instances.get_instance(rt, people.legal_head, c["id"])["version"]
                for c in cases]

    page = owner.get("/owner/processes/complaint/versions/1/migrate")
    assert page.status_code == 200
    text = html(page)
    assert "เรื่องที่ดำเนินการอยู่ 2 เรื่องของฉบับที่ 1 จะย้ายไปฉบับที่ 2" in text
    assert "ยืนยัน ย้าย 2 เรื่อง" in text
    assert "รออยู่ที่ขั้นตอนที่ฉบับที่ 2 เปลี่ยนหรือลบ" not in text  # no step of theirs changed
    form = confirm_form(text, "/owner/processes/complaint/versions/1/migrate")
    assert '<input type="hidden" name="to" value="2">' in form

    path = "/owner/processes/complaint/versions/1/migrate"
    for body in ({}, {"to": "2"}, {"confirm": "yes"}, {"confirm": "yes", "to": "3"}):
        refused = owner.post(path, body)
        assert refused.status_code == 400 and NOT_CONFIRMED in html(refused), body
        assert on_version() == [1, 1], body

    done = owner.post(path, {"confirm": "yes", "to": "2"})
    assert done.status_code == 200 and "ย้ายไปฉบับที่ใช้อยู่แล้ว 2 เรื่อง" in html(done)
    assert on_version() == [2, 2]
    # The current version has no other to move to: nothing to confirm, nothing moved.
    nothing = owner.get("/owner/processes/complaint/versions/2/migrate")
    assert nothing.status_code == 302
    assert "ไม่มีฉบับที่ใช้อยู่ฉบับอื่นให้ย้ายเรื่องไป" in html(owner.get(nothing.headers["Location"]))


def test_confirmation_pages_are_english_when_english_is_chosen(owned):  # noqa: F811
    rt, people, app, folder = owned
    instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)
    versions.deploy_upload(rt, None, "complaint.bpmn", five_days(folder))
    owner = signed_in(rt, people, app, "owner")
    owner.post("/language", {"lang": "en", "next": "/owner/processes/complaint"})
    text = html(owner.get("/owner/processes/complaint/versions/1/migrate"))
    assert "1 running case of version 1 will move to version 2" in text
    refused = html(owner.post("/owner/processes/complaint/versions/1/make-current"))
    assert "Not confirmed, so nothing has changed" in refused
    assert Browser(app).get("/owner/processes/complaint/versions/1/migrate").status_code == 302
