"""Supervisors' overdue view, in-app notifications and the calendar page, with real timers.

The clock is frozen around the web requests too: the engine reads it for due and overdue.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from engine.core import clock
from engine.jobs.scheduler import tick
from engine.services.admin import holidays
from engine.services.inbox import instances, notifications
from engine.thai.workdays import BANGKOK
from engine.workflow import escalations
from tests.samples import COMPLAINT, SECRETS
from tests.web_client import html

pytest_plugins = ("tests.web_support",)


def bkk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK)


def start_complaint(rt, people) -> dict:
    return instances.start_instance(rt, people.legal_officer, "complaint", COMPLAINT)


def test_head_of_legal_affairs_sees_the_breach_and_acknowledges_it(
        sqlite_runtime, web_people, browser):
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        case = start_complaint(sqlite_runtime, web_people)
        head = browser("legal_head")
        assert "งานเกินกำหนด</a>" in html(head.get("/inbox"))  # the link, nothing open yet
        assert html(head.get("/escalations")).count("<tbody>") == 0
        now.move_to(bkk("2026-12-11T16:31"))
        assert tick(sqlite_runtime).fired == 2  # the reminder (caught up) and the breach
        page = html(head.get("/escalations"))
        assert head.page.status_code == 200
        assert f'href="/cases/{case["id"]}"' in page
        assert "ยกระดับขั้นที่ 1" in page and "แจ้งเตือน" in page
        assert "11 ธันวาคม 2569 16:30 น." in page  # the deadline, Buddhist Era
        assert "ครบกำหนดแล้วเมื่อ 11 ธันวาคม 2569 16:30 น." in page  # not by colour alone
        assert "ยังไม่รับทราบ" in page
        for secret in SECRETS:
            assert secret not in page
        # The header counts the unacknowledged tasks: one, whatever its levels.
        assert re.search(r'งานเกินกำหนด <span class="count">1<', page)
        # A working day later the breach is one working day old.
        now.move_to(bkk("2026-12-14T10:00"))
        page = html(head.get("/escalations?sort=age"))
        assert "เกินกำหนดมาแล้ว 1 วันทำการ" in page
        (breach,) = [e for e in escalations.list_escalations(sqlite_runtime,
                                                              web_people.legal_head, "open")
                     if e["level"] == 1]
        done = head.post(f"/escalations/{breach['id']}/acknowledge",
                         {"next": "/escalations?sort=age"})
        assert done.status_code == 302 and done.headers["Location"] == "/escalations?sort=age"
        page = html(head.get("/escalations?status=acknowledged"))
        assert "รับทราบแล้ว" in page and "รับทราบโดย legal_head" in page
        assert "14 ธันวาคม 2569 10:00 น." in page
        assert f"/escalations/{breach['id']}/acknowledge" not in page
        assert escalations.list_escalations(sqlite_runtime, web_people.legal_head,
                                            "acknowledged")[0]["acknowledged_by"] == "legal_head"
        # Still overdue (acknowledged is not done): the default view keeps it.
        assert f'href="/cases/{breach["instance_id"]}"' in html(head.get("/escalations"))
        assert html(head.get("/escalations?status=resolved")).count("<tbody>") == 0
        # Acknowledging twice is harmless; an unknown one is not found.
        head.get("/escalations")
        assert head.post(f"/escalations/{breach['id']}/acknowledge").status_code == 302
        assert head.post("/escalations/9999/acknowledge").status_code == 404
        # The director (a supervisor) sees it too; the case link opens for both.
        director = browser("director")
        assert f'href="/cases/{case["id"]}"' in html(director.get("/escalations"))
        assert head.get(f"/cases/{case['id']}").status_code == 200


@pytest.mark.parametrize("name", ["staff", "legal_officer", "web_admin", "admin"])
def test_escalations_refuse_people_who_supervise_nothing(browser, name):
    b = browser(name)
    assert b.get("/escalations").status_code == 403
    assert b.post("/escalations/1/acknowledge").status_code == 403
    assert "งานเกินกำหนด</a>" not in html(b.get("/inbox"))
    assert "/escalations" not in html(b.get("/inbox"))


def test_escalations_page_in_english(sqlite_runtime, web_people, browser):
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        start_complaint(sqlite_runtime, web_people)
        now.move_to(bkk("2026-12-15T16:31"))
        tick(sqlite_runtime)
        head = browser("legal_head")
        head.post("/language", {"lang": "en", "next": "/escalations"})
        page = html(head.get("/escalations"))
        assert "Second escalation" in page and "First escalation" in page
        assert "11 Dec 2569 BE, 16:30" in page and "Acknowledge" in page


def test_notifications_show_the_reminder_and_mark_all_read(sqlite_runtime, web_people, browser):
    with clock.frozen(bkk("2026-12-04T10:00")) as now:
        case = start_complaint(sqlite_runtime, web_people)
        officer = browser("legal_officer")
        page = html(officer.get("/notifications"))
        assert "ยังไม่มีการแจ้งเตือน" in page and 'id="unread-count"' not in page
        now.move_to(bkk("2026-12-11T08:31"))
        assert tick(sqlite_runtime).fired == 1
        page = html(officer.get("/notifications"))
        assert f'href="/cases/{case["id"]}"' in page
        assert "จะครบกำหนด 11 ธันวาคม 2569" in page
        assert "ยังไม่อ่าน" in page and "11 ธันวาคม 2569 08:31 น." in page
        assert re.search(r'id="unread-count">1<', page)  # in the header, on every page
        assert re.search(r'id="unread-count">1<', html(officer.get("/inbox")))
        for secret in SECRETS:
            assert secret not in page
        officer.get("/notifications")
        done = officer.post("/notifications/read", follow=True)
        assert done.status_code == 200 and "ทำเครื่องหมายว่าอ่านแล้ว 1 รายการ" in html(done)
        assert 'id="unread-count"' not in html(done)
        assert notifications.unread_count(sqlite_runtime, web_people.legal_officer) == 0
        # The other officer's notification is theirs to read.
        assert notifications.unread_count(sqlite_runtime, web_people.legal_officer2) == 1
        assert "การแจ้งเตือน</a>" in html(officer.get("/inbox"))


# ---- the calendar page ---------------------------------------------------------------------

def test_calendar_page_lists_the_fiscal_year(browser):
    with clock.frozen(bkk("2026-12-04T10:00")):
        b = browser("admin")
        page = html(b.get("/admin/holidays"))
        assert b.page.status_code == 200
        assert "ปีงบประมาณ พ.ศ. 2570" in page  # 1 Oct 2569 – 30 Sep 2570
        assert "1 ตุลาคม 2569" in page and "30 กันยายน 2570" in page
        assert "วันพฤหัสบดีที่ 10 ธันวาคม พ.ศ. 2569" in page  # Constitution Day
        assert "ปฏิทินวันทำการ</a>" in page
        other = html(b.get("/admin/holidays?year=2569"))
        assert "วันพุธที่ 10 ธันวาคม พ.ศ. 2568" in other
        assert b.get("/admin/holidays?year=abc").status_code == 400


@pytest.mark.parametrize("name", ["staff", "director", "legal_head"])
def test_calendar_page_is_for_administrators(browser, name):
    b = browser(name)
    assert b.get("/admin/holidays").status_code == 403
    assert b.post("/admin/holidays/add", {"add_day": "2026-12-09",
                                          "add_reason": "x"}).status_code == 403
    assert b.post("/admin/holidays/remove", {"remove_day": "2026-12-10",
                                             "remove_reason": "x"}).status_code == 403


def test_add_and_remove_a_day_off(sqlite_runtime, web_people, browser):
    fy = holidays.fiscal_year_range(2570)
    before = holidays.list_holidays(sqlite_runtime, *fy)
    with clock.frozen(bkk("2026-12-04T10:00")):
        start_complaint(sqlite_runtime, web_people)
        b = browser("admin")
        b.get("/admin/holidays")
        bad = b.post("/admin/holidays/add", {"year": "2570", "add_day": "31/11/2569",
                                             "add_reason": "", "add_reference": "มติ ครม."})
        assert bad.status_code == 400
        page = html(bad)
        assert "อ่านได้เป็นวันที่ 31 พฤศจิกายน พ.ศ. 2569" in page and "กรุณาระบุเหตุผล" in page
        assert 'value="31/11/2569"' in page and 'value="มติ ครม."' in page  # kept
        assert holidays.list_holidays(sqlite_runtime, *fy) == before  # nothing changed
        missing = b.post("/admin/holidays/add", {"add_day": "", "add_reason": "วันหยุดพิเศษ"})
        assert missing.status_code == 400 and "กรุณากรอกวันที่" in html(missing)
        already = b.post("/admin/holidays/add", {"add_day": "2026-12-10", "add_reason": "ซ้ำ"})
        assert already.status_code == 409 and "เป็นวันหยุดอยู่แล้ว" in html(already)

        ok = b.post("/admin/holidays/add", {
            "year": "2570", "add_day": "2026-12-09", "add_reason": "วันหยุดพิเศษ (ทดสอบ)",
            "add_reference": "มติคณะรัฐมนตรี 1 ธันวาคม 2569"}, follow=True)
        assert ok.status_code == 200
        page = html(ok)
        assert "คำนวณกำหนดเวลาใหม่ 3 รายการ" in page  # the complaint's three timers
        assert "วันพุธที่ 9 ธันวาคม พ.ศ. 2569" in page and "เพิ่มโดยผู้ดูแลระบบ" in page
        assert "มติคณะรัฐมนตรี 1 ธันวาคม 2569" in page
        assert {"day": "2026-12-09", "source": "added"}.items() <= next(
            d for d in holidays.list_holidays(sqlite_runtime, *fy)
            if d["day"] == "2026-12-09").items()

        b.get("/admin/holidays")
        removed = b.post("/admin/holidays/remove", {
            "remove_day": "2026-12-31", "remove_reason": "ให้มาปฏิบัติราชการ",
            "remove_reference": "หนังสือสั่งการ ที่ 1/2569"}, follow=True)
        page = html(removed)
        assert removed.status_code == 200 and "คำนวณกำหนดเวลาใหม่" in page
        assert "ถอนออกโดยผู้ดูแลระบบ: เป็นวันทำการ" in page and "ให้มาปฏิบัติราชการ" in page
        weekend = b.post("/admin/holidays/remove", {"remove_day": "2026-12-12",
                                                    "remove_reason": "เสาร์"})
        assert weekend.status_code == 409 and 'value="2026-12-12"' in html(weekend)
        assert date(2026, 12, 12).isoformat() not in [
            d["day"] for d in holidays.list_holidays(sqlite_runtime, *fy)
            if d["source"] == "removed"]


def test_calendar_page_in_english(browser):
    with clock.frozen(bkk("2026-12-04T10:00")):
        b = browser("admin")
        b.post("/language", {"lang": "en", "next": "/admin/holidays"})
        page = html(b.get("/admin/holidays"))
        assert "Thursday 10 Dec 2569 BE" in page and "fiscal year" in page.lower()
