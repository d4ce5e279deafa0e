"""Issue 15, point 3 in a browser: a legal officer finds a complaint filed on the website
by its tracking code and by a fragment of the accused's name, while a web administrator
finds neither (Debian's chromium, a real `govflow serve`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine.core.config import Settings
from engine.services.complaints import citizen
from engine.workflow.runtime import Runtime
from tests.samples import COMPLAINT
from tests.web.browser.support import Server, field, main_menu, shot, sign_in

pytestmark = pytest.mark.browser

ACCUSED = "นายประหยัด มัธยัสถ์ยิ่ง"
FRAGMENT = "มัธยัสถ์"


@pytest.fixture(scope="module")
def tracking_code(server: Server) -> str:
    """A complaint filed on the website, into the server's own database."""
    rt = Runtime(Settings(instance_dir=Path(server.env["GOVFLOW_INSTANCE_DIR"])))
    try:
        data = {k: v for k, v in COMPLAINT.items() if k not in ("channel", "received_at")}
        receipt = citizen.submit_complaint(rt, {**data, "accused_name": ACCUSED,
                                                "notice_acknowledged": True})
    finally:
        rt.close()
    return str(receipt["tracking_code"])


def _search_by_code(page: Page, code: str) -> None:
    main_menu(page, "ค้นหาเรื่อง")
    expect(page.get_by_role("heading", name="ค้นหาเรื่อง", exact=True)).to_be_visible()
    field(page, "รหัสติดตาม").fill(code.lower())  # as a citizen reads it out
    page.get_by_role("button", name="ค้นหา", exact=True).click()


def results(page: Page):
    return page.get_by_role("table", name="ผลการค้นหาเรื่อง")


def test_a_legal_officer_finds_the_complaint_by_code_and_by_name(
        page: Page, tracking_code: str) -> None:
    sign_in(page, "nitikorn")
    _search_by_code(page, tracking_code)
    expect(page.get_by_role("status")).to_contain_text("พบ 1 เรื่อง")
    row = results(page).get_by_role("row").filter(has_text=tracking_code)
    expect(row).to_contain_text(COMPLAINT["subject"])
    shot(page, "search-01-by-tracking-code")
    row.get_by_role("link", name=COMPLAINT["subject"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COMPLAINT["subject"])
    expect(page.get_by_role("region", name="สถานะเรื่อง")).to_contain_text(tracking_code)

    main_menu(page, "ค้นหาเรื่อง")
    field(page, "ชื่อผู้ร้องเรียนหรือผู้ถูกร้องเรียน").fill(FRAGMENT)
    page.get_by_role("button", name="ค้นหา", exact=True).click()
    # Posted: the address is the bare page, the name is in no URL.
    expect(page).to_have_url(re.compile(r"/search$"))
    row = results(page).get_by_role("row").filter(has_text=tracking_code)
    expect(row).to_contain_text(ACCUSED)
    shot(page, "search-02-by-name-fragment")


def test_a_web_administrator_finds_neither(page: Page, tracking_code: str) -> None:
    sign_in(page, "webadmin")
    _search_by_code(page, tracking_code)
    expect(page.get_by_role("status")).to_contain_text("ไม่พบเรื่อง")
    expect(page.get_by_text(tracking_code, exact=True)).to_have_count(0)
    # No name field to type in, and a name posted by hand is refused.
    expect(page.get_by_label("ชื่อผู้ร้องเรียนหรือผู้ถูกร้องเรียน")).to_have_count(0)
    token = page.locator('form.lang input[name="csrf_token"]').get_attribute("value")
    answer = page.request.post("/search", form={"csrf_token": token or "", "name": FRAGMENT})
    assert answer.status == 403
    assert ACCUSED not in answer.text()
    shot(page, "search-03-web-admin-finds-nothing")
