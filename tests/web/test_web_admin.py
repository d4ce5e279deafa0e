"""Administration pages: users, units and acting appointments, for the admin role only."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from engine.core import clock
from engine.core.errors import InvalidData
from engine.services.admin import staff as admin
from engine.services.admin import users
from engine.thai.workdays import BANGKOK
from tests.web_client import html

pytest_plugins = ("tests.web_support",)

ADMIN_PAGES = ("/admin/users", "/admin/units", "/admin/acting")


@pytest.mark.parametrize("name", ["staff", "director", "legal_head", "web_admin"])
def test_admin_pages_refuse_other_roles(browser, name):
    b = browser(name)
    for path in ADMIN_PAGES:
        assert b.get(path).status_code == 403, path
    assert b.post("/admin/users", {"username": "x"}).status_code == 403
    assert b.post("/admin/users/staff_plan/password").status_code == 403
    assert b.post("/admin/units", {"code": "X", "name": "X"}).status_code == 403
    assert b.post("/admin/acting/1/end").status_code == 403
    assert "ผู้ดูแลระบบ</a>" not in html(b.get("/inbox"))


def test_admin_pages_render(browser):
    b = browser("admin")
    assert b.get("/admin/").status_code == 302
    for path in ADMIN_PAGES:
        page = b.get(path)
        assert page.status_code == 200, path
    assert "staff_plan" in html(b.get("/admin/users"))
    assert "PLAN" in html(b.get("/admin/units"))


def test_add_user_wrong_input_then_right(sqlite_runtime, web_people, browser):
    b = browser("admin")
    b.get("/admin/users")
    bad = b.post("/admin/users", {"username": "new user!", "display_name": "นายใหม่ ทดสอบ",
                                  "unit_code": "PLAN", "roles": ["staff"], "password": "short"})
    assert bad.status_code == 400
    page = html(bad)
    assert 'value="new user!"' in page and 'value="นายใหม่ ทดสอบ"' in page  # kept
    assert "short" not in page  # never echo a password
    assert re.search(r'value="staff" checked', page)
    assert "new user!" not in [u["username"] for u in admin.list_users(sqlite_runtime,
                                                                       web_people.admin)]
    missing = b.post("/admin/users", {"username": "", "display_name": "", "unit_code": "",
                                      "password": ""})
    assert missing.status_code == 400 and "กรุณาเลือกบทบาท" in html(missing)
    ok = b.post("/admin/users", {"username": "somsri", "display_name": "นางสมศรี ใหม่",
                                 "unit_code": "PLAN", "roles": ["staff", "web_admin"],
                                 "password": "a-long-enough-password"})
    assert ok.status_code == 302
    added = users.authenticate(sqlite_runtime, "somsri", "a-long-enough-password")
    assert added.roles == {"staff", "web_admin"}
    again = b.post("/admin/users", {"username": "somsri", "display_name": "ซ้ำ",
                                    "unit_code": "PLAN", "roles": ["staff"],
                                    "password": "a-long-enough-password"})
    assert again.status_code == 409


def test_deactivate_reset_password_issue_token_and_roles(app, sqlite_runtime, browser):
    b = browser("admin")
    b.get("/admin/users")
    assert b.post("/admin/users/staff_hr/active",
                  {"active": "0", "confirm": "yes"}).status_code == 302
    assert "ระงับ" in html(b.get("/admin/users"))
    b.post("/admin/users/staff_hr/active", {"active": "1"})
    reset = b.post("/admin/users/staff_hr/password", follow=True)
    assert reset.history[0].headers["Location"] == "/admin/users"
    assert reset.status_code == 200 and reset.headers["Cache-Control"] == "no-store"
    new_password = re.search(r'<code class="secret-value">([^<]+)</code>', html(reset)).group(1)
    assert "แสดงครั้งเดียว" in html(reset)
    assert users.authenticate(sqlite_runtime, "staff_hr", new_password).username == "staff_hr"
    assert new_password not in html(b.get("/admin/users"))  # shown once only
    token = b.post("/admin/users/staff_hr/token", {"name": "ระบบสารบรรณ"}, follow=True)
    value = re.search(r'<code class="secret-value">([^<]+)</code>', html(token)).group(1)
    assert users.actor_for_token(sqlite_runtime, value).username == "staff_hr"
    b.get("/admin/users")
    roles = b.post("/admin/users/staff_hr/roles", {"roles": ["staff", "legal_officer"]})
    assert roles.status_code == 302
    assert users.actor_by_username(sqlite_runtime, "staff_hr").roles == {"staff",
                                                                         "legal_officer"}
    b.get("/admin/users")
    none = b.post("/admin/users/staff_hr/roles", {})
    assert none.status_code == 400


def test_units(sqlite_runtime, web_people, browser):
    b = browser("admin")
    b.get("/admin/units")
    bad = b.post("/admin/units", {"code": "", "name": "กลุ่มการเงิน"})
    assert bad.status_code == 400 and 'value="กลุ่มการเงิน"' in html(bad)
    assert b.post("/admin/units", {"code": "FIN", "name": "กลุ่มการเงิน"}).status_code == 302
    assert b.post("/admin/units", {"code": "FIN", "name": "ซ้ำ"}).status_code == 409
    b.get("/admin/units")
    assert b.post("/admin/units/FIN/name", {"name": "กลุ่มบริหารการเงินและสินทรัพย์"}
                  ).status_code == 302
    assert "กลุ่มบริหารการเงินและสินทรัพย์" in html(b.get("/admin/units"))
    assert b.post("/admin/units/FIN/name", {"name": ""}).status_code == 400
    assert b.post("/admin/units/NOPE/name", {"name": "x"}).status_code == 404


def test_acting_appointments(sqlite_runtime, web_people, browser):
    b = browser("admin")
    b.get("/admin/acting")
    bad = b.post("/admin/acting", {"username": "legal_head", "role": "director",
                                   "starts_on": "2026-12-10", "ends_on": "2026-12-01",
                                   "reference": "คำสั่ง สพป. ที่ 9/2569"})
    assert bad.status_code == 400
    assert "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น" in html(bad)
    assert 'value="คำสั่ง สพป. ที่ 9/2569"' in html(bad)
    assert admin.list_acting(sqlite_runtime, web_people.admin) == []
    ok = b.post("/admin/acting", {"username": "legal_head", "role": "director",
                                  "starts_on": "2026-12-01", "ends_on": "2026-12-10",
                                  "reference": "คำสั่ง สพป. ที่ 9/2569"})
    assert ok.status_code == 302
    page = html(b.get("/admin/acting"))
    assert "1 ธันวาคม 2569" in page and "10 ธันวาคม 2569" in page
    (appointment,) = admin.list_acting(sqlite_runtime, web_people.admin)
    assert b.post(f"/admin/acting/{appointment['id']}/end").status_code == 302
    assert "สิ้นสุดเมื่อ" in html(b.get("/admin/acting"))


def test_appointments_of_both_kinds(sqlite_runtime, web_people, browser):
    from sqlalchemy import select

    from engine.core.models import AuditEvent

    b = browser("admin")
    form = html(b.get("/admin/acting"))
    assert 'name="kind" value="acting"' in form and 'name="kind" value="delegated"' in form
    order = {"username": "legal_head", "role": "director", "starts_on": "01/12/2569",
             "ends_on": "10/12/2569", "reference": "คำสั่ง สพป. ที่ 10/2569"}
    bad = b.post("/admin/acting", {**order, "kind": "honorary"})
    assert bad.status_code == 400
    assert "กรุณาเลือกประเภทการแต่งตั้ง" in html(bad)
    assert admin.list_acting(sqlite_runtime, web_people.admin) == []
    assert b.post("/admin/acting", {**order, "kind": "delegated"}).status_code == 302
    (appointment,) = admin.list_acting(sqlite_runtime, web_people.admin)
    assert appointment["kind"] == "delegated"
    page = html(b.get("/admin/acting"))
    assert "ปฏิบัติราชการแทน" in page.split("<tbody>")[1].split("</tbody>")[0]
    with sqlite_runtime.db.read() as session:
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "acting_appointed")).one()
        assert event.detail["kind"] == "delegated"
    # The engine refuses a kind it does not know, whoever calls it, and says which field.
    with pytest.raises(InvalidData) as refused:
        admin.appoint_acting(sqlite_runtime, web_people.admin, "legal_head", "director",
                             date(2026, 12, 1), date(2026, 12, 2), "คำสั่ง", kind="honorary")
    assert "kind" in refused.value.fields
    # The appointee's header says in which capacity they hold the role (on 1-10 December).
    with clock.frozen(datetime(2026, 12, 5, 10, tzinfo=BANGKOK)):
        assert "ปฏิบัติราชการแทน" in html(browser("legal_head").get("/inbox"))
