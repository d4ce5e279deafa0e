"""A process owner tries the complaint process on the dry-run page: clicks each decision,
reads who gets each step and when it is due, starts again; axe finds nothing to fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from engine.core.config import Settings
from engine.services.admin.users import add_user
from engine.workflow.runtime import Runtime
from tests.conftest import missing
from tests.web.browser.support import Server, app_page, password_of
from tests.web.browser.test_accessibility import AXE, violations

pytestmark = pytest.mark.browser

OWNER = "tryowner"


@pytest.fixture
def owner_page(chromium: Browser, server: Server) -> Iterator[Page]:
    if not AXE.exists():
        missing("axe-core not installed: run `make assets` (npm ci in webui/)", "axe tests")
    rt = Runtime(Settings(instance_dir=Path(server.env["GOVFLOW_INSTANCE_DIR"])))
    try:
        add_user(rt, OWNER, ["process_owner"], "PLAN", password=password_of(OWNER),
                 display_name="ผู้ทดลอง ผู้ดูแลกระบวนงาน")
    finally:
        rt.close()
    # axe is injected as a script of the test's own: only this context bypasses the CSP.
    with app_page(chromium, server, bypass_csp=True) as page:
        page.goto("/signin")
        page.get_by_label("ชื่อผู้ใช้", exact=True).fill(OWNER)
        page.get_by_label("รหัสผ่าน", exact=True).fill(password_of(OWNER))
        page.get_by_role("button", name="เข้าสู่ระบบ").click()
        expect(page.get_by_text("ยินดีต้อนรับ ผู้ทดลอง ผู้ดูแลกระบวนงาน")).to_be_visible()
        yield page


def steps(page: Page):
    return page.get_by_role("table").locator("tbody tr")


def test_an_owner_walks_a_complaint_to_its_end(owner_page: Page) -> None:
    page = owner_page
    page.goto("/owner/processes/complaint")
    page.get_by_role("link", name="ทดลองเดินเรื่องกับข้อมูลตัวอย่าง (ไม่บันทึกข้อมูล ไม่ส่งอีเมล)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "ทดลองเดินเรื่อง: การจัดการเรื่องร้องเรียนการทุจริต")
    expect(steps(page)).to_have_count(1)
    expect(steps(page).first).to_contain_text("นิติกร")
    assert violations(page) == []
    page.get_by_role("button", name="รับไว้พิจารณา", exact=True).click()
    expect(steps(page)).to_have_count(5)
    expect(steps(page).nth(1)).to_contain_text("ผู้อำนวยการ สพป.")
    page.get_by_role("button", name="ให้ติดตามต่อ", exact=True).click()
    expect(steps(page)).to_have_count(7)
    page.get_by_role("button", name="เห็นชอบ", exact=True).click()
    expect(page.get_by_text("เรื่องสมมติจบกระบวนงานแล้ว")).to_be_visible()
    expect(steps(page)).to_have_count(8)
    assert violations(page) == []
    page.get_by_role("link", name="เริ่มใหม่").click()
    expect(steps(page)).to_have_count(1)
