"""A clerk types Thai dates: วว/ดด/ปปปป in the Buddhist Era is read, and the case is due on
the right working day; a Buddhist-Era year typed in ISO order is refused, saying how it
was read. Debian's chromium against a real `govflow serve` (fixtures in conftest.py)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine.thai.dates import THAI_MONTHS
from engine.thai.workdays import BANGKOK, WorkingCalendar
from tests.samples import COMPLAINT
from tests.web.browser.support import (
    case_status,
    choose,
    field,
    inbox_tab,
    main_menu,
    shot,
    sign_in,
    task_row,
)

pytestmark = pytest.mark.browser

TRIAGE = "พิจารณาคัดกรองเรื่องร้องเรียนเบื้องต้น (ภายใน 3 วันทำการ)"
#: What the clerk types: 20 November 2026, in the Buddhist Era.
TYPED = "20/11/2569"
RECEIVED = date(2026, 11, 20)
#: The server takes received dates this far back, so the fixed date above stays
#: acceptable in later years (the limit itself is tested in tests/web/test_date_entry.py).
def server_env(root: Path) -> dict[str, str]:
    return {"GOVFLOW_RECEIVED_DATE_MAX_YEARS": "50"}


def long_be(day: date) -> str:
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"


def fill_intake(page: Page, subject: str, received: str) -> None:
    main_menu(page, "ลงทะเบียนเรื่องร้องเรียน")
    expect(page.get_by_role("heading", name="ลงทะเบียนรับเรื่องร้องเรียนการทุจริต")).to_be_visible()
    field(page, "เรื่อง").fill(subject)
    field(page, "ข้อเท็จจริงหรือพฤติการณ์").fill(COMPLAINT["details"])
    field(page, "ประเภทเรื่องร้องเรียน").select_option(label="ทุจริตในการจัดซื้อจัดจ้าง")
    field(page, "ชื่อผู้ถูกร้องเรียน").fill(COMPLAINT["accused_name"])
    field(page, "วันที่เกิดเหตุ").fill("๑๕/๑๐/๒๕๖๙")  # Thai digits work too
    field(page, "ชื่อผู้ร้องเรียน").fill(COMPLAINT["complainant_name"])
    choose(page, "ช่องทางที่รับเรื่อง", "หนังสือ")
    field(page, "วันที่ได้รับเรื่อง").fill(received)


def test_be_date_typed_sets_the_right_deadline(page: Page) -> None:
    subject = "ร้องเรียนการจัดซื้อ (วันที่ พ.ศ.)"
    sign_in(page, "nitikorn")
    fill_intake(page, subject, TYPED)
    received = field(page, "วันที่ได้รับเรื่อง")
    # A text input with the Thai hint: no Gregorian mm/dd/yyyy picker.
    expect(received).to_have_attribute("type", "text")
    expect(received).to_have_attribute("placeholder", "วว/ดด/ปปปป")
    expect(received).to_have_accessible_description(re.compile(r"วว/ดด/ปปปป ปี พ.ศ."))
    page.get_by_role("button", name="บันทึกและเริ่มเรื่อง").click()

    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(case_status(page)).to_contain_text("อยู่ระหว่างดำเนินการ")
    details = page.get_by_role("region", name="ข้อมูลเรื่อง")
    expect(details).to_contain_text(long_be(RECEIVED))
    expect(details).to_contain_text("15 ตุลาคม 2569")
    shot(page, "date-entry-01-case")

    # Due at 16:30 on the third working day after receipt, by the office's calendar.
    due = WorkingCalendar().add_working_days(RECEIVED, 3)
    main_menu(page, "กล่องงาน")
    inbox_tab(page, "งานที่ยังไม่มีผู้รับ")
    cells = task_row(page, subject, TRIAGE).get_by_role("cell")
    expect(cells.nth(3)).to_have_text(re.compile(long_be(RECEIVED)))
    expect(cells.nth(4)).to_contain_text(f"{long_be(due)} 16:30 น.")

    # The due filter takes the same วว/ดด/ปปปป and shows it back.
    page.get_by_label("ครบกำหนดภายในวันที่").fill(
        f"{due.day:02d}/{due.month:02d}/{due.year + 543}")
    page.get_by_role("button", name="กรอง").click()
    expect(task_row(page, subject, TRIAGE)).to_be_visible()
    expect(page.get_by_label("ครบกำหนดภายในวันที่")).to_have_value(
        f"{due.day:02d}/{due.month:02d}/{due.year + 543}")


def test_iso_with_a_be_year_is_refused_saying_how_it_was_read(page: Page) -> None:
    subject = "ร้องเรียนการจัดซื้อ (ปี พ.ศ. แบบ ISO)"
    sign_in(page, "nitikorn")
    fill_intake(page, subject, "2569-11-20")
    page.get_by_role("button", name="บันทึกและเริ่มเรื่อง").click()

    received = field(page, "วันที่ได้รับเรื่อง")
    expect(received).to_have_attribute("aria-invalid", "true")
    expect(received).to_have_value("2569-11-20")  # kept as typed, to correct
    expect(received).to_have_accessible_description(re.compile(
        r"อ่านได้เป็น 20 พฤศจิกายน 3112.*ถ้าเป็นปี พ.ศ. ให้พิมพ์ 20/11/2569"))
    shot(page, "date-entry-02-refused")
    # Nothing was filed.
    main_menu(page, "กล่องงาน")
    inbox_tab(page, "งานที่ยังไม่มีผู้รับ")
    expect(page.get_by_role("row").filter(has_text=subject)).to_have_count(0)


def test_a_received_date_in_the_future_is_refused(page: Page) -> None:
    sign_in(page, "nitikorn")
    tomorrow = datetime.now(BANGKOK).date() + timedelta(days=1)
    fill_intake(page, "ร้องเรียน (วันที่รับในอนาคต)",
                f"{tomorrow.day:02d}/{tomorrow.month:02d}/{tomorrow.year + 543}")
    page.get_by_role("button", name="บันทึกและเริ่มเรื่อง").click()
    expect(field(page, "วันที่ได้รับเรื่อง")).to_have_accessible_description(
        re.compile(r"ยังไม่ถึง"))
