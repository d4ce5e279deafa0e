"""The calendar page names the usual holidays it cannot date (Royal Ploughing Day after 2026),
and a banner on administrators' pages at the start of each fiscal year points to it, until an
administrator adds the day or dismisses the reminder for that year."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from engine.core import clock
from engine.core.models import AuditEvent
from engine.services.admin import calendar_gaps
from engine.thai.workdays import BANGKOK
from tests.web_client import html

pytest_plugins = ("tests.web_support",)

BANNER = "calendar-reminder"
FY_STARTS = datetime(2026, 10, 1, 9, 0, tzinfo=BANGKOK)  # ปีงบประมาณ พ.ศ. 2570 begins


def test_the_page_names_royal_ploughing_day_as_not_dated_for_2570(browser):
    with clock.frozen(FY_STARTS):
        page = html(browser("admin").get("/admin/holidays?year=2570"))
    assert "วันหยุดที่ปฏิทินยังไม่ทราบวันที่" in page
    assert 'id="gap-royal_ploughing"' in page and "ยังไม่ทราบวันที่</span>" in page
    assert "วันหยุดพิเศษตามมติคณะรัฐมนตรีอาจประกาศเพิ่มระหว่างปี" in page
    # The official name of 5 December; Children's Day (9 Jan 2570) is not a government holiday.
    assert ("วันคล้ายวันพระบรมราชสมภพ พระบาทสมเด็จพระบรมชนกาธิเบศร มหาภูมิพลอดุลยเดชมหาราช "
            "บรมนาถบพิตร วันชาติ และวันพ่อแห่งชาติ") in page
    assert "วันเด็ก" not in page and "วันเสาร์ที่ 9 มกราคม พ.ศ. 2570" not in page


def test_a_year_the_package_dates_has_no_gap(browser):
    with clock.frozen(FY_STARTS):
        page = html(browser("admin").get("/admin/holidays?year=2569"))
    assert 'id="gap-royal_ploughing"' not in page
    assert "วันพุธที่ 13 พฤษภาคม พ.ศ. 2569" in page  # วันพืชมงคล 2569, from the package


def test_the_banner_shows_to_administrators_at_the_fiscal_years_start(browser):
    with clock.frozen(FY_STARTS):
        admin = html(browser("admin").get("/inbox"))
        assert BANNER in admin
        assert "ปีงบประมาณ พ.ศ. 2570: ปฏิทินวันทำการยังไม่มีวันที่ของวันพืชมงคล" in admin
        assert 'href="/admin/holidays?year=2570#gaps-h"' in admin
        for name in ("staff", "director", "legal_head"):
            assert BANNER not in html(browser(name).get("/inbox")), name


@pytest.mark.parametrize("at", ["2026-08-15T10:00", "2027-01-04T10:00"])
def test_no_banner_outside_the_fiscal_years_start(browser, at):
    with clock.frozen(datetime.fromisoformat(at).replace(tzinfo=BANGKOK)):
        assert BANNER not in html(browser("admin").get("/inbox"))


def test_the_banner_shows_in_the_weeks_before_1_october(browser):
    with clock.frozen(datetime(2026, 9, 7, 10, 0, tzinfo=BANGKOK)):
        page = html(browser("admin").get("/inbox"))
    assert BANNER in page and "ปีงบประมาณ พ.ศ. 2570" in page


def test_dismissing_needs_a_reason_and_then_the_reminder_stops(sqlite_runtime, browser):
    with clock.frozen(FY_STARTS):
        b = browser("admin")
        b.get("/admin/holidays?year=2570")
        bad = b.post("/admin/holidays/dismiss", {"year": "2570", "usual_day": "royal_ploughing",
                                                 "dismiss_reason": ""})
        assert bad.status_code == 400 and "กรุณาระบุเหตุผล" in html(bad)
        assert calendar_gaps.reminder(sqlite_runtime, FY_STARTS.date()) is not None
        unknown = b.post("/admin/holidays/dismiss", {"year": "2570", "usual_day": "songkran",
                                                     "dismiss_reason": "x"})
        assert unknown.status_code == 400 and "royal_ploughing" in html(unknown)

        done = b.post("/admin/holidays/dismiss", {
            "year": "2570", "usual_day": "royal_ploughing",
            "dismiss_reason": "สำนักงานเปิดทำการตามหนังสือสั่งการ",
            "dismiss_reference": "หนังสือ ที่ 12/2570"}, follow=True)
        page = html(done)
        assert done.status_code == 200
        assert "จะไม่เตือนวันพืชมงคลของปีงบประมาณ พ.ศ. 2570 อีก" in page
        assert BANNER not in page
        assert "ไม่ต้องเตือนแล้ว โดย" in page and "สำนักงานเปิดทำการตามหนังสือสั่งการ" in page
        again = b.post("/admin/holidays/dismiss", {"year": "2570", "usual_day": "royal_ploughing",
                                                   "dismiss_reason": "ซ้ำ"})
        assert again.status_code == 409
    with sqlite_runtime.db.read() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "calendar_gap_dismissed")).all()
    assert len(events) == 1 and events[0].actor_name == "admin"


def test_adding_the_day_from_the_gap_answers_it(sqlite_runtime, browser):
    with clock.frozen(FY_STARTS):
        b = browser("admin")
        form = html(b.get("/admin/holidays?year=2570&add_reason=วันพืชมงคล"
                          "&add_usual_day=royal_ploughing"))
        assert 'value="วันพืชมงคล"' in form  # the link fills the add form in
        assert '<option value="royal_ploughing" selected>' in form
        added = b.post("/admin/holidays/add", {
            "year": "2570", "add_day": "10/05/2570", "add_reason": "วันพืชมงคล",
            "add_reference": "ประกาศสำนักพระราชวัง", "add_usual_day": "royal_ploughing"},
            follow=True)
        page = html(added)
        assert added.status_code == 200 and BANNER not in page
        assert "เพิ่มแล้ว: วันจันทร์ที่ 10 พฤษภาคม พ.ศ. 2570" in page
        assert "ยังไม่ทราบวันที่</span>" not in page
    assert calendar_gaps.reminder(sqlite_runtime, FY_STARTS.date()) is None


def test_only_administrators_may_dismiss(browser):
    for name in ("staff", "director"):
        b = browser(name)
        refused = b.post("/admin/holidays/dismiss", {"year": "2570",
                                                     "usual_day": "royal_ploughing",
                                                     "dismiss_reason": "x"})
        assert refused.status_code == 403


def test_the_page_and_banner_in_english(browser):
    with clock.frozen(FY_STARTS):
        b = browser("admin")
        b.post("/language", {"lang": "en", "next": "/admin/holidays"})
        page = html(b.get("/admin/holidays?year=2570"))
    assert "Fiscal year 2570 BE: the working-day calendar has no date yet for Royal Ploughing " \
           "Ceremony Day" in page
    assert "Anniversary of the Birth of King Bhumibol Adulyadej the Great, National Day and " \
           "Father&#39;s Day" in page
    assert "Usual holidays the calendar cannot date yet" in page
    assert "Cabinet special holidays" in page
