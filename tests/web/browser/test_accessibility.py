"""axe-core, from the npm package the Makefile installs (webui/node_modules), on every page
a person reaches: public pages, the complaint form with and without errors, the receipt,
tracking, the inbox tabs, a task, a case, escalations, process owners' and admin pages.

axe is injected by Playwright into a context that bypasses the CSP only for the test's own
script; the pages themselves load nothing from outside the app (the `page` fixture checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from engine.core.config import Settings
from engine.core.models import Publication
from engine.services.admin.users import actor_by_username, add_user
from engine.services.complaints.citizen import submit_complaint
from engine.services.inbox import instances, tasks
from engine.workflow.runtime import Runtime
from tests.conftest import missing
from tests.samples import PUBLISHING_REQUEST, SCENARIOS
from tests.web.browser.support import (
    Server,
    app_page,
    field,
    password_of,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[3] / "webui" / "node_modules" / "axe-core" / "axe.min.js"
ADMIN = "sysadmin"
OWNER = "owner"


@pytest.fixture(scope="module")
def published(server: Server) -> dict[str, Any]:
    """An admin, a process owner, a complaint in Legal Affairs' group inbox, and one
    publication on the public pages."""

    rt = Runtime(Settings(instance_dir=Path(server.env["GOVFLOW_INSTANCE_DIR"])))
    try:
        add_user(rt, ADMIN, ["admin"], "ADMIN", password=password_of(ADMIN),
                 display_name="ผู้ดูแลระบบ ทดสอบ")
        add_user(rt, OWNER, ["process_owner"], "LEGAL", password=password_of(OWNER),
                 display_name="เจ้าของกระบวนงาน ทดสอบ")
        submit_complaint(rt, {"subject": "ร้องเรียนการใช้ครุภัณฑ์ของราชการ",
                              "details": "นำเครื่องฉายภาพไปใช้ที่บ้าน",
                              "complaint_type": "procurement", "notice_acknowledged": True})
        by_role = {"director": "director", "web_admin": "webadmin", "ict_head": "icthead"}
        started = instances.start_instance(rt, actor_by_username(rt, "somsri"), "publishing",
                                           dict(PUBLISHING_REQUEST))
        for role, data in SCENARIOS["publishing_approved"][3]:
            who = actor_by_username(rt, by_role[role])
            (task,) = instances.get_instance(rt, who, started["id"])["tasks"]
            tasks.claim_task(rt, who, task["id"])
            tasks.complete_task(rt, who, task["id"], data)
        with rt.db.read() as session:
            item = session.scalar(select(Publication).where(
                Publication.instance_id == started["id"]))
            assert item is not None, "the publishing scenario published nothing"
            return {"item": item.id, "category": item.category}
    finally:
        rt.close()


@pytest.fixture
def axe_page(chromium: Browser, server: Server, published: dict[str, Any]) -> Iterator[Page]:
    if not AXE.exists():
        missing("axe-core not installed: run `make assets` (npm ci in webui/)", "axe tests")
    # axe is injected as a script of the test's own: only this context bypasses the CSP.
    with app_page(chromium, server, bypass_csp=True) as fresh:
        yield fresh


def violations(page: Page) -> list[str]:
    """axe's violations on the page as it stands, one line each: rule, impact, where."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in result["violations"]]


def assert_clean(page: Page, name: str) -> None:
    shot(page, f"axe-{name}")
    found = violations(page)
    assert not found, f"axe on {name} ({page.url}):\n" + "\n".join(found)


def test_public_pages_have_no_axe_violations(axe_page: Page, published: dict) -> None:
    page = axe_page
    for name, url in (("front", "/"), ("signin", "/signin"), ("public", "/public"),
                      ("category", f"/public/{published['category']}"),
                      ("item", f"/public/items/{published['item']}"), ("track", "/track")):
        page.goto(url)
        assert_clean(page, name)


def test_complaint_form_errors_and_receipt_have_no_axe_violations(axe_page: Page) -> None:
    page = axe_page
    page.goto("/complaint")
    assert_clean(page, "complaint")
    page.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    expect(page.locator("#errors")).to_be_visible()
    assert_clean(page, "complaint-errors")

    page.get_by_role("checkbox", name=re.compile(
        r"^ข้าพเจ้าได้อ่านและรับทราบประกาศความเป็นส่วนตัวแล้ว")).check()
    field(page, "เรื่อง").fill("ร้องเรียนการใช้รถราชการไปธุระส่วนตัว")
    field(page, "ข้อเท็จจริงหรือพฤติการณ์").fill("พบรถราชการจอดที่ตลาดนัดวันเสาร์")
    page.get_by_label(re.compile(r"^ประเภทเรื่องร้องเรียน")).select_option(index=1)
    page.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    expect(page.get_by_role("heading", name="ใบรับเรื่องร้องเรียน", level=1)).to_be_visible()
    assert_clean(page, "receipt")


def test_staff_pages_have_no_axe_violations(axe_page: Page) -> None:
    page = axe_page
    sign_in(page, "nitikorn")
    for view in ("mine", "group", "all"):
        page.goto(f"/inbox?view={view}")
        assert_clean(page, f"inbox-{view}")
    page.goto("/inbox?view=group")
    page.get_by_role("row").nth(1).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_clean(page, "task")
    page.get_by_role("link", name="ดูรายละเอียดเรื่องทั้งหมด").click()
    assert_clean(page, "case")
    page.goto("/escalations")
    assert_clean(page, "escalations")
    page.goto("/search")
    assert_clean(page, "search")
    page.get_by_label("คำในชื่อเรื่อง", exact=True).fill("ครุภัณฑ์")
    page.get_by_role("button", name="ค้นหา", exact=True).click()
    expect(page.get_by_text("ร้องเรียนการใช้ครุภัณฑ์ของราชการ")).to_be_visible()
    assert_clean(page, "search-results")
    page.goto("/my-requests")
    assert_clean(page, "my-requests")


def test_owner_and_admin_pages_have_no_axe_violations(axe_page: Page) -> None:
    page = axe_page
    for username, url, name in ((OWNER, "/owner/processes", "owner-processes"),
                                (ADMIN, "/admin/users", "admin-users")):
        page.context.clear_cookies()
        page.goto("/signin")
        page.get_by_label("ชื่อผู้ใช้", exact=True).fill(username)
        page.get_by_label("รหัสผ่าน", exact=True).fill(password_of(username))
        page.get_by_role("button", name="เข้าสู่ระบบ").click()
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_clean(page, name)
